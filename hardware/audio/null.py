"""``none`` audio: plays nothing, but keeps real time.

The kiosk falls back to this when there is no audio device (issue 7), and tests use it.  It
waits each block's duration, so ``started``, ``finished`` and ``stopped`` keep their meaning
and the transcript still shows what *would* have been heard and when.
"""

from __future__ import annotations

import logging
import time

from hardware.audio.playback import PlaybackSession, StreamingOutput
from hardware.protocols import Audio, Option

log = logging.getLogger(__name__)


class NullOutput(StreamingOutput):
    """An ``AudioOutput`` that is silent but honours the timing of what it is given."""

    OPTIONS: tuple[Option, ...] = (
        Option("speed", float, 1.0, "clock speed: 1.0 is real time, 10.0 ten times faster",
               minimum=0.01, maximum=1000.0),
    )

    _thread_name = "null-audio"

    def __init__(self, target: str | None = None, *, speed: float = 1.0) -> None:
        super().__init__()
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._speed = speed
        self._volume = 1.0
        self.earcons_played = 0
        """How many earcons were asked for (a test aid; nothing is heard)."""

    def open(self) -> None:
        with self._lock:
            self._opened = True
            self._device_error = None

    def close(self) -> None:
        self.stop()
        with self._lock:
            self._opened = False

    def check(self) -> str:
        """One line for ``talkcat doctor``."""
        return "no audio device: speech is timed but silent"

    def set_volume(self, volume: float) -> None:
        self._volume = min(1.0, max(0.0, volume))

    @property
    def volume(self) -> float:
        return self._volume

    def earcon(self, audio: Audio) -> None:
        self.earcons_played += 1
        log.debug("earcon of %.3f s (silent output)", audio.seconds)

    def _feed(self, session: PlaybackSession) -> None:
        first = True
        for block in session.blocks:
            with self._lock:
                if not self._is_current(session):
                    return
            if first:
                session.start()
                first = False
            if not self._play_out(session, block.seconds / self._speed):
                return
        self._finish(session)

    def _play_out(self, session: PlaybackSession, seconds: float) -> bool:
        """Wait ``seconds`` of unpaused time; False if the session was superseded."""
        remaining = seconds
        with self._lock:
            while self._is_current(session):
                if self._paused:
                    self._lock.wait()
                    continue
                if remaining <= 0:
                    return True
                began = time.monotonic()
                self._lock.wait(remaining)
                remaining -= time.monotonic() - began
        return False
