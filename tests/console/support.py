"""Helpers for the console tests: a real catalogue, a real config, a real server process."""

from __future__ import annotations

import array
import csv
import io
import os
import re
import selectors
import signal
import subprocess
import time
import wave
from dataclasses import dataclass
from pathlib import Path

import httpx

from kiosk.staff import hash_pin
from tests.support import FIXTURES, TALKCAT, talkcat, talkcat_env

PASSWORD = "correct horse battery"
HOSTILE_TITLE = '<script>alert("x")</script> & Co'
HOSTILE_ISBN = "9789129688313"


def make_catalogue(folder: Path) -> Path:
    """The Libris fixture (28 real MARC records) plus a CSV record with a hostile title."""
    db = folder / "catalogue.db"
    result = talkcat("import", str(FIXTURES / "libris_bib_28.mrc"), "--db", str(db))
    assert result.returncode == 0, result.stderr
    hostile = folder / "hostile.csv"
    with open(hostile, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "author", "isbn", "language"])
        writer.writerow(["evil-1", HOSTILE_TITLE, "Mallory, Eve", HOSTILE_ISBN, "eng"])
    result = talkcat("import", str(hostile), "--db", str(db))
    assert result.returncode == 0, result.stderr
    return db


def write_config(folder: Path, db: Path, **console: object) -> Path:
    """kiosk.toml with the staff password, a phrases folder and a not-found state file."""
    lines = [
        "[kiosk]",
        f'db = "{db}"',
        f'phrases_dir = "{folder / "phrases"}"',
        f'missing_state = "{folder / "missing.db"}"',
        f'transcript = "{folder / "transcript.jsonl"}"',
        "[staff]",
        f'password_hash = "{hash_pin(PASSWORD)}"',
        "[console]",
    ]
    for key, value in console.items():
        lines.append(f"{key} = {value!r}".replace("'", '"'))
    path = folder / "kiosk.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class ConsoleProcess:
    process: subprocess.Popen[str]
    url: str
    first_line: str

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> tuple[int, float]:
        started = time.monotonic()
        self.process.send_signal(sig)
        code = self.process.wait(timeout=timeout)
        return code, time.monotonic() - started


def start_console(config: Path, *extra: str, timeout: float = 60.0) -> ConsoleProcess:
    """``talkcat console`` on a free loopback port; returns once it says it listens."""
    process = subprocess.Popen(
        [*TALKCAT, "console", "--config", str(config), "--bind", "127.0.0.1:0", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=talkcat_env(),
    )
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
            break
        line = process.stdout.readline()
        if not line:
            break
        match = re.match(r"console listening on (http://127\.0\.0\.1:\d+)$", line.strip())
        if match:
            return ConsoleProcess(process, match.group(1), line.strip())
    process.kill()
    _out, err = process.communicate(timeout=10)
    raise AssertionError(f"talkcat console did not start: {err[-2000:]}")


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)


def login(client: httpx.Client, password: str = PASSWORD) -> httpx.Response:
    page = client.get("/login")
    return client.post("/login", data={"password": password, "csrf": csrf_of(page.text)})


def wav_rms(data: bytes) -> tuple[float, float]:
    """(seconds, RMS level 0..1) of a 16-bit mono WAV."""
    with wave.open(io.BytesIO(data)) as handle:
        assert handle.getsampwidth() == 2 and handle.getnchannels() == 1
        frames = handle.readframes(handle.getnframes())
        seconds = handle.getnframes() / handle.getframerate()
    samples = array.array("h")
    samples.frombytes(frames)
    if not samples:
        return seconds, 0.0
    rms = (sum(s * s for s in samples) / len(samples)) ** 0.5 / 32768
    return seconds, rms


def lookup_text(db: Path, identifier: str, lang: str = "sv") -> str:
    result = talkcat("lookup", identifier, "--db", str(db), "--lang", lang)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


__all__ = ["TALKCAT", "os"]
