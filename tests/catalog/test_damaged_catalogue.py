"""A damaged catalogue: every tool says so in one line, and the fix it names really works.

``import --replace`` is the fix ``catalog check``, ``doctor`` and every error line name.  It
could not work in place (SQLite cannot write through malformed pages), so on a damaged file it
builds the new catalogue in a fresh file and renames it over the damaged one, which is kept
beside it.  Each test damages a real catalogue the way a failing disk does, runs the tools,
then runs *the command they advised*, taken from their own output.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from catalog.cli import catalogue_check
from catalog.identifiers import normalise
from catalog.importing import import_files
from catalog.store import Catalog
from kiosk.cli import main

from .conftest import FIXTURES

LIBRIS = FIXTURES / "libris_bib_28.mrc"
FENNICA = FIXTURES / "fennica_melinda_131.mrc"
TOVE_ISBN = "9789100563226"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def damage_middle(db: Path, size: int = 20_000) -> None:
    """As the outside tester did: random bytes over 20 kB in the middle of the file."""
    data = bytearray(db.read_bytes())
    start = len(data) // 2 - size // 2
    data[start : start + size] = random.Random(7).randbytes(size)
    db.write_bytes(bytes(data))


def scribble_every_page(db: Path) -> None:
    """Every b-tree page but the first scribbled: the header still opens, nothing reads."""
    data = bytearray(db.read_bytes())
    for page in range(1, len(data) // 4096):
        data[page * 4096 + 8 : page * 4096 + 40] = b"\xff" * 32
    db.write_bytes(bytes(data))


def healthy_count(db: Path) -> int:
    with Catalog.open(db, readonly=True) as catalog:
        assert catalog.check(full=True) == []
        return int(catalog.stats()["records"])


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "k.db"
    report = import_files(path, [LIBRIS, FENNICA])
    assert report.committed and report.added == 28 + 124
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_replace_rebuilds_a_damaged_catalogue_and_keeps_the_damaged_file(db: Path) -> None:
    damage_middle(db)
    damaged = _digest(db)
    code, _, err = run("catalog", "check", "--db", str(db))
    assert code == 3
    code, out, err = run("import", str(LIBRIS), "--db", str(db), "--replace")
    assert code == 0, err
    kept = [p for p in db.parent.iterdir() if p.name.startswith("k.db.damaged-")]
    assert len(kept) == 1 and _digest(kept[0]) == damaged  # nothing lost
    assert out.count("\n") == 1 and "28 added" in out
    rebuilt = "the damaged catalogue was rebuilt in a fresh file, the damaged one kept as"
    assert f"{rebuilt} {kept[0]}" in out
    leftovers = {p.name for p in db.parent.iterdir()} - {"k.db", "k.db.lock", kept[0].name}
    assert not {n for n in leftovers if "rebuild" in n or n.endswith(("-wal", "-shm"))}, leftovers
    assert healthy_count(db) == 28
    with Catalog.open(db, readonly=True) as catalog:
        assert catalog.lookup(normalise(TOVE_ISBN)) is not None
        assert catalog.search("jansson")
    assert run("catalog", "check", "--db", str(db))[0] == 0
    # The rebuilt file is an ordinary catalogue: the next import updates it in place.
    again = import_files(db, [FENNICA])
    assert again.committed and again.kept is None and healthy_count(db) == 28 + 124


def test_a_strict_rebuild_that_rejects_changes_nothing(db: Path, tmp_path: Path) -> None:
    scribble_every_page(db)
    before = _digest(db)
    broken = tmp_path / "broken.mrc"
    good = LIBRIS.read_bytes()
    broken.write_bytes(good[:2000] + b"#" * 40 + good[2000:])
    code, out, _err = run("import", str(broken), "--db", str(db), "--replace", "--strict")
    assert code == 2 and "NOT SAVED" in out
    assert _digest(db) == before
    assert [p.name for p in tmp_path.iterdir() if "damaged-" in p.name or "rebuild" in p.name] == []


def test_a_stale_write_ahead_log_of_the_damaged_file_never_reaches_the_new_one(
    db: Path,
) -> None:
    # A damaged file whose -wal still holds frames (a writer died): they belong to the old
    # file and must go with it, not be read into the new catalogue.
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("UPDATE records SET data = data")  # frames for every records page
    conn.commit()
    wal = Path(f"{db}-wal")
    assert wal.stat().st_size > 0
    shutil.copy(wal, db.parent / "saved-wal")
    conn.close()  # checkpoints and removes the log; put it back as a crash would leave it
    shutil.copy(db.parent / "saved-wal", wal)
    scribble_every_page(db)
    code, _out, err = run("import", str(LIBRIS), "--db", str(db), "--replace")
    assert code == 0, err
    kept = next(p for p in db.parent.iterdir() if p.name.startswith("k.db.damaged-")
                and not p.name.endswith(("-wal", "-shm")))
    assert Path(f"{kept}-wal").read_bytes() == (db.parent / "saved-wal").read_bytes()
    assert healthy_count(db) == 28


@pytest.mark.parametrize("damage", [damage_middle, scribble_every_page])
def test_upgrade_reports_damage_in_the_words_of_the_other_commands(db: Path, damage) -> None:
    damage(db)
    code, out, err = run("catalog", "upgrade", "--db", str(db))
    assert code == 3 and "up to date" not in out, out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"talkcat: {db}: the catalogue is damaged (")
    check = run("catalog", "check", "--db", str(db))
    assert check[0] == 3
    said = check[2].strip().splitlines()[-1]
    assert said.startswith(f"talkcat: {db}: the catalogue is damaged (")
    assert said.split("); ", 1)[1] == lines[0].split("); ", 1)[1]  # the same advice


# --------------------------------------------------------------------------- advice


def _advised(text: str) -> list[str]:
    """The commands a tool's output tells staff to run (in backquotes)."""
    return re.findall(r"`((?:talkcat|mv) [^`]+)`", text)


