from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import pytest

from kiosk import phrasing


@dataclass
class FakeRecord:
    title: str
    authors: tuple[str, ...] = ()
    id: str = "r1"
    kind: str = "book"
    extra: dict = field(default_factory=dict)


@pytest.mark.parametrize(
    ("stored", "spoken"),
    [
        ("Lindgren, Astrid", "Astrid Lindgren"),
        ("Lindgren, Astrid, 1907-2002", "Astrid Lindgren"),
        ("Tolkien, J. R. R. (John Ronald Reuel), 1892-1973.", "J. R. R. Tolkien"),
        ("Svenska Akademien", "Svenska Akademien"),
        ("Homeros", "Homeros"),
    ],
)
def test_natural_name_order(stored: str, spoken: str) -> None:
    assert phrasing.natural_name(stored) == spoken


def test_swedish_announcement_strips_isbd_punctuation() -> None:
    record = FakeRecord("Pippi Långstrump /", ("Lindgren, Astrid",))
    utterance = phrasing.announce(record, "sv")
    assert utterance.text == "Pippi Långstrump, av Astrid Lindgren"
    assert utterance.item == "r1"
    assert utterance.lang == "sv"


def test_english_announcement_joins_several_authors() -> None:
    record = FakeRecord("Good omens :", ("Pratchett, Terry", "Gaiman, Neil"))
    assert phrasing.announce(record, "en").text == "Good omens, by Terry Pratchett and Neil Gaiman"


def test_announcement_without_author_is_the_title() -> None:
    assert phrasing.announce(FakeRecord("Kalevala."), "sv").text == "Kalevala"


def test_text_is_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Östergren, Klas")
    record = FakeRecord(unicodedata.normalize("NFD", "Gentlemen"), (decomposed,))
    text = phrasing.announce(record, "sv").text
    assert text == unicodedata.normalize("NFC", text)
    assert "Klas Östergren" in text


def test_control_characters_never_reach_speech() -> None:
    record = FakeRecord("Bad\x1b[31m title\x00", ("X, Y",))
    text = phrasing.announce(record, "en").text
    assert "\x1b" not in text and "\x00" not in text


def test_messages_exist_in_both_languages() -> None:
    sv = phrasing.phrases("sv")
    en = phrasing.phrases("en")
    assert set(sv) == set(en)
    assert phrasing.message("not_found", "sv").text == "Finns inte i katalogen."
    assert phrasing.message("not_found", "en").text == "Not in the catalogue."


def test_staff_override_wins(tmp_path) -> None:
    (tmp_path / "en.toml").write_text('[phrases]\nnot_found = "We do not have that one."\n')
    table = phrasing.phrases("en", str(tmp_path))
    assert table["not_found"] == "We do not have that one."
    assert table["and"] == "and"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="sv, en"):
        phrasing.phrases("fi")
