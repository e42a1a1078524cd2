"""Bookkeeping shared by our ``AudioOutput`` drivers: sessions, exactly-once events, threads.

The ``AudioOutput`` contract says ``play`` returns at once, consumes ``blocks`` lazily and
reports ``started`` then exactly one of ``finished``/``stopped`` per token.  Both our drivers
(``pygame`` and ``none``) do that the same way, so it lives here once:

* each ``play`` creates a :class:`PlaybackSession` and a short-lived feeder thread that pulls
  the blocks.  A thread *per session* (rather than one long-lived thread) because pulling the
  next block may block for as long as the synthesiser takes; a newer ``play`` must not wait
  for that.  A superseded feeder notices it is no longer current and exits without touching
  the device.
* all device calls happen under one lock together with the "is this session still current?"
  check, so an old feeder can never queue audio after a newer ``play`` or ``stop``.
* listeners are never called with that lock held (a listener may call ``play`` or ``stop``);
  the exactly-once rule and the order of events are :class:`PlaybackReport`'s, the one
  place that enforces them for every layer.
* a failure in a feeder thread is told apart by where it came from: the block source (the
  synthesiser failed - the next utterance may well work) or the device (recorded, and reported
  by :meth:`StreamingOutput.device_fault` until the output is opened again, so a wrapper such
  as ``hardware.audio.fallback.FallbackOutput`` can switch to a silent output).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from typing import Literal

from hardware.errors import HardwareError
from hardware.protocols import Audio, PlaybackListener

log = logging.getLogger(__name__)

PlaybackEvent = Literal["started", "finished", "stopped"]


class BlockSourceError(Exception):
    """The iterator of blocks handed to ``play`` raised (not the device's fault)."""


class _Source:
    """Wraps the caller's block iterator so its failures are tagged as ``BlockSourceError``."""

    def __init__(self, blocks: Iterator[Audio]) -> None:
        self._blocks = blocks

    def __iter__(self) -> Iterator[Audio]:
        return self

    def __next__(self) -> Audio:
        try:
            return next(self._blocks)
        except StopIteration:
            raise
        except Exception as exc:
            raise BlockSourceError(f"{type(exc).__name__}: {exc}") from exc


Deliver = Callable[[PlaybackListener, PlaybackEvent, int], None]


def _call_listener(listener: PlaybackListener, event: PlaybackEvent, token: int) -> None:
    try:
        listener(event, token)
    except Exception:
        # A faulty listener must not kill playback for the next visitor.
        log.exception("playback listener failed on %s for token %s", event, token)


class PlaybackReport:
    """The project's one "starts at most once, ends exactly once" mechanism (issue 11).

    Every layer that reports a playback - an output's session, the fallback's relay, the
    speaker's utterance - is one of these (by inheritance), so the rule is written once:
    ``started`` is reported at most once and never after the end; ``finished``/``stopped``
    exactly once, whichever comes first; ``started`` is always delivered before the end.
    ``deliver`` decides how the listener is reached (called at once, by default, under the
    report's re-entrant lock, which is what orders the two; the speaker passes its event
    thread's ``post`` so listeners never run on an audio thread).
    """

    def __init__(
        self, token: int, listener: PlaybackListener, deliver: Deliver = _call_listener
    ) -> None:
        self.token = token
        self.listener = listener
        self._deliver = deliver
        self._report_lock = threading.RLock()
        self._started = False
        self._ended = False

    @property
    def started(self) -> bool:
        return self._started

    @property
    def ended(self) -> bool:
        return self._ended

    def start(self) -> bool:
        """Report ``started`` (once, and never after the end); True if this call did."""
        with self._report_lock:
            if self._started or self._ended:
                return False
            self._started = True
            self._on_start()
            self._deliver(self.listener, "started", self.token)
            return True

    def end(self, event: Literal["finished", "stopped"]) -> bool:
        """Report the end; returns False if it had already ended."""
        self._on_end_requested()
        with self._report_lock:
            if self._ended:
                return False
            self._ended = True
            self._on_end()
            self._deliver(self.listener, event, self.token)
            return True

    # Hooks for subclasses (called with the lock held, except the first).
    def _on_end_requested(self) -> None:
        """Before the lock: e.g. wake threads waiting on this playback."""

    def _on_start(self) -> None:
        """Just before ``started`` is delivered."""

    def _on_end(self) -> None:
        """Just before the end is delivered."""


class PlaybackSession(PlaybackReport):
    """One ``play`` call on an output: its blocks, and a flag that wakes its feeder thread."""

    def __init__(self, blocks: Iterator[Audio], token: int, listener: PlaybackListener) -> None:
        super().__init__(token, listener)
        self.blocks = blocks
        self.cancelled = threading.Event()

    def _on_end_requested(self) -> None:
        self.cancelled.set()


class StreamingOutput:
    """Base for outputs that stream a lazy iterator of blocks, one session at a time.

    Subclasses implement :meth:`_feed` (runs in the session's thread) and the device hooks
    :meth:`_halt`, :meth:`_pause_device`, :meth:`_resume_device` (called with the lock held).
    """

    _thread_name = "audio-feed"

    def __init__(self) -> None:
        # A Condition doubles as the lock and lets timed waits wake on stop/pause/resume.
        self._lock = threading.Condition()
        self._current: PlaybackSession | None = None
        self._paused = False
        self._opened = False
        self._device_error: str | None = None

    # ------------------------------------------------------------------ the contract

    def device_fault(self) -> str | None:
        """Why the device is unusable (it failed during playback), or None while it is fine.

        Cleared only by opening the output again.  Implements ``hardware.protocols.DeviceHealth``.
        """
        return self._device_error

    def play(self, blocks: Iterator[Audio], token: int, listener: PlaybackListener) -> None:
        session = PlaybackSession(_Source(iter(blocks)), token, listener)
        with self._lock:
            if not self._opened:
                raise HardwareError(f"{type(self).__name__}: play() before open()")
            old = self._current
            self._current = session
            self._paused = False
            self._halt()
            self._lock.notify_all()
        if old is not None:
            old.end("stopped")
        threading.Thread(
            target=self._feed_guarded,
            args=(session,),
            name=f"{self._thread_name}-{token}",
            daemon=True,
        ).start()

    def stop(self) -> None:
        with self._lock:
            old = self._current
            self._current = None
            self._paused = False
            if self._opened:
                self._halt()
            self._lock.notify_all()
        if old is not None:
            old.end("stopped")

    def pause(self) -> None:
        with self._lock:
            if self._current is not None and not self._paused:
                self._paused = True
                self._pause_device()
                self._lock.notify_all()

    def resume(self) -> None:
        with self._lock:
            if self._paused:
                self._paused = False
                self._resume_device()
                self._lock.notify_all()

    @property
    def paused(self) -> bool:
        return self._paused

    # ------------------------------------------------------------------ for subclasses

    def _is_current(self, session: PlaybackSession) -> bool:
        return self._current is session

    def _finish(self, session: PlaybackSession) -> None:
        """End ``session`` as ``finished`` if it is still the current one."""
        with self._lock:
            if self._current is not session:
                return
            self._current = None
            self._paused = False
        session.end("finished")

    def _feed_guarded(self, session: PlaybackSession) -> None:
        try:
            self._feed(session)
        except Exception as exc:
            # The block iterator or the device failed: the listener still hears the end.
            if isinstance(exc, BlockSourceError):
                log.warning(
                    "%s: the audio for token %s failed: %s", type(self).__name__, session.token, exc
                )
            else:
                log.exception(
                    "%s: the device failed playing token %s", type(self).__name__, session.token
                )
            with self._lock:
                if not isinstance(exc, BlockSourceError):
                    self._device_error = f"{type(exc).__name__}: {exc}"
                if self._current is session:
                    self._current = None
                    try:
                        self._halt()
                    except Exception:
                        log.debug("halting the failed device failed too", exc_info=True)
            session.end("stopped")

    def _feed(self, session: PlaybackSession) -> None:
        raise NotImplementedError

    def _halt(self) -> None:
        """Silence the device at once (lock held)."""

    def _pause_device(self) -> None:
        """Pause the device (lock held)."""

    def _resume_device(self) -> None:
        """Resume the device (lock held)."""
