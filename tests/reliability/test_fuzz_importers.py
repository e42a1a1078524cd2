"""Fuzzing the importers with random and mutated input: they never raise, and every record
they refuse comes with a reason a person can act on.

Mutations start from the real Libris/Fennica records in ``tests/fixtures`` (ISO 2709 and
MARCXML) and from well-formed CSV/JSON rows, so most examples get deep into the mapping code
rather than failing on the first byte.  The example counts are modest (a few seconds in the
default run); ``HYPOTHESIS_PROFILE=fuzz`` asks for many more.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.importers import (
    Deletion,
    Entry,
    Holdings,
    LabelEntry,
    Notice,
    Rejection,
    csv_json,
    marc,
)
from catalog.importing import import_files
from catalog.records import Record
from catalog.store import Catalog
from tests.reliability.fuzzing import PROFILE
from tests.support import FIXTURES

ISO_RECORDS = [r + b"\x1d" for r in
               (FIXTURES / "libris_bib_28.mrc").read_bytes().split(b"\x1d") if r.strip()]
ISO_RECORDS += [r + b"\x1d" for r in
                (FIXTURES / "fennica_melinda_131.mrc").read_bytes().split(b"\x1d")[:20]
                if r.strip()]
XML_TEXT = (FIXTURES / "libris_bib_28.xml").read_bytes()
XML_RECORDS = [b"<record>" + part.split(b"</record>")[0] + b"</record>"
               for part in XML_TEXT.split(b"<record>")[1:]]
XML_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><collection xmlns="http://www.loc.gov/MARC21/slim">'
XML_TAIL = b"</collection>"

KINDS = (Entry, Rejection, Notice, Deletion, Holdings, LabelEntry)


def checked(items: Iterable[object]) -> list[object]:
    """Drain an importer; every item is a known kind and every refusal says why."""
    out = []
    for item in items:
        assert isinstance(item, KINDS), f"unexpected item {item!r}"
        if isinstance(item, (Rejection, Notice)):
            assert isinstance(item.reason, str) and item.reason.strip(), f"no reason: {item!r}"
            assert item.position, f"no position: {item!r}"
        if isinstance(item, Entry):
            assert isinstance(item.record, Record) and item.record.id
        out.append(item)
    return out


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A seed record (or several) with a handful of byte-level mutations."""
    data = bytearray(b"".join(draw(st.lists(st.sampled_from(seeds), min_size=1, max_size=3))))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["flip", "delete", "insert", "truncate", "duplicate", "set"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "set":
            data[at] = draw(st.sampled_from([0x1D, 0x1E, 0x1F, 0x00, 0xFF, 0x3C, 0x26, 0x30]))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=32))
        elif op == "truncate":
            del data[at:]
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 200))]
    return bytes(data)


# ------------------------------------------------------------------ MARC (ISO 2709)


@PROFILE
@given(data=mutated(ISO_RECORDS))
def test_iso2709_mutated_records(data: bytes) -> None:
    checked(marc.read_iso2709(Path("fuzz.mrc"), io.BytesIO(data)))


@PROFILE
@given(data=st.binary(max_size=2000))
def test_iso2709_random_bytes(data: bytes) -> None:
    checked(marc.read_iso2709(Path("fuzz.mrc"), io.BytesIO(data)))


def _fields(record: marc.MarcRecord) -> list[tuple[object, ...]]:
    return [(f.tag, f.indicator1, f.indicator2, f.subfields, f.data) for f in record.fields]


def _decoded(piece: bytes, layout: tuple[int, list[str]] | None) -> object:
    try:
        return _fields(marc.decode_chunk(piece, {}, layout))
    except ValueError as exc:
        return str(exc)


@PROFILE
@given(data=mutated(ISO_RECORDS))
def test_iso2709_fast_path_agrees_with_the_full_check(data: bytes) -> None:
    """The one-pass layout test accepts only records the field-by-field check passes, and
    decoding such a record in one go gives exactly what the byte-by-byte decoder gives."""
    for _offset, piece in marc.iter_chunks(io.BytesIO(data)):
        layout = marc.regular_layout(piece)
        if layout is None:
            continue
        assert marc.check_structure(piece) is None
        assert _decoded(piece, layout) == _decoded(piece, None)


def test_iso2709_unmutated_seeds_load() -> None:
    items = checked(marc.read_iso2709(Path("seed.mrc"), io.BytesIO(b"".join(ISO_RECORDS))))
    assert sum(isinstance(i, Entry) for i in items) >= 28


