"""``ListReader``: frames from a list - a fake that honours the very same protocol.

Registered as the ``list`` driver, so ``talkcat run --reader list:9789129688313,key:more``
works exactly like a real reader; tests use it directly with a Python list and check the
recorded calls.  ``key:ACTION`` items become ``KeyPress`` events.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from hardware.errors import HardwareError
from hardware.framing import Shaping
from hardware.protocols import KEY_ACTIONS, Frame, KeyPress, Option, ReaderEvent


def _event(item: str | Frame | KeyPress, kind: str) -> ReaderEvent | None:
    if isinstance(item, (Frame, KeyPress)):
        return item
    text = str(item).strip()
    if not text:
        return None
    if text.startswith("key:"):
        action = text[4:].strip()
        if action not in KEY_ACTIONS:
            raise HardwareError(
                f"list reader: unknown key action {action!r}; "
                f"choose one of {', '.join(KEY_ACTIONS)}"
            )
        return KeyPress(action)
    raw = text.encode("utf-8")
    frame = Shaping(kind=kind).shape(raw, raw)  # type: ignore[arg-type]
    return frame if isinstance(frame, Frame) else None


class ListReader:
    """Returns the given events one per ``read``, then idles (``None`` after the timeout).

    ``calls`` records ``"open"`` and ``"close"`` in order; ``reads`` counts reads.
    """

    OPTIONS: tuple[Option, ...] = (
        Option("kind", str, "barcode", "kind of the frames", choices=("barcode", "rfid", "typed")),
        Option("interval", float, 0.0, "seconds between events (0: each read gets the next)",
               minimum=0.0, maximum=3600.0),
        Option("repeat", bool, False, "start again from the first item at the end"),
    )

    def __init__(
        self,
        target: str | Sequence[str | Frame | KeyPress] | None = None,
        *,
        kind: str = "barcode",
        interval: float = 0.0,
        repeat: bool = False,
    ) -> None:
        items = target.split(",") if isinstance(target, str) else list(target or [])
        self.events: list[ReaderEvent] = [e for e in (_event(i, kind) for i in items) if e]
        if interval < 0:
            raise HardwareError(f"list reader: interval must not be negative, not {interval}")
        self.interval = interval
        self.repeat = repeat
        self.calls: list[str] = []
        self.reads = 0
        self._position = 0
        self._open = False
        self._closed = threading.Event()  # wakes a waiting read when closed
        self._due = 0.0

    @property
    def is_open(self) -> bool:
        return self._open

    def open(self) -> None:
        self.calls.append("open")
        self._open = True
        self._closed.clear()
        self._due = time.monotonic() + self.interval

    def read(self, timeout: float) -> ReaderEvent | None:
        if not self._open:
            raise HardwareError("list reader: read while the reader is not open")
        self.reads += 1
        if self.repeat and self._position >= len(self.events) and self.events:
            self._position = 0
        if self._position >= len(self.events):
            self._closed.wait(max(0.0, timeout))  # nothing more to say: idle like a real reader
            return None
        wait = self._due - time.monotonic()
        if wait > 0:
            self._closed.wait(min(wait, max(0.0, timeout)))
            if wait > timeout or not self._open:
                return None
        event = self.events[self._position]
        self._position += 1
        self._due = time.monotonic() + self.interval
        return event

    def close(self) -> None:
        self.calls.append("close")
        self._open = False
        self._closed.set()
