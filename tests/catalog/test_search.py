"""The one search (``catalog.paged_search``): what people type, bounded pages, schema v5."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from pathlib import Path

import pytest

from catalog import paged_search, schema
from catalog.records import Record
from catalog.store import SCHEMA_VERSION, Catalog
from tests.support import talkcat

TITLES = {
    "c1": "Programmering i C",
    "c2": "Cirkus Cirkus",
    "o1": "Östergrens anteckningar",
    "s1": "Sommar i Sverige",
}


def _catalogue(path: Path, extra: int = 0) -> Path:
    with Catalog.open(path) as catalog, catalog.transaction():
        for record_id, title in TITLES.items():
            catalog.put_record(Record(id=record_id, title=title), [])
        for n in range(extra):  # many matches for "bok": more than a small rank limit
            catalog.put_record(Record(id=f"m{n:03d}", title=f"Bok nummer {n}"), [])
    return path


def _ids(records: list[Record]) -> list[str]:
    return [r.id for r in records]


def test_a_single_letter_is_a_whole_word_and_longer_words_are_prefixes(tmp_path: Path) -> None:
    with Catalog.open(_catalogue(tmp_path / "c.db"), readonly=True) as catalog:
        assert _ids(catalog.search("c")) == ["c1"]  # not every word starting with c
        assert _ids(catalog.search("ci")) == ["c2"]
        assert _ids(catalog.search("cirk")) == ["c2"]
        assert set(_ids(catalog.search("i"))) == {"c1", "s1"}
        assert _ids(catalog.search("sverige i")) == ["s1"]


def test_decomposed_letters_are_one_word(tmp_path: Path) -> None:
    """"Ö" typed or pasted as O + combining diaeresis is still one letter of one word."""
    decomposed = unicodedata.normalize("NFD", "Östergrens")
    assert len(decomposed) == len("Östergrens") + 1
    with Catalog.open(_catalogue(tmp_path / "c.db"), readonly=True) as catalog:
        assert _ids(catalog.search(decomposed)) == ["o1"]
        assert _ids(catalog.search("ostergren")) == ["o1"]


def test_a_word_that_starts_another_costs_nothing_more(tmp_path: Path) -> None:
    """Repeated words, and words that start a longer word of the query, ask nothing more:
    one index list is read instead of several (pasted titles repeat words)."""
    assert paged_search.fts_query("Cirkus cirk CIRKUS c") == '"cirkus"* "c"'
    with Catalog.open(_catalogue(tmp_path / "c.db"), readonly=True) as catalog:
        assert _ids(catalog.search("Cirkus cirk CIRKUS")) == _ids(catalog.search("cirkus"))
        assert _ids(catalog.search("cirkus")) == ["c2"]


TYPED = [
    '"', '""', '"sommar', "*", "sommar*", "*sommar", "NEAR", "NEAR(sommar sverige)", "AND",
    "sommar AND", "OR sommar", "NOT", "-", "-sommar", "sommar -sverige", ":", "title:sommar",
    "search_title:sommar", "^", "^sommar", "{search_title}: sommar", "(", ")", "sommar)",
    "+", "'", "\\", "%", "_", "s", "", "   ", "\x00", "sommar\x00sverige",
]


@pytest.mark.parametrize("text", TYPED)
def test_what_people_type_is_never_an_error(tmp_path: Path, text: str) -> None:
    """FTS5's syntax characters and words are data; a query without a word finds nothing."""
    with Catalog.open(_catalogue(tmp_path / "c.db"), readonly=True) as catalog:
        records, matches, ranked = catalog.search_page(text)
    assert len(records) == matches and ranked
    words = set(re.findall(r"\w+", text.lower()))
    if words and words <= {"sommar", "sverige"}:  # words of "Sommar i Sverige"
        assert "s1" in _ids(records)
    if paged_search.fts_query(text) is None:
        assert records == []


def test_many_matches_page_in_catalogue_order_without_ranking(tmp_path: Path) -> None:
    path = _catalogue(tmp_path / "c.db", extra=40)
    with Catalog.open(path, readonly=True) as catalog:
        ranked, matches, is_ranked = paged_search.search_page(catalog, "bok", 0, 5, rank_limit=50)
        assert matches == 40 and is_ranked and len(ranked) == 5
        first, matches, is_ranked = paged_search.search_page(catalog, "bok", 0, 5, rank_limit=10)
        assert matches == 11 and not is_ranked  # "more than 10"
        assert _ids(first) == [f"m{n:03d}" for n in range(5)]  # catalogue order
        third, _, _ = paged_search.search_page(catalog, "bok", 10, 5, rank_limit=10)
        assert _ids(third) == [f"m{n:03d}" for n in range(10, 15)]
        # talkcat search is the console's first page
        assert _ids(catalog.search("bok", limit=5)) == _ids(catalog.search_page("bok", 0, 5)[0])


def test_talkcat_search_says_when_the_list_is_not_ranked(tmp_path: Path) -> None:
    db = _catalogue(tmp_path / "c.db", extra=paged_search.RANK_LIMIT + 1)
    many = talkcat("search", "bok", "--db", str(db), "--limit", "3")
    assert many.returncode == 0
    assert [line.split("\t")[0] for line in many.stdout.splitlines()] == ["m000", "m001", "m002"]
    assert f"more than {paged_search.RANK_LIMIT} records match 'bok'" in many.stderr
    few = talkcat("search", "sommar", "--db", str(db))
    assert few.returncode == 0 and few.stderr == ""
    wordless = talkcat("search", '"*"', "--db", str(db))
    assert wordless.returncode == 1
    assert wordless.stderr.strip() == "talkcat: '\"*\"' has no letter or digit to search for"


def _fts_sql(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'records_fts'").fetchone()
        return str(row[0])
    finally:
        conn.close()


def test_version_4_migrates_to_prefix_indexes(tmp_path: Path) -> None:
    """Version 5 makes the full-text table again with prefix indexes, keeping every row
    searchable and the triggers in step; a new file is made the same way."""
    old = _catalogue(tmp_path / "old.db")
    conn = sqlite3.connect(old)
    with conn:  # back to version 4: the index as sqlite-utils' enable_fts made it
        conn.execute("DROP TABLE records_fts")
        conn.execute("DROP TABLE claims")  # version 6's
        schema.database(conn).table("records").enable_fts(
            schema.SEARCH_COLUMNS, tokenize=schema.TOKENIZE
        )
        conn.execute("PRAGMA user_version=4")
    conn.close()
    assert "prefix" not in _fts_sql(old)
    with Catalog.open(old) as catalog:
        assert catalog.migrated_from == 4 and catalog.schema_version() == SCHEMA_VERSION == 6
    fresh = _catalogue(tmp_path / "fresh.db")
    assert _fts_sql(old) == _fts_sql(fresh)
    assert "prefix='2 3 4'" in _fts_sql(old)
    with Catalog.open(old) as catalog, catalog.transaction():
        catalog.put_record(Record(id="s1", title="Vinter i Norge"), [])
    with Catalog.open(old, readonly=True) as catalog:
        assert _ids(catalog.search("so")) == [] and _ids(catalog.search("vi no")) == ["s1"]
        assert _ids(catalog.search("cir")) == ["c2"] and _ids(catalog.search("ost")) == ["o1"]
        assert catalog.check(full=True) == []
    conn = sqlite3.connect(old)
    conn.execute("INSERT INTO records_fts(records_fts) VALUES('integrity-check')")
    conn.close()
