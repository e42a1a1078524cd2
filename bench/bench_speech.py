"""Speech latency: ``Speaker.say`` -> first audio at the mixer, and barge-in, side by side.

Measured with the real engine (eSpeak NG via pyttsx3) and the real output (pygame's mixer;
SDL's ``dummy`` driver unless ``SDL_AUDIODRIVER`` says otherwise - it consumes audio in real
time like a device).  Every text is new (random words), so no figure is helped by the cache.

(a) say -> first block handed to the mixer (the moment ``Channel.play`` returns), for short
    titles and for 200-word texts without punctuation; compared with the usual way -
    pyttsx3 ``save_to_file`` + ``runAndWait`` of the whole text, then play it.
(b) barge-in: a new ``say`` (and ``stop``) -> the old utterance's channel halted; compared
    with how much longer that utterance would have played.  The device buffer (512 frames,
    23 ms at 22050 Hz) comes on top of both (a) and (b) on real hardware.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import threading
import time
from collections.abc import Iterator

os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from hardware.audio.pygame_output import PygameOutput
from hardware.protocols import Audio, PlaybackListener
from hardware.speech.pyttsx3_engine import Pyttsx3Synthesizer
from hardware.speech.speaker import Speaker

_SYLLABLES = (
    "ka", "la", "mo", "ri", "sten", "berg", "ström", "ny", "gå", "vä", "lind", "gren", "ås",
    "ö", "pa", "ti", "sol", "vik", "dal", "fjäll", "hem", "bok", "skog", "sjö", "mar", "ken",
)  # fmt: skip


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3)))


def _title(rng: random.Random) -> str:
    words = " ".join(_word(rng) for _ in range(rng.randint(2, 5))).capitalize()
    author = f"{_word(rng).capitalize()} {_word(rng).capitalize()}"
    return f"{words}, av {author}."


def _long_text(rng: random.Random, words: int = 200) -> str:
    return " ".join(_word(rng) for _ in range(words))


class _TimedOutput(PygameOutput):
    """The pygame output, noting when blocks reach the mixer and when speech is halted."""

    def __init__(self) -> None:
        super().__init__()
        self.handed: dict[int, float] = {}
        self.halted: list[float] = []
        self._events: dict[int, threading.Event] = {}

    def expect(self, token: int) -> threading.Event:
        self._events[token] = threading.Event()
        return self._events[token]

    def play(self, blocks: Iterator[Audio], token: int, listener: PlaybackListener) -> None:
        def timed(event, tok):  # type: ignore[no-untyped-def]
            if event == "started":
                self.handed[tok] = time.perf_counter()  # right after Channel.play returned
                if tok in self._events:
                    self._events[tok].set()
            listener(event, tok)

        super().play(blocks, token, timed)

    def _halt(self) -> None:
        super()._halt()
        self.halted.append(time.perf_counter())


def _ms(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return round(statistics.median(ordered) * 1000, 2), round(p95 * 1000, 2)


def _usual_way(output: _TimedOutput, texts: list[str]) -> list[float]:
    """Whole text synthesised in one eSpeak NG pass, collected, then played."""
    synth = Pyttsx3Synthesizer()
    synth.voices()
    times = []
    for n, text in enumerate(texts):
        done = output.expect(-1 - n)
        began = time.perf_counter()
        audio = synth.synthesize(text, "sv", 160)
        output.play(iter([audio]), -1 - n, lambda e, t: None)
        done.wait(10)
        times.append(output.handed[-1 - n] - began)
    output.stop()
    synth.close()
    return times


def run(quick: bool = False) -> list[dict]:
    rng = random.Random(6)
    n_titles = 40 if quick else 200
    n_long = 10 if quick else 60
    titles = [_title(rng) for _ in range(n_titles)]
    longs = [_long_text(rng) for _ in range(n_long)]
    usual_titles = [_title(rng) for _ in range(10 if quick else 40)]
    usual_longs = [_long_text(rng) for _ in range(5 if quick else 20)]

    output = _TimedOutput()
    output.open()
    compare_titles = _usual_way(output, usual_titles)
    compare_longs = _usual_way(output, usual_longs)

    speaker = Speaker(Pyttsx3Synthesizer(), output, rate=160)
    speaker.say(0, [("Välkommen.", "sv")], lambda e, t: None)  # warm-up, not measured
    warm = output.expect(0)
    warm.wait(10)

    first_titles: list[float] = []
    first_longs: list[float] = []
    listener_lag: list[float] = []
    barge: list[float] = []
    remaining: list[float] = []
    stop_times: list[float] = []
    token = 0
    # Interleave titles and long texts; each say cuts off the one before (a finger
    # sweeping along the shelf), so barge-in is measured on every one of them.
    plan = [(t, False) for t in titles] + [(t, True) for t in longs]
    rng.shuffle(plan)
    previous_started: float | None = None
    previous_seconds = 0.0
    for text, is_long in plan:
        token += 1
        started = output.expect(token)
        heard = threading.Event()
        heard_at: list[float] = []

        def listener(event: str, tok: int, heard=heard, heard_at=heard_at) -> None:
            if event == "started":
                heard_at.append(time.perf_counter())
                heard.set()

        halted_before = len(output.halted)
        began = time.perf_counter()
        speaker.say(token, [(text, "sv")], listener)
        if previous_started is not None and len(output.halted) > halted_before:
            barge.append(output.halted[halted_before] - began)
            remaining.append(max(0.0, previous_seconds - (began - previous_started)))
        if not started.wait(10):
            raise RuntimeError(f"utterance {token} never started")
        (first_longs if is_long else first_titles).append(output.handed[token] - began)
        heard.wait(10)
        listener_lag.append(heard_at[0] - began)
        previous_started = output.handed[token]
        words = len(text.split())
        previous_seconds = words * 60 / 160
        threading.Event().wait(0.02 + rng.random() * 0.05)  # a visitor's pace, compressed

    # stop() -> silenced, on utterances that are playing.
    for _ in range(20 if quick else 50):
        token += 1
        started = output.expect(token)
        speaker.say(token, [(_title(rng), "sv")], lambda e, t: None)
        started.wait(10)
        threading.Event().wait(0.03)
        halted_before = len(output.halted)
        began = time.perf_counter()
        speaker.stop()
        stop_times.append(output.halted[halted_before] - began)
    speaker.close()

    t_med, t_p95 = _ms(first_titles)
    l_med, l_p95 = _ms(first_longs)
    ct_med, ct_p95 = _ms(compare_titles)
    cl_med, cl_p95 = _ms(compare_longs)
    k_med, k_p95 = _ms(listener_lag)
    b_med, b_p95 = _ms(barge)
    s_med, s_p95 = _ms(stop_times)
    r_med, _ = _ms(remaining)
    n = f"n={len(first_titles)}"
    return [
        {"figure": f"say -> first audio at mixer, title, median ({n})", "value": t_med,
         "unit": "ms", "target": "", "compare": f"{ct_med} (whole text, one pass, then play)"},
        {"figure": f"say -> first audio at mixer, title, p95 ({n})", "value": t_p95,
         "unit": "ms", "target": "<= 40 (stretch 20)", "compare": f"{ct_p95}"},
        {"figure": f"say -> first audio, 200 words unpunctuated, median (n={len(first_longs)})",
         "value": l_med, "unit": "ms", "target": "", "compare": f"{cl_med} (whole text, usual)"},
        {"figure": f"say -> first audio, 200 words unpunctuated, p95 (n={len(first_longs)})",
         "value": l_p95, "unit": "ms", "target": "<= 40 (stretch 20)", "compare": f"{cl_p95}"},
        {"figure": "say -> listener 'started' (transcript time), p95", "value": k_p95,
         "unit": "ms", "target": "", "compare": f"median {k_med}"},
        {"figure": f"barge-in: new say -> old halted, median (n={len(barge)})", "value": b_med,
         "unit": "ms", "target": "", "compare": f"{r_med} ms (rest of old if played out; est.)"},
        {"figure": f"barge-in: new say -> old halted, p95 (n={len(barge)})", "value": b_p95,
         "unit": "ms", "target": "<= 30 (+23 ms device buffer)", "compare": ""},
        {"figure": f"stop -> halted, p95 (n={len(stop_times)})", "value": s_p95, "unit": "ms",
         "target": "<= 30", "compare": f"median {s_med}"},
    ]  # fmt: skip


def main() -> None:
    rows = run(quick="--quick" in sys.argv)
    header = ("figure", "value", "unit", "target", "compare")
    widths = [max(len(h), *(len(str(r[h])) for r in rows)) for h in header]
    lines = [" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    for row in rows:
        lines.append(" | ".join(str(row[h]).ljust(w) for h, w in zip(header, widths, strict=True)))
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
