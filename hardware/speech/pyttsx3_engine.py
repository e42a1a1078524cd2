"""The ``pyttsx3`` speech driver: eSpeak NG on Linux (streamed), pyttsx3 elsewhere.

Issue 14: an utterance is synthesised in one pass and streamed - never cut into chunks that
eSpeak would each speak as a sentence of its own.  On Linux the engine is eSpeak NG from the
``espeakng-loader`` wheel, driven through :mod:`hardware.speech.backend` (the adapter that
owns every use of eSpeak's C library and of pyttsx3): :meth:`Pyttsx3Synthesizer.stream`
hands each buffer on as eSpeak produces it.  With ``driver = "sapi5"``/``"nsss"`` (Windows,
macOS) each language run is synthesised whole through pyttsx3's public API and handed on
in one block - whole-text prosody still, only the first sound comes later.

The driver keeps its registered name ``pyttsx3`` (configuration written for it stays valid)
and its options; ``fast`` no longer changes anything (streaming replaced the polling it
avoided) and is accepted so old configuration files still load.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence

from hardware.audio.pcm import from_wav
from hardware.errors import HardwareError
from hardware.protocols import RATE_MAX, RATE_MIN, Audio, Check, Emit, Option, Segment
from hardware.speech import backend
from hardware.speech.text import clean_segments, normalise_lang

log = logging.getLogger(__name__)

MIN_RATE, MAX_RATE = RATE_MIN, RATE_MAX  # written once, in hardware.protocols
"""eSpeak's rate is words per minute: 80 is its floor, experts listen at 400+ (issue 5)."""

DEFAULT_VOICES = {"sv": ("gmq/sv", "sv"), "en": ("gmw/en", "en-gb", "gmw/en-us", "en")}
"""Preferred voice ids per language, first match wins (eSpeak NG ids, then language tags)."""


def load_espeak_library() -> str:
    """Load eSpeak NG (the ``espeakng-loader`` wheel); returns the library path in use."""
    return backend.EspeakNG.instance().path


