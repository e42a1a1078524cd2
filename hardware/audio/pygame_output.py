"""``pygame`` audio: speech and earcons through pygame's mixer (SDL_mixer).

Latency choices (issue 6):

* the mixer runs at the synthesiser's own format (22050 Hz, signed 16-bit, mono), so a block
  becomes a ``Sound`` by wrapping its bytes - no conversion on the hot path - and
  ``allowedchanges=0`` makes SDL convert to whatever the hardware wants, not us;
* a small device buffer (512 frames = 23 ms at 22050 Hz) bounds both the start latency and
  how much audio is still heard after ``stop``;
* two reserved channels for speech and one for earcons, so a cue never waits for, cuts
  or is reported as speech.  Speech alternates between its two: a cut-off utterance fades out
  (5 ms, ``hardware.audio.fades``) on one while the next starts on the other, and pause and
  resume fade too - no tick at a cut (issue 14).  A cue that sounds while speech plays, or
  that speech starts under, is lowered to ``CUE_UNDER_SPEECH``: it never masks the words, and
  cue plus speech stay under full scale at volume 1.0;
* blocks are streamed: the first is played as soon as it arrives and each later one is put in
  the channel's one-deep queue (``Channel.queue``) while its predecessor plays.

End of playback is detected by polling ``Channel.get_busy()`` every few milliseconds in the
session's feeder thread, waiting on a ``threading.Event`` so ``stop`` wakes it at once.
``Channel.set_endevent`` was rejected: it posts to pygame's event queue, which needs the
display module and belongs to whoever runs the event loop (the large-print screen of issue
5); sharing it would couple speech to the UI thread.  The poll costs nothing while idle (the
feeder thread exists only during playback) and only delays ``finished`` by <= 5 ms; ``stop``
and barge-in do not depend on it (they fade the channel out directly).  Whether the channel
fell idle too soon - cut off under us - is judged block by block against the device's own
consumption (``_BlockClock``), never against the wall clock over a whole utterance: a device
clock that runs a few percent fast is not a lost device (issue 14).

Device loss (issue 7): pygame segfaults when ``Channel.play``/``queue``/``get_queue`` is called
after ``pygame.mixer.quit()`` (measured, pygame 2.6.1), so every channel call is made under the
lock after checking that the mixer is still initialised; once it is not, the output is *lost*:
``device_fault`` says why, ``play`` and ``earcon`` raise ``HardwareError``, a playing session
ends ``stopped``, and the other controls do nothing.  ``hardware.audio.fallback.FallbackOutput``
turns that into "continue silently, reopen later".  Not detectable through pygame: an SDL device
that disappears while the mixer stays open (SDL 2 then keeps consuming audio in real time into
nothing) - pygame exposes no device-lost status outside its display event queue.

Measured with SDL's ``dummy`` and ``disk`` drivers (SDL 2.28, pygame 2.6): both consume audio
in real time (a 1.0 s sound keeps the channel busy for ~1.01 s), so tests observe ``finished``
exactly as on a real device.
"""

from __future__ import annotations

import io
import logging
import os
import threading
import time
from collections.abc import Iterator

from hardware.audio import fades
from hardware.audio.pcm import to_wav
from hardware.audio.playback import PlaybackSession, StreamingOutput
from hardware.errors import HardwareError
from hardware.protocols import Audio, Option, PlaybackListener

# pygame prints a banner to standard output on import; the CLI's stdout is a contract.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

log = logging.getLogger(__name__)

