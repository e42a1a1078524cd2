"""An ``AudioOutput`` that survives its device being missing or vanishing (issue 7).

``FallbackOutput(primary_factory, fallback)`` plays through the *primary* output made by
``primary_factory`` (pygame) while it works, and through the *fallback* (``NullOutput``:
silent, but timed like real audio) while it does not, so the listener still hears ``started``,
``finished`` and ``stopped`` in real time and the transcript stays truthful.

How a lost device is noticed - any one is enough:

* opening it fails (``open`` - the device was missing at start);
* a call on it raises (``play``, ``stop``, ``pause``, ``resume``, ``set_volume``, ``earcon``);
* it ends a playback ``stopped`` that nobody asked for, and its ``device_fault()``
  (``hardware.protocols.DeviceHealth``, optional) then names a reason;
* the background thread's probe (every ``probe_interval`` s) finds ``device_fault()`` set.

Then, once per loss: an ERROR log line ("AUDIO DEVICE LOST, continuing silently: ..." or, at
start, "AUDIO UNAVAILABLE, continuing silently: ..."), ``on_fault(message)``, the broken primary
is closed, and the playback in progress is dealt with truthfully: if none of it was heard yet
(no ``started``), its blocks - including any the primary had pulled but not played - continue on
the fallback; if it had started, it ends ``stopped`` (it was cut off).  The background thread
then tries ``primary_factory()`` + ``open()`` again after ``retry_initial`` s, doubling up to
``retry_max`` s; when that works it logs at WARNING, calls ``on_recover()`` once, and the *next*
``play`` uses the device (what is playing silently is not moved mid-utterance).

Nothing here blocks the caller on the device: reopening happens only in the background thread,
and the caller's calls reach an output that has already been opened.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterator
from typing import Literal

from hardware.audio.null import NullOutput
from hardware.audio.playback import PlaybackReport
from hardware.errors import HardwareError
from hardware.protocols import Audio, AudioOutput, PlaybackListener

log = logging.getLogger(__name__)

Event = Literal["started", "finished", "stopped"]


def _quiet(*_: object) -> None:
    return None


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return text if isinstance(exc, HardwareError) and text else f"{type(exc).__name__}: {text}"


class _Relay(PlaybackReport):
    """One ``play`` through the wrapper: a ``PlaybackReport`` whose blocks can move device.

    ``output`` is the device currently pulling the blocks; events and pulls from any other
    (a primary that was given up) are ignored.  Until ``started``, every block pulled is kept
    in ``unplayed`` so that a switch to the fallback can play it again from the start.
    """

    def __init__(self, blocks: Iterator[Audio], token: int, listener: PlaybackListener) -> None:
        super().__init__(token, listener)
        self._blocks = blocks
        self._pull_lock = threading.Lock()  # one pull from the source at a time
        self._lock = self._report_lock  # state below shares the report's lock
        self.output: AudioOutput | None = None
        self.superseded = False
        self._pending: deque[Audio] = deque()
        self._unplayed: list[Audio] = []

    # ------------------------------------------------------------------ blocks

    def blocks_for(self, output: AudioOutput) -> Iterator[Audio]:
        while True:
            with self._pull_lock:
                with self._lock:
                    if self.output is not output or self.ended:
                        return
                    block = self._pending.popleft() if self._pending else None
                if block is None:
                    try:
                        block = next(self._blocks)
                    except StopIteration:
                        return
                with self._lock:
                    if self.output is not output:
                        # Pulled for a device given up meanwhile: the new one gets it, in order
                        # (anything pending was pulled before it).
                        self._pending.append(block)
                        return
                    if not self.started:
                        self._unplayed.append(block)
            yield block

    def move_to(self, output: AudioOutput) -> None:
        """Hand the not-yet-heard blocks to ``output`` (lock held by no one else's pull)."""
        with self._lock:
            self.output = output
            self._pending.extendleft(reversed(self._unplayed))
            self._unplayed.clear()

    # ------------------------------------------------------------------ events

    def _on_start(self) -> None:
        self._unplayed.clear()

    def _on_end(self) -> None:
        self._pending.clear()
        self._unplayed.clear()


class FallbackOutput:
    """An ``AudioOutput`` over a primary that may be missing or vanish, and a silent fallback.

    ``primary_factory`` makes a fresh, unopened primary (``PygameOutput``) for each attempt.
    ``fallback`` defaults to ``NullOutput()``.  ``on_fault(message)`` and ``on_recover()`` are
    called once per loss and once per return, from whichever thread noticed (never with a lock
    of ours held); they must not block.  ``sleep`` (tests) replaces the background thread's
    waits: it is called with the seconds to wait, for probes and back-offs alike.
    """

    def __init__(
        self,
        primary_factory: Callable[[], AudioOutput],
        fallback: AudioOutput | None = None,
        *,
        on_fault: Callable[[str], None] = _quiet,
        on_recover: Callable[[], None] = _quiet,
        retry_initial: float = 2.0,
        retry_max: float = 5.0,
        probe_interval: float = 1.0,
        sleep: Callable[[float], object] | None = None,
    ) -> None:
        if retry_initial <= 0 or retry_max < retry_initial or probe_interval <= 0:
            raise ValueError("need 0 < retry_initial <= retry_max and probe_interval > 0")
        self._factory = primary_factory
        self._fallback: AudioOutput = fallback if fallback is not None else NullOutput()
        self.on_fault = on_fault
        self.on_recover = on_recover
        self.retry_initial = retry_initial
        self.retry_max = retry_max
        self.probe_interval = probe_interval
        self._closing = threading.Event()
        self._sleep = sleep or self._closing.wait
        self._lock = threading.RLock()
        self._play_lock = threading.RLock()  # "is it current?" + ``output.play``, atomically
        self._swap_lock = threading.Lock()  # closing a lost primary vs opening the next one
        self._primary: AudioOutput | None = None
        self._relay: _Relay | None = None
        self._paused = False
        self._volume = 1.0
        self._opened = False
        self._thread: threading.Thread | None = None
        self._closer: threading.Thread | None = None
        self.fault: str | None = None
        """Why the primary is not in use (None while it is): for status displays and tests."""
        self.faults = 0
        self.recoveries = 0
        self.attempts = 0
        """How many times ``primary_factory`` was tried (at open and in the background)."""

    def __repr__(self) -> str:
        return f"FallbackOutput(primary={self._primary!r}, fault={self.fault!r})"

    # ------------------------------------------------------------------ state

    @property
    def primary(self) -> AudioOutput | None:
        """The working primary, or None while playing silently."""
        return self._primary

    @property
    def active(self) -> AudioOutput:
        """Where the next ``play`` goes."""
        primary = self._primary
        return primary if primary is not None else self._fallback

    @property
    def volume(self) -> float:
        return self._volume

    @property
    def paused(self) -> bool:
        return self._paused

    def device_fault(self) -> str | None:
        """The current loss, if any (this wrapper itself never stops working)."""
        return self.fault

    # ------------------------------------------------------------------ lifecycle

    def open(self) -> None:
        """Open the fallback, then try the primary; a missing primary is logged, not raised."""
        with self._lock:
            if self._opened:
                return
            self._fallback.open()
            self._fallback.set_volume(self._volume)
            self._opened = True
            self._closing.clear()
        try:
            primary = self._make_primary()
        except Exception as exc:
            self._report_fault(_describe(exc), at_start=True)
        else:
            with self._lock:
                self._primary = primary
        self._thread = threading.Thread(target=self._monitor, name="audio-fallback", daemon=True)
        self._thread.start()

    def close(self) -> None:
        with self._lock:
            if not self._opened:
                return
            self._opened = False
            self._closing.set()
            relay, self._relay = self._relay, None
            primary, self._primary = self._primary, None
        closer = self._closer
        if closer is not None:
            closer.join(5.0)
        for output in (primary, self._fallback):
            if output is not None:
                self._quietly(output, "close")
        if relay is not None:
            relay.end("stopped")
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(2.0)

    def check(self) -> str:
        """One line for ``talkcat doctor``."""
        if self._primary is not None and hasattr(self._primary, "check"):
            return str(self._primary.check())
        return f"no audio device ({self.fault}): speech is timed but silent"

    # ------------------------------------------------------------------ the contract

    def play(self, blocks: Iterator[Audio], token: int, listener: PlaybackListener) -> None:
        with self._play_lock:
            self._play(_Relay(iter(blocks), token, listener))

    def _play(self, relay: _Relay) -> None:
        with self._lock:
            if not self._opened:
                raise HardwareError("FallbackOutput: play() before open()")
            old, self._relay = self._relay, relay
            self._paused = False
            target = self.active
            relay.output = target
        if old is not None:
            old.superseded = True
            other = old.output
            if other is not None and other is not target and not old.ended:
                self._call(other, "stop")
            old.end("stopped")  # before the new one can start; the device's own is dropped
        self._start(relay, target)

    def stop(self) -> None:
        with self._lock:
            relay, self._relay = self._relay, None
            self._paused = False
            outputs = [o for o in (self._primary, self._fallback) if o is not None]
        if relay is not None:
            relay.superseded = True
        for output in outputs:
            self._call(output, "stop")
        if relay is not None:
            relay.end("stopped")

    def pause(self) -> None:
        with self._lock:
            relay = self._relay
            if relay is None or relay.ended or self._paused:
                return
            self._paused = True
            output = relay.output
        if output is not None:
            self._call(output, "pause")

    def resume(self) -> None:
        with self._lock:
            if not self._paused:
                return
            self._paused = False
            relay = self._relay
            output = relay.output if relay is not None else None
        if output is not None:
            self._call(output, "resume")

    def set_volume(self, volume: float) -> None:
        self._volume = min(1.0, max(0.0, volume))
        for output in (self._primary, self._fallback):
            if output is not None:
                self._call(output, "set_volume", self._volume)

    def earcon(self, audio: Audio) -> None:
        target = self.active
        if target is not self._fallback and self._call(target, "earcon", audio):
            return
        self._quietly(self._fallback, "earcon", audio)

    # ------------------------------------------------------------------ playing

    def _start(self, relay: _Relay, output: AudioOutput) -> None:
        """Hand ``relay`` to ``output``; on a primary that refuses, give up the primary."""

        def listener(event: Event, token: int) -> None:
            self._on_event(relay, output, event)

        try:
            output.play(relay.blocks_for(output), relay.token, listener)
        except Exception as exc:
            if output is self._fallback:
                log.exception("the silent fallback output refused to play")
                relay.end("stopped")
                return
            self._lose(output, f"play failed: {_describe(exc)}")
            return
        with self._lock:
            paused = self._paused and self._relay is relay
        if paused:
            self._call(output, "pause")

    def _on_event(self, relay: _Relay, output: AudioOutput, event: Event) -> None:
        if relay.output is not output:
            return  # from a device given up: its successor speaks for the relay now
        if event == "started":
            relay.start()
        elif event == "finished":
            relay.end("finished")
        elif relay.superseded or relay.ended:
            relay.end("stopped")
        else:
            # Nobody asked for this stop: the block source failed, or the device did.
            reason = self._fault_of(output) if output is not self._fallback else None
            if reason is None:
                relay.end("stopped")
            else:
                self._lose(output, reason)

    # ------------------------------------------------------------------ faults

    def _fault_of(self, output: AudioOutput) -> str | None:
        probe = getattr(output, "device_fault", None)
        if probe is None:
            return None
        try:
            return probe()
        except Exception as exc:
            return f"device_fault() raised {_describe(exc)}"

    def _call(self, output: AudioOutput, method: str, *args: object) -> bool:
        """Call ``output.method``; a primary that raises is given up.  True if it worked."""
        try:
            getattr(output, method)(*args)
            return True
        except Exception as exc:
            if output is self._fallback:
                log.exception("the silent fallback output failed in %s", method)
            else:
                self._lose(output, f"{method} failed: {_describe(exc)}")
            return False

    @staticmethod
    def _quietly(output: AudioOutput, method: str, *args: object) -> None:
        try:
            getattr(output, method)(*args)
        except Exception:
            log.debug("%r.%s failed", output, method, exc_info=True)

    def _lose(self, output: AudioOutput, reason: str) -> None:
        """Give up ``output`` (once, whoever notices first) and carry on silently."""
        with self._play_lock:
            with self._lock:
                was_primary = output is self._primary
                if was_primary:
                    self._primary = None
                relay = self._relay
                if relay is not None and (relay.output is not output or relay.ended):
                    relay = None
                move = relay is not None and not relay.started
                if relay is not None and move:
                    relay.move_to(self._fallback)
            if was_primary:
                # Closed aside (``pygame.mixer.quit`` may take a while): never on the caller's
                # time.  The next attempt to open a primary waits for it.
                self._closer = threading.Thread(
                    target=self._close_lost, args=(output,), name="audio-close", daemon=True
                )
                self._closer.start()
            if relay is not None and move:
                self._start(relay, self._fallback)
            elif relay is not None:
                relay.end("stopped")  # it was being heard, and was cut off
        if was_primary:
            self._report_fault(reason, at_start=False)

    def _close_lost(self, output: AudioOutput) -> None:
        with self._swap_lock:
            self._quietly(output, "close")

    def _report_fault(self, reason: str, *, at_start: bool) -> None:
        with self._lock:
            self.fault = reason
            self.faults += 1
        if at_start:
            log.error("AUDIO UNAVAILABLE, continuing silently: %s", reason)
        else:
            log.error("AUDIO DEVICE LOST, continuing silently: %s", reason)
        try:
            self.on_fault(reason)
        except Exception:
            log.exception("on_fault callback failed")

    def _make_primary(self) -> AudioOutput:
        closer = self._closer
        if closer is not None:
            closer.join(10.0)
        with self._swap_lock:
            self.attempts += 1
            primary = self._factory()
            try:
                primary.open()
                primary.set_volume(self._volume)
            except BaseException:
                self._quietly(primary, "close")
                raise
            return primary

    # ------------------------------------------------------------------ background

    def _monitor(self) -> None:
        delay = self.retry_initial
        while not self._closing.is_set():
            primary = self._primary
            if primary is not None:
                delay = self.retry_initial
                self._sleep(self.probe_interval)
                if self._closing.is_set():
                    return
                reason = self._fault_of(primary)
                if reason is not None:
                    self._lose(primary, reason)
                continue
            self._sleep(delay)
            if self._closing.is_set():
                return
            try:
                candidate = self._make_primary()
            except Exception as exc:
                log.debug("audio device still unavailable: %s", _describe(exc))
                delay = min(delay * 2, self.retry_max)
                continue
            with self._lock:
                if not self._opened:
                    keep = False
                else:
                    keep = True
                    self._primary = candidate
                    candidate_fault, self.fault = self.fault, None
                    self.recoveries += 1
            if not keep:
                self._quietly(candidate, "close")
                return
            log.warning("AUDIO DEVICE BACK, speaking aloud again (was: %s)", candidate_fault)
            try:
                self.on_recover()
            except Exception:
                log.exception("on_recover callback failed")
