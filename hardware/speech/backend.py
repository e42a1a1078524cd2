"""The one module that touches eSpeak NG's C library and pyttsx3 (issue 11): an adapter.

Everything the kiosk needs of its speech engine goes through here, so when a new pyttsx3 or a
new ``espeakng-loader`` wheel changes underneath us there is one place to look, and
``tests/hardware/test_speech_backend.py`` (the contract test) says which promise broke.  The
versions it was written and tested against are in :data:`TESTED`; ``pyproject.toml`` pins
the same bounds.

Why eSpeak NG is called directly (ctypes) rather than through pyttsx3 on Linux (issue 14):
pyttsx3's eSpeak driver collects the whole utterance and writes a WAV only when eSpeak has
finished, so a caller that wants the first audio early has to cut the text into chunks - and
every chunk is then spoken as a complete sentence (falling pitch, lengthened last word, a
pause after it).  eSpeak NG itself hands out audio buffer by buffer through its synth
callback as it synthesises (pyttsx3's driver is built on that same callback).  Here eSpeak
runs in ``AUDIO_OUTPUT_SYNCHRONOUS`` mode: :meth:`EspeakNG.synthesize` runs in the calling
thread, and each buffer (about 60 ms of audio, produced in well under a millisecond) goes to
the caller's ``emit`` as it is made.  One pass per utterance: prosody is exactly that of
whole-text synthesis.  ``emit`` returning False aborts the pass at the next buffer (barge-in).

Languages: an utterance is a list of segments, each with its own language; they are sent as
one SSML document (``<voice name=...>`` per segment, text escaped so no markup can be
injected), so the voice changes inside the one pass.

pyttsx3 is still used where eSpeak NG is not the engine (SAPI5 on Windows, NSSpeechSynthesizer
on macOS): :class:`Pyttsx3Files` synthesises each piece whole through pyttsx3's public
``save_to_file``.

eSpeak NG is process-global (one voice, one callback, one output mode).  :class:`EspeakNG` is
a per-process singleton guarded by a lock; each pass re-asserts the output mode and the
callback, so a pyttsx3 engine created elsewhere in the process (it re-registers its own
callback) cannot steal our audio.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from hardware.errors import HardwareError

log = logging.getLogger(__name__)

TESTED = {"pyttsx3": "2.99", "espeakng-loader": "0.2.4", "espeak-ng": "1.52"}
"""What this adapter was tested with; pyproject.toml bounds the Python packages to these."""

SAMPLE_RATE = 22050
"""What eSpeak NG produces (it reports the rate at initialisation; checked there)."""

AMPLITUDE = 65
"""eSpeak's amplitude (its default is 100).  At 100 its peaks reach 99 % of full scale
(measured: 32523), which leaves no headroom for a cue mixed under speech at ``volume_max``
1.0; at 65 they stay near 70 % (measured 0.69 on plosive-rich Swedish), leaving room for a
ducked cue (``hardware.audio.pygame_output.CUE_UNDER_SPEECH``) without clipping."""

BUFFER_MS = 20
"""What we ask eSpeak for per callback; eSpeak NG 1.52 rounds it up to ~60 ms buffers."""

# speak_lib.h
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_ENOUTPUT_MODE_SYNCHRONOUS = 1  # espeak_ng.h: a different enum from speak_lib.h's
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_SSML = 0x10
_ENDPAUSE = 0x1000
_RATE = 1
_VOLUME = 2
_EE_OK = 0


class _Event(ctypes.Structure):
    _fields_ = (
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_void_p),
    )


class _Voice(ctypes.Structure):
    _fields_ = (
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_char_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    )


_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


@dataclass(frozen=True)
class VoiceInfo:
    """One installed eSpeak NG voice: ``identifier`` ("gmq/sv") and its language tags."""

    identifier: str
    name: str
    languages: tuple[str, ...]


Emit = Callable[[bytes], bool]
"""Receives mono 16-bit PCM at :data:`SAMPLE_RATE`; returns False to abort the pass."""


def library_path() -> tuple[str, str]:
    """The ``espeakng-loader`` wheel's library and data directory (``HardwareError`` if absent)."""
    try:
        import espeakng_loader
    except ImportError as exc:
        raise HardwareError(
            "eSpeak NG is not installed: the espeakng-loader package is missing "
            "(pip install espeakng-loader)"
        ) from exc
    return espeakng_loader.get_library_path(), espeakng_loader.get_data_path()


