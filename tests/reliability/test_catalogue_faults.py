"""The catalogue file missing, garbage, busy, damaged or replaced under a running kiosk.

The kiosk says "catalogue unavailable", keeps its reader, and recovers by itself when a good
file appears - including a *different* file renamed over the path, which the open connection
would otherwise never notice.  ``run`` never writes the catalogue.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

import catalog.store
from catalog.identifiers import normalise
from catalog.importing import import_files
from catalog.store import Catalog
from kiosk import levels
from tests.catalog.conftest import make_record
from tests.hardware.reader_support import wait_for
from tests.reliability.rig import (
    GUILLOU,
    GUILLOU_ISBN,
    NOT_FOUND,
    TOVE,
    TOVE_ISBN,
    UNAVAILABLE,
    KioskRig,
    PushReader,
    make_catalogue,
)
from tests.support import TALKCAT, digest, finished, talkcat_env, wait_for_events

OTHER_ISBN = "9780140449136"


def other_catalogue(path: Path) -> tuple[Path, str]:
    """A different catalogue: one book Tove's file does not have; and how it is spoken."""
    source = path.with_suffix(".mrc")
    source.write_bytes(make_record("other-1", "Brand new book", isbns=(OTHER_ISBN,)))
    import_files(path, [source])
    with Catalog.open(path, readonly=True) as opened:
        record = opened.lookup(normalise(OTHER_ISBN))
    assert record is not None
    return path, levels.level_one(record, "sv").text


def check_finished(rig: KioskRig) -> None:
    """Wait for the background quick_check that ``ready`` starts."""
    assert wait_for(lambda: rig.kiosk.catalog.check_thread is not None, timeout=30), (
        "no background check was started after ready"
    )
    rig.kiosk.catalog.check_thread.join(60)
    assert rig.kiosk.catalog.check_problems is not None



def test_missing_at_start_then_appears(tmp_path: Path) -> None:
    db = tmp_path / "catalogue.db"
    reader = PushReader()
    with KioskRig(reader, db, tmp_path / "t.jsonl") as rig:
        reader.scan(TOVE_ISBN)
        rig.wait_spoken(UNAVAILABLE)
        make_catalogue(tmp_path / "staging.db")
        os.replace(tmp_path / "staging.db", db)  # staff put the file in place
        reader.scan(TOVE_ISBN)
        rig.wait_spoken(TOVE)
    assert rig.spoken() == [UNAVAILABLE, TOVE]
    assert reader.calls == ["open", "close"]  # one reader session throughout


@pytest.mark.parametrize(
    "garbage",
    [b"\x00\xff garbage " * 500, b"SQLite format 3\x00" + os.urandom(8000), b""],
    ids=["random-bytes", "sqlite-header-then-noise", "empty-file"],
)
def test_garbage_file_at_start_then_a_good_one(tmp_path: Path, garbage: bytes) -> None:
    db = tmp_path / "catalogue.db"
    db.write_bytes(garbage)
    reader = PushReader()
    with KioskRig(reader, db, tmp_path / "t.jsonl") as rig:
        reader.scan(TOVE_ISBN)
        rig.wait_spoken(UNAVAILABLE)
        reader.scan(TOVE_ISBN)  # still unavailable, still answered
        rig.wait_spoken(UNAVAILABLE, count=2)
        make_catalogue(tmp_path / "staging.db")
        os.replace(tmp_path / "staging.db", db)
        reader.scan(TOVE_ISBN)
        rig.wait_spoken(TOVE)
    assert rig.spoken() == [UNAVAILABLE, UNAVAILABLE, TOVE]
    check_finished(rig)
    assert rig.kiosk.catalog.check_problems  # the background check saw the garbage too


def test_a_different_file_renamed_over_the_path_is_noticed(tmp_path: Path) -> None:
    db = make_catalogue(tmp_path / "catalogue.db")
    other, other_text = other_catalogue(tmp_path / "other.db")
    reader = PushReader()
    with KioskRig(reader, db, tmp_path / "t.jsonl") as rig:
        reader.scan(TOVE_ISBN)
        rig.wait_spoken(TOVE)
        os.replace(other, db)  # e.g. a catalogue built elsewhere and copied in
        reader.scan(OTHER_ISBN)
        rig.wait_spoken(other_text)
        reader.scan(TOVE_ISBN)
        rig.wait_spoken(NOT_FOUND)
    assert rig.spoken() == [TOVE, other_text, NOT_FOUND]


