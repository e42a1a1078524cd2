"""Power loss during an import: ``kill -9`` of ``talkcat import --replace`` at random moments.

After each kill the catalogue opens read-only (as the kiosk opens it), passes ``PRAGMA
integrity_check`` and holds exactly the old catalogue or exactly the new one - the same
records, keys and search index as a clean import would leave - never a mix.  Three kills in
the default run, twenty with ``-m soak``.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from catalog.identifiers import normalise
from catalog.store import Catalog
from tests.catalog.conftest import make_record
from tests.reliability.rig import make_catalogue
from tests.support import TALKCAT, talkcat_env

NEW_RECORDS = 15000


def fingerprint(db: Path) -> tuple[int, int, int, bool, bool]:
    """What tells the old catalogue from the new one - and either from a mix."""
    with Catalog.open(db, readonly=True) as catalog:
        assert catalog.check(full=True) == [], "integrity_check failed"
        stats = catalog.stats()
        fts = len(catalog.search("generated", limit=NEW_RECORDS + 10))
        old = catalog.lookup(normalise("91-0-056322-6")) is not None
        new = catalog.get("marc:new-17") is not None
    return stats["records"], stats["identifiers"], fts, old, new


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict, float]:
    """The pristine old catalogue, the new source file, both fingerprints, an import's time."""
    base = tmp_path_factory.mktemp("power")
    old = make_catalogue(base / "old.db")
    source = base / "new.mrc"
    with open(source, "wb") as handle:
        for i in range(NEW_RECORDS):
            handle.write(make_record(f"new-{i}", f"Generated record {i}"))
    scratch = base / "scratch.db"
    shutil.copy(old, scratch)
    started = time.monotonic()
    result = subprocess.run(
        [*TALKCAT, "import", str(source), "--db", str(scratch), "--replace"],
        capture_output=True, text=True, env=talkcat_env(), timeout=300, check=False,
    )
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    prints = {"old": fingerprint(old), "new": fingerprint(scratch)}
    assert prints["old"][3] and not prints["old"][4]
    assert prints["new"][4] and not prints["new"][3] and prints["new"][0] == NEW_RECORDS
    return old, source, prints, seconds


def kill_during_import(tmp_path: Path, states, rng: random.Random, round_: int) -> str:
    old, source, prints, seconds = states
    db = tmp_path / f"c{round_}.db"
    shutil.copy(old, db)
    proc = subprocess.Popen(
        [*TALKCAT, "import", str(source), "--db", str(db), "--replace"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=talkcat_env(),
    )
    # A random moment from start-up to just past the usual end: before, during, at commit.
    threading.Event().wait(rng.uniform(0.0, seconds * 1.1))
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    found = fingerprint(db)
    assert found in (prints["old"], prints["new"]), f"a mix after kill at round {round_}: {found}"
    state = "old" if found == prints["old"] else "new"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return state


def test_kill_9_during_import_three_times(tmp_path: Path, states) -> None:
    rng = random.Random(os.getpid())
    outcomes = [kill_during_import(tmp_path, states, rng, i) for i in range(3)]
    assert set(outcomes) <= {"old", "new"}


@pytest.mark.soak
def test_kill_9_during_import_twenty_times(tmp_path: Path, states) -> None:
    rng = random.Random(20)
    outcomes = [kill_during_import(tmp_path, states, rng, i) for i in range(20)]
    assert set(outcomes) <= {"old", "new"}
    # The random points must have hit both sides of the commit, or the test proved little.
    assert "old" in outcomes
