"""Soak: thousands of scans and key presses through the real loop - nothing leaks.

``-m soak`` runs 10,000 events (about a minute); the default run keeps a 400-event version so
a leak is caught early.  File descriptors are counted in ``/proc/self/fd``, memory as the
process's resident set, both after a warm-up (caches and the speech engine filled) and at
the end.
"""

from __future__ import annotations

import logging
import os
import random
import threading
from pathlib import Path

import pytest

from catalog.store import Catalog
from hardware.protocols import KEY_ACTIONS
from hardware.readers.fake import ListReader
from tests.hardware.reader_support import wait_for
from tests.reliability.rig import KioskRig, make_catalogue


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def rss_bytes() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def visit_script(db: Path, count: int, seed: int) -> list[str]:
    """Random scans (found, not found, unreadable) and keypad actions, as a busy day."""
    with Catalog.open(db, readonly=True) as catalog:
        isbns = [isbn for record in catalog.records() for isbn in record.isbns]
    rng = random.Random(seed)
    unreadable = ["9789100563227", "12", "]E0978", "ÅÄÖ?"]
    events = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.55:
            events.append(rng.choice(isbns))
        elif roll < 0.65:
            events.append("9780140449136")  # a real ISBN, not in this catalogue
        elif roll < 0.75:
            events.append(rng.choice(unreadable))
        else:
            events.append("key:" + rng.choice(KEY_ACTIONS))
    return events


def soak(tmp_path: Path, count: int, caplog: pytest.LogCaptureFixture) -> None:
    db = make_catalogue(tmp_path / "c.db")
    script = visit_script(db, count, seed=count)
    reader = ListReader(script, interval=0.002)
    caplog.set_level(logging.WARNING)
    rig = KioskRig(reader, db, tmp_path / "t.jsonl")
    fds_before = open_fds()
    threads_before = threading.active_count()
    with rig:
        warm = len(reader.events) // 10
        assert wait_for(lambda: reader._position >= warm, timeout=120)
        fds_warm, rss_warm = open_fds(), rss_bytes()
        assert wait_for(
            lambda: reader._position >= len(reader.events) and rig.kiosk.events.empty(),
            timeout=60 + count * 0.02,
        ), f"only {reader._position} of {len(reader.events)} events read"
        fds_end, rss_end = open_fds(), rss_bytes()
    assert not rig.errors
    crashes = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not crashes, [r.getMessage() for r in crashes[:5]]
    assert fds_end <= fds_warm + 2, (fds_warm, fds_end)
    assert rss_end - rss_warm < 40 * 1024 * 1024, (rss_warm, rss_end)
    spoken = rig.spoken()
    assert len(spoken) > count // 20  # the kiosk really spoke throughout
    rig.speaker.close()
    assert wait_for(lambda: threading.active_count() <= threads_before + 1, timeout=10)
    assert open_fds() <= fds_before + 2


def test_short_soak_no_leaks(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    soak(tmp_path, 400, caplog)


@pytest.mark.soak
def test_soak_ten_thousand_events(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    soak(tmp_path, 10_000, caplog)