def test_garbage_renamed_over_a_running_kiosk_then_a_good_file(tmp_path: Path) -> None:
    db = make_catalogue(tmp_path / "catalogue.db")
    reader = PushReader()
    with KioskRig(reader, db, tmp_path / "t.jsonl") as rig:
        reader.scan(TOVE_ISBN)
        rig.wait_spoken(TOVE)
        (tmp_path / "junk").write_bytes(os.urandom(20000))
        os.replace(tmp_path / "junk", db)
        reader.scan(TOVE_ISBN)
        rig.wait_spoken(UNAVAILABLE)
        make_catalogue(tmp_path / "good.db")
        os.replace(tmp_path / "good.db", db)
        reader.scan(GUILLOU_ISBN)
        rig.wait_spoken(GUILLOU)
    assert rig.spoken() == [TOVE, UNAVAILABLE, GUILLOU]


def test_deleted_under_a_running_kiosk_then_restored(tmp_path: Path) -> None:
    db = make_catalogue(tmp_path / "catalogue.db")
    shutil.copy(db, tmp_path / "backup.db")
    reader = PushReader()
    with KioskRig(reader, db, tmp_path / "t.jsonl") as rig:
        reader.scan(TOVE_ISBN)
        rig.wait_spoken(TOVE)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        reader.scan(TOVE_ISBN)
        rig.wait_spoken(UNAVAILABLE)
        os.replace(tmp_path / "backup.db", db)
        reader.scan(TOVE_ISBN)
        rig.wait_spoken(TOVE, count=2)
    assert rig.spoken() == [TOVE, UNAVAILABLE, TOVE]


def test_staff_import_replace_is_seen_by_the_running_kiosk(tmp_path: Path) -> None:
    db = make_catalogue(tmp_path / "catalogue.db")
    source = tmp_path / "new.mrc"
    source.write_bytes(make_record("other-1", "Brand new book", isbns=(OTHER_ISBN,)))
    reader = PushReader()
    with KioskRig(reader, db, tmp_path / "t.jsonl") as rig:
        reader.scan(TOVE_ISBN)
        rig.wait_spoken(TOVE)
        report = import_files(db, [source], replace=True)  # `talkcat import --replace`
        assert report.committed and report.replaced == 28
        reader.scan(TOVE_ISBN)
        rig.wait_spoken(NOT_FOUND)
        reader.scan(OTHER_ISBN)
        rig.wait(lambda ev: len([e for e in ev if e["event"] == "speak"]) >= 3)
    assert rig.spoken()[:2] == [TOVE, NOT_FOUND]
    assert rig.spoken()[2].startswith("Brand new book")


def test_replace_of_a_damaged_catalogue_under_a_running_kiosk_is_picked_up(
    tmp_path: Path,
) -> None:
    # The kiosk has the file open when staff rebuild it: the rebuilt catalogue is a new file
    # renamed over the path (catalog.damage), so the kiosk's descriptor still reads the old
    # one until its next lookup sees the new inode and reopens.
    db = make_catalogue(tmp_path / "catalogue.db")
    source = tmp_path / "new.mrc"
    source.write_bytes(make_record("other-1", "Brand new book", isbns=(OTHER_ISBN,)))
    reader = PushReader()
    with KioskRig(reader, db, tmp_path / "t.jsonl") as rig:
        reader.scan(TOVE_ISBN)
        rig.wait_spoken(TOVE)
        _damage_a_middle_page(db)
        with open(db, "r+b") as handle:  # and the schema page: nothing reads any more
            handle.seek(4096 + 8)
            handle.write(b"\xff" * 32)
        report = import_files(db, [source], replace=True)  # `talkcat import --replace`
        assert report.committed and report.kept is not None and report.kept.exists()
        reader.scan(OTHER_ISBN)
        rig.wait(lambda ev: len([e for e in ev if e["event"] == "speak"]) >= 2)
        reader.scan(TOVE_ISBN)
        rig.wait_spoken(NOT_FOUND)
    assert rig.spoken()[0] == TOVE and rig.spoken()[1].startswith("Brand new book")
    assert rig.spoken()[2:] == [NOT_FOUND]
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0