# ------------------------------------------------------------------ MARCXML


@PROFILE
@given(data=mutated(XML_RECORDS))
def test_marcxml_mutated_records(data: bytes) -> None:
    checked(marc.read_marcxml(Path("fuzz.xml"), io.BytesIO(XML_HEAD + data + XML_TAIL)))


@PROFILE
@given(data=st.binary(max_size=600))
def test_marcxml_random_bytes(data: bytes) -> None:
    checked(marc.read_marcxml(Path("fuzz.xml"), io.BytesIO(data)))


# ------------------------------------------------------------------ CSV


CSV_SEED = (
    "isbn,title,author,language,year,barcode,kind\n"
    "9789100563226,Anteckningar från en ö,\"Jansson, Tove\",sv,1996,30011,book\n"
    "91-642-2009-5,Ondskan,\"Guillou, Jan\",swe,1981,30012,talbok\n"
).encode()

cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["9789100563226", "91-642-2009-5", "sv", "1996", "talbok", "", "\"", ";"]),
)
headers = st.lists(
    st.sampled_from(["isbn", "title", "author", "id", "barcode", "rfid", "language", "year",
                     "kind", "type", "available", "text", "pages", "???", ""]),
    min_size=1, max_size=8,
)


@PROFILE
@given(head=headers, rows=st.lists(st.lists(cells, max_size=9), max_size=8),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_csv_random_rows(head: list[str], rows: list[list[str]], delimiter: str) -> None:
    lines = [delimiter.join(head)] + [delimiter.join(r) for r in rows]
    data = "\n".join(lines).encode("utf-8")
    checked(csv_json.read_csv(Path("fuzz.csv"), io.BytesIO(data)))


@PROFILE
@given(data=mutated([CSV_SEED]))
def test_csv_mutated_bytes(data: bytes) -> None:
    checked(csv_json.read_csv(Path("fuzz.csv"), io.BytesIO(data)))


# ------------------------------------------------------------------ JSON

FIELD_NAMES = ["isbn", "title", "author", "authors", "id", "barcode", "year", "kind",
               "language", "available", "subjects", "x"]
JSON_KEYS = st.sampled_from(FIELD_NAMES) | st.text(max_size=8)


def _containers(children: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.one_of(
        st.lists(children, max_size=4), st.dictionaries(JSON_KEYS, children, max_size=6)
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    _containers,
    max_leaves=20,
)


@PROFILE
@given(values=st.lists(json_values, max_size=6), lines=st.booleans())
def test_json_random_values(values: list[object], lines: bool) -> None:
    text = "\n".join(json.dumps(v) for v in values) if lines else json.dumps(values)
    checked(csv_json.read_json(Path("fuzz.json"), io.BytesIO(text.encode("utf-8"))))


JSON_SEED = json.dumps([
    {"isbn": "9789100563226", "title": "Anteckningar från en ö", "author": "Jansson, Tove"},
    {"isbn": ["91-642-2009-5"], "title": "Ondskan", "authors": ["Guillou, Jan"], "year": 1981},
], ensure_ascii=False).encode("utf-8")


@PROFILE
@given(data=mutated([JSON_SEED]))
def test_json_mutated_bytes(data: bytes) -> None:
    checked(csv_json.read_json(Path("fuzz.json"), io.BytesIO(data)))


# ------------------------------------------------------------------ all the way into SQLite


def _files(tmp: Path, blobs: dict[str, bytes]) -> Iterator[Path]:
    for name, blob in blobs.items():
        path = tmp / name
        path.write_bytes(blob)
        yield path


@settings(PROFILE, max_examples=min(PROFILE.max_examples, 25))
@given(iso=mutated(ISO_RECORDS), xml=mutated(XML_RECORDS), js=mutated([JSON_SEED]),
       csv_=mutated([CSV_SEED]))
def test_import_files_stores_whatever_the_importers_accept(
    tmp_path_factory, iso: bytes, xml: bytes, js: bytes, csv_: bytes
) -> None:
    tmp = tmp_path_factory.mktemp("fuzz")
    blobs = {"a.mrc": iso, "b.xml": XML_HEAD + xml + XML_TAIL, "c.json": js, "d.csv": csv_}
    report = import_files(tmp / "c.db", list(_files(tmp, blobs)))
    assert report.committed
    assert all(r.reason.strip() for r in report.rejected + report.warnings)
    with Catalog.open(tmp / "c.db", readonly=True) as catalog:
        assert catalog.check(full=True) == []
        assert catalog.stats()["records"] == report.added  # one new record per "added"
