"""What an outside metadata librarian found in real records (findings records3): talking-book
readers, Koha record identity, performers of music, identifiers as cataloguers key them."""

from __future__ import annotations

from pathlib import Path

import pymarc
from pymarc import Field, Indicators, Subfield

from catalog.identifiers import normalise
from catalog.importing import import_files
from catalog.records import Record
from catalog.store import Catalog

from .conftest import field


def _marc(
    path: Path, *records: tuple[str, str, list[Field]], control: tuple[str, ...] = ()
) -> Path:
    """(001 or "", leader/06-07, data fields) per record, written with pymarc."""
    with path.open("wb") as out:
        for number, rtype, fields in records:
            record = pymarc.Record(to_unicode=True, force_utf8=True)
            record.leader = pymarc.Leader(f"00000n{rtype} a2200000 a 4500")
            if number:
                record.add_field(Field(tag="001", data=number))
            for tag_data in control:
                tag, data = tag_data.split("=", 1)
                record.add_field(Field(tag=tag, data=data))
            record.add_field(Field(tag="008", data="200101s2000    sw            000 1 swe d"))
            for f in fields:
                record.add_field(f)
            out.write(record.as_marc())
    return path


def _lookup(db: Path, key: str) -> Record:
    with Catalog.open(db, readonly=True) as catalog:
        found = catalog.lookup(normalise(key))
    assert isinstance(found, Record), key
    return found


def _t245(title: str, statement: str) -> Field:
    return Field(tag="245", indicators=Indicators("1", "0"),
                 subfields=[Subfield("a", title + " /"), Subfield("c", statement)])  # fmt: skip


# ----------------------------------------------------------------- records3-8: the reader


def test_the_reader_named_in_511_is_not_also_an_author(tmp_path: Path) -> None:
    """Pre-RDA Libris/Fennica talking book: 100 author, 511 "Lukija: X", 700 X (no relator)."""
    path = _marc(
        tmp_path / "talk.mrc",
        ("tb3", "im", [
            field("100", "a", "Kivi, Aleksis.", ind="1 "),
            _t245("Seitsemän veljestä", "Aleksis Kivi ; lukija: Vesa Vierikko."),
            field("511", "a", "Lukija: Vesa Vierikko", ind="0 "),
            field("700", "a", "Vierikko, Vesa.", ind="1 "),
            field("952", "p", "TB0003"),
        ]),
        ("tb2", "im", [  # the author reads her own book: still its author
            field("100", "a", "Lindgren, Astrid.", ind="1 "),
            _t245("Bröderna Lejonhjärta", "Astrid Lindgren."),
            field("511", "a", "Inläsare: Astrid Lindgren", ind="0 "),
            field("952", "p", "TB0002"),
        ]),
    )  # fmt: skip
    db = tmp_path / "c.db"
    assert import_files(db, [path]).added == 2
    kivi = _lookup(db, "TB0003")
    assert kivi.authors == ("Kivi, Aleksis",)
    assert kivi.narrators == ("Vierikko, Vesa",)
    lindgren = _lookup(db, "TB0002")
    assert lindgren.authors == ("Lindgren, Astrid",)
    assert lindgren.narrators == ("Astrid Lindgren",)
