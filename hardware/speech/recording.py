"""``recording`` speech: a fake synthesiser that records what it was asked to say.

A registered driver like the real one (so ``talkcat run`` can use it too): every
``synthesize`` call is recorded as ``(text, lang, rate)`` and answered with silence - or a quiet
tone, so captured audio can be told from nothing - of a plausible length (one word takes
60/rate seconds, or ``seconds_per_word`` when set).  ``fail_on``/``hang_on`` inject the faults
of issue 7 so the speech watchdog can be tested through the very same configuration path.
"""

from __future__ import annotations

import array
import logging
import math
import threading
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from hardware.audio.pcm import from_samples
from hardware.errors import HardwareError
from hardware.protocols import Audio, Emit, Option

log = logging.getLogger(__name__)

_HANG_LIMIT_SECONDS = 120.0
BLOCK_SECONDS = 0.06
"""Block length of ``stream``: about what eSpeak NG hands out per callback."""


class SynthesisCall(NamedTuple):
    text: str
    lang: str
    rate: int


class RecordingSynthesizer:
    """A ``Synthesizer`` that records its calls; thread-safe reading of the record."""

    OPTIONS: tuple[Option, ...] = (
        Option("seconds_per_word", float, 0.0, "audio length per word; 0 means 60/rate",
               minimum=0.0, maximum=10.0),
        Option("sample_rate", int, 22050, "sample rate of the audio returned", minimum=8000,
               maximum=192000),
        Option("tone", bool, False, "return a quiet 440 Hz tone instead of silence"),
        Option("delay", float, 0.0, "seconds each call takes, to imitate a slow engine",
               minimum=0.0, maximum=60.0),
        Option("fail_on", str, "", "raise HardwareError when the text contains this"),
        Option("hang_on", str, "", "block (until close) when the text contains this"),
    )

    def __init__(
        self,
        target: str | None = None,
        *,
        seconds_per_word: float = 0.0,
        sample_rate: int = 22050,
        tone: bool = False,
        delay: float = 0.0,
        fail_on: str = "",
        hang_on: str = "",
    ) -> None:
        self._seconds_per_word = seconds_per_word
        self._sample_rate = sample_rate
        self._tone = tone
        self._delay = delay
        self._fail_on = fail_on
        self._hang_on = hang_on
        self._lock = threading.Lock()
        self._calls: list[SynthesisCall] = []
        self._closed = threading.Event()
        self.hung = threading.Event()
        """Set while a call is blocked by ``hang_on`` (lets a test wait for the hang)."""

    @property
    def calls(self) -> list[SynthesisCall]:
        """A copy of every call so far, in order."""
        with self._lock:
            return list(self._calls)

    @property
    def texts(self) -> list[str]:
        return [call.text for call in self.calls]

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()

    def synthesize(self, text: str, lang: str, rate: int) -> Audio:
        with self._lock:
            self._calls.append(SynthesisCall(text, lang, rate))
        if self._fail_on and self._fail_on in text:
            raise HardwareError(f"recording synthesiser: injected failure on {self._fail_on!r}")
        if self._hang_on and self._hang_on in text:
            self.hung.set()
            self._closed.wait(_HANG_LIMIT_SECONDS)
        if self._delay:
            self._closed.wait(self._delay)
        words = max(1, len(text.split()))
        return self._audio(words * self._per_word(rate))

    def stream(self, segments: Sequence[tuple[str, str]], rate: int, emit: Emit) -> None:
        """Like eSpeak's one pass: each segment recorded as a call, its audio handed on in
        ``BLOCK_SECONDS`` blocks as they are "made"; stops when ``emit`` says so."""
        for text, lang in segments:
            if self._fail_on and self._fail_on in text:
                # A real engine fails somewhere inside its pass: what came before is out.
                before = text[: text.index(self._fail_on)].split()
                made = self._audio(len(before) * self._per_word(rate))
                if before and not self._emit_all(made, emit):
                    return
            audio = self.synthesize(text, lang, rate)
            if not self._emit_all(audio, emit):
                return

    def _emit_all(self, audio: Audio, emit: Emit) -> bool:
        step = 2 * int(BLOCK_SECONDS * audio.sample_rate)
        for start in range(0, len(audio.pcm), step):
            block = Audio(pcm=audio.pcm[start : start + step], sample_rate=audio.sample_rate)
            if not emit(block):
                return False
        return True

    def _per_word(self, rate: int) -> float:
        return self._seconds_per_word or 60.0 / max(1, rate)

    def _audio(self, seconds: float) -> Audio:
        count = int(seconds * self._sample_rate)
        if not self._tone:
            return Audio(pcm=bytes(2 * count), sample_rate=self._sample_rate)
        step = 2 * math.pi * 440.0 / self._sample_rate
        data = array.array("h", (int(2000 * math.sin(step * i)) for i in range(count)))
        return from_samples(data, self._sample_rate)

    def voices(self) -> Mapping[str, str]:
        return {"sv": "recording-sv", "en": "recording-en"}

    def check(self) -> str:
        """One line for ``talkcat doctor``."""
        return "recording synthesiser (fake): records texts, returns silence"

    def close(self) -> None:
        self._closed.set()
