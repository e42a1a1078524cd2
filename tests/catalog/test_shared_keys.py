"""Two records claiming one key (an ISBN, an item barcode, an RFID tag): staff are told.

A key leads to one record, so the record written last gets it; the other can no longer be
found by that key, and a warning names the key, both records and both places - in one file,
across files, in every format, through the parallel MARC path and the OAI-PMH harvest, and
for a key that belonged to a record of an earlier import (a re-used barcode moves).
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from pymarc import Field

from catalog import importing
from catalog.harvest import harvest
from catalog.identifiers import normalise
from catalog.importing import ImportReport, import_files
from catalog.records import Label
from catalog.store import Catalog
from kiosk.cli import main
from tests.catalog.conftest import field, make_record
from tests.catalog.harvest_support import FAST, marcxml
from tests.catalog.oai_server import OaiServer, Repository, items_from

ISBN = "9780439023481"
BARCODE = "39999000001310"


def shared(report: ImportReport) -> list[str]:
    return [str(w) for w in report.warnings if "scanning it now finds" in w.reason]


def found_by(db: Path, key: str) -> str | None:
    with Catalog.open(db, readonly=True) as catalog:
        hit = catalog.lookup(normalise(key))
    return None if hit is None else hit.id


def _write(tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str, str]:
    """A file in ``fmt`` whose records C and D share one ISBN, with 3000 records between them
    (several write batches apart); and how the file names the places of C and D."""
    filler = 3000
    if fmt == "csv":
        path = tmp_path / "dup.csv"
        rows = [f"x{i},,X {i}" for i in range(filler)]
        path.write_text(
            "\n".join(["id,isbn,title", f"C,{ISBN},C", *rows, f"D,{ISBN},D"]) + "\n",
            encoding="utf-8",
        )
        return path, "line 2", f"line {filler + 3}"
    if fmt == "jsonl":
        path = tmp_path / "dup.jsonl"
        items = [{"id": "C", "isbn": ISBN, "title": "C"}]
        items += [{"id": f"x{i}", "title": f"X {i}"} for i in range(filler)]
        items += [{"id": "D", "isbn": ISBN, "title": "D"}]
        path.write_text("\n".join(json.dumps(i) for i in items) + "\n", encoding="utf-8")
        return path, "item 1 ", f"item {filler + 2} "
    records = [make_record("C", "C", isbns=(ISBN,))]
    records += [make_record(f"x{i}", f"X {i}") for i in range(filler)]
    records += [make_record("D", "D", isbns=(ISBN,))]
    if fmt == "marcxml":
        path = tmp_path / "dup.xml"
        body = b"".join(
            marcxml(c, t, isbns=i)
            for c, t, i in [("C", "C", (ISBN,)), ("D", "D", (ISBN,))]
        )
        path.write_bytes(b'<collection xmlns="http://www.loc.gov/MARC21/slim">' + body
                         + b"</collection>")
        return path, "record 1 ", "record 2 "
    path = tmp_path / "dup.mrc"
    path.write_bytes(b"".join(records))
    if fmt == "parallel-mrc":  # the worker-process path writes through the same place
        monkeypatch.setattr(importing, "PARALLEL_MIN_BYTES", 1)
    return path, "record 1 ", f"record {filler + 2} "


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "mrc", "parallel-mrc", "marcxml"])
def test_two_records_with_one_isbn_in_a_file_warn_with_both_places_and_ids(
    tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, first, second = _write(tmp_path, fmt, monkeypatch)
    db = tmp_path / "c.db"
    report = import_files(db, [path])
    warned = [w for w in report.warnings if "scanning it now finds" in w.reason]
    assert len(warned) == 1, list(report.warnings)
    warning = warned[0]
    assert warning.position.startswith(second.strip())
    assert warning.identifier in ("D", "marc:D")
    assert f"ISBN {ISBN}" in warning.reason and first.strip() in warning.reason
    assert "(id C)" in warning.reason or "(id marc:C)" in warning.reason
    assert f"{len(report.warnings)} warnings" in report.summary()
    assert found_by(db, ISBN) in ("D", "marc:D")  # the later one, as the warning says
    # Re-importing the same file: the same warning (the file still says it), no new one.
    assert len(shared(import_files(db, [path]))) == 1


def test_the_warning_is_in_the_report_file_and_counted(tmp_path: Path) -> None:
    source = tmp_path / "dup.csv"
    source.write_text(
        f"id,isbn,title,barcode\n2,{ISBN},C,B1\n3,{ISBN},D,B2\n4,,E,B1\n", encoding="utf-8"
    )
    report = tmp_path / "r.csv"
    result = CliRunner().invoke(
        main, ["import", str(source), "--db", str(tmp_path / "c.db"), "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    assert "3 added" in result.stdout and "2 warnings" in result.stdout
    assert f"line 3 [3]: ISBN {ISBN} is also on line 2 (id 2)" in result.stderr
    assert "line 4 [4]: barcode B1 is also on line 2 (id 2)" in result.stderr
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert [(r["severity"], r["position"], r["identifier"]) for r in rows] == [
        ("warning", "line 3", "3"), ("warning", "line 4", "4"),
    ]
    assert "ISBN 9780439023481" in rows[0]["reason"] and "(id 2)" in rows[0]["reason"]


def test_in_one_batch_the_record_written_last_gets_the_key(tmp_path: Path) -> None:
    source = tmp_path / "dup.csv"
    # a and b claim the ISBN, then a comes again (its second row replaces its first): a is
    # written last, so a has it, and each step is said, as if written one by one.
    source.write_text(
        f"id,isbn,title\na,{ISBN},A1\nb,{ISBN},B\na,{ISBN},A2\n", encoding="utf-8"
    )
    db = tmp_path / "c.db"
    report = import_files(db, [source])
    assert found_by(db, ISBN) == "a"
    reasons = [(w.position, w.reason) for w in report.warnings]
    assert ("line 3", f"ISBN {ISBN} is also on line 2 (id a): scanning it now finds this"
            " one, not that one") in reasons
    assert any(p == "line 4" and "same id as line 2" in r for p, r in reasons)
    assert any(p == "line 4" and "is also on line 3 (id b)" in r for p, r in reasons)


def test_a_key_of_a_record_from_an_earlier_import_moves_with_a_warning(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    old = tmp_path / "old.mrc"
    old.write_bytes(
        make_record("C", "Withdrawn copy", extra=(field("952", "p", BARCODE),))
        + make_record("K", "Keeps its own", extra=(field("952", "p", "111"),))
    )
    assert not shared(import_files(db, [old]))
    new = tmp_path / "new.mrc"
    new.write_bytes(make_record("D", "New book", extra=(field("952", "p", BARCODE),)))
    report = import_files(db, [new])
    assert [(w.position, w.identifier, w.reason) for w in report.warnings] == [
        ("record 1 (byte 0)", "marc:D", f"barcode {BARCODE} belonged to record marc:C, already"
         " in the catalogue: scanning it now finds this one, not that one"),
    ]
    assert found_by(db, BARCODE) == "marc:D"  # a re-used barcode belongs to the new copy
    assert found_by(db, "111") == "marc:K"
    # Nothing moves on a plain re-import: no warning.
    assert not shared(import_files(db, [new]))
    # Both files in one import: the sharing is in the import, with the other file named.
    both = shared(import_files(db, [old, new], replace=True))
    assert both == [
        f"{new}: record 1 (byte 0) [marc:D]: barcode {BARCODE} is also on {old}: record 1"
        " (byte 0) (id marc:C): scanning it now finds this one, not that one"
    ]


def test_a_label_tag_taken_by_a_record_and_back_is_warned(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    with Catalog.open(db) as catalog, catalog.transaction():
        catalog.put_label(Label("shelf-1", "Talböcker", "sv"), ["HYLLA12"])
    source = tmp_path / "r.csv"
    source.write_text("id,title,barcode\nr1,A book,HYLLA12\n", encoding="utf-8")
    report = import_files(db, [source])
    assert [w.reason for w in report.warnings] == [
        "barcode HYLLA12 belonged to shelf label shelf-1, already in the catalogue: scanning"
        " it now finds this one, not that one"
    ]
    labels = tmp_path / "l.csv"
    labels.write_text("type,id,text,barcode\nlabel,shelf-1,Talböcker,HYLLA12\n", "utf-8")
    report = import_files(db, [labels])
    assert len(report.warnings) == 1 and "belonged to record r1" in report.warnings[0].reason
    assert found_by(db, "HYLLA12") == "shelf-1"


def test_holdings_moving_a_barcode_are_warned(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    bibs = tmp_path / "bibs.mrc"
    bibs.write_bytes(
        make_record("A", "Has the barcode", extra=(field("952", "p", BARCODE),))
        + make_record("B", "Gets it from a holdings record")
    )
    import_files(db, [bibs])
    holdings = tmp_path / "hold.mrc"
    holdings.write_bytes(
        make_record("h1", None, author=None, rtype="x",
                    extra=(Field(tag="004", data="B"), field("852", "p", BARCODE)))
    )
    report = import_files(db, [holdings])
    assert report.updated == 1, list(report.rejected)
    assert [w.reason for w in report.warnings] == [
        f"barcode {BARCODE} belonged to record marc:A, already in the catalogue: scanning it"
        " now finds this one, not that one"
    ]
    assert found_by(db, BARCODE) == "marc:B"


def test_a_harvest_warns_of_two_records_with_one_isbn(tmp_path: Path) -> None:
    records = [marcxml("C", "C", isbns=(ISBN,)), marcxml("D", "D", isbns=(ISBN,))]
    with OaiServer(Repository(items_from(records)), batch=1) as server:
        report = harvest(tmp_path / "h.db", server.url, retry=FAST)
    assert report.complete and report.added == 2
    warned = shared(report)
    assert len(warned) == 1 and f"ISBN {ISBN} is also on" in warned[0], warned
    assert "(id marc:C)" in warned[0]
    assert found_by(tmp_path / "h.db", ISBN) == "marc:D"


# ----------------------------------- the key falls back when its holder goes (findings R2-4)


def _marc(tmp_path: Path, name: str, *records: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(b"".join(records))
    return path


def checked(db: Path) -> list[str]:
    with Catalog.open(db, readonly=True) as catalog:
        return catalog.check()


@pytest.mark.parametrize("batched", [True, False], ids=["one-batch", "two-imports"])
@pytest.mark.parametrize("how", ["deleted", "recatalogued"])
def test_a_shared_isbn_falls_back_when_its_holder_goes(
    tmp_path: Path, how: str, batched: bool
) -> None:
    """Hardback X and paperback Y share an ISBN; Y holds it.  When Y is deleted (leader/05
    'd') or re-catalogued without it, scanning the ISBN finds X - not "not in the catalogue"."""
    db = tmp_path / "c.db"
    x = make_record("X", "Hardback", isbns=(ISBN,))
    y = make_record("Y", "Paperback", isbns=(ISBN,))
    if batched:
        import_files(db, [_marc(tmp_path, "xy.mrc", x, y)])
    else:
        import_files(db, [_marc(tmp_path, "x.mrc", x)])
        import_files(db, [_marc(tmp_path, "y.mrc", y)])
    assert found_by(db, ISBN) == "marc:Y"
    change = (
        make_record("Y", "Paperback", isbns=(ISBN,), status="d")
        if how == "deleted"
        else make_record("Y", "Paperback", isbns=("9789129688313",))
    )
    report = import_files(db, [_marc(tmp_path, "change.mrc", change)])
    assert (report.deleted, report.updated) == ((1, 0) if how == "deleted" else (0, 1))
    assert found_by(db, ISBN) == "marc:X"
    assert checked(db) == []
    # And back: Y claims it again, gets it, and X's claim waits again.
    import_files(db, [_marc(tmp_path, "y2.mrc", y)])
    assert found_by(db, ISBN) == "marc:Y"
    import_files(db, [_marc(tmp_path, "y3.mrc", make_record("Y", "P", isbns=(), status="d"))])
    assert found_by(db, ISBN) == "marc:X"


def test_a_key_no_record_claims_any_more_is_gone(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    x = make_record("X", "Hardback", isbns=(ISBN,))
    y = make_record("Y", "Paperback", isbns=(ISBN,))
    import_files(db, [_marc(tmp_path, "xy.mrc", x, y)])
    # X is re-catalogued without it first: Y still holds it; then Y goes: nobody has it.
    import_files(db, [_marc(tmp_path, "x2.mrc", make_record("X", "Hardback"))])
    import_files(db, [_marc(tmp_path, "yd.mrc", make_record("Y", "P", status="d"))])
    assert found_by(db, ISBN) is None
    assert checked(db) == []


def test_a_harvest_deleted_header_hands_the_isbn_to_the_other_record(tmp_path: Path) -> None:
    """Koha merging duplicate bibs: the repository deletes one of them."""
    records = [marcxml("b1", "B1", isbns=(ISBN,)), marcxml("b2", "B2", isbns=(ISBN,))]
    repository = Repository(items_from(records, prefix="oai:koha:"))
    db = tmp_path / "h.db"
    with OaiServer(repository, batch=1) as server:
        assert harvest(db, server.url, retry=FAST).complete
        assert found_by(db, ISBN) == "marc:b2"
        repository.delete("oai:koha:2")
        report = harvest(db, server.url, retry=FAST)
    assert report.complete and report.deleted == 1
    assert found_by(db, ISBN) == "marc:b1"
    assert checked(db) == []


def test_catalog_check_names_an_isbn_that_leads_nowhere(tmp_path: Path) -> None:
    """A catalogue written before this fix: an ISBN record X lists, held by no record."""
    db = tmp_path / "c.db"
    import_files(db, [_marc(tmp_path, "x.mrc", make_record("X", "Hardback", isbns=(ISBN,)))])
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM identifiers")
    conn.close()
    problems = checked(db)
    assert len(problems) == 1 and "1 ISBN(s) that records list lead to no record" in problems[0]
    result = CliRunner().invoke(main, ["catalog", "check", "--db", str(db)])
    assert result.exit_code != 0 and "lead to no record" in result.output


def test_catalog_check_names_every_kind_of_key_that_leads_nowhere(tmp_path: Path) -> None:
    """A staff member scans barcodes and RFID tags as much as ISBNs: a lost one of any kind
    finds nothing at the kiosk, so `catalog check` counts each kind, and any other key a
    record claimed (an EAN) too - never one key twice."""
    source = tmp_path / "c.csv"
    source.write_text(
        "id,title,isbn,barcode,rfid\n"
        f"a,A,{ISBN},30011,E0040150A1B2C3D4\n"
        "b,B,,30012,\n",
        encoding="utf-8",
    )
    db = tmp_path / "c.db"
    import_files(db, [source])
    assert checked(db) == []
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM identifiers WHERE record_id = 'a'")
        conn.execute("DELETE FROM identifiers WHERE key = '30012'")
        claim = "INSERT INTO claims (key, record_id, available) VALUES (?, 'b', 1)"
        conn.execute(claim, ("4006381333931",))  # an EAN
        conn.execute(claim, (ISBN,))  # listed by a as well: counted once, as an ISBN
    conn.close()
    (problem,) = checked(db)
    assert problem.startswith(
        "1 ISBN(s), 2 barcode(s), 1 RFID tag(s), 1 other identifier(s) (EAN, ISSN...) that"
        " records list lead to no record"
    ), problem
    result = CliRunner().invoke(main, ["catalog", "check", "--db", str(db)])
    assert result.exit_code == 3 and "2 barcode(s)" in result.stderr


def test_upgrading_to_version_6_gives_a_lost_isbn_back(tmp_path: Path) -> None:
    """A catalogue of version 5 in which the bug already struck: Y (the holder) was deleted,
    and X's ISBN leads nowhere.  The upgrade finds X's claim in its JSON and repairs it."""
    db = tmp_path / "c.db"
    x = make_record("X", "Hardback", isbns=(ISBN,))
    y = make_record("Y", "Paperback", isbns=(ISBN,))
    import_files(db, [_marc(tmp_path, "xy.mrc", x, y)])
    with sqlite3.connect(db) as conn:  # as version 5 left it after deleting Y
        conn.execute("DELETE FROM identifiers WHERE key = ?", (normalise(ISBN).value,))
        conn.execute("DELETE FROM records WHERE id = 'marc:Y'")
        conn.execute("DROP TABLE claims")
        conn.execute("PRAGMA user_version=5")
    conn.close()
    result = CliRunner().invoke(main, ["catalog", "upgrade", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert found_by(db, ISBN) == "marc:X"
    assert checked(db) == []
