"""No leak: a killed import leaves no process behind, and memory stays flat in the input.

A ``talkcat import`` of a file of a few MB parses in worker processes.  They used to outlive
an import killed with ``kill -9``, SIGTERM or SIGHUP - owned by PID 1, blocked on a pipe
nobody reads, with multiprocessing's resource tracker beside them.  Here the real command is
started on such a file, killed as soon as its workers run, and every process it had started
must be gone within 5 s (polled, not slept).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from catalog.importing import PARALLEL_MIN_BYTES
from tests.support import FIXTURES, default_signals

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, state) of ``pid``, ``None`` when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw.rsplit(")", 1)[1].split()
    return int(fields[1]), fields[0]


def _descendants(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            found = _stat(int(entry.name))
            if found is not None:
                parents[int(entry.name)] = found[0]
    tree: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - tree
        tree |= frontier
    return tree


def _alive(pid: int) -> bool:
    found = _stat(pid)
    return found is not None and found[1] not in ("Z", "X")


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _poll(check: Callable[[], T], timeout: float) -> T:
    """Wait until ``check()`` is truthy (polling /proc is the only way to see a process go)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.02)


def _big_marc(path: Path) -> Path:
    record_file = (FIXTURES / "libris_bib_28.mrc").read_bytes()
    copies = (3 * PARALLEL_MIN_BYTES) // len(record_file) + 1
    path.write_bytes(record_file * copies)
    return path


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _big_marc(tmp_path_factory.mktemp("leak") / "big.mrc")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP])
def test_parse_workers_die_with_a_killed_import(
    sig: signal.Signals, big_file: Path, tmp_path: Path
) -> None:
    command = [sys.executable, "-c", "from kiosk.cli import main; main()", "import",
               str(big_file), "--db", str(tmp_path / "c.db")]  # fmt: skip
    importer = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=default_signals,
    )
    started: set[int] = set()
    try:

        def workers_running() -> set[int]:
            tree = _descendants(importer.pid)
            spawned = {p for p in tree if "multiprocessing" in _cmdline(p)}
            return tree if any("spawn_main" in _cmdline(p) for p in spawned) else set()

        started = _poll(workers_running, 120)
        assert started, "the import never started its parse workers"
        assert importer.poll() is None, "the import ended before it could be killed"
        os.kill(importer.pid, sig)
        assert importer.wait(30) == -sig
        left = _poll(lambda: not {p for p in started if _alive(p)}, 5.0)
        survivors = {p: _cmdline(p) for p in started if _alive(p)}
        assert left and not survivors, f"still running 5 s after {sig.name}: {survivors}"
    finally:
        if importer.poll() is None:
            importer.kill()
            importer.wait(10)
        for pid in started:  # a failing run must not leave its own leak behind
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