_POLL_SECONDS = 0.005
MIXER_LOCK = threading.RLock()
"""pygame's mixer is process-global and not safe to quit while another thread uses it (a
segfault, measured).  Every ``PygameOutput`` makes its mixer and channel calls holding this one
lock (it is their ``_lock``); other code that initialises or quits the mixer should hold it too."""
_mixer_epoch = 0
"""Bumped each time one of us initialises the mixer: ``close`` quits only its own epoch's mixer,
never one that was opened again (by the next output) after its own was lost."""
_EARLY_END_SECONDS = 0.25
"""A channel that falls idle this much sooner than its last block could have played was cut
off (``mixer.quit`` racing our lock halts every channel first): a lost device, not
``finished``.  Judged on the last block only, by :class:`_BlockClock`."""
CUE_UNDER_SPEECH = 0.3
"""Gain of a cue while speech plays (issue 14): the cue stays audible but under the voice
(cue peak 0.45 x 0.3 = 0.14 of full scale against speech peaks near 0.7, RMS about a third
of speech's), and cue plus speech stay below full scale at volume 1.0: never clipped."""
_SPEECH_CHANNELS = (0, 1)
"""Speech alternates between two channels: a cut-off utterance fades out on one while the
next starts on the other (``hardware.audio.fades``)."""
_CUE_CHANNEL = 2
_HALT_AFTER_SECONDS = 0.08
"""A faded-out channel is halted this much later: after the faded buffer has been mixed."""


