"""What the visitor hears (issue 14): audible latency and prosody, on SDL's ``disk`` driver.

Run in a subprocess of its own (``python -m bench.bench_heard``) because SDL's audio driver is
chosen once per process and the other benchmarks use ``dummy``.

(a) **scan -> first audible sample.**  ``talkcat run`` reads frames from a pty, with pygame on
    SDL's ``disk`` driver writing every mixed 512-frame buffer to a file the moment it is mixed
    (then waiting one buffer's time, as a sound card's callback would).  When each buffer was
    mixed is read from outside by ``bench.capture`` (the file's growth, inotify, corrected for
    stdio's four-buffer write-behind - and checked against SDL_mixer's own post-mix callback
    in this process, the "timing model" in the table).  For each scan the new utterance's
    first sample at -60 dBFS or louder (|x| >= 33) is searched from the first buffer mixed
    after the old utterance was silenced (its ``stop`` line; the scan itself when nothing
    played) - skipping, in that first buffer, the old voice's 5 ms fade-out, so a new voice
    that starts in the very buffer that fades the old one out (SDL_mixer starts a sound at
    a buffer's first sample, and so most do) is dated up to 5 ms late; the same figure with
    those 5 ms counted as the new voice is given beside it as a lower bound - and it is
    heard when its buffer was mixed plus its place in the buffer.  Latency = that moment
    minus the moment the frame's last byte was written to the pty.  A real sound card adds
    its own output latency after the mix (device and driver buffers), the same for any
    program.  Comparison: the same kiosk's ``speak`` line (audio handed to the mixer).
(b) **prosody.**  20 long texts (3 in quick mode) spoken by the ``Speaker`` into pygame on
    ``disk`` (``SDL_DISKAUDIODELAY=20``: 16 % faster than real time), captured; pauses of 30 ms
    or more (|x| <= 64) in the captured speech that whole-text synthesis of the same text by
    the same voice (one eSpeak NG pass, nothing in between) does not have at the same place
    (``_added_pauses`` says how they are matched, and why they cannot be simply counted).
    Comparison: the pauses whole-text synthesis has, what a second whole-text pass "adds" to
    the first by the same rule (the rule's own noise), and how often the speech channel ran
    dry before its next block (``PygameOutput.underruns``).  Added pauses go to standard
    error with their text's number and place.
"""

from __future__ import annotations

import array
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.capture import RATE, Capture, Watch, check_model

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # stdout carries the rows
AUDIBLE = 33  # -60 dBFS
FADE_SAMPLES = int(0.005 * RATE)  # hardware.audio.fades.FADE_SECONDS: the old voice's fade-out
_PROSE = (
    "romanen skildrar en familj i norra Sverige under tre generationer och hur kriget "
    "förändrar deras liv gården vid älven berättad med värme humor av en våra mest "
    "lästa författare boken handlar om vänskap sorg kärlek"
)
_WORDS = _PROSE.split(" ")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class _Lines:
    """The kiosk's transcript, read as it grows (woken by the capture's inotify watch)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._cond = threading.Condition()
        self._offset = 0
        self._pending = ""

    def on_change(self, path: Path) -> None:
        if path == self.path:
            with self._cond:
                self._cond.notify_all()

    def next(self, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            if "\n" in self._pending:
                line, self._pending = self._pending.split("\n", 1)
                return json.loads(line)
            with self.path.open(encoding="utf-8") as fh:
                fh.seek(self._offset)
                text = fh.read()
                self._offset = fh.tell()
            self._pending += text
            if "\n" in self._pending:
                continue
            if time.monotonic() > deadline:
                raise TimeoutError("transcript event did not arrive")
            with self._cond:
                self._cond.wait(0.05)


def _audible_latency(quick: bool) -> tuple[list[float], list[float], list[float], int]:
    """(scan -> heard ms, the same with the fade buffer's first 5 ms counted as the new voice
    (a lower bound), scan -> speak ms, scans whose voice began in the fade buffer)."""
    from bench import catalogue_db
    from bench.bench_kiosk import _stamp

    scans = 15 if quick else 150
    db = catalogue_db.shared(50_000 if quick else 1_000_000)
    with tempfile.TemporaryDirectory(prefix="talkcat-heard-") as tmp:
        folder = Path(tmp)
        raw = folder / "mixed.raw"
        transcript_path = folder / "t.jsonl"
        transcript_path.touch()
        master, slave = os.openpty()
        env = {**os.environ, "SDL_AUDIODRIVER": "disk", "SDL_DISKAUDIOFILE": str(raw),
               "PYGAME_HIDE_SUPPORT_PROMPT": "1"}  # fmt: skip
        env.pop("SDL_DISKAUDIODELAY", None)
        proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "run", "--db", str(db), "--reader",
             f"serial:{os.ttyname(slave)}", "--transcript", str(transcript_path),
             "--audio", "pygame"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=env,
        )  # fmt: skip
        lines = _Lines(transcript_path)
        heard: list[float] = []
        lower: list[float] = []
        handed: list[float] = []
        shared = 0
        watch = capture = None
        try:
            while lines.next()["event"] != "ready":
                pass
            capture = Capture(raw)
            watch = Watch([raw, transcript_path], lambda p: (capture.on_change(p),
                                                             lines.on_change(p)))  # fmt: skip
            time.sleep(0.3)
            # Wall clock (transcript) -> perf_counter: one offset, measured now.
            offset = time.time() - time.perf_counter()
            for n in range(scans):
                identifier = catalogue_db.isbn13(n)
                written = time.perf_counter()
                os.write(master, identifier.encode() + b"\r\n")
                stopped = None
                while (event := lines.next())["event"] != "speak":
                    if event["event"] == "stop":
                        stopped = event
                handed_at = _stamp(event["time"]) - offset
                handed.append((handed_at - written) * 1000)
                # The transcript's times are cut to the millisecond: the silencing was done
                # by the end of that millisecond.
                silenced = written if stopped is None else _stamp(stopped["time"]) - offset + 1e-3
                found = _first_audible(capture, max(written, silenced), fade=stopped is not None)
                if found is not None:
                    when, earliest, in_fade_buffer = found
                    heard.append((when - written) * 1000)
                    lower.append((earliest - written) * 1000)
                    shared += in_fade_buffer
                time.sleep(0.15 + random.random() * 0.05)
        finally:
            if watch is not None:
                watch.close()
            if capture is not None:
                capture.close()
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)
            os.close(master)
            os.close(slave)
    return heard, lower, handed, shared


def _first_audible(
    capture: Capture, after: float, *, fade: bool
) -> tuple[float, float, bool] | None:
    """When the first audible sample mixed after ``after`` is heard - its buffer's mix plus
    its place in the buffer - the same without skipping the fade (a lower bound), and whether
    it lay in the old voice's fade buffer (None: not found within 3 s)."""
    index = capture.first_mixed_after(after)
    if index is None:
        return None
    first = index
    deadline = time.perf_counter() + 3.0
    while time.perf_counter() < deadline:
        samples = capture.samples(index)
        if samples is None:
            return None
        skip = FADE_SAMPLES if fade and index == first else 0
        for place in range(skip, len(samples)):
            if abs(samples[place]) >= AUDIBLE:
                mixed = capture.mixed_at(index)  # known: the file holds the buffer
                if mixed is None:
                    return None
                earliest = place
                if skip:
                    earliest = next(i for i in range(place + 1) if abs(samples[i]) >= AUDIBLE)
                return mixed + place / RATE, mixed + earliest / RATE, bool(skip)
        index += 1
    return None


