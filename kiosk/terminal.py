"""Terminal output that catalogue data cannot take over.

Titles, rejection reasons, identifiers and log lines come from files and scanners nobody at
the terminal controls.  An ESC or OSC sequence inside one would clear the screen, rename the
window, fake a prompt or write to the clipboard (OSC 52) of the staff member or technician
reading the output; a bidi override would reorder what they read.  So everything the command
line writes to standard output and standard error passes through one filter
(:class:`EscapingStream`, installed by the root command), which shows such characters as
``\\u001b``-style escapes: readable, and valid inside JSON too.  Newline and tab pass.

Data meant for another program (``export`` to standard output) is written to the stream
underneath (:func:`unescaped`), byte for byte.
"""

from __future__ import annotations

import re
import sys
from typing import Any, TextIO

# C0 controls but tab and newline, DEL, C1 controls, and the bidi marks/overrides/isolates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    """``text`` with every character that a terminal would act on shown as an escape."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class EscapingStream:
    """A text stream that escapes control characters and passes everything else through.

    It hides the binary ``buffer`` of the stream it wraps, so nothing (click looks for it)
    can step round the filter by accident.
    """

    buffer = None

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    @property
    def wrapped(self) -> TextIO:
        return self._stream

    def write(self, text: str) -> int:
        self._stream.write(escape_controls(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def install() -> None:
    """Route ``sys.stdout`` and ``sys.stderr`` through :class:`EscapingStream` (once)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, EscapingStream):
            setattr(sys, name, EscapingStream(stream))


def unescaped(stream: TextIO) -> TextIO:
    """The real stream under the filter, for data that another program will read."""
    return stream.wrapped if isinstance(stream, EscapingStream) else stream
