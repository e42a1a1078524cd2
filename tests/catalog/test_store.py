"""The catalogue file: opening, schema versions, read-only, lookup, search, threads."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from catalog import store
from catalog.errors import CatalogError
from catalog.identifiers import normalise
from catalog.records import Label, Record
from catalog.store import SCHEMA_VERSION, Catalog


def _fill(path: Path) -> None:
    with Catalog.open(path) as catalog, catalog.transaction():
        catalog.put_record(
            Record(
                id="r1",
                title="Grand final",
                authors=("Östergren, Klas",),
                subjects=("Göteborg",),
                isbns=("9789100563226",),
                barcodes=("111", "222"),
            ),
            ["9789100563226", "111", "222"],
            unavailable=["222"],
        )
        catalog.put_record(
            Record(
                id="r2",
                title="Pippi Långstrump",
                authors=("Lindgren, Astrid",),
                kind="talking_book",
                language="swe",
            ),
            ["333"],
        )
        catalog.put_label(Label("shelf-1", "Talböcker för barn", "swe"), ["E004010012345678"])


def test_open_readonly_missing_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="talkcat import"):
        Catalog.open(tmp_path / "none.db", readonly=True)
    assert not (tmp_path / "none.db").exists()


def test_open_readonly_refuses_a_file_that_is_not_a_catalogue(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(CatalogError, match=r"not a catalogue file .*; move it away \(`mv "):
        Catalog.open(junk, readonly=True)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(CatalogError, match="not a Talking Catalogue database"):
        Catalog.open(other, readonly=True)


def test_readonly_refuses_older_schema_naming_the_upgrade_command(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id={store.APPLICATION_ID}")
    conn.executescript(store.MIGRATIONS[0])
    conn.execute("PRAGMA user_version=1")
    conn.execute(
        'INSERT INTO records (id, kind, data) VALUES (\'x\', \'book\', \'{"id":"x","title":"Ö"}\')'
    )
    conn.commit()
    conn.close()
    with pytest.raises(CatalogError, match=r"talkcat catalog upgrade --db"):
        Catalog.open(path, readonly=True)
    # A writable open (import / upgrade) migrates, keeping the data, and fills the index.
    with Catalog.open(path) as catalog:
        assert catalog.migrated_from == 1
        assert catalog.schema_version() == SCHEMA_VERSION
    with Catalog.open(path, readonly=True) as catalog:
        assert catalog.get("x").title == "Ö"
        assert [r.id for r in catalog.search("o")] == ["x"]


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    _fill(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(CatalogError, match="newer"):
        Catalog.open(path, readonly=True)


def test_readonly_never_writes(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    _fill(path)
    before = path.read_bytes()
    with Catalog.open(path, readonly=True) as catalog:
        assert catalog.lookup(normalise("111")) is not None
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            catalog._conn.execute("DELETE FROM records")
        with pytest.raises(CatalogError, match="read-only"), catalog.transaction():
            pass
    assert path.read_bytes() == before


def test_lookup_by_every_key_and_copy_availability(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    _fill(path)
    with Catalog.open(path, readonly=True) as catalog:
        by_isbn10 = catalog.lookup(normalise("91-0-056322-6"))
        assert isinstance(by_isbn10, Record)
        assert by_isbn10.id == "r1" and by_isbn10.available
        assert catalog.lookup(normalise("111")).available
        withdrawn_copy = catalog.lookup(normalise("222"))
        assert withdrawn_copy.id == "r1" and withdrawn_copy.available is False
        label = catalog.lookup(normalise("e0:04:01:00:12:34:56:78"))
        assert label == Label("shelf-1", "Talböcker för barn", "swe")
        assert catalog.lookup(normalise("999")) is None
        assert catalog.get("r2").kind == "talking_book"
        assert catalog.get("nope") is None


def test_search_folds_diacritics_and_ranks(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    _fill(path)
    with Catalog.open(path, readonly=True) as catalog:
        assert [r.id for r in catalog.search("ostergren")] == ["r1"]
        assert [r.id for r in catalog.search("Östergren grand")] == ["r1"]
        assert [r.id for r in catalog.search("goteborg")] == ["r1"]  # subjects
        assert [r.id for r in catalog.search("langstrump")] == ["r2"]
        assert [r.id for r in catalog.search("pip")] == ["r2"]  # prefix
        assert catalog.search('"; DROP TABLE records; --') == []
        assert catalog.search("") == []
        assert catalog.search("lindgren OR ostergren") == []  # syntax is data: all words


def test_stats_and_check(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    _fill(path)
    with Catalog.open(path, readonly=True) as catalog:
        stats = catalog.stats()
        assert stats["records"] == 2 and stats["labels"] == 1
        assert stats["identifiers"] == 5
        assert stats["by_kind"] == {"book": 1, "talking_book": 1}
        assert stats["schema_version"] == SCHEMA_VERSION
        assert catalog.check() == [] and catalog.check(full=True) == []


def test_usable_from_another_thread(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    _fill(path)
    catalog = Catalog.open(path, readonly=True)
    results: list[object] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(200):
                results.append(catalog.lookup(normalise("111")).id)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    catalog.close()
    assert not errors
    assert results == ["r1"] * 800


def test_update_replaces_old_keys(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    _fill(path)
    with Catalog.open(path) as catalog, catalog.transaction():
        added = catalog.put_record(Record(id="r1", title="Grand final", barcodes=("444",)), ["444"])
        assert added is False
    with Catalog.open(path, readonly=True) as catalog:
        assert catalog.lookup(normalise("111")) is None
        assert catalog.lookup(normalise("444")).id == "r1"
        assert catalog.stats()["records"] == 2


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    _fill(path)
    with Catalog.open(path) as catalog:
        with pytest.raises(RuntimeError), catalog.transaction():
            catalog.clear()
            raise RuntimeError("boom")
        assert catalog.stats()["records"] == 2


def _v2_catalogue(path: Path) -> None:
    """A catalogue as version 2 wrote it: its own-content full-text index, no search columns."""
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id={store.APPLICATION_ID}")
    conn.executescript(store.MIGRATIONS[0])
    conn.execute(
        "INSERT INTO records (id, kind, data) VALUES ('x', 'book',"
        ' \'{"id":"x","title":"Anteckningar","authors":["Östergren, Klas"],"genres":["Deckare"]}\')'
    )
    conn.executescript(store.MIGRATIONS[1])
    conn.execute("PRAGMA user_version=2")
    conn.commit()
    conn.close()


def _schema(path: Path) -> set[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        objects = {
            (kind, name)
            for kind, name in conn.execute("SELECT type, name FROM sqlite_master")
            if not name.startswith("sqlite_autoindex")
        }
        columns = {
            ("column", f"records.{r[1]}") for r in conn.execute("PRAGMA table_info(records)")
        }
        return objects | columns
    finally:
        conn.close()


def test_version_2_migrates_to_search_columns_kept_in_step_by_triggers(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    _v2_catalogue(old)
    with Catalog.open(old) as catalog:
        assert catalog.migrated_from == 2 and catalog.schema_version() == SCHEMA_VERSION
    with Catalog.open(old, readonly=True) as catalog:
        assert [r.id for r in catalog.search("ostergren anteck")] == ["x"]
        assert [r.id for r in catalog.search("deckare")] == ["x"]
    # a new file gets the same tables, columns, index and triggers as a migrated one
    fresh = tmp_path / "fresh.db"
    Catalog.open(fresh).close()
    assert _schema(fresh) - {("index", "records_by_id")} == _schema(old)
    assert {("trigger", "records_ai"), ("trigger", "records_ad"), ("trigger", "records_au")} <= (
        _schema(fresh)
    )
    # updates, deletes and --replace reach the index through the triggers alone
    with Catalog.open(old) as catalog, catalog.transaction():
        catalog.put_record(Record(id="x", title="Nytt namn"), ["111"])
        catalog.put_record(Record(id="y", title="Andra boken", authors=("Ek, Ann",)), ["222"])
    with Catalog.open(old, readonly=True) as catalog:
        assert catalog.search("anteckningar") == [] and catalog.search("ostergren") == []
        assert [r.id for r in catalog.search("nytt")] == ["x"]
        assert [r.id for r in catalog.search("ek andra")] == ["y"]
    with Catalog.open(old) as catalog, catalog.transaction():
        assert catalog.delete_record("x")
    with Catalog.open(old) as catalog:
        with catalog.transaction():
            assert catalog.clear() == 1
            catalog.put_record(Record(id="z", title="Ensam"), ["333"])
        assert catalog.check(full=True) == []
    with Catalog.open(old, readonly=True) as catalog:
        assert catalog.search("nytt") == [] and catalog.search("andra") == []
        assert [r.id for r in catalog.search("ensam")] == ["z"]
        conn = sqlite3.connect(old)
        assert conn.execute("INSERT INTO records_fts(records_fts) VALUES('integrity-check')")
        conn.close()
