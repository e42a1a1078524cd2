"""Catalogue data cannot take over the terminal of the person reading talkcat's output.

A title or identifier holding ESC/OSC sequences (clear screen, retitle the window, write the
clipboard with OSC 52), C1 controls or bidi overrides is printed with those characters
escaped, by every command - while ``export`` to a pipe stays byte-exact for re-import.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from catalog.records import Record
from catalog.store import Catalog
from tests.support import talkcat

ESC_SEQUENCES = {
    "clear": "\x1b[2J\x1b[H",
    "title": "\x1b]0;owned\x07",
    "clipboard": "\x1b]52;c;ZWNobyBvd25lZA==\x1b\\",
    "c1_csi": "\x9b31m",
    "bidi": "\u202egnp.exe",
}
RAW = tuple(("\x1b", "\x07", "\x9b", "\u202e"))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    rows = ["id,title,author,isbn,barcode"]
    for n, (name, seq) in enumerate(ESC_SEQUENCES.items()):
        rows.append(f'h{n},"Boken om {name} {seq} slut","Doe, Jane",,HB{n:05d}')
    # A row whose identifier itself carries a sequence: its rejection line quotes it.
    rows.append('"\x1b]0;id\x07",,,"97891\x1b[2J00563227",')
    # The importers store text as a terminal shows it (catalog.punctuation.plain), so the
    # sequences reach the output through the file's own name, and - below - through records
    # written straight into the catalogue, as an older version or another tool may have.
    source = folder / "hostile\x1b]0;file\x07.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    db = folder / "c.db"
    result = talkcat("import", str(source), "--db", str(db))
    assert "Traceback" not in result.stderr, result.stderr
    (folder / "import.out").write_text(result.stdout + result.stderr, encoding="utf-8")
    with Catalog.open(db) as catalog, catalog.transaction():
        for n, (name, seq) in enumerate(ESC_SEQUENCES.items()):
            title = f"Boken om {name} {seq} slut"
            catalog.put_record(Record(f"raw{n}", title, authors=("Doe, Jane",)), [f"RAW{n:05d}"])
    return db


def assert_no_raw_controls(text: str) -> None:
    for raw in RAW:
        assert raw not in text, repr(text)


def test_import_rejection_lines_escape_control_sequences(hostile: Path) -> None:
    output = (hostile.parent / "import.out").read_text(encoding="utf-8")
    assert "rejected" in output
    assert_no_raw_controls(output)
    assert "\\u001b" in output


def test_search_shows_hostile_titles_escaped(hostile: Path) -> None:
    result = talkcat("search", "Boken", "--db", str(hostile))
    assert result.returncode == 0, result.stderr
    assert_no_raw_controls(result.stdout + result.stderr)
    for name in ESC_SEQUENCES:
        assert f"Boken om {name}" in result.stdout
    assert "\\u001b]0;owned\\u0007" in result.stdout
    assert "\\u202e" in result.stdout


def test_lookup_and_stats_escape_too(hostile: Path) -> None:
    result = talkcat("lookup", "HB00001", "--db", str(hostile))
    assert result.returncode == 0, result.stderr
    assert "Boken om title" in result.stdout  # the spoken sentence: controls already gone
    assert_no_raw_controls(result.stdout + result.stderr)
    stats = talkcat("catalog", "stats", "--db", str(hostile), "--json")
    if stats.returncode == 0 and stats.stdout.strip().startswith("{"):
        json.loads(stats.stdout)  # escapes stay valid JSON


def test_export_to_a_pipe_stays_byte_exact_for_reimport(hostile: Path, tmp_path: Path) -> None:
    result = talkcat("export", "--db", str(hostile), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    titles = {json.loads(line).get("title") for line in result.stdout.splitlines() if line}
    assert "Boken om c1_csi \x9b31m slut" in titles  # data, not a message: unchanged


def test_a_path_with_a_colour_sequence_is_shown_as_it_is_escaped(tmp_path: Path) -> None:
    # Found by an outside tester: click removed the CSI from every line it printed to a pipe,
    # so the catalogue "/tmp/x/d.db" was named although the file is "d\x1b[31m.db".
    db = tmp_path / "d\x1b[31m.db"
    source = tmp_path / "a\x1b[2J.csv"
    source.write_text("id,title\nx1,Boken\n", encoding="utf-8")
    result = talkcat("import", str(source), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert db.exists()
    assert "d\\u001b[31m.db: 1 added" in result.stdout
    assert_no_raw_controls(result.stdout + result.stderr)
    found = talkcat("search", "boken", "--db", str(db))
    missing = talkcat("search", "nothing", "--db", str(db))
    assert "x1\tBoken" in found.stdout
    assert "d\\u001b[31m.db" in missing.stderr  # the one-line error names the real file