class EspeakNG:
    """eSpeak NG's C library, synchronous and streaming.  Use :meth:`instance`."""

    _instance: EspeakNG | None = None
    _instance_lock = threading.Lock()

    @classmethod
    def instance(cls) -> EspeakNG:
        with cls._instance_lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def __init__(self) -> None:
        path, data = library_path()
        try:
            # RTLD_GLOBAL: pyttsx3, if anything imports it, then finds this same copy by soname.
            lib = ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
        except OSError as exc:
            raise HardwareError(f"eSpeak NG library {path} could not be loaded: {exc}") from exc
        os.environ["ESPEAK_DATA_PATH"] = data
        self.path = path
        self._lib = lib
        self._bind(lib)
        # The data directory's parent: eSpeak looks for "espeak-ng-data" inside it.
        rate = lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, BUFFER_MS, os.path.dirname(data).encode(), 0
        )
        if rate != SAMPLE_RATE:
            raise HardwareError(f"eSpeak NG at {path} did not start (it answered {rate})")
        self.version = (lib.espeak_Info(None) or b"?").decode("ascii", "replace")
        self._lock = threading.Lock()
        self._emit: Emit | None = None
        self._aborted = False
        self._callback = _CALLBACK(self._on_synth)
        self._voice = ""
        self._rate = 0
        lib.espeak_SetParameter(_VOLUME, AMPLITUDE, 0)

    @staticmethod
    def _bind(lib: Any) -> None:
        """Declare the C signatures we use (speak_lib.h); a missing symbol fails here."""
        c = ctypes
        lib.espeak_Initialize.argtypes = (c.c_int, c.c_int, c.c_char_p, c.c_int)
        lib.espeak_Initialize.restype = c.c_int
        lib.espeak_Info.argtypes = (c.c_void_p,)
        lib.espeak_Info.restype = c.c_char_p
        lib.espeak_SetSynthCallback.argtypes = (_CALLBACK,)
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = (c.c_char_p,)
        lib.espeak_SetVoiceByName.restype = c.c_int
        lib.espeak_SetParameter.argtypes = (c.c_int, c.c_int, c.c_int)
        lib.espeak_SetParameter.restype = c.c_int
        lib.espeak_ListVoices.argtypes = (c.c_void_p,)
        lib.espeak_ListVoices.restype = c.POINTER(c.POINTER(_Voice))
        lib.espeak_Synth.argtypes = (
            c.c_char_p, c.c_size_t, c.c_uint, c.c_int, c.c_uint, c.c_uint,
            c.POINTER(c.c_uint), c.c_void_p,
        )  # fmt: skip
        lib.espeak_Synth.restype = c.c_int
        lib.espeak_ng_InitializeOutput.argtypes = (c.c_int, c.c_int, c.c_char_p)
        lib.espeak_ng_InitializeOutput.restype = c.c_int

    # ------------------------------------------------------------------ voices

    def voices(self) -> list[VoiceInfo]:
        """Every installed voice (the ``mb/`` MBROLA ones need data we do not ship: left out)."""
        with self._lock:
            array = self._lib.espeak_ListVoices(None)
            found: list[VoiceInfo] = []
            index = 0
            while array[index]:
                voice = array[index].contents
                index += 1
                identifier = (voice.identifier or b"").decode("utf-8", "replace")
                if identifier.startswith("mb/"):
                    continue
                found.append(
                    VoiceInfo(identifier, (voice.name or b"").decode("utf-8", "replace"),
                              _languages(voice.languages))
                )  # fmt: skip
            return found

    # ------------------------------------------------------------------ synthesis

    def synthesize(self, document: str, voice: str, rate: int, emit: Emit) -> bool:
        """Speak ``document`` (SSML, see :func:`ssml`) in one pass, streaming PCM to ``emit``.

        Runs in the calling thread until eSpeak has finished or ``emit`` returned False.
        Returns True when the pass ran to its end.
        """
        with self._lock:
            lib = self._lib
            # Re-assert what a pyttsx3 engine elsewhere in the process may have changed.
            lib.espeak_ng_InitializeOutput(_ENOUTPUT_MODE_SYNCHRONOUS, BUFFER_MS, None)
            lib.espeak_SetSynthCallback(self._callback)
            if voice and voice != self._voice:
                if lib.espeak_SetVoiceByName(voice.encode()) != _EE_OK:
                    raise HardwareError(f"eSpeak NG has no voice {voice!r}")
                self._voice = voice
                lib.espeak_SetParameter(_VOLUME, AMPLITUDE, 0)
            if rate != self._rate:
                lib.espeak_SetParameter(_RATE, rate, 0)
                self._rate = rate
            data = document.encode("utf-8")
            self._emit, self._aborted = emit, False
            try:
                status = lib.espeak_Synth(
                    data, len(data) + 1, 0, _POS_CHARACTER, 0,
                    _CHARS_UTF8 | _SSML | _ENDPAUSE, None, None,
                )  # fmt: skip
            finally:
                self._emit = None
            if status != _EE_OK and not self._aborted:
                raise HardwareError(f"eSpeak NG failed to synthesise (error {status})")
            return not self._aborted

    def _on_synth(self, wav: Any, count: int, events: Any) -> int:
        """eSpeak's callback, in the thread that called ``espeak_Synth``: 0 goes on, 1 aborts."""
        emit = self._emit
        if emit is None or self._aborted:
            return 1
        if count > 0 and wav:
            try:
                keep = emit(ctypes.string_at(wav, 2 * count))
            except BaseException:
                log.exception("speech consumer failed; aborting the pass")
                keep = False
            if not keep:
                self._aborted = True
                return 1
        return 0


