"""Helpers shared by the end-to-end tests: running ``talkcat`` and waiting on its transcript."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_DATA = ROOT.parent / "shared" / "data"
TALKCAT = [sys.executable, "-m", "kiosk"]


def talkcat_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SDL_AUDIODRIVER="dummy",
        SDL_VIDEODRIVER="dummy",
        PYGAME_HIDE_SUPPORT_PROMPT="1",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def talkcat(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run one ``talkcat`` command to completion and capture its output."""
    return subprocess.run(
        [*TALKCAT, *args],
        capture_output=True,
        text=True,
        env=talkcat_env(),
        timeout=120,
        check=False,
        **kwargs,  # type: ignore[arg-type]
    )


def read_events(path: Path) -> list[dict]:
    if not path.exists():
        return []
    lines = path.read_text("utf-8").splitlines()
    # The last line may be half-written while we read; only whole lines count.
    events = []
    for line in lines:
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            break
    return events


def wait_for_events(
    path: Path,
    predicate: Callable[[list[dict]], bool],
    timeout: float = 60.0,
    proc: subprocess.Popen[str] | None = None,
) -> list[dict]:
    """Wait until the transcript satisfies ``predicate``; fail with what it held.

    The transcript is flushed line by line, so watching it is watching the kiosk's events.
    """
    deadline = time.monotonic() + timeout
    while True:
        events = read_events(path)
        if predicate(events):
            return events
        if proc is not None and proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(
                f"talkcat exited with {proc.returncode} while waiting; events={events}\n"
                f"stdout={out}\nstderr={err}"
            )
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s; transcript so far: {events}")
        time.sleep(0.02)  # polling a file: there is no event to block on


def start_kiosk(db: Path, reader: str, transcript: Path, *extra: str) -> subprocess.Popen[str]:
    """``talkcat run`` as a child process, its events going to ``transcript``."""
    return subprocess.Popen(
        [*TALKCAT, "run", "--db", str(db), "--reader", reader, "--transcript", str(transcript),
         *extra],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=talkcat_env(),
    )


def stop_kiosk(proc: subprocess.Popen[str]) -> tuple[int, float]:
    """SIGTERM, as systemd stops it; returns (exit code, seconds it took)."""
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)  # generous: the promise of 2 s is measured in bench, not here
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    return proc.returncode, time.monotonic() - started


def finished(text: str, count: int = 1) -> Callable[[list[dict]], bool]:
    """A :func:`wait_for_events` predicate: ``text`` has played to its end ``count`` times."""
    return lambda ev: sum(e["event"] == "done" and e["text"] == text for e in ev) >= count


def wait_ready(path: Path, proc: subprocess.Popen[str], timeout: float = 30.0) -> list[dict]:
    """Until the kiosk wrote ``ready``: its reader is open and it listens."""
    return wait_for_events(
        path, lambda ev: any(e["event"] == "ready" for e in ev), timeout=timeout, proc=proc
    )


class ManualClock:
    """A monotonic clock that moves only when a test says so; ``sleep`` advances it."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(0.0, seconds)


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes: "the file is exactly as it was"."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def default_signals() -> None:
    """``preexec_fn`` for a child a test will signal.  A test run started in the background
    (``cmd &``, ``nohup``) hands its children SIGINT or SIGHUP *ignored*, and Python keeps an
    inherited ignored signal ignored, so the test's Ctrl-C or hang-up would never arrive."""
    import signal

    for sig in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)

