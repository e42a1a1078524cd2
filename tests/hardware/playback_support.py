"""A playback listener for tests: records ``(event, token)`` and lets a test wait on it."""

from __future__ import annotations

import array
import math
import threading
import time
from collections.abc import Iterator

from hardware.audio.pcm import from_samples
from hardware.protocols import Audio

WAIT = 10.0


class Events:
    """Passed as the ``listener`` of ``Speaker.say`` or ``AudioOutput.play``; never sleeps."""

    def __init__(self) -> None:
        self.items: list[tuple[str, int]] = []
        self.times: list[float] = []
        self._cond = threading.Condition()

    def __call__(self, event: str, token: int) -> None:
        with self._cond:
            self.items.append((event, token))
            self.times.append(time.monotonic())
            self._cond.notify_all()

    def wait_for(self, *wanted: tuple[str, int], timeout: float = WAIT) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: all(w in self.items for w in wanted), timeout)

    def wait_for_end(self, token: int, timeout: float = WAIT) -> bool:
        """Until ``token`` finished or was stopped, whichever comes."""
        ends = {("finished", token), ("stopped", token)}
        with self._cond:
            return self._cond.wait_for(lambda: bool(ends & set(self.items)), timeout)

    def of(self, token: int) -> list[str]:
        with self._cond:
            return [event for event, t in self.items if t == token]


RATE = 22050


def tone(seconds: float, frequency: float = 440.0, level: int = 8000) -> Audio:
    step = 2 * math.pi * frequency / RATE
    data = array.array("h", (int(level * math.sin(step * i)) for i in range(int(seconds * RATE))))
    return from_samples(data, RATE)


def blocks_of(*parts: Audio) -> Iterator[Audio]:
    yield from parts