def _follow(text: str, source: Path, depth: int = 0) -> list[str]:
    """Run every command ``text`` advises, as staff would (their export for ``FILE...``);
    a check that finds damage is followed by what *it* advises.  Returns what was run."""
    ran = []
    for command in _advised(text):
        words = shlex.split(command)
        ran.append(command)
        if words[0] == "mv":
            subprocess.run(words, check=True)
            continue
        code, out, err = run(*[str(source) if w == "FILE..." else w for w in words[1:]])
        if words[1:3] == ["catalog", "check"] and code == 3 and depth < 2:
            ran += _follow(err, source, depth + 1)  # it found the damage: do what it says
        else:
            assert code == 0, f"advised `{command}` failed: {out}{err}"
    return ran


def _damaged_in(condition: str, db: Path) -> None:
    if condition == "scribbled pages":
        scribble_every_page(db)
    elif condition == "20 kB of noise":
        damage_middle(db)
    elif condition == "sqlite header, then noise":
        db.write_bytes(b"SQLite format 3\x00" + b"\x13" * 9000)
    else:  # not SQLite at all: what a typo in --db can point at
        db.write_bytes(os.urandom(9000))


CONDITIONS = ["scribbled pages", "20 kB of noise", "sqlite header, then noise", "not sqlite"]


@pytest.mark.parametrize("condition", CONDITIONS)
@pytest.mark.parametrize(
    "tool",
    ["catalog check", "catalog upgrade", "doctor", "import", "search", "export", "stats",
     "lookup"],
)
def test_every_advice_for_a_damaged_catalogue_works_when_followed(
    db: Path, tmp_path: Path, condition: str, tool: str
) -> None:
    _damaged_in(condition, db)
    if tool == "doctor":
        lines = [fix for status, _what, fix in catalogue_check(db) if status == "FAIL"]
        text, code = "\n".join(lines), 3 if lines else 0
    else:
        args = {
            "catalog check": ["catalog", "check"],
            "catalog upgrade": ["catalog", "upgrade"],
            "import": ["import", str(FENNICA)],
            "search": ["search", "jansson"],
            "export": ["export", "--output", str(tmp_path / "out.csv")],
            "stats": ["catalog", "stats"],
            "lookup": ["lookup", TOVE_ISBN],
        }[tool]
        code, out, err = run(*args, "--db", str(db))
        text = out + err
        assert "Traceback" not in text
        if code:
            assert len(err.strip().splitlines()) >= 1 and err.strip().splitlines()[-1].startswith(
                "talkcat: "
            )
    if code == 0 and tool in ("lookup", "search", "stats") and condition != "not sqlite":
        return  # the pages this query reads were not hit: nothing to advise
    assert code == 3, text
    ran = _follow(text, LIBRIS)
    assert ran, f"{tool} gave no command to run: {text}"
    assert healthy_count(db) == 28, ran


def test_damage_found_once_stops_small_writes_and_reports(db: Path, tmp_path: Path) -> None:
    """hostile3-5: a small import said "1 added", exit 0, and ``catalog stats``/``search``
    answered, on a file ``catalog check`` and ``lookup`` call damaged - the few pages they
    touch were whole.  Damage found once is noted beside the file and every staff command
    that writes or reports on it says so (exit 3) until the advised rebuild."""
    with db.open("r+b") as handle:  # as the tester did: 4 kB of garbage over page 4
        handle.seek(4096 * 3)
        handle.write(b"\xde\xad" * 2048)
    small = tmp_path / "up2.csv"
    small.write_text("id,title\nz9,Another\n", encoding="utf-8")
    code, _out, err = run("catalog", "check", "--db", str(db))
    assert code == 3 and "the catalogue is damaged" in err
    for args in (
        ["import", str(small), "--db", str(db)],
        ["catalog", "stats", "--db", str(db)],
        ["search", "programming", "--db", str(db)],
        ["export", "--db", str(db)],
        ["harvest", "http://127.0.0.1:9/oai", "--db", str(db)],
    ):
        code, out, err = run(*args)
        last = err.strip().splitlines()[-1]
        assert code == 3 and "added" not in out, (args, out, err)
        assert last.startswith("talkcat: ") and "the catalogue is damaged" in last, (args, err)
        assert f"`talkcat import FILE... --db {db} --replace`" in last
    code, out, _ = run("import", str(LIBRIS), str(FENNICA), "--db", str(db), "--replace")
    assert code == 0, out
    assert run("catalog", "stats", "--db", str(db))[0] == 0
    assert run("import", str(small), "--db", str(db))[0] == 0
    assert healthy_count(db) == 28 + 124 + 1


def test_a_damage_note_never_blames_another_file_at_the_path(db: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.db"
    shutil.copy(db, good)
    scribble_every_page(db)
    assert run("catalog", "check", "--db", str(db))[0] == 3
    os.replace(good, db)  # a healthy copy moved in: a new file
    assert run("catalog", "stats", "--db", str(db))[0] == 0
    shutil.copy(db, good)
    scribble_every_page(db)
    assert run("catalog", "check", "--db", str(db))[0] == 3
    shutil.copyfile(good, db)  # restored in place (same inode): `catalog check` clears it
    assert run("catalog", "stats", "--db", str(db))[0] == 3
    code, out, _ = run("catalog", "check", "--db", str(db))
    assert code == 0 and out.strip().endswith(": ok")
    assert run("catalog", "stats", "--db", str(db))[0] == 0
