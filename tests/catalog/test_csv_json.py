"""CSV/TSV and JSON/JSON Lines import: columns in two languages, encodings, labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from catalog.identifiers import normalise
from catalog.importers import Entry, LabelEntry, Notice, Rejection
from catalog.importers.csv_json import read_csv, read_json
from catalog.importing import import_files
from catalog.records import Label
from catalog.store import Catalog

SWEDISH_CSV = (
    "Titel;Författare;ISBN;Streckkod;Språk;År;Medietyp;Uppläsare;Speltid;Hylla\n"
    "Bröderna Lejonhjärta;Lindgren, Astrid;91-0-056322-6 (inb.);A1001B;sv;1973;talbok;"
    "Lindgren, Astrid;5:32;Talböcker\n"
    "Mio, min Mio;Lindgren, Astrid;;1002 | 1003;sv;1954;bok;;;Barn\n"
)


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _entries(items: list) -> list[Entry]:
    return [i for i in items if isinstance(i, Entry)]


def test_swedish_headers_semicolons_and_values(tmp_path: Path) -> None:
    items = list(read_csv(_write(tmp_path / "sv.csv", SWEDISH_CSV)))
    first, second = _entries(items)
    r = first.record
    assert r.title == "Bröderna Lejonhjärta" and r.authors == ("Lindgren, Astrid",)
    assert r.isbns == ("9789100563226",) and r.barcodes == ("1001",)
    assert (r.language, r.year, r.kind) == ("swe", 1973, "talking_book")
    assert r.narrators == ("Lindgren, Astrid",) and r.playing_time_minutes == 332
    assert r.locations == ("Talböcker",)
    assert r.id == "isbn:9789100563226"  # no id column: the ISBN is the stable id
    assert first.position == "line 2"
    assert second.record.barcodes == ("1002", "1003")
    assert second.record.id == "barcode:1002"


def test_english_headers_with_bom_and_tsv(tmp_path: Path) -> None:
    text = (
        "\ufeffid\ttitle\tauthor\tisbn\tlanguage\tyear\n"
        "b1\tMoby Dick\tMelville, Herman\t0-19-852663-6\teng\t1851\n"
    )
    (entry,) = _entries(list(read_csv(_write(tmp_path / "en.tsv", text))))
    assert entry.record.id == "b1" and entry.record.title == "Moby Dick"
    assert entry.record.isbns == ("9780198526636",)


def test_windows_1252_is_detected_and_decoded_with_a_warning(tmp_path: Path) -> None:
    path = _write(tmp_path / "excel.csv", SWEDISH_CSV, encoding="cp1252")
    items = list(read_csv(path))
    notices = [i for i in items if isinstance(i, Notice)]
    assert len(notices) == 1 and "Windows-1252" in notices[0].reason
    assert _entries(items)[0].record.title == "Bröderna Lejonhjärta"


def test_undecodable_file_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"title\n\x81\x8d\x8f\x90 bad\n")
    items = list(read_csv(path))
    assert len(items) == 1 and isinstance(items[0], Rejection)
    assert "not UTF-8" in items[0].reason and "Windows-1252" in items[0].reason


def test_late_invalid_utf8_line_is_rejected_alone(tmp_path: Path) -> None:
    good = "title,barcode\n" + "".join(f"Book {i},{i}\n" for i in range(5000))
    path = tmp_path / "late.csv"
    path.write_bytes(good.encode() + b"Bad \xff title,99999\nLast,100000\n")
    items = list(read_csv(path))
    rejections = [i for i in items if isinstance(i, Rejection)]
    assert len(_entries(items)) == 5001
    assert len(rejections) == 1 and rejections[0].position == "line 5002"


def test_rows_without_title_or_id_are_rejected_with_line(tmp_path: Path) -> None:
    text = "title,isbn,barcode\n,9789100563226,\nNo id at all,,\nFine,,77\n"
    items = list(read_csv(_write(tmp_path / "r.csv", text)))
    rejections = [i for i in items if isinstance(i, Rejection)]
    assert [(r.position, r.identifier) for r in rejections] == [
        ("line 2", "isbn:9789100563226"),
        ("line 3", None),
    ]
    assert "no title" in rejections[0].reason and "no id" in rejections[1].reason
    assert [e.record.title for e in _entries(items)] == ["Fine"]


def test_missing_title_column_is_explained(tmp_path: Path) -> None:
    items = list(read_csv(_write(tmp_path / "x.csv", "name|author\nx|y\n")))
    assert len(items) == 1 and "no 'title'" in items[0].reason


def test_unknown_columns_are_reported_once(tmp_path: Path) -> None:
    items = list(read_csv(_write(tmp_path / "u.csv", "title,colour,id\nA,red,1\nB,blue,2\n")))
    notices = [i for i in items if isinstance(i, Notice)]
    assert len(notices) == 1 and "colour" in notices[0].reason
    assert len(_entries(items)) == 2


def test_labels_from_a_type_column(tmp_path: Path) -> None:
    text = (
        "type,id,text,rfid,barcode,language\n"
        "label,shelf-7,Talböcker för barn,E0:04:01:00:12:34:56:78,,swe\n"
        "label,,Informationsdisken,,D42,swe\n"
    )
    db = tmp_path / "c.db"
    report = import_files(db, [_write(tmp_path / "labels.csv", text)])
    assert report.labels == 2 and not report.rejected
    with Catalog.open(db, readonly=True) as catalog:
        assert catalog.lookup(normalise("e004010012345678")) == Label(
            "shelf-7", "Talböcker för barn", "swe"
        )
        assert catalog.lookup(normalise("D42")).text == "Informationsdisken"


def test_json_array_and_json_lines(tmp_path: Path) -> None:
    array = [
        {"titel": "Pippi Långstrump", "författare": ["Lindgren, Astrid"], "isbn": 9789129688313},
        {"type": "label", "text": "Hylla 3", "streckkod": "H3"},
        [1, 2],
    ]
    items = list(read_json(_write(tmp_path / "a.json", json.dumps(array, ensure_ascii=False))))
    assert _entries(items)[0].record.authors == ("Lindgren, Astrid",)
    assert isinstance(items[1], LabelEntry) and items[1].keys == ("H3",)
    assert isinstance(items[2], Rejection) and items[2].position.startswith("item 3")
    lines = '{"title": "One", "id": "1"}\n{"title": broken}\n\n{"title": "Three", "id": "3"}\n'
    items = list(read_json(_write(tmp_path / "b.jsonl", lines)))
    assert [e.record.title for e in _entries(items)] == ["One", "Three"]
    (bad,) = [i for i in items if isinstance(i, Rejection)]
    assert "line 2" in bad.position and "JSON syntax" in bad.reason


def test_truncated_json_array_keeps_what_came_before(tmp_path: Path) -> None:
    text = json.dumps([{"title": f"T{i}", "id": str(i)} for i in range(50)])[:-300]
    items = list(read_json(_write(tmp_path / "t.json", text)))
    assert 30 < len(_entries(items)) < 50
    assert isinstance(items[-1], Rejection)


def test_goodbooks_csv(tmp_path: Path, shared: Path) -> None:
    db = tmp_path / "c.db"
    report = import_files(db, [shared / "csv" / "goodbooks10k_books_clean.csv"])
    assert report.added == 10000 and not report.rejected
    with Catalog.open(db, readonly=True) as catalog:
        hunger = catalog.lookup(normalise("0439023483"))
        assert hunger.title.startswith("The Hunger Games")
        assert catalog.lookup(normalise("9780439023481")) == hunger
        assert hunger.language == "eng" and hunger.year == 2008


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_reimport_updates_never_duplicates(tmp_path: Path, suffix: str) -> None:
    db = tmp_path / "c.db"
    if suffix == ".csv":
        path = _write(tmp_path / f"f{suffix}", SWEDISH_CSV)
    else:
        path = _write(tmp_path / f"f{suffix}", '{"title": "A", "isbn": "9789100563226"}\n')
    first = import_files(db, [path])
    second = import_files(db, [path])
    assert first.added > 0 and (second.added, second.updated) == (0, first.added)
    with Catalog.open(db, readonly=True) as catalog:
        assert catalog.stats()["records"] == first.added
