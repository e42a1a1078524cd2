"""Scan -> first audio with live availability over SIP2, beside the same kiosk without it.

Issue 12 promises that availability never delays speech: the question goes to the library
system in the background while the title is spoken.  This runs ``talkcat run`` (real eSpeak
NG, pygame on SDL's dummy driver, a reader on a pseudo-terminal) in alternating blocks with
and without ``[availability]`` pointing at a real SIP2 server on loopback
(``tests/sip2_server.py``, the pysip2 codec), every record new, and compares the medians of
the same run.  The availability utterances are counted too, so the figure cannot come from a
kiosk that never asked.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import catalogue_db
from bench.bench_kiosk import Transcript, _pct, _stamp


class _Kiosk:
    """One ``talkcat run`` on its own pseudo-terminal reader, with or without a config."""

    def __init__(self, db: Path, folder: Path, name: str, config: Path | None) -> None:
        self.master, self.slave = os.openpty()
        self.path = folder / f"{name}.jsonl"
        env = {**os.environ, "SDL_AUDIODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1"}
        command = [sys.executable, "-m", "kiosk", "run", "--db", str(db), "--reader",
                   f"serial:{os.ttyname(self.slave)}", "--transcript", str(self.path),
                   "--audio", "pygame", "--lang", "en"]
        if config is not None:
            command += ["--config", str(config)]
        self.proc = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env=env)
        self.transcript = Transcript(self.path)
        self.transcript.wait(lambda e: e["event"] == "ready")

    def scan(self, identifier: str, *, follow_up: bool) -> float:
        """Scan, wait for the title to play out (and the availability after it); latency."""
        written = time.time()
        os.write(self.master, identifier.encode() + b"\r\n")
        speak = self.transcript.wait(lambda e: e["event"] == "speak")
        self.transcript.wait(lambda e: e["event"] in ("done", "stop"))
        if follow_up:  # the availability utterance, or nothing within the timeout
            with contextlib.suppress(TimeoutError):
                self.transcript.wait(lambda e: e["event"] == "done", timeout=3.0)
        return (_stamp(speak["time"]) - written) * 1000

    def close(self) -> int:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        os.close(self.master)
        os.close(self.slave)
        lines = [json.loads(x) for x in self.path.read_text("utf-8").splitlines() if x]
        return sum(1 for e in lines if e["event"] == "speak" and "shelf" in (e["text"] or ""))


def run(quick: bool = False) -> list[dict]:
    from tests.sip2_server import Item, Sip2Server

    scans = 30 if quick else 150
    warm = 3
    items = 50_000 if quick else 1_000_000
    db = catalogue_db.shared(items)
    numbers = list(range(1000, 1000 + 2 * (scans + warm)))
    shelf = {catalogue_db.barcode(n): Item("03", current="the fiction shelves") for n in numbers}
    without: list[float] = []
    with_availability: list[float] = []
    with (
        tempfile.TemporaryDirectory(prefix="talkcat-bench-av-") as tmp,
        Sip2Server(shelf) as server,
    ):
        folder = Path(tmp)
        config = folder / "kiosk.toml"
        config.write_text(
            "[availability]\ndriver = \"sip2\"\ntimeout = 1.0\n"
            + "".join(f"{k} = {json.dumps(v)}\n" for k, v in server.options().items()),
            "utf-8",
        )
        # Both kiosks run side by side and take turns, one scan each: whatever else the
        # machine is doing at a moment weighs on both figures alike.
        plain = _Kiosk(db, folder, "plain", None)
        asking = _Kiosk(db, folder, "asking", config)
        try:
            for n in range(scans + warm):
                a = plain.scan(catalogue_db.isbn13(numbers[2 * n]), follow_up=False)
                b = asking.scan(catalogue_db.isbn13(numbers[2 * n + 1]), follow_up=True)
                if n >= warm:
                    without.append(a)
                    with_availability.append(b)
        finally:
            plain.close()
            spoken = asking.close()
    difference = statistics.median(with_availability) - statistics.median(without)
    return [
        {"figure": f"scan -> first audio with [availability] SIP2 on loopback "
                   f"(n={len(with_availability)}) median/p95",
         "value": f"{statistics.median(with_availability):.1f} / "
                  f"{_pct(with_availability, .95):.1f}",
         "unit": "ms", "target": "median within 2 ms of without",
         "compare": f"without availability, same run, turn about (n={len(without)}): "
                    f"{statistics.median(without):.1f} / {_pct(without, .95):.1f} ms; "
                    f"difference of medians {difference:+.1f} ms; "
                    f"availability spoken after {spoken} of {scans + warm} titles"},
    ]


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
