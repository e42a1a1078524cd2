"""What staff hear in the browser is what visitors hear at the kiosk.

A record page's players fetch WAV files made here by the kiosk's own pipeline: the same
``kiosk.levels`` functions build the utterance (phrase templates, lexicon, per-language
segments) and the same :class:`hardware.speech.speaker.Speaker` speaks it, with the configured
engine and rate - only the audio output differs: instead of a sound card it is
:class:`CaptureOutput`, which collects the blocks as fast as they come.  So any change to how
the kiosk phrases or synthesises speech reaches the console without a line changed here.
"""

from __future__ import annotations

import io
import logging
import threading
import wave
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from hardware.errors import HardwareError
from hardware.protocols import Audio, PlaybackListener
from kiosk import levels

log = logging.getLogger(__name__)

LEVELS = (1, 2, 3)
RENDER_TIMEOUT = 60.0
CACHE_ITEMS = 64


class CaptureOutput:
    """An ``AudioOutput`` that records what it is given instead of playing it.

    Honours the contract: ``play`` returns at once, blocks are pulled in a thread of their
    own, ``started`` then exactly one of ``finished``/``stopped`` per token.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: int | None = None
        self.blocks: dict[int, list[Audio]] = {}

    def open(self) -> None:
        pass

    def play(self, blocks: Iterator[Audio], token: int, listener: PlaybackListener) -> None:
        with self._lock:
            self._current = token
            self.blocks[token] = []
        threading.Thread(
            target=self._collect, args=(blocks, token, listener), daemon=True,
            name=f"console-capture-{token}",
        ).start()

    def _collect(self, blocks: Iterator[Audio], token: int, listener: PlaybackListener) -> None:
        started = False
        try:
            for block in blocks:
                with self._lock:
                    if self._current != token:
                        break
                    self.blocks[token].append(block)
                if not started:
                    started = True
                    listener("started", token)
            else:
                listener("finished", token)
                return
        except Exception as exc:
            log.warning("speech for the console failed: %s", exc)
        listener("stopped", token)

    def stop(self) -> None:
        with self._lock:
            self._current = None

    def pause(self) -> None:
        pass

    def resume(self) -> None:
        pass

    def set_volume(self, volume: float) -> None:
        pass

    def earcon(self, audio: Audio) -> None:
        pass

    def close(self) -> None:
        self.stop()


def to_wav(blocks: list[Audio]) -> bytes:
    """Mono 16-bit PCM blocks as one WAV file (blocks of another rate are not mixed in)."""
    rate = blocks[0].sample_rate if blocks else 22050
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        for block in blocks:
            if block.sample_rate == rate:
                out.writeframes(block.pcm)
    return buffer.getvalue()


def utterance_for(
    record: Any, level: int, lang: str, *, verbose: bool = True, phrases_dir: str | None = None
) -> Any:
    """The utterance the kiosk speaks at ``level`` (1 scan, 2 "more", 3 the summary)."""
    if level == 1:
        return levels.level_one(record, lang, verbose, phrases_dir=phrases_dir)
    if level == 2:
        return levels.level_two(record, lang, phrases_dir=phrases_dir)
    if level == 3:
        return levels.level_three(record, lang, phrases_dir=phrases_dir)
    raise ValueError(f"level must be one of {LEVELS}")


class SpeechRenderer:
    """One speaker for the console; utterances rendered one at a time and kept in a cache."""

    def __init__(self, make_engine: Callable[[], Any], rate: int) -> None:
        self._make_engine = make_engine
        self._rate = rate
        self._speaker: Any = None
        self._output: CaptureOutput | None = None
        self._lock = threading.Lock()
        self._token = 0
        self._cache: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()

    def _ensure(self) -> tuple[Any, CaptureOutput]:
        if self._speaker is None:
            from hardware.speech.speaker import Speaker

            self._output = CaptureOutput()
            self._speaker = Speaker(
                self._make_engine(), self._output, rate=self._rate, volume=1.0,
                factory=self._make_engine,
            )
        assert self._output is not None
        return self._speaker, self._output

    def wav(self, utterance: Any) -> bytes:
        """The WAV of ``utterance`` as the kiosk would speak it; raises ``HardwareError``."""
        segments = tuple(utterance.spoken())
        key = (segments, self._rate)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            speaker, output = self._ensure()
            self._token += 1
            token = self._token
            done = threading.Event()
            ends: list[str] = []

            def listener(event: str, _token: int) -> None:
                if event in ("finished", "stopped"):
                    ends.append(event)
                    done.set()

            speaker.say(token, list(segments), listener)
            if not done.wait(RENDER_TIMEOUT):
                speaker.stop()
                raise HardwareError("the speech engine did not answer in time")
            blocks = output.blocks.pop(token, [])
            if ends[0] != "finished" or not blocks:
                raise HardwareError("the speech engine produced no audio for this text")
            data = to_wav(blocks)
            self._cache[key] = data
            while len(self._cache) > CACHE_ITEMS:
                self._cache.popitem(last=False)
            return data

    def close(self) -> None:
        with self._lock:
            if self._speaker is not None:
                self._speaker.close()
                self._speaker = None
