"""Staff commands through click's runner and through a real `talkcat` process."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from catalog.missing import MissingCounter
from catalog.records import record_to_dict
from catalog.store import SCHEMA_VERSION, Catalog
from kiosk.cli import main

from .conftest import FIXTURES, ROOT, make_record

STAFF = [
    "import",
    "search",
    "export",
    "catalog",
    "catalog stats",
    "catalog upgrade",
    "catalog check",
    "missing",
]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "c.db"
    code, out, _ = run("import", str(FIXTURES / "libris_bib_28.mrc"), "--db", str(path))
    assert code == 0 and "28 added" in out
    return path


@pytest.mark.parametrize("command", STAFF)
def test_every_staff_command_has_help(command: str) -> None:
    code, out, _ = run(*command.split(), "--help")
    assert code == 0
    name = command.split()[-1]
    target = main
    for part in command.split():
        assert isinstance(target, click.Group)
        target = target.commands[part]
    assert target.help and len(target.help) > 30, name
    assert "Usage:" in out


def test_import_reports_rejections_and_writes_csv_report(tmp_path: Path) -> None:
    report = tmp_path / "report.csv"
    code, out, err = run(
        "import",
        str(FIXTURES / "fennica_melinda_131.mrc"),
        "--db",
        str(tmp_path / "c.db"),
        "--report",
        str(report),
    )
    assert code == 0
    assert "124 added" in out and "7 rejected" in out
    assert "rejected: " in err and "record 114 (byte 170747) [marc:004012937]" in err
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert len([r for r in rows if r["severity"] == "rejected"]) == 7
    assert rows[0]["position"].startswith("record 114") and "245" in rows[0]["reason"]


def test_import_exit_codes(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("title,isbn\n,\n", encoding="utf-8")
    code, _, err = run("import", str(empty), "--db", str(tmp_path / "c.db"))
    assert code == 1 and "Nothing usable" in err
    code, _, err = run(
        "import",
        str(FIXTURES / "fennica_melinda_131.mrc"),
        "--db",
        str(tmp_path / "c.db"),
        "--strict",
    )
    assert code == 2 and "nothing was saved" in err
    code, _, _ = run("import", str(tmp_path / "missing.mrc"), "--db", str(tmp_path / "c.db"))
    assert code == 2
    not_db = tmp_path / "not.db"
    not_db.write_bytes(b"garbage" * 1000)
    code, _, err = run("import", str(FIXTURES / "libris_bib_28.mrc"), "--db", str(not_db))
    assert code == 3 and "not.db" in err


def test_search(db: Path) -> None:
    code, out, _ = run("search", "anteckningar", "--db", str(db))
    assert code == 0 and "marc:7149593\tAnteckningar från en ö (1996)\tJansson, Tove" in out
    code, _, err = run("search", "zzzzqqq", "--db", str(db))
    assert code == 1 and "nothing" in err
    code, _, err = run("search", "x", "--db", str(db.parent / "none.db"))
    assert code == 3 and "talkcat import" in err


def _fields(db: Path) -> dict[str, tuple[dict, list[str]]]:
    """Every record of a catalogue as its stored fields and its keys, by id."""
    with Catalog.open(db, readonly=True) as catalog:
        return {r.id: (record_to_dict(r), sorted(catalog.keys_of(r.id))) for r in catalog.records()}


def _round_trip(db: Path, tmp_path: Path) -> None:
    """Export ``db`` as CSV and as JSON Lines, import each into a new catalogue, and compare
    every field and every key of every record (not counts: a count hides a changed author)."""
    before = _fields(db)
    assert before
    for fmt in ("csv", "jsonl"):
        out_file = tmp_path / f"export.{fmt}"
        code, _, _ = run("export", "--db", str(db), "--format", fmt, "--output", str(out_file))
        assert code == 0
        again = tmp_path / f"again-{fmt}.db"
        code, out, err = run("import", str(out_file), "--db", str(again))
        assert code == 0 and "0 rejected" in out, err
        after = _fields(again)
        changed = [i for i in before if before[i] != after.get(i)]
        assert not changed, (fmt, [(before[i], after.get(i)) for i in changed[:3]])
        assert after.keys() == before.keys()


def test_export_round_trips(db: Path, tmp_path: Path) -> None:
    _round_trip(db, tmp_path)
    code, out, _ = run("export", "--db", str(db), "--format", "jsonl")
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 28 and all(line["type"] == "record" for line in lines)


def test_export_round_trips_the_shared_sample_field_by_field(tmp_path: Path, shared: Path) -> None:
    db = tmp_path / "c.db"
    files = [
        shared / "marc" / "libris_bib_28.mrc",
        shared / "marc" / "fennica_melinda_131.mrc",
        shared / "marc" / "koha_sample_436_952.mrc",
        shared / "csv" / "goodbooks10k_books_clean.csv",
    ]
    code, _, err = run("import", *map(str, files), "--db", str(db))
    assert code == 0, err
    _round_trip(db, tmp_path)


HOSTILE = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "'=x", "''-y", "'plain"]


def test_people_with_commas_and_formula_cells_survive_the_round_trip(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    person = "García Márquez, Gabriel José"
    rows = [
        {"id": f"r{i}", "title": f"T{i}", "summary": v, "series": v, "authors": [person]}
        for i, v in enumerate(HOSTILE)
    ]
    rows.append({"id": "two", "title": "Two", "authors": ["Lindgren, Astrid", "Wikland, Ilon"]})
    source.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    db = tmp_path / "c.db"
    assert run("import", str(source), "--db", str(db))[0] == 0
    _round_trip(db, tmp_path)
    with open(tmp_path / "export.csv", encoding="utf-8", newline="") as handle:
        cells = [c for row in csv.reader(handle) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert '\'=HYPERLINK("http://x")' in cells and "'''-y" in cells and "'plain" in cells
    assert person in cells


def test_import_report_escapes_formula_cells(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text('id,title\n=cmd|calc,\n@x,"=HYPERLINK(1)"\n', encoding="utf-8")
    report = tmp_path / "report.csv"
    code, _, _ = run("import", str(source), "--db", str(tmp_path / "c.db"), "--report", str(report))
    assert code == 0
    with open(report, encoding="utf-8", newline="") as handle:
        cells = [c for row in csv.reader(handle) for c in row]
    assert "'=cmd|calc" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_catalog_stats_check_upgrade(db: Path) -> None:
    code, out, _ = run("catalog", "stats", "--db", str(db))
    assert code == 0 and "records:        28" in out and f"schema version: {SCHEMA_VERSION}" in out
    code, out, _ = run("catalog", "stats", "--db", str(db), "--json")
    assert json.loads(out)["records"] == 28
    code, out, _ = run("catalog", "check", "--db", str(db))
    assert code == 0 and out.strip().endswith(": ok")
    code, out, _ = run("catalog", "upgrade", "--db", str(db))
    assert code == 0 and "already up to date" in out


def test_corrupt_catalogue_check_exits_3(db: Path) -> None:
    data = bytearray(db.read_bytes())
    assert len(data) >= 4 * 4096
    for page in range(1, len(data) // 4096):  # scribble over every page but the header
        data[page * 4096 + 8 : page * 4096 + 40] = b"\xff" * 32
    db.write_bytes(bytes(data))
    code, _, err = run("catalog", "check", "--db", str(db), "--full")
    assert code == 3 and "problem" in err


def test_missing_lists_counts(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    code, out, _ = run("missing", "--state", str(state))
    assert code == 0 and "no unfound scans" in out
    with MissingCounter(state) as counter:
        for text in ("111", "222", "111"):
            counter.record(text)
    code, out, _ = run("missing", "--state", str(state))
    assert code == 0 and out.splitlines() == ["2\t111", "1\t222"]


def test_real_talkcat_process_imports_and_searches(tmp_path: Path) -> None:
    exe = shutil.which("talkcat", path=str(Path(sys.executable).parent))
    command = [exe] if exe else [sys.executable, "-m", "kiosk"]
    path = tmp_path / "kiosk.db"
    done = subprocess.run(
        [*command, "import", str(FIXTURES / "libris_bib_28.mrc"), "--db", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "28 added" in done.stdout and "Importing" not in done.stderr  # no bar off a TTY
    done = subprocess.run(
        [*command, "search", "ostergren OR jansson", "--db", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 1
    again = make_record("x1", "Östergren")
    (tmp_path / "x.mrc").write_bytes(again)
    subprocess.run(
        [*command, "import", str(tmp_path / "x.mrc"), "--db", str(path)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    done = subprocess.run(
        [*command, "search", "ostergren", "--db", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "marc:x1\tÖstergren" in done.stdout
