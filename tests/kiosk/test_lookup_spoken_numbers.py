"""``lookup --spoken``: a number is a year only where it is one.

An outside tester heard the English voice read page counts and running times of 1000-2099
as years ("xxxix, 1036 p." -> "ten thirty-six pages", "(1162 min.)" -> "eleven sixty-two
minutes"): a count before its unit is the number it is, whatever its size.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kiosk.spoken_support import build_catalogue, said, spoken

COUNTS = {
    # barcode: (extent, what the English voice must not say, what it must say)
    "91001": ("xxx, 1808 p.", "eighteen oh eight", "1808 pages"),
    "91002": ("xxxix, 1036 p.", "ten thirty-six", "1036 pages"),
    "91003": ("8 videodiscs (1162 min.)", "eleven sixty-two", "1162 minutes"),
    "91004": ("2 vol. (1232 p.)", "twelve thirty-two", "1232 pages"),
    "91005": ("1008 S.", "ten oh eight", "1008 pages"),
    "91006": ("1945 leaves of plates", "nineteen forty-five", "1945 leaves"),
    "91007": ("1 online resource (1050 pages)", "ten fifty", "1050 pages"),
}

RECORDS = [
    *({"barcode": key, "title": "Bleak House", "language": "eng", "extent": extent,
       "year": "1936"} for key, (extent, _wrong, _right) in COUNTS.items()),
    {"barcode": "91101", "title": "Years", "language": "eng",
     "summary": "Written in 1936 and revised 1950-1955. It has 1200 pages and 1500 maps."},
]  # fmt: skip


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_catalogue(tmp_path_factory.mktemp("numbers"), RECORDS)


@pytest.mark.parametrize("barcode", sorted(COUNTS))
def test_a_count_before_its_unit_is_never_a_year(catalogue: Path, barcode: str) -> None:
    _extent, wrong, right = COUNTS[barcode]
    text = said(spoken(catalogue, barcode, "--lang", "en", "--level", "2"))
    assert wrong not in text
    assert right in text
    assert "nineteen thirty-six" in text  # the year field is still a year


def test_years_stay_years_beside_counts(catalogue: Path) -> None:
    text = said(spoken(catalogue, "91101", "--level", "3"))
    assert "in nineteen thirty-six" in text
    assert "nineteen fifty to nineteen fifty-five" in text
    assert "1200 pages" in text
    assert "1500 maps" in text
