"""Smaller MARC mapping gaps an outside tester found (R2-9): a uniform title's part, two ISBNs
or a price add-on in one 020 $a, holdings whose 004 comes without 003, Koha's "not for loan"
and what the visitor hears of a copy the catalogue says is lost."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from pymarc import Field

from catalog.identifiers import normalise
from catalog.importers import Entry
from catalog.importers.iso2709 import read_iso2709
from catalog.records import Record
from catalog.store import Catalog
from kiosk.cli import main
from tests.kiosk.spoken_support import said, spoken

from .conftest import field, make_record


def _entry(data: bytes, tmp_path: Path) -> Entry:
    path = tmp_path / "r.mrc"
    path.write_bytes(data)
    (item,) = list(read_iso2709(path))
    assert isinstance(item, Entry), item
    return item


def _record(data: bytes, tmp_path: Path) -> Record:
    return _entry(data, tmp_path).record


def _import(tmp_path: Path, data: bytes) -> tuple[Path, str]:
    source = tmp_path / "in.mrc"
    source.write_bytes(data)
    db = tmp_path / "catalogue.db"
    result = CliRunner().invoke(main, ["import", str(source), "--db", str(db)])
    return db, result.output


def test_uniform_title_keeps_its_part_when_there_is_no_245(tmp_path: Path) -> None:
    uniform = field("130", "a", "Bible.", "p", "New Testament.", "l", "Swedish.", ind="0 ")
    record = _record(make_record("b1", None, author=None, extra=(uniform,)), tmp_path)
    assert (record.title, record.part) == ("Bible", "New Testament")


def test_two_isbns_in_one_020a_are_both_kept(tmp_path: Path) -> None:
    entry = _entry(make_record("i1", "Two in one", isbns=("9789100123451 ; 9129657318",)), tmp_path)
    assert entry.record.isbns == ("9789100123451", "9789129657319") and not entry.notes


def test_a_price_add_on_beside_the_isbn_is_not_part_of_it(tmp_path: Path) -> None:
    entry = _entry(make_record("i2", "Priced", isbns=("9789100123451 51995",)), tmp_path)
    assert entry.record.isbns == ("9789100123451",) and not entry.notes


def _holdings(control: str, bib: str, barcode: str, source: str | None = None) -> bytes:
    extra: tuple[Field, ...] = (Field(tag="004", data=bib),)
    if source:
        extra = (Field(tag="003", data=source), *extra)
    return make_record(
        control, None, author=None, rtype="x", extra=(*extra, field("852", "b", "Um", "p", barcode))
    )


def _bib(control: str, source: str, title: str) -> bytes:
    return make_record(control, title, extra=(Field(tag="003", data=source),))


def test_holdings_without_003_find_the_record_their_004_names(tmp_path: Path) -> None:
    db, output = _import(tmp_path, _bib("r1", "SE-TEST", "Pippi") + _holdings("h1", "r1", "55501"))
    assert "rejected" in output and "0 rejected" in output, output
    with Catalog.open(db, readonly=True) as catalog:
        found = catalog.lookup(normalise("55501"))
    assert isinstance(found, Record) and found.id == "SE-TEST:r1"


def test_holdings_without_003_for_two_records_say_which(tmp_path: Path) -> None:
    data = _bib("r1", "SE-A", "Pippi") + _bib("r1", "SE-B", "Emil") + _holdings("h1", "r1", "555")
    _db, output = _import(tmp_path, data)
    assert "1 rejected" in output, output
    assert "SE-A:r1" in output and "SE-B:r1" in output and "003" in output, output


def test_koha_not_for_loan_and_lost_copies_say_so_in_true_words(tmp_path: Path) -> None:
    data = make_record(
        "k1",
        "Referensbok",
        extra=(
            field("952", "p", "39999000000101", "7", "1", "a", "HUV"),
            field("952", "p", "39999000000102", "1", "1", "a", "HUV"),
            field("876", "p", "39999000000103", "j", "Missing"),
            field("952", "p", "39999000000104", "a", "HUV"),
        ),
    )
    db, output = _import(tmp_path, data)
    assert "1 added" in output, output
    for barcode in ("39999000000101", "39999000000102", "39999000000103"):
        heard = said(spoken(db, barcode, "--level", "1"))
        assert "kan exemplaret inte lånas" in heard and "till utlån" not in heard, barcode
    assert "inte lånas" not in said(spoken(db, "39999000000104", "--level", "1"))
