"""``Speaker``: the piece the kiosk drives - text in, interruptible streamed speech out.

Threads and why:

* the **caller** (the kiosk's loop) only ever flips state: ``say`` bumps a generation
  counter, cancels the old stream and calls ``AudioOutput.stop`` - so barge-in silences the
  old utterance at once, without waiting for any synthesis - and queues the new job;
* one **speech worker** plans chunks (``hardware.speech.text.plan_chunks``), looks them up
  in a byte-bounded LRU cache, synthesises the misses and streams them to the output: the
  first chunk is handed over as soon as it exists and chunk n+1 is made while chunk n plays.
  It checks the generation between chunks, so a newer ``say`` cancels pending synthesis
  after at most one chunk (<= 20 words, ~5 ms with eSpeak);
* one **engine thread** owns the synthesiser - it alone constructs, calls and closes it - and
  the worker waits for each call with a deadline.  That wait is the watchdog of issue 7: if
  the engine raises or does not answer within ``watchdog_seconds``, the utterance still ends
  (``stopped``), the ``error`` earcon plays, and the engine is restarted (a fresh synthesiser
  from ``factory`` in a fresh thread; the hung thread is abandoned and closes its synthesiser
  if it ever returns).  Limit of doing this with a thread, not a process: a thread stuck in
  C cannot be killed, so each hang leaks one thread and whatever it holds.  A worker
  *process* would make hangs killable but costs ~20-30 MB of the 80 MB budget (issue 6)
  and a pipe hop per chunk; eSpeak has not hung in our tests, the pyttsx3 driver itself
  times out and cancels eSpeak, and systemd's watchdog restarts the kiosk as a last resort,
  so the thread is the chosen trade-off for now;
* one **event thread** calls the listeners, in order.  The output reports ``started`` etc.
  from its own threads, possibly while holding its locks; handing events to a dedicated
  thread means a listener may call ``say``/``stop`` without any risk of deadlock.

``play_audio`` (a talking-book sample, issue 5) is an utterance too: it takes the same place
as a ``say`` - same generation counter, same exactly-once events - but hands the blocks
straight to the output (whose feeder thread pulls them), with no synthesis in between.

Visitor text is logged at DEBUG only.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Literal

from hardware.audio.earcons import EARCON_NAMES, earcon
from hardware.audio.pcm import trim_tail
from hardware.errors import HardwareError
from hardware.protocols import (
    RATE_MAX,
    RATE_MIN,
    Audio,
    AudioOutput,
    PlaybackListener,
    Synthesizer,
)
from hardware.speech.text import Chunk, normalise_lang, plan_chunks

log = logging.getLogger(__name__)

MIN_RATE, MAX_RATE = RATE_MIN, RATE_MAX  # written once, in hardware.protocols
LOOKAHEAD_CHUNKS = 2
"""Chunks synthesised ahead of the output; bounds memory for a long summary."""

# How much of the engine's trailing pause each kind of chunk end keeps (seconds).
_TAIL_KEEP = {"word": 0.04, "clause": 0.15, "sentence": 0.30}


class SynthesisFailed(HardwareError):
    """The synthesiser raised, or did not answer before the watchdog deadline."""


class _EngineHung(SynthesisFailed):
    pass


# --------------------------------------------------------------------------- helpers


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


class _Utterance:
    """One ``say``: reports ``started`` at most once and exactly one end event."""

    def __init__(
        self, token: int, listener: PlaybackListener, generation: int, events: _EventThread
    ) -> None:
        self.token = token
        self.generation = generation
        self.failed = False
        self._listener = listener
        self._events = events
        self._lock = threading.Lock()
        self._started = False
        self._ended = False

    def on_output(self, event: Literal["started", "finished", "stopped"], token: int) -> None:
        """The listener handed to the ``AudioOutput``."""
        if event == "started":
            self.start()
        elif event == "finished" and not self.failed:
            self.end("finished")
        else:
            # "finished" after a synthesis failure: what was made played, the rest is lost.
            self.end("stopped")

    def start(self) -> None:
        with self._lock:
            if self._started or self._ended:
                return
            self._started = True
            self._events.post(self._listener, "started", self.token)

    def end(self, event: Literal["finished", "stopped"]) -> None:
        with self._lock:
            if self._ended:
                return
            self._ended = True
            self._events.post(self._listener, event, self.token)


class _BlockStream:
    """The lazy ``Iterator[Audio]`` handed to ``AudioOutput.play``.

    The worker ``put``s chunks (blocking while ``lookahead`` are waiting); ``cancel`` ends
    the iteration at once, wherever either side is waiting.
    """

    def __init__(self, lookahead: int = LOOKAHEAD_CHUNKS) -> None:
        self._cond = threading.Condition()
        self._items: deque[Audio] = deque()
        self._lookahead = lookahead
        self._closed = False
        self._cancelled = False

    def put(self, audio: Audio, wait: bool = True) -> bool:
        with self._cond:
            if wait:
                self._cond.wait_for(lambda: self._cancelled or len(self._items) < self._lookahead)
            if self._cancelled:
                return False
            self._items.append(audio)
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
            self._cond.notify_all()

    def __iter__(self) -> Iterator[Audio]:
        return self

    def __next__(self) -> Audio:
        with self._cond:
            self._cond.wait_for(lambda: self._items or self._closed or self._cancelled)
            if self._cancelled or not self._items:
                raise StopIteration
            item = self._items.popleft()
            self._cond.notify_all()
            return item


class _AudioCache:
    """LRU of recently synthesised chunks, bounded in bytes.  Used by the worker only."""

    def __init__(self, max_bytes: int) -> None:
        self._max = max_bytes
        self._items: OrderedDict[tuple[Any, ...], Audio] = OrderedDict()
        self.bytes = 0

    def get(self, key: tuple[Any, ...]) -> Audio | None:
        audio = self._items.get(key)
        if audio is not None:
            self._items.move_to_end(key)
        return audio

    def put(self, key: tuple[Any, ...], audio: Audio) -> None:
        size = len(audio.pcm)
        if size > self._max // 4 or key in self._items:
            return
        self._items[key] = audio
        self.bytes += size
        while self.bytes > self._max:
            _, old = self._items.popitem(last=False)
            self.bytes -= len(old.pcm)

    def clear(self) -> None:
        self._items.clear()
        self.bytes = 0


class _Call:
    def __init__(self, method: str, args: tuple[Any, ...]) -> None:
        self.method = method
        self.args = args
        self.done = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None


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
        if self._busy is not None:
            raise _EngineHung("the speech engine is still stuck in an earlier call")
        call = _Call(method, args)
        self._busy = call
        self._calls.put(call)
        if not call.done.wait(timeout):
            raise _EngineHung(f"the speech engine did not answer within {timeout:g} s")
        self._busy = None
        if call.error is not None:
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


# --------------------------------------------------------------------------- the speaker


class Speaker:
    """Speaks utterances through a ``Synthesizer`` and an (already opened) ``AudioOutput``.

    ``say`` interrupts whatever is playing and returns at once; the listener hears
    ``started`` when the first audio is handed to the device (not if it never was) and then
    exactly one of ``finished``/``stopped``.  An utterance with no speakable text ends with
    ``finished`` alone.  The ``Speaker`` owns both devices from now on: ``close`` closes them.

    ``factory`` (optional) makes a fresh synthesiser when the watchdog restarts the engine;
    without it the same instance is kept and used again once it answers.
    """

    def __init__(
        self,
        synthesizer: Synthesizer,
        output: AudioOutput,
        *,
        rate: int = 160,
        volume: float = 0.5,
        factory: Callable[[], Synthesizer] | None = None,
        watchdog_seconds: float = 5.0,
        cache_bytes: int = 4 * 1024 * 1024,
    ) -> None:
        self._output = output
        self._factory = factory
        self._watchdog = watchdog_seconds
        self._rate = _clamp_rate(rate)
        self._volume = min(1.0, max(0.0, volume))
        self._lock = threading.RLock()
        self._generation = 0
        self._current: _Utterance | None = None
        self._stream: _BlockStream | None = None
        self._paused = False
        self._closed = False
        self._cache = _AudioCache(cache_bytes)
        self._voices: dict[str, str] = {}
        self._earcons = {name: earcon(name) for name in EARCON_NAMES}
        self._events = _EventThread()
        self._engines = 0
        self._engine = self._new_engine(lambda: synthesizer)
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        output.set_volume(self._volume)
        self._worker = threading.Thread(target=self._run, name="speech-worker", daemon=True)
        self._worker.start()
        self._jobs.put("warm-up")

    # ------------------------------------------------------------------ public API

    def say(
        self, token: int, segments: Sequence[tuple[str, str]], listener: PlaybackListener
    ) -> None:
        """Speak ``[(text, lang), ...]`` as one utterance, cutting off the current one."""
        with self._lock:
            if self._closed:
                listener("stopped", token)  # no event thread any more: tell directly
                return
            utterance = _Utterance(token, listener, self._generation + 1, self._events)
            self._interrupt()
            self._generation = utterance.generation
            self._current = utterance
            self._jobs.put((utterance, list(segments)))

    def play_audio(
        self, token: int, blocks: Iterator[Audio], listener: PlaybackListener
    ) -> None:
        """Play recorded audio (a talking-book sample) as one utterance, like ``say``.

        The same contract: the current utterance is cut off first; the listener hears
        ``started`` when the first block reaches the device, then exactly one of
        ``finished``/``stopped``; ``stop``, ``pause``/``resume``, ``set_volume`` and a newer
        ``say`` apply to it as to speech.  ``blocks`` are pulled lazily by the output's own
        thread, never by the caller, so a slow decoder does not hold up the kiosk; a block
        source that raises ends the utterance ``stopped``.  Returns at once.
        """
        with self._lock:
            if self._closed:
                listener("stopped", token)
                return
            utterance = _Utterance(token, listener, self._generation + 1, self._events)
            self._interrupt()
            self._generation = utterance.generation
            self._current = utterance
            try:
                self._output.play(iter(blocks), token, utterance.on_output)
            except Exception:
                log.exception("audio output refused to play recorded audio")
                utterance.end("stopped")

    def stop(self) -> None:
        """Silence speech at once and drop whatever was still to be synthesised."""
        with self._lock:
            self._interrupt()
            self._generation += 1

    def pause(self) -> None:
        with self._lock:
            self._paused = True
            self._output.pause()

    def resume(self) -> None:
        with self._lock:
            self._paused = False
            self._output.resume()

    def set_rate(self, wpm: int) -> None:
        """Words per minute (clamped to 80-450); applies from the next sentence."""
        self._rate = _clamp_rate(wpm)

    @property
    def rate(self) -> int:
        return self._rate

    def set_volume(self, volume: float) -> None:
        """0..1 (linear gain), applied live to what is playing."""
        self._volume = min(1.0, max(0.0, volume))
        self._output.set_volume(self._volume)

    @property
    def volume(self) -> float:
        return self._volume

    def earcon(self, name: str) -> None:
        """Play a cue (``EARCON_NAMES``) on its own channel; never waits for or cuts speech."""
        try:
            audio = self._earcons[name]
        except KeyError:
            raise ValueError(f"unknown earcon {name!r}; known: {', '.join(EARCON_NAMES)}") from None
        try:
            self._output.earcon(audio)
        except Exception:
            log.exception("earcon %s could not be played", name)

    def voices(self) -> Mapping[str, str]:
        """Language -> voice id as reported by the engine (empty until it has warmed up)."""
        return dict(self._voices)

    def close(self) -> None:
        """Stop, then close the synthesiser (in its own thread) and the output."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._interrupt()
            self._generation += 1
        self._jobs.put(None)
        self._worker.join(2.0)
        self._engine.close(timeout=2.0)
        try:
            self._output.close()
        except Exception:
            log.exception("closing the audio output failed")
        self._events.close(timeout=2.0)

    # ------------------------------------------------------------------ internals

    def _interrupt(self) -> None:
        """End the current utterance now (lock held)."""
        old, stream = self._current, self._stream
        self._current = self._stream = None
        self._paused = False
        if stream is not None:
            stream.cancel()
        self._output.stop()
        if old is not None:
            old.end("stopped")

    def _new_engine(self, make: Callable[[], Synthesizer]) -> _Engine:
        self._engines += 1
        return _Engine(make, self._engines)

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                if job == "warm-up":
                    self._warm_up()
                    continue
                utterance, segments = job
                if utterance.generation == self._generation:
                    self._speak(utterance, segments)
            except Exception:
                log.exception("speech worker error")
                if job != "warm-up":
                    job[0].end("stopped")

    def _warm_up(self) -> None:
        """Start the engine and load both voices before the first scan needs them."""
        try:
            self._voices = dict(self._engine.call("voices", timeout=self._watchdog))
            for lang in ("sv", "en"):
                if lang in self._voices:
                    self._engine.call("synthesize", "a", lang, self._rate, timeout=self._watchdog)
        except SynthesisFailed as exc:
            self._on_failure(exc, audible=False)

    def _speak(self, utterance: _Utterance, segments: list[tuple[str, str]]) -> None:
        chunks = plan_chunks(segments)
        if not chunks:
            utterance.end("finished")
            return
        stream = _BlockStream()
        with self._lock:
            if utterance.generation != self._generation:
                return
            self._stream = stream
        playing = False
        rate = self._rate
        for chunk in chunks:
            if utterance.generation != self._generation:
                return
            if chunk.sentence_start:
                rate = self._rate
            try:
                audio = self._render(chunk, rate)
            except SynthesisFailed as exc:
                current = utterance.generation == self._generation
                self._on_failure(exc, audible=current)
                if playing:
                    utterance.failed = True
                    stream.close()  # what was made plays out; the listener hears "stopped"
                else:
                    utterance.end("stopped")
                return
            if playing:
                if not stream.put(audio):
                    return
                continue
            with self._lock:
                if utterance.generation != self._generation:
                    return
                stream.put(audio, wait=False)
                try:
                    self._output.play(stream, utterance.token, utterance.on_output)
                except Exception:
                    log.exception("audio output refused to play")
                    stream.cancel()
                    utterance.end("stopped")
                    return
                if self._paused:
                    self._output.pause()
                playing = True
        stream.close()

    def _render(self, chunk: Chunk, rate: int) -> Audio:
        voice = self._voices.get(chunk.lang) or self._voices.get(normalise_lang(chunk.lang), "")
        key = (chunk.text, chunk.lang, rate, voice, chunk.boundary)
        audio = self._cache.get(key)
        if audio is None:
            log.debug("synthesising %r (%s, %d wpm)", chunk.text, chunk.lang, rate)
            audio = self._engine.call(
                "synthesize", chunk.text, chunk.lang, rate, timeout=self._watchdog
            )
            if not isinstance(audio, Audio):
                raise SynthesisFailed(f"the speech engine returned {type(audio).__name__}")
            audio = trim_tail(audio, _TAIL_KEEP[chunk.boundary])
            self._cache.put(key, audio)
        return audio

    def _on_failure(self, exc: SynthesisFailed, *, audible: bool) -> None:
        log.warning("speech engine failure: %s", exc)
        if audible:
            self.earcon("error")
        hung = isinstance(exc, _EngineHung)
        if self._factory is None:
            if hung:
                log.error("no synthesiser factory: waiting for the stuck engine to come back")
            return
        log.warning("restarting the speech engine")
        self._engine.close()  # abandoned: closes its synthesiser if the stuck call returns
        self._engine = self._new_engine(self._factory)
        self._cache.clear()
        try:
            self._voices = dict(self._engine.call("voices", timeout=self._watchdog))
        except SynthesisFailed as again:
            log.error("the restarted speech engine failed too: %s", again)
            if audible:
                self.earcon("fault")


def _clamp_rate(wpm: int) -> int:
    return max(MIN_RATE, min(MAX_RATE, int(wpm)))
