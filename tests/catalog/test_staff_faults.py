"""Staff commands against bad paths, a full disk, a locked and a damaged catalogue (issue 15).

Each case must end in one clear ``talkcat: ...`` line and a documented exit code (0-3), never
a traceback, and must lose nothing already in the catalogue.  The full disk is injected two
ways: SQLite's own ``max_page_count`` (SQLITE_FULL, the same error a full disk gives; always
runs) and a real 1 MB tmpfs in a private mount namespace (``unshare -rm``; skipped where user
namespaces are not allowed).
"""

from __future__ import annotations

import csv
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from catalog import store
from catalog.lock import WriterLock
from catalog.store import Catalog
from kiosk.cli import main

from .conftest import FIXTURES, ROOT

LIBRIS = FIXTURES / "libris_bib_28.mrc"
FENNICA = FIXTURES / "fennica_melinda_131.mrc"


def run(*args: str) -> tuple[int, str, str]:
    """Run a command in-process; an exception escaping the CLI fails the test loudly."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def one_clear_line(code: int, out: str, err: str) -> None:
    assert code in (0, 1, 2, 3)
    assert "Traceback" not in out + err
    if code:
        assert err.strip(), "a failure must say why"
        assert err.strip().splitlines()[-1].startswith(("talkcat: ", "Error: ", "Usage: ")), err


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "c.db"
    code, out, _ = run("import", str(LIBRIS), "--db", str(path))
    assert code == 0 and "28 added" in out
    return path


def _count(db: Path) -> int:
    with Catalog.open(db, readonly=True) as catalog:
        assert catalog.check(full=True) == []
        return int(catalog.stats()["records"])


def _damage(db: Path) -> None:
    """Scribble over every page but the header: opens fine, reading fails part-way."""
    data = bytearray(db.read_bytes())
    for page in range(1, len(data) // 4096):
        data[page * 4096 + 8 : page * 4096 + 40] = b"\xff" * 32
    db.write_bytes(bytes(data))


# --------------------------------------------------------------------------- output paths


def test_report_into_a_missing_folder_is_refused_before_the_import(
    db: Path, tmp_path: Path
) -> None:
    before = db.read_bytes()
    report = tmp_path / "no-such-folder" / "report.csv"
    code, out, err = run("import", str(FENNICA), "--db", str(db), "--report", str(report))
    one_clear_line(code, out, err)
    assert code == 2 and "no-such-folder" in err and "does not exist" in err
    assert "added" not in out  # refused before the work
    assert db.read_bytes() == before and _count(db) == 28
    code, out, err = run("import", str(FENNICA), "--db", str(db), "--report", str(tmp_path))
    assert code == 2 and "is a directory" in err  # click says it first


def test_export_into_a_missing_folder_is_refused_before_the_work(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "nope" / "out.csv"
    code, out, err = run("export", "--db", str(db), "--output", str(target))
    one_clear_line(code, out, err)
    assert code == 2 and "nope" in err and not target.parent.exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_report_failing_after_the_import_says_what_was_saved(db: Path) -> None:
    code, out, err = run("import", str(FENNICA), "--db", str(db), "--report", "/dev/full")
    one_clear_line(code, out, err)
    assert code == 3 and "the import is done (saved: 124 added" in err and "--report" in err
    assert _count(db) == 28 + 124  # the import itself is kept


def test_export_from_a_damaged_catalogue_leaves_no_partial_file(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    assert run("export", "--db", str(db), "--output", str(target))[0] == 0
    good = target.read_bytes()
    _damage(db)
    code, out, err = run("export", "--db", str(db), "--output", str(target))
    one_clear_line(code, out, err)
    assert code == 3 and "the catalogue is damaged" in err and f"--db {db} --replace`" in err
    assert target.read_bytes() == good  # the earlier export is as it was
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_export_to_a_full_device_is_one_line(db: Path) -> None:
    code, out, err = run("export", "--db", str(db), "--output", "/dev/full")
    one_clear_line(code, out, err)
    assert code == 3 and "No space left" in err


# --------------------------------------------------------------------------- two writers


def _hold_lock(db: Path) -> subprocess.Popen[str]:
    """Another process that holds the catalogue's writer lock until its stdin closes."""
    code = textwrap.dedent(
        f"""
        import sys
        from catalog.store import Catalog
        catalog = Catalog.open({str(db)!r})
        print("held", flush=True)
        sys.stdin.read()
        catalog.close()
        """
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_second_import_waits_then_names_who_holds_the_catalogue(db: Path) -> None:
    holder = _hold_lock(db)
    try:
        code, out, err = run("import", str(FENNICA), "--db", str(db), "--wait", "0.3")
        one_clear_line(code, out, err)
        assert code == 3 and "busy" in err and f"process {holder.pid}" in err
        assert "waited 0.3 s" in err and "-c" in err  # the holder's command line
        waiting = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "import", str(FENNICA), "--db", str(db)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0 and "124 added" in out, err  # it waited, then imported
    assert _count(db) == 28 + 124


# --------------------------------------------------------------------------- full disk


@pytest.fixture
def small_disk(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Writable catalogue connections that may not grow by more than a few pages: SQLite
    then fails with SQLITE_FULL, "database or disk is full", as on a full disk."""
    real = sqlite3.connect

    def connect(*args: object, **kwargs: object) -> sqlite3.Connection:
        conn = real(*args, **kwargs)  # type: ignore[arg-type]
        if "mode=ro" not in str(args[0]):
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count={pages + 3}")
        return conn

    monkeypatch.setattr(store.sqlite3, "connect", connect)
    yield


def test_disk_full_during_import_is_one_line_and_loses_nothing(db: Path, small_disk: None) -> None:
    code, out, err = run("import", str(FENNICA), "--db", str(db))
    one_clear_line(code, out, err)
    assert code == 3 and "disk is full" in err and "Nothing was saved" in err
    assert "cannot rollback" not in err
    assert _count(db) == 28
    code, out, err = run("import", str(FENNICA), "--db", str(db), "--replace")
    assert code == 3 and _count(db) == 28


UNSHARE = shutil.which("unshare")


def _can_mount() -> bool:
    if UNSHARE is None:
        return False
    probe = subprocess.run(
        [UNSHARE, "-rm", "sh", "-c", "mount -t tmpfs -o size=64k none /tmp"],
        capture_output=True,
        timeout=30,
    )
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount(), reason="cannot mount a tmpfs in a user namespace here")
def test_real_full_disk_every_command_one_line_nothing_lost(db: Path, tmp_path: Path) -> None:
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    talkcat = f"{sys.executable} -m kiosk"
    script = textwrap.dedent(
        f"""
        set -u
        mount -t tmpfs -o size=4m none {mnt}
        cp {db} {mnt}/c.db
        dd if=/dev/zero of={mnt}/filler bs=4k 2>/dev/null
        truncate -s -48K {mnt}/filler
        for args in "import {FENNICA} --db {mnt}/c.db" \\
                    "import {FENNICA} --db {mnt}/c.db --report {mnt}/r.csv" \\
                    "export --db {mnt}/c.db --output {mnt}/out.csv" \\
                    "search jansson --db {mnt}/c.db" \\
                    "catalog stats --db {mnt}/c.db" \\
                    "catalog check --db {mnt}/c.db" \\
                    "catalog upgrade --db {mnt}/c.db" \\
                    "lookup 9789100000000 --db {mnt}/c.db" \\
                    "missing --state {mnt}/not-found.db"; do
            echo "=== $args"
            case "$args" in export*) dd if=/dev/zero of={mnt}/filler2 bs=1k 2>/dev/null;; esac
            {talkcat} $args 2>&1
            echo "=== exit $?"
            rm -f {mnt}/filler2
        done
        echo "=== files"; ls -a {mnt}
        """
    )
    done = subprocess.run(
        [UNSHARE, "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=600, cwd=ROOT
    )
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output
    exits = [int(line.split()[-1]) for line in output.splitlines() if line.startswith("=== exit")]
    assert len(exits) == 9 and all(code in (0, 1, 2, 3) for code in exits), output
    assert exits[0] == 3 and "disk is full" in output and "Nothing was saved" in output
    assert exits[2] == 3 and ".part" not in output.split("=== files")[1]
    assert "records:        28" in output  # stats after the failed imports: nothing lost
    assert exits[3] == 0  # search still works


# --------------------------------------------------------------------------- every command


def _commands(db: Path, tmp_path: Path) -> list[list[str]]:
    return [
        ["import", str(LIBRIS), "--db", str(db), "--wait", "0.2"],
        ["import", str(LIBRIS), "--db", str(db), "--wait", "0.2", "--replace"],
        ["export", "--db", str(db)],
        ["export", "--db", str(db), "--format", "jsonl", "--output", str(tmp_path / "o.jsonl")],
        ["search", "jansson", "--db", str(db)],
        ["lookup", "9789100000000", "--db", str(db)],
        ["catalog", "stats", "--db", str(db)],
        ["catalog", "stats", "--db", str(db), "--json"],
        ["catalog", "check", "--db", str(db)],
        ["catalog", "upgrade", "--db", str(db)],
        ["missing", "--state", str(db)],
    ]


@pytest.mark.parametrize(
    "condition",
    ["missing folder", "a folder", "absent", "empty", "garbage", "damaged", "locked"],
)
def test_every_staff_command_in_every_bad_condition_without_a_traceback(
    tmp_path: Path, condition: str
) -> None:
    db = tmp_path / "c.db"
    holder: WriterLock | None = None
    if condition == "missing folder":
        db = tmp_path / "nowhere" / "c.db"
    elif condition == "a folder":
        db.mkdir()
    elif condition == "empty":
        db.write_bytes(b"")
    elif condition == "garbage":
        db.write_bytes(b"SQLite format 3\x00" + b"\x13" * 9000)
    elif condition in ("damaged", "locked"):
        assert run("import", str(LIBRIS), "--db", str(db))[0] == 0
        if condition == "damaged":
            _damage(db)
        else:
            holder = WriterLock(db)
            holder.acquire(0)
    try:
        for command in _commands(db, tmp_path):
            result = CliRunner().invoke(main, command)
            assert result.exception is None or isinstance(result.exception, SystemExit), (
                command,
                result.exception,
            )
            one_clear_line(result.exit_code, result.stdout, result.stderr)
            if condition == "locked" and command[0] == "import":
                assert result.exit_code == 3 and "busy" in result.stderr
    finally:
        if holder is not None:
            holder.release()
    if condition == "locked":
        assert _count(db) == 28  # nothing lost while it was held
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_the_report_is_a_csv_even_of_hostile_reasons(tmp_path: Path) -> None:
    source = tmp_path / "x.csv"
    source.write_text('title,isbn\nA,9789100000001\n"Bad\n', encoding="utf-8")
    report = tmp_path / "r.csv"
    code, _, err = run(
        "import", str(source), "--db", str(tmp_path / "c.db"), "--report", str(report)
    )
    assert code == 1 and "Traceback" not in err
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert {r["position"] for r in rows} == {"line 2", "line 3"}


# --------------------------------------------------------------------------- output over data


def test_an_output_naming_the_catalogue_or_an_input_is_refused_before_any_work(
    db: Path, tmp_path: Path
) -> None:
    """hostile3-12: ``--report``/``--output`` renamed over the catalogue destroyed it, exit 0."""
    before = db.read_bytes()
    source = tmp_path / "mine.csv"
    source.write_text("id,title\nz1,Kept\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(db)
    hard = tmp_path / "hard.db"
    hard.hardlink_to(db)
    attempts = [
        (["import", str(source), "--db", str(db), "--report", str(db)], "the catalogue itself"),
        (["import", str(source), "--db", str(db), "--report", str(link)], "the catalogue itself"),
        (["import", str(source), "--db", str(db), "--report", str(hard)], "the catalogue itself"),
        (["import", str(source), "--db", str(db), "--report", f"{db}-wal"], "-wal file"),
        (["import", str(source), "--db", str(db), "--report", f"{db}.lock"], ".lock file"),
        (["import", str(source), "--db", str(db), "--report", str(source)], "the input file"),
        (["export", "--db", str(db), "--output", str(db)], "the catalogue itself"),
        (["export", "--db", str(db), "--output", f"{db}-shm"], "-shm file"),
        (["harvest", "http://127.0.0.1:9/", "--db", str(db), "--report", str(db)],
         "the catalogue itself"),
    ]  # fmt: skip
    for args, said in attempts:
        code, out, err = run(*args)
        one_clear_line(code, out, err)
        assert code == 2 and said in err and "give another file name" in err, (args, err)
        assert "added" not in out and "rows written" not in err  # refused before the work
    assert db.read_bytes() == before and _count(db) == 28
    assert source.read_text(encoding="utf-8") == "id,title\nz1,Kept\n"


# --------------------------------------------------------------------------- bad import files


def _bad_file(tmp_path: Path, kind: str) -> Path:
    import gzip
    import os
    import zipfile

    if kind == "fifo":
        os.mkfifo(tmp_path / "pipe.mrc")
        return tmp_path / "pipe.mrc"
    if kind == "/dev/zero":
        return Path("/dev/zero")
    if kind == "symlink to /dev/zero":
        (tmp_path / "zero.csv").symlink_to("/dev/zero")
        return tmp_path / "zero.csv"
    if kind in ("gzip .mrc.gz", "gzip named .csv", "gzip named .mrc"):
        name = {"gzip .mrc.gz": "c.mrc.gz", "gzip named .csv": "c.csv",
                "gzip named .mrc": "c.mrc"}[kind]
        (tmp_path / name).write_bytes(gzip.compress(LIBRIS.read_bytes()))
        return tmp_path / name
    with zipfile.ZipFile(tmp_path / "books.xlsx", "w") as book:
        book.writestr("xl/workbook.xml", "<workbook/>")
    return tmp_path / "books.xlsx"


@pytest.mark.parametrize(
    ("kind", "said", "code"),
    [
        ("fifo", "not a regular file", 2),
        ("/dev/zero", "not a regular file", 2),
        ("symlink to /dev/zero", "not a regular file", 2),
        ("gzip .mrc.gz", "gzip-compressed, not an export: unpack it first (gunzip c.mrc.gz)", 1),
        ("gzip named .csv", "gzip-compressed", 1),
        ("gzip named .mrc", "gzip-compressed", 1),
        ("workbook", "a spreadsheet workbook, not a CSV file: open it and save it as", 1),
    ],
)
def test_an_import_file_that_is_no_export_says_what_it_is(
    db: Path, tmp_path: Path, kind: str, said: str, code: int
) -> None:
    # Found by an outside tester: a FIFO was "no such file", a gzip file "not UTF-8".
    path = _bad_file(tmp_path, kind)
    result = CliRunner().invoke(main, ["import", str(path), "--db", str(db)])
    one_clear_line(result.exit_code, result.stdout, result.stderr)
    assert result.exit_code == code and said in result.stderr, result.stderr
    assert "no such file" not in result.stderr and "not UTF-8" not in result.stderr
    if code == 1:  # read, refused whole: one rejection, nothing else said about it
        assert result.stderr.count("rejected:") == 1 and "1 rejected" in result.stdout
    assert _count(db) == 28
