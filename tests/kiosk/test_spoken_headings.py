"""``lookup --spoken`` of headings as CSV/JSON exports write them: organisations in the author
column, people as subjects, a pope's numeral in Swedish (EARS2-11).  Each goes through
``talkcat import`` of a JSON Lines file and ``talkcat lookup --spoken``."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.store import Catalog
from tests.kiosk.spoken_support import build_catalogue, said, spoken

RECORDS = [
    {"barcode": "81001", "title": "Betänkande", "language": "swe",
     "author": "Sveriges riksdag, Utrikesutskottet"},
    {"barcode": "81002", "title": "Soil survey", "language": "eng",
     "author": "Academia Sinica, Nanking; Lindgren, Astrid"},
    {"barcode": "81003", "title": "Om Strindberg", "language": "swe",
     "subjects": "Strindberg, August, 1849-1912--kritik; Art, Modern; "
                 "Sverige, historia, 1900-1950"},
    {"barcode": "81004", "title": "Bok", "language": "swe",
     "author": "John Paul II, Pope, 1920-2005"},
    {"barcode": "81005", "title": "Church music", "language": "eng",
     "author": "Church, Charlotte"},
]  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_catalogue(tmp_path_factory.mktemp("headings"), RECORDS)


def test_an_organisation_in_the_author_column_is_said_as_written(db: Path) -> None:
    assert "Sveriges riksdag, Utrikesutskottet" in said(spoken(db, "81001", "--level", "1"))
    heard = said(spoken(db, "81002", "--level", "1", "--lang", "en"))
    assert "Academia Sinica, Nanking" in heard and "Nanking Academia" not in heard
    assert "Astrid Lindgren" in heard  # the person beside it is still turned round
    with Catalog.open(db, readonly=True) as catalog:
        record = catalog.get("barcode:81001")
    assert record is not None
    assert record.corporate == ("Sveriges riksdag, Utrikesutskottet",)


def test_a_person_whose_surname_is_an_organisation_word_is_a_person(db: Path) -> None:
    assert "Charlotte Church" in said(spoken(db, "81005", "--level", "1", "--lang", "en"))


def test_a_person_as_subject_is_said_as_a_name(db: Path) -> None:
    heard = said(spoken(db, "81003", "--level", "2"))
    assert "August Strindberg, kritik" in heard
    assert "Strindberg, August" not in heard and "1849" not in heard
    assert "Art, Modern" in heard and "Sverige, historia" in heard  # topics stay as written


def test_a_popes_numeral_is_an_ordinal_in_swedish(db: Path) -> None:
    assert "John Paul den andre" in said(spoken(db, "81004", "--level", "1"))
    assert "två" not in said(spoken(db, "81004", "--level", "1"))