class Pyttsx3Synthesizer:
    """A streaming ``Synthesizer``.  Not thread-safe: one speech engine thread owns it."""

    OPTIONS: tuple[Option, ...] = (
        Option("driver", str, "", "pyttsx3 driver (espeak, sapi5, nsss); empty: platform default"),
        Option("voice_sv", str, "", "voice id for Swedish; empty: gmq/sv or the first Swedish"),
        Option("voice_en", str, "", "voice id for English; empty: gmw/en or the first English"),
        Option("timeout", float, 4.0, "seconds one piece of text may take before it is a hang",
               minimum=0.1, maximum=120.0),
        Option("fast", bool, True, "no effect since speech is streamed (kept for old configs)"),
    )

    def __init__(
        self,
        target: str | None = None,
        *,
        driver: str = "",
        voice_sv: str = "",
        voice_en: str = "",
        timeout: float = 4.0,
        fast: bool = True,
    ) -> None:
        self._driver_name = driver or (target or "")
        self._overrides = {"sv": voice_sv, "en": voice_en}
        self._timeout = timeout
        self._espeak: backend.EspeakNG | None = None
        self._files: backend.Pyttsx3Files | None = None
        self._voices: dict[str, str] = {}
        self._voice_list: list[backend.VoiceInfo] = []
        self._ready = False
        self._closed = threading.Event()
        self.library = ""
        """The eSpeak NG library in use (path), or the pyttsx3 driver, for ``talkcat doctor``."""

    # ------------------------------------------------------------------ engine set-up

    def _ensure_engine(self) -> None:
        if self._ready:
            return
        name = self._driver_name or backend.default_driver()
        if name == "espeak":
            try:
                self._espeak = backend.EspeakNG.instance()
            except HardwareError as exc:
                raise HardwareError(f"{exc} - is eSpeak NG available (espeakng-loader)?") from exc
            self.library = self._espeak.path
            self._voice_list = self._espeak.voices()
        else:
            self._files = backend.Pyttsx3Files(name, self._timeout)
            self.library = f"pyttsx3 {name}"
            self._voice_list = self._files.voices()
        for lang in ("sv", "en"):
            voice = self._find_voice(lang)
            if voice:
                self._voices[lang] = voice
        self._ready = True
        log.info("speech engine %s ready (%s), voices %s", name, self.library, self._voices)

    def _find_voice(self, lang: str) -> str:
        override = self._overrides.get(lang, "")
        ids = {v.identifier.lower(): v.identifier for v in self._voice_list}
        if override:
            if override.lower() not in ids:
                raise HardwareError(
                    f"pyttsx3: voice {override!r} for {lang!r} is not installed; "
                    f"see 'talkcat doctor' for the voices there are"
                )
            return ids[override.lower()]
        for preferred in DEFAULT_VOICES.get(lang, ()):
            if preferred.lower() in ids:
                return ids[preferred.lower()]
        for voice in self._voice_list:
            if voice.identifier.lower().rsplit("/", 1)[-1] == lang:
                return voice.identifier
        for voice in self._voice_list:
            if any(tag == lang or tag.startswith(lang + "-") for tag in voice.languages):
                return voice.identifier
        return ""

    def voice_for(self, lang: str) -> str:
        """The voice id for ``lang`` ("" when the engine has none: the caller falls back)."""
        self._ensure_engine()
        code = normalise_lang(lang)
        voice = self._voices.get(code)
        if voice is None:
            voice = self._find_voice(code)
            self._voices[code] = voice
        return voice

    def _voice_or_default(self, lang: str) -> str:
        voice = self.voice_for(lang)
        if not voice:
            # Better the kiosk's default voice than silence for a title in, say, Tigrinya.
            voice = self._voices.get("sv") or self._voices.get("en") or ""
            log.debug("no voice for %r; using %r", lang, voice)
        return voice

    # ------------------------------------------------------------------ the contract

    def voices(self) -> Mapping[str, str]:
        self._ensure_engine()
        return {lang: voice for lang, voice in self._voices.items() if voice}

    def stream(self, segments: Sequence[Segment], rate: int, emit: Emit) -> None:
        """Synthesise the utterance in one pass, handing each block to ``emit`` as it is made."""
        self._ensure_engine()
        rate = max(MIN_RATE, min(MAX_RATE, int(rate)))
        pieces = [(text, self._voice_or_default(lang)) for text, lang in clean_segments(segments)]
        if not pieces:
            return
        try:
            if self._espeak is not None:
                base = pieces[0][1]
                self._espeak.synthesize(
                    backend.ssml(pieces),
                    base,
                    rate,
                    lambda pcm: emit(Audio(pcm=pcm, sample_rate=backend.SAMPLE_RATE)),
                )
                return
            assert self._files is not None
            for text, voice in _runs(pieces):
                if not emit(from_wav(self._files.synthesize(text, voice, rate))):
                    return
        except HardwareError:
            raise
        except Exception as exc:
            raise HardwareError(f"speech engine failed to synthesise: {exc}") from exc

    def synthesize(self, text: str, lang: str, rate: int) -> Audio:
        """``text`` whole, as mono 16-bit PCM (22050 Hz with eSpeak); ``rate`` in words/min."""
        blocks: list[bytes] = []
        sample_rate = backend.SAMPLE_RATE

        def collect(audio: Audio) -> bool:
            nonlocal sample_rate
            sample_rate = audio.sample_rate
            blocks.append(audio.pcm)
            return True

        self.stream([Segment(text, lang)], rate, collect)
        return Audio(pcm=b"".join(blocks), sample_rate=sample_rate)

    def check(self) -> list[Check]:
        """For ``talkcat doctor``: the engine, and a FAIL per kiosk language without a voice.

        Raises ``HardwareError`` if the engine does not start.
        """
        self._ensure_engine()
        voices = ", ".join(f"{lang}={voice}" for lang, voice in self.voices().items())
        missing = [lang for lang in ("sv", "en") if not self._voices.get(lang)]
        version = f" {self._espeak.version}" if self._espeak is not None else ""
        checks = [Check("OK", f"eSpeak NG{version} (library {self.library}); voices {voices}")]
        checks += [Check("FAIL", f"no voice for {lang}", "install eSpeak NG voice data")
                   for lang in missing]
        return checks

    def close(self) -> None:
        self._closed.set()
        if self._files is not None:
            self._files.close()
            self._files = None


def _runs(pieces: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Consecutive pieces of one voice joined: each run is synthesised whole."""
    runs: list[tuple[str, str]] = []
    for text, voice in pieces:
        if runs and runs[-1][1] == voice:
            runs[-1] = (f"{runs[-1][0]} {text}", voice)
        else:
            runs.append((text, voice))
    return runs
