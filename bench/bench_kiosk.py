"""End-to-end figures of the real kiosk process, measured from outside as a visitor meets it.

``talkcat run`` runs as a subprocess on a pseudo-terminal with real eSpeak NG and pygame's
mixer on SDL's dummy driver.  Times come from the transcript, whose ``speak`` line is written
when the first audio block is handed to the mixer and whose ``stop`` line when the old
utterance was silenced; both sides use the wall clock of this one machine.

- scan -> first audio: last byte of a frame written -> ``speak``; every record is new (no cache
  hit) and half of them have 200+ word titles without punctuation.  Compared with the usual
  way: synthesise the whole text with pyttsx3, then play it.
- barge-in: the next frame written -> ``stop`` of the utterance it cut off.  Compared with the
  same utterance played to its end.
- start-up: ``talkcat run`` -> ``ready`` on a large catalogue, beside
  ``python -c "import pygame, pyttsx3"``.
- memory: peak RSS (VmHWM) of the kiosk process and its children over all scans, and growth.
"""

from __future__ import annotations

import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench import catalogue_db

ROOT = Path(__file__).resolve().parents[1]
def _stamp(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


class Transcript:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0

    def wait(self, predicate, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        buffer = ""
        while time.monotonic() < deadline:
            if self.path.exists():
                with self.path.open(encoding="utf-8") as fh:
                    fh.seek(self.offset)
                    buffer += fh.read()
                    self.offset = fh.tell()
                while "\n" in buffer:
                    line, buffer = buffer.split("\n", 1)
                    event = json.loads(line)
                    if predicate(event):
                        # Put back what we have not looked at yet.
                        self.offset -= len(buffer.encode("utf-8"))
                        return event
            time.sleep(0.001)
        raise TimeoutError("transcript event did not arrive")


def _peak_rss_kb(pid: int) -> int:
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _usual_way(texts: list[str]) -> list[float]:
    """Synthesise the whole text with pyttsx3 (no chunking), as most programs do."""
    from hardware.speech.pyttsx3_engine import Pyttsx3Synthesizer

    synth = Pyttsx3Synthesizer(None)
    times = []
    for text in texts:
        started = time.perf_counter()
        synth.synthesize(text, "sv", 160)
        times.append((time.perf_counter() - started) * 1000)
    synth.close()
    return times


def _lookup_figures(db: Path, identifiers: list[str]) -> tuple[list[float], list[float]]:
    """Per-scan work of the loop (normalise + lookup + phrase) beside a bare PK query."""
    import sqlite3

    from catalog.identifiers import normalise
    from catalog.store import Catalog
    from kiosk import levels

    ours, bare_times = [], []
    bare = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    with Catalog.open(db, readonly=True) as catalog:
        for text in identifiers:
            started = time.perf_counter()
            record = catalog.lookup(normalise(text))
            levels.level_one(record, "sv")
            ours.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            bare.execute("SELECT record_id FROM identifiers WHERE key = ?", (text,)).fetchone()
            bare_times.append((time.perf_counter() - started) * 1000)
    bare.close()
    return ours, bare_times


def run(quick: bool = False) -> list[dict]:
    scans = 40 if quick else 200
    soak_scans = 500 if quick else 10_000
    items = 50_000 if quick else 1_000_000
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="talkcat-bench-") as tmp:
        folder = Path(tmp)
        # The first ``scans`` items, every other one with a 200+ word title, each scanned once.
        db = catalogue_db.shared(items)
        identifiers = [catalogue_db.isbn13(n) for n in range(scans)]
        rng = random.Random(11)
        sample = [
            catalogue_db.isbn13(rng.randrange(items)) for _ in range(2_000 if quick else 20_000)
        ]
        lookups, bare = _lookup_figures(db, sample)
        # Start-up beside a bare import of the two heavy libraries.
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import pygame, pyttsx3"], check=True,
                       env={**os.environ, "PYGAME_HIDE_SUPPORT_PROMPT": "1"})
        bare_import = (time.perf_counter() - started) * 1000

        master, slave = os.openpty()
        transcript_path = folder / "t.jsonl"
        env = {**os.environ, "SDL_AUDIODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1"}
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "run", "--db", str(db), "--reader",
             f"serial:{os.ttyname(slave)}", "--transcript", str(transcript_path),
             "--audio", "pygame"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            env=env,
        )
        transcript = Transcript(transcript_path)
        transcript.wait(lambda e: e["event"] == "ready")
        startup = (time.perf_counter() - started) * 1000
        rss_start = _peak_rss_kb(proc.pid)

        first_audio: list[float] = []
        first_audio_long: list[float] = []
        barge_in: list[float] = []
        try:
            for n, identifier in enumerate(identifiers):
                written = time.time()
                os.write(master, identifier.encode() + b"\r\n")
                if n > 0:
                    stopped = transcript.wait(lambda e: e["event"] in ("stop", "done"))
                    if stopped["event"] == "stop":
                        barge_in.append((_stamp(stopped["time"]) - written) * 1000)
                speak = transcript.wait(lambda e: e["event"] == "speak")
                latency = (_stamp(speak["time"]) - written) * 1000
                (first_audio_long if n % 2 else first_audio).append(latency)
                # Let it play a little, as a visitor's finger rests on the book.
                time.sleep(0.15)
            rss_warm = _peak_rss_kb(proc.pid)
            # Memory: a long run of scans as fast as the kiosk answers them, every record new.
            for n in range(soak_scans):
                identifier = catalogue_db.isbn13(scans + n % (items - scans))
                os.write(master, identifier.encode() + b"\r\n")
                transcript.wait(lambda e: e["event"] == "speak")
            rss_peak = _peak_rss_kb(proc.pid)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)
            os.close(master)
            os.close(slave)
        long_titles = [
            catalogue_db.title(random.Random(n), True) for n in range(10 if quick else 30)
        ]
        usual = _usual_way(long_titles)
        rows.append(
            {"figure": f"normalise + lookup + phrase at {items:,} items, p50/p99",
             "value": f"{statistics.median(lookups):.3f} / {_pct(lookups, .99):.3f}",
             "unit": "ms", "target": "p99 <= 1",
             "compare": f"bare sqlite3 PK query: p50 {statistics.median(bare):.3f}, "
                        f"p99 {_pct(bare, .99):.3f} ms"})
        both = first_audio + first_audio_long
        rows += [
            {"figure": f"scan -> first audio, short titles (n={len(first_audio)}) median/p95",
             "value": f"{statistics.median(first_audio):.1f} / {_pct(first_audio, .95):.1f}",
             "unit": "ms", "target": "p95 <= 40",
             "compare": "-"},
            {"figure": f"scan -> first audio, 200+ words (n={len(first_audio_long)}) median/p95",
             "value": f"{statistics.median(first_audio_long):.1f} / "
                      f"{_pct(first_audio_long, .95):.1f}",
             "unit": "ms", "target": "p95 <= 40",
             "compare": f"whole-text pyttsx3 synthesis alone: median "
                        f"{statistics.median(usual):.0f} ms, p95 {_pct(usual, .95):.0f} ms"},
            {"figure": f"scan -> first audio, all (n={len(both)}) p95",
             "value": f"{_pct(both, .95):.1f}", "unit": "ms", "target": "p95 <= 40",
             "compare": "-"},
            {"figure": f"barge-in: frame -> old utterance silenced (n={len(barge_in)}) "
                       "median/p95",
             "value": (f"{statistics.median(barge_in):.1f} / {_pct(barge_in, .95):.1f}"
                       if barge_in else "n/a"),
             "unit": "ms", "target": "p95 <= 30",
             "compare": "utterance played to its end: 200+ words = over a minute"},
            {"figure": f"start-up: run -> ready ({items:,} items)",
             "value": f"{startup:.0f}", "unit": "ms", "target": "<= 1000",
             "compare": f"python -c 'import pygame, pyttsx3': {bare_import:.0f} ms"},
            {"figure": f"memory: peak RSS over {scans + soak_scans:,} scans",
             "value": f"{rss_peak / 1024:.1f}", "unit": "MB",
             "target": "<= 80", "compare": f"at ready {rss_start / 1024:.1f} MB"},
            {"figure": f"memory growth over the last {soak_scans:,} scans",
             "value": f"{(rss_peak - rss_warm) / 1024:.1f}", "unit": "MB",
             "target": "<= 5",
             "compare": f"from ready: {(rss_peak - rss_start) / 1024:.1f} MB "
                        f"(warm-up: engine, mixer, bounded audio cache)"},
        ]
    return rows


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
