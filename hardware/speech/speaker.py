"""``Speaker``: the piece the kiosk drives - text in, interruptible streamed speech out.

Threads and why:

* the **caller** (the kiosk's loop) only ever flips state: ``say`` bumps a generation
  counter, cancels the old stream and calls ``AudioOutput.stop`` - so barge-in silences the
  old utterance at once, without waiting for any synthesis - and queues the new job;
* one **speech worker** hands each utterance to the engine as a whole (issue 14): a
  streaming synthesiser (``hardware.protocols.StreamingSynthesizer``, eSpeak NG) speaks it in
  one pass and each buffer goes to the output as it is made - the first after eSpeak's first
  buffer (~60 ms of audio, made in well under a millisecond), so prosody is that of
  whole-text synthesis and the first sound still comes at once.  Leading digital silence of
  the utterance (eSpeak's 14-53 ms) is trimmed so the visitor hears the voice sooner.
  Synthesis runs at most ``LOOKAHEAD_SECONDS`` ahead of playback (memory stays flat for a
  long summary); a newer ``say`` cancels the stream and the engine's pass ends at its next
  buffer.  A synthesiser without ``stream`` is called once per language run instead;
* one **engine thread** owns the synthesiser - it alone constructs, calls and closes it -
  and the worker waits for each call with a deadline. That wait is the watchdog of issue 7:
  if the engine raises, or makes no progress for ``watchdog_seconds`` (time it spends
  waiting for the output to take a block - playback, a pause - is progress, not a hang), the
  utterance still ends (``stopped``), the ``error`` earcon plays, and the engine is
  restarted (a fresh synthesiser from ``factory`` in a fresh thread; the hung thread is
  abandoned and closes its synthesiser if it ever returns). Limit of doing this with a
  thread, not a process: a thread stuck in C cannot be killed, so each hang leaks one thread
  and whatever it holds. A worker *process* would make hangs killable but costs ~20-30 MB of
  the 80 MB budget (issue 6) and a pipe hop per chunk; eSpeak has not hung in our tests, the
  pyttsx3 driver itself times out and cancels eSpeak, and systemd's watchdog restarts the
  kiosk as a last resort, so the thread is the chosen trade-off for now;
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
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from hardware.audio.earcons import EARCON_NAMES, earcon
from hardware.protocols import (
    RATE_MAX,
    RATE_MIN,
    Audio,
    AudioOutput,
    PlaybackListener,
    Segment,
    Synthesizer,
)
from hardware.speech.streaming import (
    SynthesisFailed,
    _BlockStream,
    _Engine,
    _EngineHung,
    _EventThread,
    _Utterance,
)
from hardware.speech.text import clean_segments

log = logging.getLogger(__name__)

MIN_RATE, MAX_RATE = RATE_MIN, RATE_MAX  # written once, in hardware.protocols
LEADING_TRIM_SECONDS = 0.06
"""Digital silence trimmed from an utterance's start at most (eSpeak: 14-53 ms)."""


# --------------------------------------------------------------------------- the speaker


class Speaker:
    """Speaks utterances through a ``Synthesizer`` and an (already opened) ``AudioOutput``.

    ``say`` interrupts whatever is playing and returns at once; the listener hears
    ``started`` when the first audio is handed to the device (not if it never was) and then
    exactly one of ``finished``/``stopped``.  An utterance with no speakable text ends with
    ``finished`` alone.  The ``Speaker`` owns both devices from now on: ``close`` closes them.

    ``factory`` (optional) makes a fresh synthesiser when the watchdog restarts the engine;
    without it the same instance is kept and used again once it answers.  ``cache_bytes``
    is accepted for old callers and unused: a streamed pass costs less than a lookup did.
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
        cache_bytes: int = 0,
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
        """Speak ``[(text, lang), ...]`` (``hardware.protocols.Segment``) as one utterance,
        in one synthesis pass, cutting off the current one."""
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
        """Words per minute (clamped to 80-450); applies from the next utterance."""
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
                    segments = [Segment("a", lang)]
                    self._engine.call(
                        "stream", segments, self._rate, lambda audio: True,
                        timeout=self._watchdog,
                    )  # fmt: skip
        except SynthesisFailed as exc:
            self._on_failure(exc, audible=False)

    def _speak(self, utterance: _Utterance, segments: list[tuple[str, str]]) -> None:
        cleaned = [Segment(text, lang) for text, lang in clean_segments(segments)]
        if not cleaned:
            utterance.end("finished")
            return
        stream = _BlockStream()
        with self._lock:
            if utterance.generation != self._generation:
                return
            self._stream = stream
        state = {"playing": False, "trim": -1}
        held: list[Audio] = []

        def emit(audio: Audio) -> bool:
            if utterance.generation != self._generation or stream.cancelled:
                return False
            if state["playing"]:
                return stream.put(audio)
            if state["trim"] < 0:
                state["trim"] = int(LEADING_TRIM_SECONDS * audio.sample_rate)
            original = audio
            audio, state["trim"] = _trim_leading_zeros(audio, state["trim"])
            if not audio.pcm:
                held.append(original)  # played after all if nothing but silence ever comes
                return True
            return begin(audio)

        def begin(audio: Audio) -> bool:
            with self._lock:
                if utterance.generation != self._generation:
                    return False
                stream.put(audio, wait=False)
                try:
                    self._output.play(stream, utterance.token, utterance.on_output)
                except Exception:
                    log.exception("audio output refused to play")
                    stream.cancel()
                    utterance.end("stopped")
                    return False
                if self._paused:
                    self._output.pause()
                state["playing"] = True
            return True

        log.debug("speaking %r at %d wpm", cleaned, self._rate)
        try:
            self._engine.call("stream", cleaned, self._rate, emit, timeout=self._watchdog)
        except SynthesisFailed as exc:
            current = utterance.generation == self._generation
            self._on_failure(exc, audible=current)
            if not state["playing"] and held and current:
                begin(_joined(held))
            if state["playing"]:
                utterance.failed = True
                stream.close()  # what was made plays out; the listener hears "stopped"
            else:
                utterance.end("stopped")
            return
        if not state["playing"] and held and utterance.generation == self._generation:
            # Only silence came out (a fake engine): timed like speech, played as it is.
            begin(_joined(held))
        if state["playing"]:
            stream.close()
        elif utterance.generation == self._generation:
            utterance.end("finished")  # nothing came out: nothing was said

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
        try:
            self._voices = dict(self._engine.call("voices", timeout=self._watchdog))
        except SynthesisFailed as again:
            log.error("the restarted speech engine failed too: %s", again)
            if audible:
                self.earcon("fault")


def _joined(blocks: list[Audio]) -> Audio:
    return Audio(pcm=b"".join(a.pcm for a in blocks), sample_rate=blocks[0].sample_rate)


def _trim_leading_zeros(audio: Audio, budget: int) -> tuple[Audio, int]:
    """Drop up to ``budget`` leading zero samples; returns the rest and the budget left
    (0 once a sound has begun: only the utterance's very start is ever trimmed)."""
    if budget <= 0:
        return audio, 0
    pcm = audio.pcm
    zeros = (len(pcm) - len(pcm.lstrip(b"\x00"))) // 2
    cut = min(zeros, budget)
    rest = Audio(pcm=pcm[2 * cut :], sample_rate=audio.sample_rate)
    return rest, (budget - cut) if cut == len(pcm) // 2 else 0


def _clamp_rate(wpm: int) -> int:
    return max(MIN_RATE, min(MAX_RATE, int(wpm)))