class PygameOutput(StreamingOutput):
    """An ``AudioOutput`` on pygame.mixer: stop at once, live volume, pause/resume."""

    OPTIONS: tuple[Option, ...] = (
        Option("frequency", int, 22050, "mixer sample rate in Hz (eSpeak NG writes 22050)",
               minimum=8000, maximum=192000),
        Option(
            "buffer",
            int,
            512,
            "device buffer in sample frames; smaller starts and stops sooner but may crackle",
            choices=(128, 256, 512, 1024, 2048, 4096),
        ),
        Option("device", str, "", "SDL audio device name; empty for the system default"),
    )

    _thread_name = "pygame-audio"

    def __init__(
        self,
        target: str | None = None,
        *,
        frequency: int = 22050,
        buffer: int = 512,
        device: str = "",
    ) -> None:
        super().__init__()
        self._lock = threading.Condition(MIXER_LOCK)
        # The registry passes TARGET from "--audio pygame:TARGET"; treat it as the device name.
        self._device = device or (target or "")
        self._frequency = frequency
        self._buffer = buffer
        self._volume = 1.0
        self._owns_mixer = False
        self._epoch = 0
        self._format: tuple[int, int, int] | None = None
        self._speech = None
        self._speech_index = 0
        self._cue = None
        self._lost: str | None = None
        self._sound_lock = threading.Lock()
        self._cue_until = 0.0
        self._held: list[object] = []
        """Every ``Sound`` handed to a channel, until no channel refers to it (``_hold``)."""
        self.underruns = 0
        """Times speech ran dry before its next block was queued: a gap the visitor heard."""

    # ------------------------------------------------------------------ lifecycle

    def open(self) -> None:
        """Initialise the mixer; a missing device raises ``HardwareError`` (use ``none``)."""
        with self._lock:
            if self._opened and self.device_fault() is None:
                return
            import pygame

            self._opened = False
            self._lost = None
            self._device_error = None

            if pygame.mixer.get_init() is None:
                try:
                    pygame.mixer.init(
                        frequency=self._frequency,
                        size=-16,
                        channels=1,
                        buffer=self._buffer,
                        devicename=self._device or None,
                        allowedchanges=0,
                    )
                except pygame.error as exc:
                    where = f"audio device {self._device!r}" if self._device else "audio device"
                    raise HardwareError(
                        f"pygame: no usable {where} ({exc}) - check that headphones or the USB "
                        "sound card are connected, or run with --audio none"
                    ) from exc
                global _mixer_epoch
                _mixer_epoch += 1
                self._epoch = _mixer_epoch
                self._owns_mixer = True
            else:
                log.info(
                    "pygame mixer already initialised by someone else: %s", pygame.mixer.get_init()
                )
            self._format = pygame.mixer.get_init()
            if pygame.mixer.get_num_channels() < len(_SPEECH_CHANNELS) + 1:
                pygame.mixer.set_num_channels(8)
            # Keep Sound.play() elsewhere (talking-book samples, the screen) off our channels.
            pygame.mixer.set_reserved(len(_SPEECH_CHANNELS) + 1)
            self._speech_index = 0
            self._speech = pygame.mixer.Channel(_SPEECH_CHANNELS[0])
            self._cue = pygame.mixer.Channel(_CUE_CHANNEL)
            self._speech.set_volume(self._volume)
            self._cue.set_volume(self._volume)
            self._opened = True
            log.debug("pygame mixer open: %s, buffer %d", self._format, self._buffer)

    def close(self) -> None:
        self.stop()
        with self._lock:
            if not self._opened:
                return
            self._opened = False
            self._speech = self._cue = None
            self._held.clear()  # the channels are stopped: SDL no longer reads them
            if self._owns_mixer:
                import pygame

                # A lost mixer may since have been opened again by someone else: not ours.
                if (
                    self._lost is None
                    and self._epoch == _mixer_epoch
                    and pygame.mixer.get_init() is not None
                ):
                    pygame.mixer.quit()
                self._owns_mixer = False

    def check(self) -> str:
        """One line for ``talkcat doctor``; raises ``HardwareError`` when there is no device."""
        self.open()
        frequency, size, channels = self._format or (0, 0, 0)
        driver = os.environ.get("SDL_AUDIODRIVER", "default")
        return (
            f"pygame mixer {frequency} Hz, {abs(size)}-bit, {channels} channel(s), "
            f"buffer {self._buffer} frames, SDL driver {driver}"
        )

    # ------------------------------------------------------------------ device health

    def device_fault(self) -> str | None:
        """None while the mixer works; otherwise why not (``hardware.protocols.DeviceHealth``)."""
        with self._lock:
            if self._opened:
                self._alive()
            return self._lost or self._device_error

    def _alive(self) -> bool:
        """Whether channel calls are safe now (lock held); notes the loss once it is not."""
        if not self._opened or self._lost is not None:
            return False
        import pygame

        if pygame.mixer.get_init() is None:
            self._lost = "the pygame mixer is no longer initialised (audio device lost)"
            self._owns_mixer = False
            log.error("pygame: %s", self._lost)
            return False
        return True

    def _require_device(self) -> None:
        """Raise ``HardwareError`` unless channel calls are safe (lock held)."""
        if not self._alive():
            raise HardwareError(f"pygame: {self._lost or 'the audio output is not open'}")

    def play(self, blocks: Iterator[Audio], token: int, listener: PlaybackListener) -> None:
        with self._lock:
            if self._opened and not self._alive():
                raise HardwareError(f"pygame: {self._lost}")
        super().play(blocks, token, listener)

    # ------------------------------------------------------------------ controls

    def set_volume(self, volume: float) -> None:
        """Applies live to what is playing (and to earcons, so a volume cue sounds at it)."""
        with self._lock:
            self._volume = min(1.0, max(0.0, volume))
            if self._alive():
                self._speech.set_volume(self._volume)
                speaking = self._current is not None and time.monotonic() < self._cue_until
                self._cue.set_volume(self._volume * (CUE_UNDER_SPEECH if speaking else 1.0))

    @property
    def volume(self) -> float:
        return self._volume

    def earcon(self, audio: Audio) -> None:
        """A cue on its own channel; under speech it is ducked (``CUE_UNDER_SPEECH``)."""
        with self._lock:
            if self._opened:
                self._require_device()
                self._cue.play(self._hold(self._sound(audio)))
                self._cue_until = time.monotonic() + audio.seconds
                speaking = self._current is not None and not self._paused
                self._cue.set_volume(self._volume * (CUE_UNDER_SPEECH if speaking else 1.0))

    def _duck_cue(self) -> None:
        """Speech begins (lock held): a cue still sounding goes under it."""
        if time.monotonic() < self._cue_until and self._cue is not None:
            self._cue.set_volume(self._volume * CUE_UNDER_SPEECH)

    def _halt(self) -> None:
        """Fade the speech channel out (``hardware.audio.fades``) and move speech to the other
        channel; the faded one is halted once its last buffer has been mixed."""
        if self._speech is None or not self._alive():
            return
        channel = self._speech
        number = _SPEECH_CHANNELS[self._speech_index]
        if channel.get_busy() and not self._paused and self._fade(number, out=True):
            fades.silence(channel.get_queue())
            self._speech_index = (self._speech_index + 1) % len(_SPEECH_CHANNELS)
            self._speech = _channel(_SPEECH_CHANNELS[self._speech_index])
            self._speech.stop()  # whatever an older fade left there
            self._halt_later(number, self._epoch)
        else:
            channel.stop()

    def _halt_later(self, number: int, epoch: int) -> None:
        """Halt faded channel ``number`` unless speech has come back to it meanwhile (then
        the play that took it has cleared it already).  pygame hands out a new ``Channel``
        object per call: channels are told apart by number, never by identity."""

        def halt() -> None:
            with self._lock:
                current = _SPEECH_CHANNELS[self._speech_index]
                if self._alive() and self._epoch == epoch and number != current:
                    _channel(number).stop()

        timer = threading.Timer(_HALT_AFTER_SECONDS, halt)
        timer.daemon = True
        timer.start()

    def _fade(self, number: int, *, out: bool, pause: bool = False) -> bool:
        frequency, _, channels = self._format or (22050, -16, 1)
        if out:
            return fades.fade_out(number, frequency, channels, pause=pause)
        return fades.fade_in(number, frequency, channels)

    def _pause_device(self) -> None:
        """Fade out; the fade's own effect pauses the channel when it is done."""
        if self._alive():
            number = _SPEECH_CHANNELS[self._speech_index]
            if not (self._speech.get_busy() and self._fade(number, out=True, pause=True)):
                self._speech.pause()

    def _resume_device(self) -> None:
        if self._alive():
            self._fade(_SPEECH_CHANNELS[self._speech_index], out=False)
            self._speech.unpause()

    # ------------------------------------------------------------------ streaming

    def _sound(self, audio: Audio):
        import pygame

        if self._format == (audio.sample_rate, -16, 1):
            return pygame.mixer.Sound(buffer=audio.pcm)
        # Another format (a mixer someone else initialised, or an engine writing 16 kHz):
        # hand SDL_mixer a WAV and let it convert rate and channels.
        with self._sound_lock:
            return pygame.mixer.Sound(file=io.BytesIO(to_wav(audio)))

    def _hold(self, sound):  # type: ignore[no-untyped-def]
        """Keep ``sound`` referenced while a channel may still play it (lock held).

        pygame drops its own reference to a finished sound in its end-of-sound callback, on
        SDL's audio thread with the device locked; were that the last one, the ``Sound`` would
        be freed there, and its deallocation releases the GIL mid-callback, letting a
        ``Channel.queue`` from a feeder thread swap the channel's queued sound under the
        callback - a use-after-free (SIGSEGV/SIGABRT under rapid barge-in).  Holding every
        sound here until no channel refers to it any more means the last reference is always
        dropped by us, on a Python thread, under the mixer lock.
        """
        channels = [_channel(number) for number in (*_SPEECH_CHANNELS, _CUE_CHANNEL)]
        used = [c.get_sound() for c in channels] + [c.get_queue() for c in channels]
        self._held = [held for held in self._held if any(held is u for u in used)]
        self._held.append(sound)
        return sound

    def _unstrand(self) -> None:
        """Play a queued block that pygame stranded (lock held).

        pygame's end-of-sound callback (SDL's audio thread) decides "nothing queued" before it
        takes the GIL, then clears the channel's current sound.  A block queued in between is
        kept as queued behind a sound that already ended, and nothing ever plays it: the rest
        of the utterance went unheard and the early-end check below took that for a lost
        device (seen about once in 60 runs).  The stranded state - no current sound, one
        queued - is reachable only after that callback has finished, so playing the queued
        block here races with nothing.
        """
        queued = self._speech.get_queue()
        if queued is not None and self._speech.get_sound() is None:
            self._speech.play(queued)
            self._speech.set_volume(self._volume)
            if self._paused:
                self._speech.pause()

    def _ran_dry(self, blocks: int) -> None:
        """The channel fell silent before block ``blocks + 1`` was queued (lock held)."""
        self.underruns += 1
        log.info("pygame: speech ran dry before block %d (a gap was heard)", blocks + 1)

    def _feed(self, session: PlaybackSession) -> None:
        clock = _BlockClock()
        for block in session.blocks:
            if not block.pcm:
                continue
            with self._lock:
                self._require_device()
                sound = self._sound(block)
            if not clock.blocks:
                with self._lock:
                    if not self._is_current(session):
                        return
                    self._require_device()
                    self._speech.play(self._hold(sound))
                    self._speech.set_volume(self._volume)
                    self._duck_cue()
                    clock.playing(block.seconds)
                session.start()
                continue
            while True:
                with self._lock:
                    if not self._is_current(session):
                        return
                    self._require_device()
                    self._unstrand()
                    clock.observe(self._speech.get_queue() is None, self._speech.get_busy())
                    if self._speech.get_queue() is None:
                        if not self._speech.get_busy():
                            self._ran_dry(clock.blocks)
                        # Plays at once if the channel ran dry while this block was made.
                        self._speech.queue(self._hold(sound))
                        self._speech.set_volume(self._volume)
                        clock.queued(block.seconds, started=self._speech.get_queue() is None)
                        break
                session.cancelled.wait(_POLL_SECONDS)
        while True:
            with self._lock:
                if not self._is_current(session):
                    return
                self._require_device()
                self._unstrand()
                queue_empty = self._speech.get_queue() is None
                busy = self._speech.get_busy()
                clock.observe(queue_empty, busy)
                if not busy and queue_empty and not self._paused:
                    early = clock.early()
                    if early is not None:
                        raise HardwareError(
                            f"pygame: the sound stopped {early:.2f} s early - the mixer was "
                            "closed under it (audio device lost)"
                        )
                    break
            session.cancelled.wait(_POLL_SECONDS)
        self._finish(session)


