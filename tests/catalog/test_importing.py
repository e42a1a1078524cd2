"""Safe refresh: one transaction, --replace, --strict, kill -9, reading while importing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from catalog import importing
from catalog.identifiers import normalise
from catalog.importing import import_files
from catalog.store import Catalog

from .conftest import FIXTURES, ROOT, make_record


def _marc_file(path: Path, count: int, prefix: str = "n", start: int = 0) -> Path:
    with open(path, "wb") as handle:
        for i in range(start, start + count):
            handle.write(make_record(f"{prefix}{i}", f"Generated {prefix} {i}"))
    return path


def _count(db: Path) -> int:
    with Catalog.open(db, readonly=True) as catalog:
        return catalog.stats()["records"]


def test_creates_the_catalogue_and_reports(tmp_path: Path) -> None:
    db = tmp_path / "new" / "c.db"
    db.parent.mkdir()
    seen: list[tuple[int, int]] = []
    report = import_files(
        db,
        [FIXTURES / "libris_bib_28.mrc", FIXTURES / "fennica_melinda_131.mrc"],
        progress=lambda done, total: seen.append((done, total)),
    )
    assert report.committed and report.added == 28 + 124
    assert len(report.rejected) == 7  # Fennica records without a 245
    assert all(r.file.endswith("fennica_melinda_131.mrc") for r in report.rejected)
    total = sum(
        p.stat().st_size
        for p in (FIXTURES / "libris_bib_28.mrc", FIXTURES / "fennica_melinda_131.mrc")
    )
    assert seen[-1] == (total, total)
    assert _count(db) == 152
    with Catalog.open(db, readonly=True) as catalog:
        assert catalog.stats()["last_import"]["added"] == 152


def test_missing_input_file_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    with pytest.raises(FileNotFoundError, match=r"nope\.mrc"):
        import_files(db, [FIXTURES / "libris_bib_28.mrc", tmp_path / "nope.mrc"])
    assert not db.exists()


def test_replace_is_atomic_and_complete(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    import_files(db, [FIXTURES / "libris_bib_28.mrc"])
    report = import_files(db, [_marc_file(tmp_path / "n.mrc", 3)], replace=True)
    assert report.replaced == 28 and report.added == 3
    assert _count(db) == 3
    with Catalog.open(db, readonly=True) as catalog:
        assert catalog.lookup(normalise("91-0-056322-6")) is None
        assert catalog.search("jansson") == []


def test_strict_rolls_everything_back(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    import_files(db, [FIXTURES / "libris_bib_28.mrc"])
    report = import_files(db, [FIXTURES / "fennica_melinda_131.mrc"], strict=True, replace=True)
    assert not report.committed and len(report.rejected) == 7
    assert _count(db) == 28


def test_bad_file_amid_good_ones_keeps_the_good(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    junk = tmp_path / "junk.mrc"
    junk.write_bytes(b"\x00" * 10 + b"not marc at all\x1d")
    report = import_files(db, [junk, FIXTURES / "libris_bib_28.mrc"])
    assert report.added == 28 and len(report.rejected) == 1
    assert report.rejected[0].file == str(junk)


def test_parallel_parse_gives_the_same_result_as_serial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _marc_file(tmp_path / "many.mrc", 900)
    with open(data, "ab") as handle:  # a damaged record inside the parallel path too
        handle.write(make_record("bad", "Cut")[:-30] + make_record("after", "After"))
    serial = import_files(tmp_path / "s.db", [data])
    monkeypatch.setattr(importing, "PARALLEL_MIN_BYTES", 1)
    parallel = import_files(tmp_path / "p.db", [data])
    assert (parallel.added, len(parallel.rejected)) == (serial.added, 1) == (901, 1)
    assert parallel.rejected == serial.rejected
    with (
        Catalog.open(tmp_path / "s.db", readonly=True) as a,
        Catalog.open(tmp_path / "p.db", readonly=True) as b,
    ):
        assert list(a.records()) == list(b.records())


CHILD = textwrap.dedent(
    """
    import sys, threading
    from catalog.importing import import_files

    def progress(done, total):
        print("MID-IMPORT", flush=True)
        threading.Event().wait()  # hold the transaction open until killed

    import_files(sys.argv[1], [sys.argv[2]], replace=True, progress=progress)
    """
)


def test_kill_9_mid_import_leaves_the_old_catalogue_intact(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    import_files(db, [FIXTURES / "libris_bib_28.mrc"])
    new = _marc_file(tmp_path / "new.mrc", 1000)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(new)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "MID-IMPORT"
        # The replace has emptied the table inside the open transaction; a reader still
        # sees the old catalogue.
        assert _count(db) == 28
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(10)
    assert child.returncode == -signal.SIGKILL
    with Catalog.open(db, readonly=True) as catalog:
        assert catalog.check(full=True) == []
        assert catalog.stats()["records"] == 28
        assert catalog.lookup(normalise("91-0-056322-6")).title == "Anteckningar från en ö"
    # and the next import works normally
    assert import_files(db, [new]).added == 1000


def test_reads_continue_during_an_import(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    import_files(db, [FIXTURES / "libris_bib_28.mrc"])
    reader = Catalog.open(db, readonly=True)
    answers: list[object] = []
    processes: list[subprocess.CompletedProcess[str]] = []

    def progress(done: int, total: int) -> None:
        if answers:
            return

        # Another thread, mid-import: answers from the last committed catalogue at once.
        def look() -> None:
            answers.append(reader.lookup(normalise("91-0-056322-6")))
            answers.append(reader.stats()["records"])

        thread = threading.Thread(target=look)
        thread.start()
        thread.join(10)
        assert not thread.is_alive(), "reader blocked by the import"
        # Another process too (the kiosk is a separate process).
        processes.append(
            subprocess.run(
                [sys.executable, "-m", "kiosk", "search", "jansson", "--db", str(db)],
                capture_output=True,
                text=True,
                timeout=60,
                cwd=ROOT,
            )
        )

    report = import_files(db, [_marc_file(tmp_path / "n.mrc", 1000)], progress=progress)
    assert report.added == 1000
    assert answers[0].title == "Anteckningar från en ö" and answers[1] == 28
    assert processes[0].returncode == 0 and "Anteckningar" in processes[0].stdout
    assert reader.stats()["records"] == 1028  # sees the commit afterwards
    reader.close()


def test_memory_does_not_grow_with_file_size(tmp_path: Path) -> None:
    import tracemalloc

    def peak_for(count: int) -> int:
        path = _marc_file(tmp_path / f"m{count}.mrc", count, prefix=f"m{count}-")
        tracemalloc.start()
        import_files(tmp_path / f"m{count}.db", [path])
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    small, large = peak_for(500), peak_for(2000)
    assert large < small * 1.5 + 512 * 1024, (small, large)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "mrc", "parallel-mrc"])
def test_same_id_twice_in_one_file_is_a_warning_with_both_places(
    tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if fmt == "csv":
        path = tmp_path / "d.csv"
        path.write_text("id,title\na,First A\nb,B\na,Second A\n", encoding="utf-8")
        first, second = "line 2", "line 4"
    elif fmt == "jsonl":
        path = tmp_path / "d.jsonl"
        path.write_text(
            '{"id": "a", "title": "First A"}\n{"id": "b", "title": "B"}\n'
            '{"id": "a", "title": "Second A"}\n',
            encoding="utf-8",
        )
        first, second = "item 1 (line 1)", "item 3 (line 3)"
    else:
        path = tmp_path / "d.mrc"
        records = [make_record("a", "First A"), make_record("b", "B")]
        records += [make_record(f"x{i}", f"X {i}") for i in range(3000)]
        path.write_bytes(b"".join([*records, make_record("a", "Second A")]))
        if fmt == "parallel-mrc":  # the worker-process path writes through the same place
            monkeypatch.setattr(importing, "PARALLEL_MIN_BYTES", 1)
        first, second = "record 1 ", "record 3003 "
    db = tmp_path / "c.db"
    report = import_files(db, [path])
    records = 2 if fmt in ("csv", "jsonl") else 3002
    # One record written twice is one record: not "1 added, 1 updated" (an outside tester).
    assert (report.added, report.updated) == (records, 0)
    dup = [w for w in report.warnings if "same id" in w.reason]
    assert len(dup) == 1, report.warnings
    assert dup[0].position.startswith(second.strip()) and first.strip() in dup[0].reason
    with Catalog.open(db, readonly=True) as catalog:
        kept = catalog.get("a") or catalog.get("marc:a")
        assert kept is not None and kept.title == "Second A"
    again = import_files(db, [path])  # a re-import updates; only in-file repeats are warned
    assert len([w for w in again.warnings if "same id" in w.reason]) == 1
    assert (again.added, again.updated) == (0, records)
