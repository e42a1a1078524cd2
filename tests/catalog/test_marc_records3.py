"""What an outside metadata librarian found in real records (findings records3): talking-book
readers, Koha record identity, performers of music, identifiers as cataloguers key them."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pymarc
from pymarc import Field, Indicators, Subfield

from catalog.harvest import harvest
from catalog.identifiers import normalise
from catalog.importing import import_files
from catalog.records import Record
from catalog.store import Catalog
from kiosk import levels

from .conftest import field, make_record
from .harvest_support import FAST
from .oai_server import OaiServer, Repository, items_from


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


# ------------------------------------------------- records3-4: a Koha biblio is 999 $c


def _koha(biblio: str, barcodes: tuple[str, ...], rtype: str = "a") -> bytes:
    """A Koha biblio copy-catalogued from LC: its 001 is LC's number, shared with others."""
    copies = tuple(field("952", "p", code, "a", "CPL") for code in barcodes)
    return make_record("12345678", "Pippi Långstrump", rtype=rtype,
                       extra=(*copies, field("999", "c", biblio, "d", biblio)))  # fmt: skip


def _ids(db: Path) -> dict[str, tuple[str, ...]]:
    with Catalog.open(db, readonly=True) as catalog:
        return {r.id: r.barcodes for r in catalog.records()}


def test_two_koha_biblios_sharing_an_001_stay_two_records(tmp_path: Path) -> None:
    path = tmp_path / "koha.mrc"
    path.write_bytes(_koha("101", ("39999000000901",)) + _koha("102", ("39999000000902",), "i"))
    db = tmp_path / "c.db"
    report = import_files(db, [path])
    assert (report.added, report.warnings) == (2, [])
    assert _ids(db) == {"koha:101": ("39999000000901",), "koha:102": ("39999000000902",)}
    assert _lookup(db, "39999000000901").kind == "book"
    assert _lookup(db, "39999000000902").kind == "talking_book"


def test_a_catalogue_loaded_under_the_001_rule_is_updated_in_place(tmp_path: Path) -> None:
    """The upgrade: the row an older importer wrote as marc:12345678 becomes koha:101 (same
    row, its keys with it); the audiobook it had swallowed comes back as its own record."""
    db = tmp_path / "c.db"
    first = tmp_path / "old.mrc"
    first.write_bytes(_koha("101", ("39999000000901",)))
    import_files(db, [first])
    with sqlite3.connect(db) as conn:  # as the 001 rule wrote it
        conn.execute("UPDATE records SET id = 'marc:12345678'")
        conn.execute("UPDATE identifiers SET record_id = 'marc:12345678'")
        (rowid,) = conn.execute("SELECT rowid FROM records").fetchone()
    conn.close()
    path = tmp_path / "koha.mrc"
    path.write_bytes(_koha("101", ("39999000000901",)) + _koha("102", ("39999000000902",), "i"))
    report = import_files(db, [path])
    assert (report.added, report.updated, report.warnings) == (1, 1, [])
    assert _ids(db) == {"koha:101": ("39999000000901",), "koha:102": ("39999000000902",)}
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id FROM records WHERE rowid = ?", (rowid,)).fetchone() == (
            "koha:101",
        )
    conn.close()


def test_koha_merge_records_over_oai_keeps_the_surviving_book(tmp_path: Path) -> None:
    """Koha "Merge records": biblio 102 gets 101's items, 101 is deleted.  The harvest must
    keep 102 with both copies (it used to delete the one record both had become)."""
    def xml(biblio: str, *barcodes: str) -> bytes:
        record = next(iter(pymarc.MARCReader(io.BytesIO(_koha(biblio, barcodes)))))
        return pymarc.record_to_xml(record, namespace=True)

    repository = Repository(items_from([xml("101", "901"), xml("102", "902")], "oai:koha:"))
    db = tmp_path / "h.db"
    with OaiServer(repository) as server:
        assert harvest(db, server.url, retry=FAST).complete
        assert _ids(db) == {"koha:101": ("901",), "koha:102": ("902",)}
        repository.put("oai:koha:2", xml("102", "902", "901"))  # numbered as listed
        repository.delete("oai:koha:1")
        report = harvest(db, server.url, retry=FAST)
    assert report.complete and report.deleted == 1
    assert _ids(db) == {"koha:102": ("902", "901")}
    assert _lookup(db, "901").id == _lookup(db, "902").id == "koha:102"


def test_999_c_without_koha_fields_is_not_the_id(tmp_path: Path) -> None:
    """SirsiDynix writes the copy number in 999 $c: the record stays its 003+001."""
    path = tmp_path / "sirsi.mrc"
    path.write_bytes(make_record("a77", "Bok", extra=(field("999", "c", "1", "i", "3001"),)))
    db = tmp_path / "c.db"
    import_files(db, [path])
    assert list(_ids(db)) == ["marc:a77"]


# ------------------------------------- records3-6 / ears3-16: musicians do not read aloud