def _prosody(quick: bool) -> tuple[int, int, int, int, int]:
    """(pauses the kiosk adds, pauses of whole-text synthesis, texts, pauses a second
    whole-text pass "adds" to the first by the same rule, times the speech ran dry)."""
    os.environ["SDL_AUDIODRIVER"] = "disk"
    os.environ["SDL_DISKAUDIODELAY"] = "20"
    import pygame

    from hardware.audio.pygame_output import PygameOutput
    from hardware.speech import backend
    from hardware.speech.pyttsx3_engine import Pyttsx3Synthesizer
    from hardware.speech.speaker import Speaker

    rng = random.Random(14)
    words = _WORDS
    texts = []
    for _ in range(3 if quick else 20):
        parts = []
        for _ in range(rng.randint(3, 5)):
            clause = " ".join(rng.choice(words) for _ in range(rng.randint(4, 22)))
            parts.append(clause + rng.choice([",", ",", ".", ""]))
        texts.append(" ".join(parts).capitalize().rstrip(",") + ".")
    extra = reference_total = noise = 0

    def whole(text: str) -> bytes:
        blocks: list[bytes] = []
        backend.EspeakNG.instance().synthesize(
            backend.ssml([(text, "gmq/sv")]), "gmq/sv", 300,
            lambda pcm, blocks=blocks: blocks.append(pcm) or True,
        )  # fmt: skip
        return b"".join(blocks)

    with tempfile.TemporaryDirectory(prefix="talkcat-prosody-") as tmp:
        # One mixer and one speaker for all texts, as in the kiosk; each text's audio is the
        # part of the file written while it played (the kiosk speaks from silence here).
        raw = Path(tmp) / "mixed.raw"
        os.environ["SDL_DISKAUDIOFILE"] = str(raw)
        output = PygameOutput()
        output.open()
        speaker = Speaker(Pyttsx3Synthesizer(), output, rate=300, volume=1.0)
        try:
            for n, text in enumerate(texts):
                time.sleep(0.2)  # silence between texts: each is found on its own
                begin = raw.stat().st_size if raw.exists() else 0
                done = threading.Event()
                speaker.say(
                    n + 1, [(text, "sv")],
                    lambda e, t, done=done: done.set() if e != "started" else None,
                )  # fmt: skip
                done.wait(120)
                time.sleep(0.2)  # the last buffers reach the file
                captured = raw.read_bytes()[begin - begin % 2 :]
                reference, again = whole(text), whole(text)
                added = _added_pauses(captured, reference)
                extra += len(added)
                reference_total += len(_pauses(reference))
                noise += len(_added_pauses(again, reference))
                if added:
                    print(f"prosody text {n + 1}: pauses the kiosk adds (ms start+length) "
                          + " ".join(f"{a * 1000:.0f}+{b * 1000:.0f}" for a, b in added)
                          + f"; whole text: {_pauses(reference)}", file=sys.stderr)  # fmt: skip
        finally:
            speaker.close()
            pygame.mixer.quit()
    return extra, reference_total, len(texts), noise, output.underruns