def test_busy_beyond_the_busy_timeout_then_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = make_catalogue(tmp_path / "catalogue.db")
    monkeypatch.setattr(catalog.store, "BUSY_TIMEOUT_MS", 200)  # 5 s in production
    reader = PushReader()
    with KioskRig(reader, db, tmp_path / "t.jsonl") as rig:
        # A writer that locks everybody out (exclusive locking mode, write transaction).
        hog = sqlite3.connect(db, isolation_level=None)
        hog.execute("PRAGMA locking_mode=EXCLUSIVE")
        hog.execute("BEGIN EXCLUSIVE")
        hog.execute("DELETE FROM meta")
        try:
            reader.scan(TOVE_ISBN)
            rig.wait_spoken(UNAVAILABLE)
        finally:
            hog.execute("ROLLBACK")
            hog.close()
        reader.scan(TOVE_ISBN)
        rig.wait_spoken(TOVE)
    assert rig.spoken() == [UNAVAILABLE, TOVE]


def _damage_a_middle_page(db: Path) -> None:
    """Overwrite b-tree pages in the middle of the file; header and schema stay readable."""
    size, page = db.stat().st_size, 4096
    middle = size // page // 2
    with open(db, "r+b") as handle:
        for number in range(middle, middle + 4):
            handle.seek(number * page + 100)
            handle.write(bytes(range(256)) * 8)


def test_background_quick_check_logs_damage_at_error_and_scans_go_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = tmp_path / "bulk.mrc"
    with open(source, "wb") as handle:
        for i in range(1500):
            handle.write(make_record(f"bulk-{i}", f"Bulk record {i} " + "words " * 30))
    db = make_catalogue(tmp_path / "catalogue.db", source)
    _damage_a_middle_page(db)
    reader = PushReader()
    caplog.set_level(logging.INFO, logger="kiosk")
    with KioskRig(reader, db, tmp_path / "t.jsonl") as rig:
        check_finished(rig)
        reader.scan(GUILLOU_ISBN)  # the kiosk answers throughout (the page hit is elsewhere)
        rig.wait(lambda ev: any(e["event"] == "speak" for e in ev))
    assert rig.kiosk.catalog.check_problems
    failed = [r for r in caplog.records if "CATALOGUE CHECK FAILED" in r.getMessage()]
    assert failed and failed[0].levelno == logging.ERROR
    assert "talkcat catalog check" in failed[0].getMessage()


def test_background_quick_check_passes_a_healthy_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = make_catalogue(tmp_path / "catalogue.db")
    caplog.set_level(logging.INFO, logger="kiosk")
    with KioskRig(PushReader(), db, tmp_path / "t.jsonl") as rig:
        check_finished(rig)
    assert rig.kiosk.catalog.check_problems == []
    assert any("passed quick_check" in r.getMessage() for r in caplog.records)
    assert not any(r.levelno >= logging.ERROR for r in caplog.records)


def test_run_never_writes_the_catalogue(tmp_path: Path) -> None:
    db = make_catalogue(tmp_path / "catalogue.db")
    before = (digest(db), db.stat().st_mtime_ns, db.stat().st_size)
    transcript = tmp_path / "t.jsonl"
    scans = ",".join([TOVE_ISBN, "9789100563227", OTHER_ISBN, GUILLOU_ISBN])
    proc = subprocess.Popen(
        [*TALKCAT, "run", "--db", str(db), "--reader", f"list:{scans}", "--transcript",
         str(transcript), "--audio", "none", "--speech", "recording"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=talkcat_env(),
    )
    try:
        wait_for_events(
            transcript,
            finished(GUILLOU),
            timeout=60,
            proc=proc,
        )
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr
    assert (digest(db), db.stat().st_mtime_ns, db.stat().st_size) == before
    # A WAL reader may need the -shm index (and an empty -wal); nothing is ever logged to it.
    wal = Path(f"{db}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
