"""``pyttsx3`` speech: eSpeak NG on Linux (SAPI5 / NSSpeech elsewhere) via pyttsx3 2.99.

How the known traps of pyttsx3 2.99 are avoided:

* **No system package.**  On Linux the eSpeak NG library shipped in the ``espeakng-loader``
  wheel is loaded with ``RTLD_GLOBAL`` *before* pyttsx3 is imported; pyttsx3 then asks for
  ``libespeak-ng.so.1`` by soname and the dynamic loader hands it the already loaded copy.
  ``ESPEAK_DATA_PATH`` points at the data of that same copy (a system library with the
  wheel's data, or the reverse, could disagree on the phoneme table format).
* **``say()`` is never used**: it plays through an ``aplay`` subprocess that cannot be
  interrupted and drops repeated calls (pyttsx3 issues #419, #440).  We use ``save_to_file``
  with an in-memory ``io.BytesIO`` (the eSpeak driver writes it with ``wave.open``, which
  accepts a file object); other drivers get a temporary file.
* **The "Audio saved to ..." print.**  The eSpeak driver prints that line on every save, and
  from eSpeak's *own* callback thread, not ours.  Redirecting ``sys.stdout`` or file
  descriptor 1 would therefore have to span another thread's lifetime and would swallow
  whatever the rest of the process writes meanwhile (the CLI's stdout is a contract).  We
  instead give the driver module its own ``print`` (a module global shadows the builtin for
  that module only) that logs at DEBUG: thread-safe, scoped to pyttsx3's driver, and a test
  with ``capfd`` catches it should a later pyttsx3 write to stdout another way.
* **Latency.**  ``runAndWait`` polls with ``time.sleep(0.01)`` until eSpeak (which runs
  asynchronously in ``AUDIO_OUTPUT_RETRIEVAL`` mode) has finished, so every call costs at
  least 10 ms even for a word that takes 0.5 ms.  With ``fast`` (the default, eSpeak only) we
  call the same driver's ``save_to_file`` and start its synthesis ourselves, then wait on the
  driver's own ``finished-utterance`` notification - the WAV is still written by pyttsx3, we
  only skip the polling loop.  That wait has a timeout; on expiry eSpeak is cancelled and
  ``HardwareError`` raised, so a wedged engine cannot block the speech worker for ever.  The
  fast path uses two private names of pyttsx3's eSpeak driver (``proxy._driver`` and
  ``_start_synthesis``); if they are missing we fall back to ``runAndWait``.
* **``runAndWait`` returns early.**  With eSpeak it returns after one 10 ms tick whether or
  not synthesis has finished, so a long text's file is still empty at that point; the
  portable path therefore also waits for the ``finished-utterance`` notification.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import io
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hardware.audio.pcm import from_wav
from hardware.errors import HardwareError
from hardware.protocols import RATE_MAX, RATE_MIN, Audio, Check, Option
from hardware.speech.text import normalise_lang

log = logging.getLogger(__name__)

MIN_RATE, MAX_RATE = RATE_MIN, RATE_MAX  # written once, in hardware.protocols
"""eSpeak's rate is words per minute: 80 is its floor, experts listen at 400+ (issue 5)."""

DEFAULT_VOICES = {"sv": ("gmq/sv", "sv"), "en": ("gmw/en", "en-gb", "gmw/en-us", "en")}
"""Preferred voice ids per language, first match wins (eSpeak NG ids, then language tags)."""

_library_lock = threading.Lock()
_library: str | None = None
_keep_alive: list[Any] = []
_callback_owner: Any = None


def load_espeak_library() -> str:
    """Load the ``espeakng-loader`` wheel's eSpeak NG globally; returns what is in use.

    Idempotent and cheap after the first call.  Only meaningful on Linux (pyttsx3 looks for
    other file names on macOS and Windows); elsewhere, or if the wheel is missing, pyttsx3
    finds a system library itself and ``"system"`` is returned.
    """
    global _library
    with _library_lock:
        if _library is not None:
            return _library
        _library = "system"
        if not sys.platform.startswith("linux"):
            return _library
        try:
            import espeakng_loader
        except ImportError:
            log.info("espeakng-loader is not installed; relying on a system libespeak-ng")
            return _library
        path = espeakng_loader.get_library_path()
        try:
            ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
        except OSError as exc:
            log.warning("could not load %s (%s); relying on a system libespeak-ng", path, exc)
            return _library
        os.environ["ESPEAK_DATA_PATH"] = espeakng_loader.get_data_path()
        _library = path
        return _library


def _set_callback_owner(driver: Any) -> None:
    global _callback_owner
    _callback_owner = driver


