"""One touch, one scan: drop repeats of an identifier while the finger rests on it.

RFID finger readers report the tag in the field many times a second; some barcode readers
re-send in continuous mode.  A frame whose identifier was last seen less than ``window``
seconds ago is ignored, and the "last seen" time moves on with every repeat, so a tag held
still for a minute is still one scan while lifting and re-touching after a pause repeats it.
Each identifier has its own clock, so two books side by side in the field are announced once
each instead of alternating forever; key presses pass through untouched.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable

from hardware.framing import fingerprint
from hardware.protocols import Frame, Reader, ReaderEvent

log = logging.getLogger(__name__)

DEFAULT_WINDOW = 0.5


class DebouncedReader:
    """Wraps any ``Reader``; itself a ``Reader``."""

    def __init__(
        self,
        reader: Reader,
        window: float = DEFAULT_WINDOW,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if window < 0:
            raise ValueError(f"debounce window must not be negative, not {window}")
        self.reader = reader
        self.window = window
        self.suppressed = 0
        self._clock = clock
        self._seen: OrderedDict[tuple[str, str], float] = OrderedDict()

    def open(self) -> None:
        self._seen.clear()
        self.reader.open()

    def close(self) -> None:
        self.reader.close()

    def read(self, timeout: float) -> ReaderEvent | None:
        deadline = self._clock() + max(0.0, timeout)
        while True:
            event = self.reader.read(max(0.0, deadline - self._clock()))
            if not isinstance(event, Frame):
                return event  # None or a KeyPress
            now = self._clock()
            if not self._is_repeat(event, now):
                return event
            self.suppressed += 1
            log.debug(
                "debounce: a frame (%s) repeated within %.2f s, ignored",
                fingerprint(event.text), self.window,
            )
            if now >= deadline:
                return None

    def _is_repeat(self, frame: Frame, now: float) -> bool:
        key = (frame.kind, frame.text)
        last = self._seen.pop(key, None)
        self._seen[key] = now  # most recent at the end
        while self._seen:  # forget identifiers not seen for a window: bounded memory
            oldest_key, oldest = next(iter(self._seen.items()))
            if now - oldest < self.window:
                break
            del self._seen[oldest_key]
        return last is not None and now - last < self.window
