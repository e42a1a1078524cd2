"""Shared helpers for the reader tests: a pseudo-terminal "device" and a fake clock.

Not a conftest so it cannot collide with the speech/audio tests' fixtures.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

from hardware.protocols import Frame, KeyPress, Reader, ReaderEvent


class Pty:
    """A pseudo-terminal pair: the test writes to ``master``, the reader opens ``name``.

    Closing the master makes ``/dev/pts/N`` vanish, as unplugging a USB reader does.
    """

    def __init__(self) -> None:
        self.master, slave = os.openpty()
        self.name = os.ttyname(slave)
        os.close(slave)
        self._lock = threading.Lock()

    def write(self, data: bytes) -> None:
        with self._lock:
            view = memoryview(data)
            while view:
                written = os.write(self.master, view)
                view = view[written:]

    def close(self) -> None:
        if self.master >= 0:
            os.close(self.master)
            self.master = -1


def wait_for(predicate: Callable[[], bool], timeout: float = 5.0, step: float = 0.01) -> bool:
    """Poll ``predicate`` on an Event wait (no bare sleep) until true or ``timeout``."""
    event = threading.Event()
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() >= deadline:
            return False
        event.wait(step)
    return True


def read_frames(reader: Reader, count: int, timeout: float = 5.0) -> list[ReaderEvent]:
    """Read until ``count`` events arrived or ``timeout`` passed."""


    events: list[ReaderEvent] = []
    deadline = time.monotonic() + timeout
    while len(events) < count and time.monotonic() < deadline:
        event = reader.read(min(0.5, max(0.0, deadline - time.monotonic())))
        if event is not None:
            events.append(event)
    return events


CONTRACT_TIMEOUT = 0.2


def check_contract(reader: Reader) -> None:
    assert isinstance(reader, Reader)
    reader.open()
    try:
        for _ in range(3):
            start = time.monotonic()
            event = reader.read(CONTRACT_TIMEOUT)
            assert time.monotonic() - start < CONTRACT_TIMEOUT + 1.0
            assert event is None or isinstance(event, (Frame, KeyPress))
            if isinstance(event, Frame):
                assert event.text == event.text.strip() and event.text
    finally:
        reader.close()
    reader.close()  # idempotent