def test_music_performers_and_conductors_are_performed_by_not_read_by(tmp_path: Path) -> None:
    """Libris 12035894-like: orchestra and chorus 710 $4 prf, conductor 700 $4 cnd; Evergreen
    jazz: 700 "Roach, Max" $4 prf.  A talking book's reader is still "read by"."""
    path = _marc(
        tmp_path / "music.mrc",
        ("m1", "jm", [
            field("100", "a", "Powell, Bud.", ind="1 "),
            _t245("Jazz at Massey Hall", "Bud Powell."),
            field("700", "a", "Roach, Max,", "4", "prf", ind="1 "),
            field("700", "a", "Raine, Nic,", "4", "cnd", ind="1 "),
            field("710", "a", "City of Prague Philharmonic Orchestra,", "4", "prf", ind="2 "),
            field("020", "a", "9789100563226"),
        ]),
        ("t1", "im", [  # spoken word with incidental music: the musician is not a reader
            field("100", "a", "Kivi, Aleksis.", ind="1 "),
            _t245("Seitsemän veljestä", "Aleksis Kivi."),
            field("700", "a", "Vierikko, Vesa,", "e", "lukija", ind="1 "),
            field("700", "a", "Raine, Nic,", "4", "cnd", ind="1 "),
            field("952", "p", "TB0004"),
        ]),
    )  # fmt: skip
    db = tmp_path / "c.db"
    assert import_files(db, [path]).added == 2
    jazz = _lookup(db, "9789100563226")
    assert jazz.kind == "music" and jazz.authors == ("Powell, Bud",)
    assert jazz.narrators == ("Roach, Max", "Raine, Nic", "City of Prague Philharmonic Orchestra")
    en = " ".join(t for t, _lang in levels.level_two(jazz, "en").segments)
    sv = " ".join(t for t, _lang in levels.level_two(jazz, "sv").segments)
    assert "Performed by Max Roach, Nic Raine and City of Prague Philharmonic Orchestra." in en
    assert "Medverkande: Max Roach, Nic Raine och City of Prague Philharmonic Orchestra." in sv
    assert "Read by" not in en and "Uppläst" not in sv
    kivi = _lookup(db, "TB0004")
    assert kivi.narrators == ("Vierikko, Vesa",)
    assert "Read by Vesa Vierikko." in " ".join(
        t for t, _lang in levels.level_two(kivi, "en").segments
    )


# ------------------------------------ records3-2, -12: numbers as printed on the item


def test_an_old_ismn_and_a_gtin_14_are_found_by_the_printed_barcode(tmp_path: Path) -> None:
    path = _marc(
        tmp_path / "ids.mrc",
        ("t8", "cm", [_t245("Score", "X."), field("024", "a", "M-2306-7118-7", ind="2 ")]),
        ("g1", "jm", [_t245("Disc", "Y."),
                      field("024", "a", "00738572132521", "2", "gtin-14", ind="7 ")]),
        ("g2", "jm", [_t245("Case", "Z."),  # a carton's GTIN: no item carries it
                      field("024", "a", "10738572132528", "2", "gtin-14", ind="7 ")]),
    )  # fmt: skip
    db = tmp_path / "c.db"
    report = import_files(db, [path])
    assert report.added == 3
    assert _lookup(db, "9790230671187").id == "marc:t8"  # the score's 979-0 EAN
    assert _lookup(db, "979-0-2306-7118-7").id == "marc:t8"
    assert _lookup(db, "M-2306-7118-7").id == "marc:t8"
    assert _lookup(db, "0738572132521").id == "marc:g1"  # the EAN-13 on the disc
    assert _lookup(db, "738572132521").id == "marc:g1"  # its UPC-A
    (warning,) = [str(w) for w in report.warnings]
    assert "[marc:g2]" in warning and "024 left out: GTIN-14" in warning


# ----------------------------- records3-9: an 852 is where its 876 items are, not a copy


def test_852_with_every_876_item_missing_is_not_on_the_shelf(tmp_path: Path) -> None:
    location = field("852", "b", "MAIN", "c", "STACKS", "h", "Hc")
    path = _marc(
        tmp_path / "alma.mrc",
        ("990011", "am", [_t245("All missing", "X."), location,
                          field("876", "p", "31234000999011", "j", "Missing"),
                          field("876", "p", "31234000999012", "j", "Lost")]),
        ("990013", "am", [_t245("One on the shelf", "X."), location,
                          field("876", "p", "31234000999013", "j", "Missing"),
                          field("876", "p", "31234000999014", "j", "Item in place")]),
    )  # fmt: skip
    db = tmp_path / "c.db"
    import_files(db, [path])
    gone = _lookup(db, "31234000999011")
    assert gone.available is False and gone.locations == ()
    assert gone.barcodes == ("31234000999011", "31234000999012")
    there = _lookup(db, "31234000999014")
    assert there.available is True and there.locations == ("MAIN STACKS Hc",)