def _added_pauses(heard: bytes, reference: bytes) -> list[tuple[float, float]]:
    """Pauses >= 30 ms in ``heard`` that ``reference`` does not have.

    eSpeak NG is not bit-exact from one pass to the next (its pitch flutter runs on a clock
    that carries over between passes), so the same text's quiet runs between words come out
    a few samples longer or shorter: a 29 ms run in one pass is a 31 ms "pause" in the next
    (a second whole-text pass against the first "adds" about 5 of 220 that way).  A pause is
    therefore matched, not counted: it is the reference's own when the reference has a quiet
    run at the same place (within 50 ms + 2 % of the time into the text) that is at most
    10 ms shorter.  A seam - a chunk spoken as its own sentence, a gap where the mixer ran
    dry - is a pause of 38-93 ms where whole-text synthesis has a few milliseconds: added.
    """
    ours = _pauses(heard)
    theirs = _pauses(reference, minimum=0.0)
    added = []
    for start, length in ours:
        slack = 0.05 + 0.02 * start
        if not any(
            abs(start - other) <= slack and size >= length - 0.01 for other, size in theirs
        ):
            added.append((start, length))
    return added


def _pauses(pcm: bytes, minimum: float = 0.03, threshold: int = 64) -> list[tuple[float, float]]:
    """(start, length) in seconds of each quiet run >= ``minimum`` between the first and
    last loud sample; start counted from the first loud sample."""
    data = array.array("h", pcm[: len(pcm) // 2 * 2])
    loud = [i for i, x in enumerate(data) if abs(x) > threshold]
    if not loud:
        return []
    runs, start = [], None
    for i in range(loud[0], loud[-1] + 1):
        quiet = abs(data[i]) <= threshold
        if quiet and start is None:
            start = i
        elif not quiet and start is not None:
            if (i - start) / RATE >= minimum:
                runs.append(((start - loud[0]) / RATE, (i - start) / RATE))
            start = None
    return runs


def run(quick: bool = False) -> list[dict]:
    """Runs this module in a fresh process (its own SDL driver) and returns its rows."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.bench_heard", *(["--quick"] if quick else [])],
        capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[1],
    )  # fmt: skip
    sys.stderr.write(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _rows(quick: bool) -> list[dict]:
    heard, lower, handed, shared = _audible_latency(quick)
    os.environ["SDL_AUDIODRIVER"] = "disk"
    os.environ.pop("SDL_DISKAUDIODELAY", None)
    with tempfile.TemporaryDirectory(prefix="talkcat-model-") as tmp:
        model = [abs(error) for error in check_model(Path(tmp) / "check.raw")]
    extra, reference, texts, noise, underruns = _prosody(quick)
    n = len(heard)
    return [
        {"figure": f"scan -> first audible sample (SDL disk, n={n}) median/p95",
         "value": f"{statistics.median(heard):.1f} / {_pct(heard, .95):.1f}" if heard else "n/a",
         "unit": "ms", "target": "p95 <= 40 (stretch 23 + 5)",
         "compare": f"scan -> audio handed to the mixer ('speak'): median "
                    f"{statistics.median(handed):.1f}, p95 {_pct(handed, .95):.1f} ms; "
                    f"{shared} of {n} voices began in the buffer that faded the old one out: "
                    f"counting its first 5 ms as the new voice (a lower bound) gives "
                    + (f"{statistics.median(lower):.1f} / {_pct(lower, .95):.1f} ms"
                       if lower else "n/a")},
        {"figure": f"timing model: buffer mix times from the file vs SDL_mixer (n={len(model)})",
         "value": f"{statistics.median(model):.2f} / {max(model):.2f}" if model else "n/a",
         "unit": "ms", "target": "median/max error, small against the latency",
         "compare": "SDL_mixer's post-mix callback in the bench process"},
        {"figure": f"prosody: pauses >= 30 ms the kiosk adds ({texts} long texts)",
         "value": str(extra), "unit": "pauses", "target": "0",
         "compare": f"whole-text synthesis of the same texts has {reference} pauses; a "
                    f"second whole-text pass adds {noise} to the first by the same rule; "
                    f"the speech ran dry {underruns} times"},
    ]  # fmt: skip


if __name__ == "__main__":
    print(json.dumps(_rows("--quick" in sys.argv)))
