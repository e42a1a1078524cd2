"""What the visitor hears (issue 14): audible latency and prosody, on SDL's ``disk`` driver.

Run in a subprocess of its own (``python -m bench.bench_heard``) because SDL's audio driver is
chosen once per process and the other benchmarks use ``dummy``.

(a) **scan -> first audible sample.**  ``talkcat run`` reads frames from a pty, with pygame on
    SDL's ``disk`` driver writing every mixed buffer to a file.  A thread of this process
    watches the file's size every ~0.5 ms, so it knows when each 512-frame buffer was written
    (the disk driver mixes a buffer, writes it at once, then waits one buffer's time, as a
    sound card's callback would).  For each scan: the first sample at least -60 dBFS (|x| >=
    33) of the *new* utterance - searched in the buffers mixed after the old utterance was
    handed to the mixer (its ``speak`` line), skipping the old utterance's 5 ms fade-out at
    the start of the first one - is found; it is heard when its buffer was written plus its
    place inside the buffer.  Latency = that moment minus the moment the frame's last byte was
    written to the pty.  Leading digital silence is thus never
    counted as sound.  Comparison: the same kiosk's ``speak`` line (audio handed to the
    mixer), the figure the README used to give.
(b) **prosody.**  20 long texts (3 in quick mode) spoken by the ``Speaker`` into pygame on
    ``disk`` (``SDL_DISKAUDIODELAY=20``: 16 % faster than real time), captured; pauses of 30 ms
    or more (|x| <= 64) in the captured speech that whole-text synthesis of the same text by
    the same voice (one eSpeak NG pass, nothing in between) does not have.  Comparison: the
    pauses the whole-text synthesis has.
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

RATE = 22050
BUFFER_BYTES = 512 * 2
AUDIBLE = 33  # -60 dBFS
_PROSE = (
    "romanen skildrar en familj i norra Sverige under tre generationer och hur kriget "
    "förändrar deras liv gården vid älven berättad med värme humor av en våra mest "
    "lästa författare boken handlar om vänskap sorg kärlek"
)
_WORDS = _PROSE.split(" ")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class _Watcher:
    """Notes when the disk driver's file grew: (perf_counter, size) pairs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.marks: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        last = -1
        while not self._stop.is_set():
            try:
                size = self.path.stat().st_size
            except OSError:
                size = 0
            if size != last:
                self.marks.append((time.perf_counter(), size))
                last = size
            time.sleep(0.0005)

    def size_at(self, moment: float) -> int:
        size = 0
        for when, value in self.marks:
            if when > moment:
                break
            size = value
        return size

    def written_at(self, offset: int) -> float | None:
        """When the file first held byte ``offset``."""
        for when, size in self.marks:
            if size > offset:
                return when
        return None

    def close(self) -> None:
        self._stop.set()
        self._thread.join(1)


def _audible_latency(quick: bool) -> tuple[list[float], list[float]]:
    from bench import catalogue_db
    from bench.bench_kiosk import Transcript, _stamp

    scans = 15 if quick else 150
    db = catalogue_db.shared(50_000 if quick else 1_000_000)
    with tempfile.TemporaryDirectory(prefix="talkcat-heard-") as tmp:
        folder = Path(tmp)
        raw = folder / "mixed.raw"
        transcript_path = folder / "t.jsonl"
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
        transcript = Transcript(transcript_path)
        heard: list[float] = []
        handed: list[float] = []
        try:
            transcript.wait(lambda e: e["event"] == "ready")
            watcher = _Watcher(raw)
            time.sleep(0.3)
            # Wall clock (transcript) -> perf_counter: one offset, measured now.
            offset = time.time() - time.perf_counter()
            for n in range(scans):
                identifier = catalogue_db.isbn13(n)
                written = time.perf_counter()
                os.write(master, identifier.encode() + b"\r\n")
                speak = transcript.wait(lambda e: e["event"] == "speak")
                handed_at = _stamp(speak["time"]) - offset
                handed.append((handed_at - written) * 1000)
                first = _first_audible_after(raw, watcher, handed_at, skip_fade=n > 0)
                if first is not None:
                    heard.append((first - written) * 1000)
                time.sleep(0.15 + random.random() * 0.05)
            watcher.close()
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)
            os.close(master)
            os.close(slave)
    return heard, handed


def _first_audible_after(
    raw: Path, watcher: _Watcher, moment: float, *, skip_fade: bool
) -> float | None:
    """When the first audible sample mixed after ``moment`` would be heard: the time its
    buffer was written plus its place in the buffer (None: not found within 3 s)."""
    deadline = time.perf_counter() + 3.0
    start = watcher.size_at(moment)
    start -= start % BUFFER_BYTES
    skip = int(0.0055 * RATE) if skip_fade else 0  # the old utterance's 5 ms fade-out
    while time.perf_counter() < deadline:
        data = raw.read_bytes()[start:]
        samples = array.array("h", data[: len(data) // 2 * 2])
        for index in range(skip, len(samples)):
            if abs(samples[index]) >= AUDIBLE:
                buffer_start = start + 2 * index - (2 * index) % BUFFER_BYTES
                when = watcher.written_at(buffer_start)
                if when is None:
                    break
                return when + ((2 * index) % BUFFER_BYTES) / 2 / RATE
        time.sleep(0.005)
    return None


def _prosody(quick: bool) -> tuple[int, int, int]:
    """(extra pauses in the kiosk's output, pauses of whole-text synthesis, texts)."""
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
    extra = reference_total = 0
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
                heard = _pauses(raw.read_bytes()[begin - begin % 2 :])
                blocks: list[bytes] = []
                backend.EspeakNG.instance().synthesize(
                    backend.ssml([(text, "gmq/sv")]), "gmq/sv", 300,
                    lambda pcm, blocks=blocks: blocks.append(pcm) or True,
                )  # fmt: skip
                reference = _pauses(b"".join(blocks))
                extra += max(0, len(heard) - len(reference))
                reference_total += len(reference)
        finally:
            speaker.close()
            pygame.mixer.quit()
    return extra, reference_total, len(texts)


def _pauses(pcm: bytes, minimum: float = 0.03, threshold: int = 64) -> list[float]:
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
                runs.append((i - start) / RATE)
            start = None
    return runs


def run(quick: bool = False) -> list[dict]:
    """Runs this module in a fresh process (its own SDL driver) and returns its rows."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.bench_heard", *(["--quick"] if quick else [])],
        capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[1],
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def _rows(quick: bool) -> list[dict]:
    heard, handed = _audible_latency(quick)
    extra, reference, texts = _prosody(quick)
    n = len(heard)
    return [
        {"figure": f"scan -> first audible sample (SDL disk, n={n}) median/p95",
         "value": f"{statistics.median(heard):.1f} / {_pct(heard, .95):.1f}" if heard else "n/a",
         "unit": "ms", "target": "p95 <= 40 (stretch 23 + 5)",
         "compare": f"scan -> audio handed to the mixer ('speak'): median "
                    f"{statistics.median(handed):.1f}, p95 {_pct(handed, .95):.1f} ms"},
        {"figure": f"prosody: pauses >= 30 ms the kiosk adds ({texts} long texts)",
         "value": str(extra), "unit": "pauses", "target": "0",
         "compare": f"whole-text synthesis of the same texts has {reference} pauses"},
    ]  # fmt: skip


if __name__ == "__main__":
    print(json.dumps(_rows("--quick" in sys.argv)))
