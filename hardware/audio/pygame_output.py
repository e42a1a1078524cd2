"""``pygame`` audio: speech and earcons through pygame's mixer (SDL_mixer).

Latency choices (issue 6):

* the mixer runs at the synthesiser's own format (22050 Hz, signed 16-bit, mono), so a block
  becomes a ``Sound`` by wrapping its bytes - no conversion on the hot path - and
  ``allowedchanges=0`` makes SDL convert to whatever the hardware wants, not us;
* a small device buffer (512 frames = 23 ms at 22050 Hz) bounds both the start latency and
  how much audio is still heard after ``stop``;
* one reserved ``Channel`` for speech and one for earcons, so a cue never waits for, cuts or
  is reported as speech;
* blocks are streamed: the first is played as soon as it arrives and each later one is put in
  the channel's one-deep queue (``Channel.queue``) while its predecessor plays.

End of playback is detected by polling ``Channel.get_busy()`` every few milliseconds in the
session's feeder thread, waiting on a ``threading.Event`` so ``stop`` wakes it at once.
``Channel.set_endevent`` was rejected: it posts to pygame's event queue, which needs the
display module and belongs to whoever runs the event loop (the large-print screen of issue
5); sharing it would couple speech to the UI thread.  The poll costs nothing while idle (the
feeder thread exists only during playback) and only delays ``finished`` by <= 5 ms; ``stop``
and barge-in do not depend on it (they call ``Channel.stop`` directly).

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
"""A channel that falls idle this much sooner than its audio could have played was cut off
(``mixer.quit`` racing our lock halts every channel first): a lost device, not ``finished``."""
_SPEECH_CHANNEL = 0
_CUE_CHANNEL = 1


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
        self._cue = None
        self._lost: str | None = None
        self._sound_lock = threading.Lock()

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
            if pygame.mixer.get_num_channels() < 2:
                pygame.mixer.set_num_channels(8)
            # Keep Sound.play() elsewhere (talking-book samples, the screen) off our channels.
            pygame.mixer.set_reserved(2)
            self._speech = pygame.mixer.Channel(_SPEECH_CHANNEL)
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
                self._cue.set_volume(self._volume)

    @property
    def volume(self) -> float:
        return self._volume

    def earcon(self, audio: Audio) -> None:
        with self._lock:
            if self._opened:
                self._require_device()
                self._cue.play(self._sound(audio))
                self._cue.set_volume(self._volume)

    def _halt(self) -> None:
        if self._speech is not None and self._alive():
            self._speech.stop()

    def _pause_device(self) -> None:
        if self._alive():
            self._speech.pause()

    def _resume_device(self) -> None:
        if self._alive():
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

    def _feed(self, session: PlaybackSession) -> None:
        first = True
        began = 0.0
        seconds = 0.0  # of audio handed to the channel: it cannot go idle sooner than that
        for block in session.blocks:
            if not block.pcm:
                continue
            with self._lock:
                self._require_device()
                sound = self._sound(block)
            seconds += block.seconds
            if first:
                with self._lock:
                    if not self._is_current(session):
                        return
                    self._require_device()
                    self._speech.play(sound)
                    self._speech.set_volume(self._volume)
                    began = time.monotonic()
                session.started()
                first = False
                continue
            while True:
                with self._lock:
                    if not self._is_current(session):
                        return
                    self._require_device()
                    self._unstrand()
                    if self._speech.get_queue() is None:
                        # Plays at once if the channel ran dry while this block was made.
                        self._speech.queue(sound)
                        self._speech.set_volume(self._volume)
                        break
                session.cancelled.wait(_POLL_SECONDS)
        while True:
            with self._lock:
                if not self._is_current(session):
                    return
                self._require_device()
                self._unstrand()
                idle = not self._speech.get_busy() and self._speech.get_queue() is None
                if idle and not self._paused:
                    early = seconds - (time.monotonic() - began) if not first else 0.0
                    if early > _EARLY_END_SECONDS:
                        raise HardwareError(
                            f"pygame: the sound stopped {early:.2f} s early - the mixer was "
                            "closed under it (audio device lost)"
                        )
                    break
            session.cancelled.wait(_POLL_SECONDS)
        self._finish(session)
