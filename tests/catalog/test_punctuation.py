"""The one catalogue-punctuation cleaner (:mod:`catalog.punctuation`): what it removes, that
it is the same rule as the plain regular-expression definition, and that the kiosk uses it."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog import punctuation
from catalog.punctuation import clean, drop_notes, spoken
from kiosk import phrasing


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("Pippi Långstrump /", "Pippi Långstrump"),
        ("Mio, min Mio :", "Mio, min Mio"),
        ("Bröderna Lejonhjärta ;", "Bröderna Lejonhjärta"),
        ("Lindgren, Astrid,", "Lindgren, Astrid"),
        ("Tolkien, J. R. R.", "Tolkien, J. R. R."),
        ("Tolkien, J.R.R. /", "Tolkien, J.R.R."),
        ("Vol. 2.", "Vol. 2"),
        ("[Ljudupptagning]", "Ljudupptagning"),
        ("[Ljudupptagning] .", "Ljudupptagning"),
        ("Smith & Co.", "Smith & Co."),
        ("Och sedan...", "Och sedan..."),
        ("Title / .", "Title"),
        ("  ", None),
        (" /:;", None),
        ("[a] [b]", "[a] [b]"),
    ],
)
def test_isbd_punctuation_removed(raw: str, cleaned: str | None) -> None:
    assert clean(raw) == cleaned


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("Smith, John, [from old catalog]", "Smith, John,"),
        ("Teh [sic] worlde", "Teh worlde"),
        ("Montfaucon de [Villars", "Montfaucon de Villars"),
        ("[Stockholm]", "[Stockholm]"),
        ("Karl XII [Elib]", "Karl XII [Elib]"),
        ("a] b [c [d] e [", "a b c [d] e"),
        ("Nothing to drop", "Nothing to drop"),
    ],
)
def test_cataloguers_notes_dropped(raw: str, cleaned: str) -> None:
    assert drop_notes(raw) == cleaned


def test_the_space_set_is_every_unicode_space() -> None:
    """The C-level rstrip must strip exactly what str.isspace() calls a space."""
    every = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert set(punctuation._SPACES) == every


_ABBREVIATION = "|".join(sorted(punctuation._ABBREVIATIONS, key=len, reverse=True))
_KEEP = re.compile(
    r"(?:\.\.\.|(?:^|[\s.])[^\W\d_]\.|(?:^|[\s.])(?:" + _ABBREVIATION + r")\.)$", re.IGNORECASE
)


def _reference(text: str) -> str | None:
    """The rule written the slow, obvious way (a regex fixpoint) for comparison."""
    text = text.strip()
    while True:
        before = text
        text = re.sub(r"[\s/:;,=+]+$", "", text)
        if text.endswith(".") and not _KEEP.search(text):
            text = text[:-1]
        if text.startswith("[") and text.endswith("]") and text.count("[") == 1 and \
                text.count("]") == 1 and len(text) > 1:  # fmt: skip
            text = text[1:-1].strip()
        if text == before:
            return text or None


_PUNCTUATED = st.text(alphabet=st.sampled_from(list("aAbSpPUuLtdDcoeE .,;:/=+[]\t\n\xa0é1")))


@settings(max_examples=400, deadline=None)
@given(_PUNCTUATED)
def test_clean_is_the_plain_rule(text: str) -> None:
    assert clean(text) == _reference(text)


@settings(max_examples=200, deadline=None)
@given(_PUNCTUATED)
def test_clean_is_idempotent(text: str) -> None:
    once = clean(text)
    assert clean(once) == once


@pytest.mark.parametrize("text", ["Pippi /", "Lovecraft, H. P.", "[sic] Title :", "a\x07b ;"])
def test_the_kiosk_uses_the_same_cleaner(text: str) -> None:
    assert phrasing.clean(text) == spoken(text.replace("\x07", " "))
