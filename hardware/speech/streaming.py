"""The speaker's moving parts: its engine thread, event thread and block stream.

Split from ``hardware.speech.speaker`` (which explains the threads and why) so each module
stays small; nothing here is used outside the speaker.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any, Literal

from hardware.audio.playback import PlaybackReport
from hardware.errors import HardwareError
from hardware.protocols import Audio, PlaybackListener, Segment, Synthesizer

log = logging.getLogger(__name__)

LOOKAHEAD_SECONDS = 1.5
"""Audio synthesised ahead of the output at most; bounds memory for a long summary."""
BLOCK_SECONDS = 0.5
"""Largest block handed to the output: what the engine made meanwhile, joined (fewer queue
hand-offs) but short enough that the output judges the end of speech block by block."""


class SynthesisFailed(HardwareError):
    """The synthesiser raised, or did not answer before the watchdog deadline."""


class _EngineHung(SynthesisFailed):
    pass


class _EventThread:
    """Calls listeners in the order events were posted, from one thread."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[PlaybackListener, str, int] | None] = (
            queue.SimpleQueue()
        )
        self._thread = threading.Thread(target=self._run, name="speech-events", daemon=True)
        self._thread.start()

    def post(self, listener: PlaybackListener, event: str, token: int) -> None:
        self._queue.put((listener, event, token))

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            listener, event, token = item
            try:
                listener(event, token)  # type: ignore[arg-type]
            except Exception:
                log.exception("speech listener failed on %s for token %s", event, token)

    def close(self, timeout: float) -> None:
        self._queue.put(None)
        self._thread.join(timeout)


class _Utterance(PlaybackReport):
    """One ``say``: a ``PlaybackReport`` delivered through the speaker's event thread."""

    def __init__(
        self, token: int, listener: PlaybackListener, generation: int, events: _EventThread
    ) -> None:
        super().__init__(token, listener, lambda lst, event, tok: events.post(lst, event, tok))
        self.generation = generation
        self.failed = False

    def on_output(self, event: Literal["started", "finished", "stopped"], token: int) -> None:
        """The listener handed to the ``AudioOutput``."""
        if event == "started":
            self.start()
        elif event == "finished" and not self.failed:
            self.end("finished")
        else:
            # "finished" after a synthesis failure: what was made played, the rest is lost.
            self.end("stopped")


class _BlockStream:
    """The lazy ``Iterator[Audio]`` handed to ``AudioOutput.play``.

    The engine ``put``s blocks as it makes them (blocking while ``lookahead`` seconds are
    waiting); the output's feeder takes what is there, joined up to ``BLOCK_SECONDS``.
    ``cancel`` ends the iteration at once, wherever either side is waiting.
    """

    def __init__(self, lookahead: float = LOOKAHEAD_SECONDS) -> None:
        self._cond = threading.Condition()
        self._items: deque[Audio] = deque()
        self._bytes = 0
        self._lookahead = lookahead
        self._closed = False
        self._cancelled = False

    def put(self, audio: Audio, wait: bool = True) -> bool:
        limit = int(self._lookahead * audio.sample_rate * 2)
        with self._cond:
            if wait:
                self._cond.wait_for(lambda: self._cancelled or self._bytes < limit)
            if self._cancelled:
                return False
            self._items.append(audio)
            self._bytes += len(audio.pcm)
            self._cond.notify_all()
            return True

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def cancel(self) -> None:
        with self._cond:
            self._cancelled = True
            self._items.clear()
            self._bytes = 0
            self._cond.notify_all()

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def __iter__(self) -> Iterator[Audio]:
        return self

    def __next__(self) -> Audio:
        with self._cond:
            self._cond.wait_for(lambda: self._items or self._closed or self._cancelled)
            if self._cancelled or not self._items:
                raise StopIteration
            first = self._items.popleft()
            parts, size = [first.pcm], len(first.pcm)
            limit = int(BLOCK_SECONDS * first.sample_rate * 2)
            while self._items and self._items[0].sample_rate == first.sample_rate:
                if size + len(self._items[0].pcm) > limit:
                    break
                block = self._items.popleft()
                parts.append(block.pcm)
                size += len(block.pcm)
            self._bytes -= size
            self._cond.notify_all()
            if len(parts) == 1:
                return first
            return Audio(pcm=b"".join(parts), sample_rate=first.sample_rate)


