"""No way in: scanned and catalogue text are data, never code.

* Identifiers are bound SQL parameters: an "identifier" carrying SQL finds nothing and
  changes nothing (``catalog/`` has no f-string SQL with values; the three f-strings left are
  PRAGMAs built from constants).
* Catalogue text reaching the speech engine cannot switch on markup or control sequences:
  no C0/C1 control characters, no ``<``/``>``, and a capped length - checked on what the
  ``RecordingSynthesizer`` was actually handed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from catalog.identifiers import Identifier, normalise
from catalog.importing import import_files
from catalog.store import Catalog
from hardware.speech.text import MAX_UTTERANCE_CHARS
from tests.reliability.rig import (
    INVALID,
    NOT_FOUND,
    TOVE,
    TOVE_ISBN,
    KioskRig,
    PushReader,
    make_catalogue,
)
from tests.support import digest

INJECTIONS = [
    "'; DROP TABLE records; --",
    "9789100563226' OR '1'='1",
    "9789100563226\" OR \"1\"=\"1",
    "1 OR 1=1",
    "x'); DELETE FROM identifiers; --",
    "x; ATTACH DATABASE '/tmp/x.db' AS x; --",
    "%' UNION SELECT data, data, data, data FROM records --",
    "$(rm -rf /tmp/talkcat)",
]



def test_sql_in_a_scan_finds_nothing_and_harms_nothing(tmp_path: Path) -> None:
    db = make_catalogue(tmp_path / "c.db")
    before = digest(db)
    reader = PushReader()
    with KioskRig(reader, db, tmp_path / "t.jsonl") as rig:
        for text in INJECTIONS:
            reader.scan(text)
        reader.scan(TOVE_ISBN)
        rig.wait_spoken(TOVE)
    spoken = rig.spoken()
    assert spoken[-1] == TOVE
    assert set(spoken[:-1]) <= {INVALID, NOT_FOUND}  # each was an unreadable or unknown code
    assert digest(db) == before
    with Catalog.open(db, readonly=True) as catalog:
        assert catalog.stats()["records"] == 28
        assert catalog.check(full=True) == []


def test_an_isbn_with_sql_after_a_semicolon_is_just_the_isbn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ISBN; rest`` is read like a stored ISBN with a qualifier ("91-29-68831-3 (inb.)"):
    the number is looked up, the rest is dropped - never executed."""
    db = make_catalogue(tmp_path / "c.db")
    before = digest(db)
    monkeypatch.chdir(tmp_path)  # a relative ATTACH would land here
    attached = tmp_path / "x.db"
    text = "9789100563226; ATTACH DATABASE 'x.db' AS x; DROP TABLE records; --"
    assert normalise(text).value == TOVE_ISBN
    reader = PushReader()
    with KioskRig(reader, db, tmp_path / "t.jsonl") as rig:
        reader.scan(text)
        rig.wait_done(TOVE)
    assert digest(db) == before
    assert not attached.exists()  # ATTACH would have created it


@pytest.mark.parametrize("text", INJECTIONS)
def test_sql_as_a_key_or_a_search_is_only_data(tmp_path: Path, text: str) -> None:
    db = make_catalogue(tmp_path / "c.db")
    with Catalog.open(db, readonly=True) as catalog:
        for kind in ("barcode", "rfid", "isbn"):
            assert catalog.lookup(Identifier(kind, text)) is None
        assert catalog.get(text) is None
        found = catalog.search(text)  # words become quoted FTS5 terms, never syntax
        assert all(hasattr(r, "title") for r in found)
        assert catalog.stats()["records"] == 28
    # A writable catalogue keeps them as plain keys too.
    with Catalog.open(db) as catalog, catalog.transaction():
        assert catalog.keys_of(text) == []
        assert catalog.delete_record(text) is False
    with Catalog.open(db, readonly=True) as catalog:
        assert catalog.stats()["records"] == 28


def _isbn13(n: int) -> str:
    body = f"978917{n:06d}"
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


HOSTILE_TITLES = {
    "ssml": '<speak><prosody rate="x-slow" volume="+40dB">Loud</prosody></speak>',
    "espeak-control": "Plain \x01 5S title \x01 80A with controls",
    "ansi": "\x1b[31mRed\x1b[0m \x1b]0;pwned\x07 title",
    "sapi-xml": '<voice required="Gender=Male"/> <audio src="file:///etc/passwd"/> title',
    "nul-and-c1": "Title\x00 with\x85 nul\x9b and C1",
    "bidi": "Title \u202ewith\u2066 overrides\u200b",
    "huge": "Long " + "word " * 200_000,  # ~1 MB
}


@pytest.fixture
def hostile_catalogue(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    isbns = {name: _isbn13(i) for i, name in enumerate(HOSTILE_TITLES, start=1)}
    rows = [
        {"isbn": isbns[name], "title": title, "author": "Kontroll, <b>Tecken</b>\x01",
         "summary": "<speak>" + "\x01" * 5 + "</speak>"}
        for name, title in HOSTILE_TITLES.items()
    ]
    source = tmp_path / "hostile.json"
    source.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "c.db"
    report = import_files(db, [source])
    assert report.committed
    return db, isbns


CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b]")


@pytest.mark.parametrize("name", list(HOSTILE_TITLES))
def test_catalogue_text_reaches_the_engine_as_plain_text(hostile_catalogue, tmp_path, name):
    db, isbns = hostile_catalogue
    with Catalog.open(db, readonly=True) as catalog:
        assert catalog.lookup(normalise(isbns[name])) is not None, "the record did not load"
    reader = PushReader()
    with KioskRig(reader, db, tmp_path / "t.jsonl") as rig:
        reader.scan(isbns[name])
        rig.wait(lambda ev: any(e["event"] == "speak" for e in ev))
        reader.key("more")  # level two and three read more fields of the record
        reader.key("more")
        reader.scan("9780140449136")  # handled after both keys: the end of this visit
        rig.wait_spoken(NOT_FOUND)
    texts = [t for engine in rig.engines for t in engine.texts]
    assert texts
    for text in texts:
        assert not CONTROL.search(text), repr(text[:80])
        assert "<" not in text and ">" not in text, repr(text[:80])
        assert len(text) <= MAX_UTTERANCE_CHARS
    # An utterance never hands the engine more than the cap, however long the record: four
    # utterances here (three levels and "not found").
    assert sum(len(t) for t in texts) <= 4 * MAX_UTTERANCE_CHARS
