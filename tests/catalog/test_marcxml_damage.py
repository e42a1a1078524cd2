"""Broken MARCXML costs the record it is in, never the records after it (issue 15, X4).

An outside tester found that one fatal XML error - a file cut short, an unclosed tag, garbage
after a record, a reference to a control character (``&#27;``) - ended the import with "1
rejected ... the rest of the file was not read", exit 0: the records after it were neither
loaded nor counted.  Now a fresh parser reads on from the next ``<record>`` (as the MARC21
reader resynchronises), so every record of the file is loaded or rejected, and the counts say
so.  Each case damages the real Libris file (28 records, all on one line) and imports it
into a real catalogue.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from catalog.importers import Entry, Rejection
from catalog.importers.marcxml import read_marcxml
from catalog.importers.xml_stream import ControlMarker
from catalog.importing import import_files
from catalog.store import Catalog
from kiosk.cli import main

from .conftest import FIXTURES

LIBRIS = (FIXTURES / "libris_bib_28.xml").read_bytes()
STARTS = [m.start() for m in re.finditer(rb"<record>", LIBRIS)]
IDS = [m.decode() for m in re.findall(rb'<controlfield tag="001">([^<]+)<', LIBRIS)]


def _title_text_of(record: int) -> int:
    """Where the 245 $a text of record ``record`` (from 1) starts."""
    field = LIBRIS.index(b'tag="245"', STARTS[record - 1])
    return LIBRIS.index(b'<subfield code="a">', field) + len(b'<subfield code="a">')


def _insert(at: int, text: bytes) -> bytes:
    return LIBRIS[:at] + text + LIBRIS[at:]


def _stored(db: Path) -> list[str]:
    with Catalog.open(db, readonly=True) as catalog:
        return sorted(r.id for r in catalog.records())


# Each: the damaged file, and which record (from 1) is lost, or None when none is.
DAMAGE = {
    "a bare & in a title": (_insert(_title_text_of(2), b"Salt & pepper"), 2),
    "an unclosed tag": (_insert(_title_text_of(2), b"<i>Tove"), 2),
    "a tag cut in half": (_insert(_title_text_of(5), b"<subfie"), 5),
    "a reference to nothing": (_insert(_title_text_of(3), b"&nbsp;"), 3),
    "a lost </record>": (LIBRIS.replace(b"</record>", b"", 1), 1),
    "garbage after a record": (_insert(STARTS[2], b"<<%%garbage&&>>"), None),
    "garbage after the file": (LIBRIS + b"\n\x00\xff<!-- trailing", None),
}


@pytest.mark.parametrize("name", list(DAMAGE))
def test_xml_damage_costs_only_its_record(tmp_path: Path, name: str) -> None:
    data, lost = DAMAGE[name]
    path = tmp_path / "damaged.xml"
    path.write_bytes(data)
    db = tmp_path / "c.db"
    report = import_files(db, [path])
    (rejected,) = report.rejected
    expected = [i for n, i in enumerate(IDS, 1) if n != lost]
    assert _stored(db) == sorted(f"marc:{i}" for i in expected)
    assert report.added == len(expected)  # every record of the file loaded or rejected
    if lost is not None:
        assert rejected.position.startswith(f"record {lost}")
        assert "this record was not read" in rejected.reason
        assert "the records after it were" in rejected.reason or "reading went on" in (
            rejected.reason
        )
    else:
        assert rejected.position.startswith("after record")


def test_a_file_cut_short_says_so_for_the_record_it_ends_in(tmp_path: Path) -> None:
    cut = (STARTS[12] + STARTS[13]) // 2  # inside record 13
    path = tmp_path / "cut.xml"
    path.write_bytes(LIBRIS[:cut])
    items = list(read_marcxml(path))
    assert [e.record.id for e in items if isinstance(e, Entry)] == [
        f"marc:{i}" for i in IDS[:12]
    ]
    (rejected,) = [i for i in items if isinstance(i, Rejection)]
    assert rejected.position == "record 13 (line 1)" and "cut short" in rejected.reason
    assert rejected.identifier == IDS[12]  # its 001 came before the cut


def test_two_files_run_together_load_both(tmp_path: Path) -> None:
    # `cat a.xml b.xml > both.xml`: the second XML declaration is not well-formed there.
    other = LIBRIS.replace(b'<controlfield tag="001">', b'<controlfield tag="001">B')
    path = tmp_path / "both.xml"
    path.write_bytes(LIBRIS + b"\n" + other)
    db = tmp_path / "c.db"
    report = import_files(db, [path])
    assert report.added == 56 and len(report.rejected) == 1
    assert report.rejected[0].position == "after record 28 (line 2)"


def test_many_broken_records_each_cost_only_themselves(tmp_path: Path) -> None:
    broken = bytearray(LIBRIS)
    for record in (27, 20, 9, 4):  # from the end, so earlier offsets stay right
        at = _title_text_of(record)
        broken[at:at] = b"<"
    path = tmp_path / "many.xml"
    path.write_bytes(bytes(broken))
    report = import_files(tmp_path / "c.db", [path])
    assert report.added == 24
    assert sorted(r.position for r in report.rejected) == [
        "record 20 (line 1)", "record 27 (line 1)", "record 4 (line 1)", "record 9 (line 1)"
    ]


def test_a_prefixed_collection_is_reopened_with_its_namespace(tmp_path: Path) -> None:
    text = LIBRIS.decode()
    body = text[text.index("<record>") : text.index("</collection>")]
    body = re.sub(r"<(/?)(record|leader|controlfield|datafield|subfield)\b", r"<\1marc:\2", body)
    second = body.index("<marc:record", 10)
    body = body[: second + 300] + "<" + body[second + 300 :]
    path = tmp_path / "prefixed.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<marc:collection xmlns:marc="http://www.loc.gov/MARC21/slim">\n'
        + body + "</marc:collection>\n",
        encoding="utf-8",
    )
    items = list(read_marcxml(path))
    assert len([i for i in items if isinstance(i, Entry)]) == 27
    (rejected,) = [i for i in items if isinstance(i, Rejection)]
    assert rejected.position == "record 2 (line 3)"


@pytest.mark.parametrize(
    "controls", [b"&#27;[0m&#x1;", b"&#x1B;&#011;&#0;", b"Bad\x1b[0m&#27;\x0b"]
)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-be", "iso-8859-1"])
def test_control_characters_raw_or_as_references_are_read_in_any_encoding(
    tmp_path: Path, controls: bytes, encoding: str
) -> None:
    # XML 1.0 forbids them either way; real exports carry them (a bad MARC-8 conversion).
    data = _insert(_title_text_of(2), controls).decode("utf-8")
    if encoding != "utf-8":
        data = data.replace('encoding="UTF-8"', f'encoding="{encoding.upper()}"')
    if encoding == "iso-8859-1":
        data = data.replace("\u0308", "").replace("\u030a", "")  # what Latin-1 can hold
    raw = data.encode(encoding, errors="replace")
    if encoding == "utf-16-be":
        raw = codecs.BOM_UTF16_BE + raw
    path = tmp_path / "ctl.xml"
    path.write_bytes(raw)
    db = tmp_path / "c.db"
    report = import_files(db, [path])
    assert report.added == 28 and not report.rejected
    noted = [w for w in report.warnings if "control character" in w.reason]
    assert [w.position for w in noted] == ["record 2"]
    with Catalog.open(db, readonly=True) as catalog:
        record = catalog.get(f"marc:{IDS[1]}")
    assert record is not None
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", record.title), record.title


def test_a_reference_cut_between_two_blocks_is_held_back_until_whole() -> None:
    marker = ControlMarker()
    pieces = [b"<a>x&#", b"2", b"7;y&#x", b"1;&amp;&", b"#9;</a>"]
    marked = b"".join(marker.feed(p) for p in pieces) + marker.flush()
    assert marked == b"<a>x&#xFDEB;y&#xFDD1;&amp;&#9;</a>"


def test_the_command_line_counts_what_it_could_not_read(tmp_path: Path) -> None:
    path = tmp_path / "damaged.xml"
    path.write_bytes(_insert(_title_text_of(2), b"Salt & pepper"))
    result = CliRunner().invoke(main, ["import", str(path), "--db", str(tmp_path / "c.db")])
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert "27 added" in result.stdout and "1 rejected" in result.stdout
    assert f"rejected: {path}: record 2 (line 1) [{IDS[1]}]: broken XML here" in result.stderr
