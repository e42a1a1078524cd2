"""``lookup --spoken``: what a listener hears of names, abbreviations, years and series.

An outside tester (EARS2) heard "Johannes den femte. Jensen" for the Nobel laureate Johannes
V. Jensen, abbreviations that made the voice fall and pause mid-sentence in languages with and
without a reading table, wrong exact years for corrected or approximate ones, and series
numbers said twice.  Each test goes through ``talkcat import`` and ``talkcat lookup --spoken``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kiosk.spoken_support import build_catalogue, spoken

RECORDS = [
    {"barcode": "91001", "title": "Test initials", "language": "swe",
     "author": "Miller, Henry V.; Kennedy, John F.; Andersson, Anna I.; Hupe, Peter L.; "
               "Clancy, William D."},
    {"barcode": "91002", "title": "Kongens fald", "language": "dan",
     "author": "Jensen, Johannes V."},
    {"barcode": "91003", "title": "Kings", "language": "eng",
     "author": "Jensen, Johannes V.", "summary": "About Henry V. The king of England."},
]  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_catalogue(tmp_path_factory.mktemp("names"), RECORDS)


def test_an_initial_that_looks_like_a_roman_numeral_is_an_initial(db: Path) -> None:
    sv = spoken(db, "91001", "--level", "1")
    assert sv[0] == (
        "sv",
        "Test initials, av Henry V Miller, John F Kennedy, Anna I Andersson, Peter L Hupe och "
        "William D Clancy",
    ), sv
    en = spoken(db, "91001", "--level", "1", "--lang", "en")
    assert "by Henry V Miller, John F Kennedy, Anna I Andersson, Peter L Hupe and William D "
    "Clancy" in en[0][1], en
    assert ("sv", ", av Johannes V Jensen") in spoken(db, "91002", "--level", "1")
    assert ("en", "Kings, by Johannes V Jensen") in spoken(
        db, "91003", "--level", "1", "--lang", "en"
    )


def test_a_regnal_numeral_in_prose_is_still_a_king(db: Path) -> None:
    assert spoken(db, "91003", "--level", "3") == [
        ("en", "About Henry the fifth."),
        ("en", "The king of England."),
    ]