def _languages(raw: bytes | None) -> tuple[str, ...]:
    """eSpeak's packed list: a priority byte, a NUL-terminated tag, repeated, then a 0 byte."""
    if not raw:
        return ()
    tags = []
    for part in raw.split(b"\x00"):
        if len(part) > 1:
            tags.append(part[1:].decode("ascii", "replace").lower())
    return tuple(tags)


def ssml(segments: Sequence[tuple[str, str]]) -> str:
    """One SSML document for ``[(text, voice id), ...]``; a run of one voice stays one element.

    The text is escaped: whatever a catalogue record contains is read, never obeyed.
    """
    parts = ["<speak>"]
    runs: list[tuple[str, list[str]]] = []
    for text, voice in segments:
        if not text:
            continue
        if runs and runs[-1][0] == voice:
            runs[-1][1].append(text)
        else:
            runs.append((voice, [text]))
    for voice, texts in runs:
        body = escape(" ".join(texts))
        parts.append(f"<voice name={quoteattr(voice)}>{body}</voice>" if voice else body)
    parts.append("</speak>")
    return " ".join(parts)


# --------------------------------------------------------------------------- pyttsx3


def _driver_print(*args: object, **kwargs: object) -> None:
    """Stands in for ``print`` inside pyttsx3's driver module, whose "Audio saved to ..." line
    would otherwise land on the CLI's standard output (a contract)."""
    log.debug("pyttsx3: %s", " ".join(str(arg) for arg in args))


class Pyttsx3Files:
    """pyttsx3's public API, for engines other than eSpeak NG (SAPI5, NSSpeechSynthesizer).

    Each piece is synthesised whole with ``save_to_file`` + ``runAndWait`` into a temporary
    WAV file, and ``finished-utterance`` is awaited (``runAndWait`` may return early).
    """

    def __init__(self, driver: str, timeout: float) -> None:
        try:
            import pyttsx3

            module = importlib.import_module(f"pyttsx3.drivers.{driver}")
            module.print = _driver_print  # type: ignore[attr-defined]
            self._engine = pyttsx3.Engine(driver)
        except Exception as exc:
            raise HardwareError(f"pyttsx3 driver {driver!r} failed to start: {exc}") from exc
        self._done = threading.Event()
        self._engine.connect("finished-utterance", lambda *a, **k: self._done.set())
        self._timeout = timeout
        self._tempdir = tempfile.TemporaryDirectory(prefix="talkcat-speech-")
        self._current: tuple[str, int] | None = None

    def voices(self) -> list[VoiceInfo]:
        found = []
        for voice in self._engine.getProperty("voices") or []:
            tags = tuple(str(t).lower().replace("_", "-") for t in (voice.languages or []))
            found.append(VoiceInfo(str(voice.id), str(voice.name), tags))
        return found

    def synthesize(self, text: str, voice: str, rate: int) -> bytes:
        """A whole WAV file's bytes for ``text``."""
        if self._current != (voice, rate):
            if voice:
                self._engine.setProperty("voice", voice)
            self._engine.setProperty("rate", rate)
            self._current = (voice, rate)
        target = str(Path(self._tempdir.name) / "piece.wav")
        self._done.clear()
        self._engine.save_to_file(text, target)
        self._engine.runAndWait()
        if not self._done.wait(self._timeout):
            raise HardwareError(f"pyttsx3 did not finish within {self._timeout:g} s")
        try:
            return Path(target).read_bytes()
        except OSError as exc:
            raise HardwareError(f"pyttsx3 wrote no audio file: {exc}") from exc

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._engine.stop()
        self._tempdir.cleanup()


def default_driver() -> str:
    """The engine for this platform: eSpeak NG on Linux, pyttsx3's default elsewhere."""
    if sys.platform.startswith("linux"):
        return "espeak"
    from pyttsx3.engine import default_engine_by_sys_platform

    return str(default_engine_by_sys_platform())


__all__ = [
    "SAMPLE_RATE",
    "TESTED",
    "EspeakNG",
    "Pyttsx3Files",
    "VoiceInfo",
    "default_driver",
    "ssml",
]
