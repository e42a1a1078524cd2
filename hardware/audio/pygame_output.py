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

Measured with SDL's ``dummy`` and ``disk`` drivers (SDL 2.28, pygame 2.6): both consume audio
in real time (a 1.0 s sound keeps the channel busy for ~1.01 s), so tests observe ``finished``
exactly as on a real device.
"""

from __future__ import annotations

import io
import logging
import os
import threading

from hardware.audio.pcm import to_wav
from hardware.audio.playback import PlaybackSession, StreamingOutput
from hardware.errors import HardwareError
from hardware.protocols import Audio, Option

# pygame prints a banner to standard output on import; the CLI's stdout is a contract.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

log = logging.getLogger(__name__)

_POLL_SECONDS = 0.005
_SPEECH_CHANNEL = 0
_CUE_CHANNEL = 1


class PygameOutput(StreamingOutput):
    """An ``AudioOutput`` on pygame.mixer: stop at once, live volume, pause/resume."""

    OPTIONS: tuple[Option, ...] = (
        Option("frequency", int, 22050, "mixer sample rate in Hz (eSpeak NG writes 22050)"),
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
        # The registry passes TARGET from "--audio pygame:TARGET"; treat it as the device name.
        self._device = device or (target or "")
        self._frequency = frequency
        self._buffer = buffer
        self._volume = 1.0
        self._owns_mixer = False
        self._format: tuple[int, int, int] | None = None
        self._speech = None
        self._cue = None
        self._sound_lock = threading.Lock()

    # ------------------------------------------------------------------ lifecycle

    def open(self) -> None:
        """Initialise the mixer; a missing device raises ``HardwareError`` (use ``none``)."""
        with self._lock:
            if self._opened:
                return
            import pygame

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

    # ------------------------------------------------------------------ controls

    def set_volume(self, volume: float) -> None:
        """Applies live to what is playing (and to earcons, so a volume cue sounds at it)."""
        with self._lock:
            self._volume = min(1.0, max(0.0, volume))
            if self._opened:
                self._speech.set_volume(self._volume)
                self._cue.set_volume(self._volume)

    @property
    def volume(self) -> float:
        return self._volume

    def earcon(self, audio: Audio) -> None:
        sound = self._sound(audio)
        with self._lock:
            if self._opened:
                self._cue.play(sound)
                self._cue.set_volume(self._volume)

    def _halt(self) -> None:
        if self._speech is not None:
            self._speech.stop()

    def _pause_device(self) -> None:
        self._speech.pause()

    def _resume_device(self) -> None:
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

    def _feed(self, session: PlaybackSession) -> None:
        first = True
        for block in session.blocks:
            if not block.pcm:
                continue
            sound = self._sound(block)
            if first:
                with self._lock:
                    if not self._is_current(session):
                        return
                    self._speech.play(sound)
                    self._speech.set_volume(self._volume)
                session.started()
                first = False
                continue
            while True:
                with self._lock:
                    if not self._is_current(session):
                        return
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
                if not self._paused and not self._speech.get_busy():
                    break
            session.cancelled.wait(_POLL_SECONDS)
        self._finish(session)
