"""Keep a reader alive across unplugging, a port that never appeared, or a dead device.

``ReconnectingReader`` wraps any ``Reader``.  When ``open`` or ``read`` fails it closes the
reader, reports the fault once (``on_fault``, until it is over - the kiosk announces it once
to staff, not at every retry), and keeps trying to open it again with a back-off that starts
at ``initial_backoff`` and is capped at ``max_backoff`` (1 s), so a returning device is back
within about a second.  ``on_recover`` is called when a reopen succeeds after a fault.  Its
``read`` never raises for device loss: to the kiosk a missing reader is one that says nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from hardware.errors import HardwareError
from hardware.protocols import Reader, ReaderEvent
from hardware.readers.waiting import pause

log = logging.getLogger(__name__)


def _quiet(_: object = None) -> None:
    return None


class ReconnectingReader:
    """A ``Reader`` that survives its device coming and going."""

    def __init__(
        self,
        reader: Reader,
        on_fault: Callable[[str], None] = _quiet,
        on_recover: Callable[[], None] = _quiet,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None,
        initial_backoff: float = 0.1,
        max_backoff: float = 1.0,
    ) -> None:
        self.reader = reader
        self.on_fault = on_fault
        self.on_recover = on_recover
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self.fault: str | None = None  # the current fault, for status displays
        self.faults = 0  # how many times the device was lost (for logs and tests)
        self._clock = clock
        self._sleep = sleep
        self._wake = threading.Event()
        self._started = False
        self._closed = False
        self._connected = False
        self._backoff = initial_backoff
        self._next_attempt = 0.0

    def __repr__(self) -> str:
        return f"ReconnectingReader({self.reader!r})"

    @property
    def connected(self) -> bool:
        return self._connected

    def open(self) -> None:
        """Open the reader; a failure is reported as a fault and retried, never raised."""
        self._started = True
        self._closed = False
        self._wake.clear()
        self._backoff = self.initial_backoff
        self._attempt()

    def read(self, timeout: float) -> ReaderEvent | None:
        if not self._started:
            raise HardwareError(f"{self.reader!r}: read before open")
        deadline = self._clock() + max(0.0, timeout)
        while not self._closed:
            now = self._clock()
            if not self._connected:
                if now >= self._next_attempt:
                    self._attempt()
                    continue
                if now >= deadline:
                    return None
                self._wait(min(deadline, self._next_attempt) - now)
                continue
            try:
                event = self.reader.read(max(0.0, deadline - now))
            except Exception as exc:  # a plug-in's OSError is a fault too
                self._lost(exc)
                if self._clock() >= deadline:
                    return None
                continue
            self._recovered()
            return event
        return None

    def close(self) -> None:
        self._closed = True
        self._wake.set()
        if self._connected or self._started:
            self._close_inner()
        self._connected = False

    # ------------------------------------------------------------------ internals

    def _attempt(self) -> None:
        try:
            self.reader.open()
        except Exception as exc:
            self._close_inner()
            self._report(exc)
            self._next_attempt = self._clock() + self._backoff
            self._backoff = min(self._backoff * 2, self.max_backoff)
            return
        self._connected = True
        self._backoff = self.initial_backoff

    def _recovered(self) -> None:
        # "Back" only once a read has worked: a device that opens but fails every read would
        # otherwise tell staff "fault", "back", "fault", ... at every retry.
        if self.fault is not None:
            log.warning("%r: reader is back", self.reader)
            self.fault = None
            self._call(self.on_recover)

    def _lost(self, exc: BaseException) -> None:
        self._connected = False
        self.faults += 1
        self._close_inner()
        self._report(exc)
        self._next_attempt = self._clock() + self._backoff
        self._backoff = min(self._backoff * 2, self.max_backoff)

    def _report(self, exc: BaseException) -> None:
        message = str(exc) if isinstance(exc, HardwareError) else f"{type(exc).__name__}: {exc}"
        if self.fault is not None:
            log.debug("%r: still failing: %s", self.reader, message)
            return
        self.fault = message
        if isinstance(exc, HardwareError):
            log.error("%r: reader fault: %s (retrying)", self.reader, message)
        else:
            log.error("%r: reader fault (retrying)", self.reader, exc_info=exc)
        self._call(self.on_fault, message)

    def _close_inner(self) -> None:
        try:
            self.reader.close()
        except Exception as exc:  # the device may already be gone
            log.debug("%r: error while closing: %s", self.reader, exc)

    def _call(self, callback: Callable[..., None], *args: object) -> None:
        try:
            callback(*args)
        except Exception:  # a broken callback must not take the reader loop down
            log.exception("%r: fault/recover callback failed", self.reader)

    def _wait(self, seconds: float) -> None:
        pause(seconds, self._wake, self._sleep)