def _channel(number: int):  # type: ignore[no-untyped-def]
    import pygame

    return pygame.mixer.Channel(number)


class _BlockClock:
    """When the block now playing began, judged block by block (issue 14).

    A device's clock runs a little fast or slow against the wall clock (a fraction of a
    percent on real cards, several percent on SDL's ``disk`` driver), so over a two-minute
    utterance "played sooner than its length" means nothing.  Within one block it does: a
    block that ends more than ``max(_EARLY_END_SECONDS, 10 %)`` before its length was cut off.
    Each block's start is seen when the channel's one-deep queue empties (the feeder polls
    every few milliseconds), so only the block last playing is measured against the wall
    clock, and drift cannot add up across blocks.
    """

    def __init__(self) -> None:
        self.blocks = 0
        self._start = 0.0
        self._seconds = 0.0
        self._queued: float | None = None
        self._paused_at: float | None = None

    def playing(self, seconds: float) -> None:
        self.blocks += 1
        self._start, self._seconds, self._queued = time.monotonic(), seconds, None

    def queued(self, seconds: float, *, started: bool) -> None:
        if started:
            self.playing(seconds)
        else:
            self.blocks += 1
            self._queued = seconds

    def observe(self, queue_empty: bool, busy: bool) -> None:
        """Note that the queued block has begun (the queue emptied while the channel plays)."""
        if self._queued is not None and queue_empty and busy:
            self._start, self._seconds, self._queued = time.monotonic(), self._queued, None

    def early(self) -> float | None:
        """Seconds the last block ended too soon, when that means it was cut off; else None."""
        if self._queued is not None or not self.blocks:
            return None  # the last block began and ended between two looks: nothing to judge
        early = self._seconds - (time.monotonic() - self._start)
        return early if early > max(_EARLY_END_SECONDS, 0.1 * self._seconds) else None
