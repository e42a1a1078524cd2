"""What travels from the reader thread to the kiosk loop, and the bounded queue it travels in."""

from __future__ import annotations

import logging
import math
import queue
from dataclasses import dataclass
from typing import Any

from hardware.protocols import Frame, KeyPress
from kiosk.keypad import KeypadResult

log = logging.getLogger(__name__)


@dataclass
class Marker:
    """A note from the reader thread: ``ready``, ``fault`` (with detail) or ``recovered``."""

    name: str
    detail: str = ""


class EventQueue(queue.Queue[Any]):
    """The reader -> loop hand-over, bounded so a flooding reader cannot grow memory.

    ``put`` never blocks: the reader thread must keep draining the device, or the OS buffer
    would fill instead.  When ``limit`` events are already waiting the loop has fallen
    behind, and the oldest waiting scan is dropped - for a visitor the newest scan is the one
    that matters (a new scan cuts the old one off anyway).  Markers (ready, fault,
    recovered) are never dropped; key presses only when no scan is left to drop.
    """

    def __init__(self, limit: int = 64) -> None:
        super().__init__()
        self.limit = limit
        self.dropped = 0
        self.high_water = 0
        """The most events ever waiting at once (for tests and status)."""

    def _put(self, item: Any) -> None:  # called by put() with the queue's lock held
        waiting = self.queue
        if len(waiting) >= self.limit:
            self._drop_one()
        waiting.append(item)
        self.high_water = max(self.high_water, len(waiting))

    def _drop_one(self) -> None:
        for kinds in ((Frame,), (KeyPress, KeypadResult)):
            for index, old in enumerate(self.queue):
                if isinstance(old, kinds):
                    del self.queue[index]
                    self.dropped += 1
                    if math.log10(self.dropped).is_integer():  # 1, 10, 100...: not a flood
                        log.warning("reader flood: %d waiting events dropped, newest kept",
                                    self.dropped)
                    return
