"""``replay:FILE`` - timed events from a text file, for demos, soak tests and field problems.

One event per line::

    # delay  event  argument
    1.5      scan   9789129688313
    0.8      key    more
    2        rfid   E004010012345678

``DELAY`` is seconds: the first counted from ``open()`` (the kiosk opens the reader and then
writes ``ready``), each later one from the previous event's scheduled time, so the script
does not drift however slowly the kiosk reads.  Blank lines and ``#`` comments are ignored.
The whole file is checked when the reader is built, before anything plays; a malformed line is
a ``HardwareError`` naming the file and line.  At the end the reader idles until closed.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hardware.errors import HardwareError
from hardware.framing import Shaping
from hardware.protocols import KEY_ACTIONS, KeyPress, Option, ReaderEvent
from hardware.readers.waiting import pause

log = logging.getLogger(__name__)

EVENT_WORDS = ("scan", "key", "rfid")


@dataclass(frozen=True)
class ScriptedEvent:
    delay: float
    event: ReaderEvent
    line: int


def parse_script(text: str, source: str) -> list[ScriptedEvent]:
    """Parse a replay script; every malformed line is reported, with its number, at once."""
    events: list[ScriptedEvent] = []
    problems: list[str] = []
    shapes = {"scan": Shaping(kind="barcode"), "rfid": Shaping(kind="rfid", symbology_ids=False)}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        parts = stripped.split(None, 2)
        if len(parts) < 3:
            problems.append(f"{source}:{number}: expected 'DELAY scan|key|rfid ARGUMENT', "
                            f"got {stripped!r}")
            continue
        delay_text, word, argument = parts
        try:
            delay = float(delay_text)
        except ValueError:
            delay = math.nan
        if not math.isfinite(delay) or delay < 0:
            problems.append(f"{source}:{number}: delay must be seconds >= 0, not {delay_text!r}")
            continue
        if word == "key":
            if argument not in KEY_ACTIONS:
                problems.append(f"{source}:{number}: unknown key action {argument!r}; "
                                f"choose one of {', '.join(KEY_ACTIONS)}")
                continue
            events.append(ScriptedEvent(delay, KeyPress(argument), number))
        elif word in shapes:
            raw = argument.encode("utf-8")
            frame = shapes[word].shape(raw, raw)
            if isinstance(frame, str):
                problems.append(f"{source}:{number}: identifier {argument!r} is {frame}")
                continue
            events.append(ScriptedEvent(delay, frame, number))
        else:
            problems.append(f"{source}:{number}: unknown event {word!r}; "
                            f"choose one of {', '.join(EVENT_WORDS)}")
    if problems:
        raise HardwareError("\n".join(problems))
    return events


class ReplayReader:
    """Plays a script in real time (or on an injected clock), then stays idle."""

    OPTIONS: tuple[Option, ...] = (
        Option("speed", float, 1.0, "playback speed: 2 plays twice as fast, 0.5 half as fast",
               minimum=0.01, maximum=1000.0),
    )

    def __init__(
        self,
        target: str | None,
        *,
        speed: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        if not target:
            raise HardwareError("replay reader: a script file is needed, e.g. replay:visit.txt")
        if not speed > 0:
            raise HardwareError(f"replay reader: speed must be positive, not {speed}")
        path = Path(target)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise HardwareError(f"replay file {target}: not found") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise HardwareError(f"replay file {target}: cannot be read: {exc}") from exc
        self.target = target
        self.events = parse_script(text, target)
        self.speed = speed
        self._clock = clock
        self._sleep = sleep
        self._closed = threading.Event()
        self._position = 0
        self._due: float | None = None  # clock time of the next event; None when not open

    def open(self) -> None:
        self._closed.clear()
        self._position = 0
        self._due = self._clock() + self._delay(0)

    def _delay(self, index: int) -> float:
        return self.events[index].delay / self.speed if index < len(self.events) else 0.0

    def _wait(self, seconds: float) -> None:
        pause(seconds, self._closed, self._sleep)

    def read(self, timeout: float) -> ReaderEvent | None:
        if self._due is None:
            raise HardwareError(f"replay file {self.target}: read while the reader is not open")
        timeout = max(0.0, timeout)
        if self._position >= len(self.events):
            self._wait(timeout)  # end of script: idle, as a reader with nothing to say
            return None
        wait = self._due - self._clock()
        if wait > timeout:
            self._wait(timeout)
            return None
        self._wait(wait)
        if self._closed.is_set():
            return None
        scripted = self.events[self._position]
        self._position += 1
        self._due += self._delay(self._position)
        log.debug("%s:%d: %s", self.target, scripted.line, type(scripted.event).__name__)
        return scripted.event

    def close(self) -> None:
        self._closed.set()
        self._due = None
