"""Identifiers typed on standard input: a scanner in keyboard-wedge mode, or a person.

A wedge scanner "types" the digits and presses Enter, so each line is one frame.  Reading
happens in a daemon thread (a blocking ``readline`` cannot honour ``read(timeout)`` portably);
frames cross to the caller through a queue.  At end of input the reader simply has nothing
more to say: ``read`` returns ``None`` after its timeout, it never crashes the kiosk.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
from typing import BinaryIO, TextIO

from hardware.errors import HardwareError
from hardware.framing import (
    DEFAULT_MAX_FRAME,
    MAX_FRAME_LIMIT,
    Shaping,
    TerminatorParser,
    decode_escapes,
)
from hardware.protocols import Frame, Option

log = logging.getLogger(__name__)

_CHUNK = 4096  # readline limit: a 1 MB line arrives in bounded pieces and is discarded


class KeyboardReader:
    """Lines from standard input (or ``stream`` when built directly, e.g. in tests)."""

    OPTIONS: tuple[Option, ...] = (
        Option("kind", str, "typed", "what the lines are reported as",
               choices=("typed", "barcode")),
        Option("max_frame", int, DEFAULT_MAX_FRAME, "longer lines are discarded and logged",
               minimum=1, maximum=MAX_FRAME_LIMIT),
        Option("strip_prefix", str, "", "prefix the scanner adds, removed when present"),
        Option("strip_suffix", str, "", "suffix the scanner adds, removed when present"),
        Option("symbology_ids", bool, True, "recognise and strip AIM identifiers such as ]E0"),
    )

    def __init__(
        self,
        target: str | None = None,
        *,
        kind: str = "typed",
        max_frame: int = DEFAULT_MAX_FRAME,
        strip_prefix: str = "",
        strip_suffix: str = "",
        symbology_ids: bool = True,
        stream: BinaryIO | TextIO | None = None,
    ) -> None:
        if target not in (None, "", "-"):
            raise HardwareError(f"keyboard reader takes no target (got {target!r}); use 'keyboard'")
        self._stream = stream
        self._parser = TerminatorParser(
            "line",
            max_frame=max_frame,
            shaping=Shaping(
                strip_prefix=decode_escapes(strip_prefix),
                strip_suffix=decode_escapes(strip_suffix),
                symbology_ids=symbology_ids,
                kind=kind,  # type: ignore[arg-type]
            ),
        )
        self._frames: queue.Queue[Frame] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._open = False
        self.eof = threading.Event()

    def open(self) -> None:
        # Lines typed while the kiosk was not listening are stale: drop them.
        while not self._frames.empty():
            self._frames.get_nowait()
        self._open = True
        if self._thread is None:
            self._thread = threading.Thread(target=self._pump, name="keyboard-reader", daemon=True)
            self._thread.start()

    def read(self, timeout: float) -> Frame | None:
        if not self._open:
            raise HardwareError("keyboard: read while the reader is not open")
        try:
            return self._frames.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return None

    def close(self) -> None:
        # The pump thread may be blocked in readline; it is a daemon and simply idles on.
        self._open = False

    def _pump(self) -> None:
        stream = self._stream if self._stream is not None else sys.stdin
        binary = getattr(stream, "buffer", stream)
        try:
            while True:
                chunk = binary.readline(_CHUNK)
                if not chunk:
                    break
                if isinstance(chunk, str):
                    chunk = chunk.encode("utf-8")
                self._deliver(self._parser.feed(chunk))
            self._deliver(self._parser.feed(b"\n"))  # a last line without Enter still counts
        except (OSError, ValueError) as exc:  # stdin closed under us
            log.warning("keyboard: standard input is gone: %s", exc)
        finally:
            log.info("keyboard: end of input; the reader stays idle")
            self.eof.set()

    def _deliver(self, frames: list[Frame]) -> None:
        if self._open:
            for frame in frames:
                self._frames.put(frame)