def _driver_print(*args: object, **kwargs: object) -> None:
    """Stands in for ``print`` inside pyttsx3's driver module (see the module docstring)."""
    log.debug("pyttsx3: %s", " ".join(str(arg) for arg in args))


class Pyttsx3Synthesizer:
    """A ``Synthesizer`` on pyttsx3.  Not thread-safe: one speech worker thread owns it.

    The pyttsx3 engine is created on first use, i.e. in the thread that owns the instance.
    """

    OPTIONS: tuple[Option, ...] = (
        Option("driver", str, "", "pyttsx3 driver (espeak, sapi5, nsss); empty: platform default"),
        Option("voice_sv", str, "", "voice id for Swedish; empty: gmq/sv or the first Swedish"),
        Option("voice_en", str, "", "voice id for English; empty: gmw/en or the first English"),
        Option("timeout", float, 4.0, "seconds one piece of text may take before it is a hang"),
        Option("fast", bool, True, "eSpeak: wait on the driver's callback, not its 10 ms poll"),
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
        self._fast = fast
        self._engine: Any = None
        self._driver: Any = None  # the pyttsx3 driver object, for the fast path
        self._espeak: Any = None  # pyttsx3's ctypes binding, for Cancel and the callback
        self._espeak_driver: Any = None
        self._voices: dict[str, str] = {}
        self._voice_list: list[Any] = []
        self._current: tuple[str, int] | None = None
        self._done = threading.Event()
        self._tempdir: tempfile.TemporaryDirectory[str] | None = None
        self.library = ""
        """The eSpeak NG library in use (path, or "system"), for ``talkcat doctor``."""

    # ------------------------------------------------------------------ engine set-up

    def _ensure_engine(self) -> Any:
        if self._engine is not None:
            return self._engine
        import pyttsx3
        from pyttsx3.engine import default_engine_by_sys_platform

        name = self._driver_name or default_engine_by_sys_platform()
        if name == "espeak":
            self.library = load_espeak_library()
        try:
            module = importlib.import_module(f"pyttsx3.drivers.{name}")
            module.print = _driver_print  # type: ignore[attr-defined]
            # A fresh Engine, not pyttsx3.init(): init() hands out one shared engine per driver.
            engine = pyttsx3.Engine(name)
        except Exception as exc:
            hint = " - is eSpeak NG available (espeakng-loader)?" if name == "espeak" else ""
            raise HardwareError(f"pyttsx3 driver {name!r} failed to start: {exc}{hint}") from exc
        # Dropping a pyttsx3 eSpeak engine runs SetSynthCallback(None) for the whole process,
        # which would silence a newer engine after a restart; eSpeak itself is never torn
        # down either, so keeping the (small) objects alive costs nothing.
        _keep_alive.append(engine)
        engine.connect("finished-utterance", self._on_finished)
        self._engine = engine
        driver = getattr(getattr(engine, "proxy", None), "_driver", None)
        if name == "espeak" and hasattr(driver, "_onSynth"):
            # The new driver has just taken eSpeak's one process-wide synth callback.
            self._espeak_driver = driver
            self._espeak = getattr(module, "_espeak", None)
            _set_callback_owner(driver)
            if self._fast and hasattr(driver, "_start_synthesis"):
                self._driver = driver
        self._voice_list = list(engine.getProperty("voices") or [])
        for lang in ("sv", "en"):
            voice = self._find_voice(lang)
            if voice:
                self._voices[lang] = voice
        log.info(
            "pyttsx3 %s ready (library %s), voices %s", name, self.library or "-", self._voices
        )
        return engine

    def _on_finished(self, name: object = None, completed: object = True) -> None:
        self._done.set()

    def _find_voice(self, lang: str) -> str:
        override = self._overrides.get(lang, "")
        ids = {str(v.id).lower(): str(v.id) for v in self._voice_list}
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
            tags = [str(tag).lower().replace("_", "-") for tag in (voice.languages or [])]
            if any(tag == lang or tag.startswith(lang + "-") for tag in tags):
                return str(voice.id)
        return ""

    def _voice_for(self, lang: str) -> str:
        code = normalise_lang(lang)
        voice = self._voices.get(code)
        if voice is None:
            voice = self._find_voice(code)
            self._voices[code] = voice
        if not voice:
            # Better the kiosk's default voice than silence for a title in, say, Tigrinya.
            voice = self._voices.get("sv") or self._voices.get("en") or ""
            log.debug("no voice for %r; using %r", lang, voice)
        return voice

    # ------------------------------------------------------------------ the contract

    def voices(self) -> Mapping[str, str]:
        self._ensure_engine()
        return {lang: voice for lang, voice in self._voices.items() if voice}

    def synthesize(self, text: str, lang: str, rate: int) -> Audio:
        """``text`` as mono 16-bit PCM (22050 Hz with eSpeak); ``rate`` in words per minute."""
        engine = self._ensure_engine()
        text = " ".join(text.split())
        if not text:
            return Audio(pcm=b"", sample_rate=22050)
        voice = self._voice_for(lang)
        rate = max(MIN_RATE, min(MAX_RATE, int(rate)))
        try:
            if self._driver is not None:
                return self._synthesize_fast(text, voice, rate)
            return self._synthesize_portable(engine, text, voice, rate)
        except Exception as exc:
            # Start from a fresh pyttsx3 engine next time: the restart of issue 7 that is
            # possible inside one process (eSpeak itself is initialised once per process).
            self._reset()
            if isinstance(exc, HardwareError):
                raise
            raise HardwareError(f"pyttsx3 failed to synthesise: {exc}") from exc

    def _reset(self) -> None:
        self._engine = None
        self._driver = None
        self._espeak_driver = None
        self._current = None

    def _claim_callback(self) -> None:
        """Point eSpeak's process-wide synth callback at our driver if another took it.

        Every pyttsx3 eSpeak driver registers its callback when it is created, so after a
        restart (or with two instances, as in tests) the newest would get our audio.
        """
        driver = self._espeak_driver
        if driver is not None and self._espeak is not None and _callback_owner is not driver:
            self._espeak.SetSynthCallback(driver._onSynth)
            _set_callback_owner(driver)

    def _synthesize_fast(self, text: str, voice: str, rate: int) -> Audio:
        driver = self._driver
        if self._current != (voice, rate):
            if voice:
                driver.setProperty("voice", voice)
            driver.setProperty("rate", rate)
            self._current = (voice, rate)
        self._claim_callback()
        buffer = io.BytesIO()
        self._done.clear()
        driver.save_to_file(text, buffer)
        driver._start_synthesis(text)
        if not self._done.wait(self._timeout):
            driver._speaking = False  # ignore whatever eSpeak still delivers for this text
            if self._espeak is not None:
                with contextlib.suppress(Exception):
                    self._espeak.Cancel()
            raise HardwareError(f"eSpeak NG did not finish within {self._timeout:g} s")
        return from_wav(buffer.getvalue())

    def _synthesize_portable(self, engine: Any, text: str, voice: str, rate: int) -> Audio:
        if self._current != (voice, rate):
            if voice:
                engine.setProperty("voice", voice)
            engine.setProperty("rate", rate)
            self._current = (voice, rate)
        self._claim_callback()
        if str(engine) == "espeak":
            target: io.BytesIO | str = io.BytesIO()
        else:
            # SAPI5 and NSSpeech need a real file name.
            if self._tempdir is None:
                self._tempdir = tempfile.TemporaryDirectory(prefix="talkcat-speech-")
            target = str(Path(self._tempdir.name) / "chunk.wav")
        self._done.clear()
        engine.save_to_file(text, target)
        engine.runAndWait()
        # pyttsx3 2.99's eSpeak loop ends after its first 10 ms tick, finished or not (the
        # queued endLoop runs before synthesis starts): a text that takes longer would come
        # back empty.  Wait for the driver's own completion notice, as the fast path does.
        if str(engine) == "espeak" and not self._done.wait(self._timeout):
            raise HardwareError(f"eSpeak NG did not finish within {self._timeout:g} s")
        if isinstance(target, io.BytesIO):
            data = target.getvalue()
        else:
            try:
                data = Path(target).read_bytes()
            except OSError as exc:
                raise HardwareError(f"pyttsx3 {engine} wrote no audio file: {exc}") from exc
        return from_wav(data)

    def check(self) -> list[Check]:
        """For ``talkcat doctor``: the engine, and a FAIL per kiosk language without a voice.

        Raises ``HardwareError`` if the engine does not start.
        """
        engine = self._ensure_engine()
        voices = ", ".join(f"{lang}={voice}" for lang, voice in self.voices().items())
        missing = [lang for lang in ("sv", "en") if not self._voices.get(lang)]
        checks = [Check("OK", f"pyttsx3 {engine} (library {self.library or 'platform'}); "
                              f"voices {voices}")]
        checks += [Check("FAIL", f"no voice for {lang}", "install eSpeak NG voice data")
                   for lang in missing]
        return checks

    def close(self) -> None:
        if self._engine is not None:
            with contextlib.suppress(Exception):
                self._engine.stop()
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None