class _Call:
    def __init__(self, method: str, args: tuple[Any, ...]) -> None:
        self.method = method
        self.args = args
        self.done = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None
        self.progress = time.monotonic()
        self.waiting = False  # in the consumer's hands (playback, a pause): not hung


def _stream(synthesizer: Any, call: _Call, segments: list[Segment], rate: int, emit: Any) -> None:
    """Run one utterance on ``synthesizer``, noting progress for the watchdog."""

    def timed(audio: Audio) -> bool:
        if not isinstance(audio, Audio):
            raise SynthesisFailed(f"the speech engine returned {type(audio).__name__}")
        call.waiting = True
        try:
            return bool(emit(audio))
        finally:
            call.waiting = False
            call.progress = time.monotonic()

    if hasattr(synthesizer, "stream"):
        synthesizer.stream(segments, rate, timed)
        return
    # A plain ``Synthesizer``: each language run whole (whole-text prosody, later first sound).
    for text, lang in _runs(segments):
        if not timed(synthesizer.synthesize(text, lang, rate)):
            return


def _runs(segments: list[Segment]) -> list[Segment]:
    runs: list[Segment] = []
    for text, lang in segments:
        if runs and runs[-1].lang == lang:
            runs[-1] = Segment(f"{runs[-1].text} {text}", lang)
        else:
            runs.append(Segment(text, lang))
    return runs


class _Engine:
    """The one thread that constructs, calls and closes a synthesiser."""

    def __init__(self, make: Callable[[], Synthesizer], generation: int) -> None:
        self._make = make
        self._calls: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()
        self._busy: _Call | None = None
        self._thread = threading.Thread(
            target=self._run, name=f"speech-engine-{generation}", daemon=True
        )
        self._thread.start()

    def call(self, method: str, *args: Any, timeout: float) -> Any:
        """Run ``method`` in the engine thread; hung = no progress for ``timeout`` seconds."""
        if self._busy is not None:
            raise _EngineHung("the speech engine is still stuck in an earlier call")
        call = _Call(method, args)
        self._busy = call
        self._calls.put(call)
        while not call.done.wait(min(timeout, 0.25)):
            if not call.waiting and time.monotonic() - call.progress > timeout:
                raise _EngineHung(f"the speech engine did not answer within {timeout:g} s")
        self._busy = None
        if call.error is not None:
            if isinstance(call.error, SynthesisFailed):
                raise call.error
            raise SynthesisFailed(f"the speech engine failed: {call.error}") from call.error
        return call.result

    def _run(self) -> None:
        try:
            synthesizer = self._make()
        except BaseException as exc:
            log.error("speech engine could not be started: %s", exc)
            while (call := self._calls.get()) is not None:
                call.error = exc
                call.done.set()
            return
        try:
            while (call := self._calls.get()) is not None:
                try:
                    if call.method == "stream":
                        _stream(synthesizer, call, *call.args)
                    else:
                        call.result = getattr(synthesizer, call.method)(*call.args)
                except BaseException as exc:
                    call.error = exc
                finally:
                    if self._busy is call:
                        self._busy = None
                    call.done.set()
        finally:
            try:
                synthesizer.close()
            except Exception:
                log.exception("closing the speech engine failed")

    def close(self, timeout: float = 0.0) -> None:
        """Ask the thread to close its synthesiser and end (after any call in progress)."""
        self._calls.put(None)
        if timeout:
            self._thread.join(timeout)
