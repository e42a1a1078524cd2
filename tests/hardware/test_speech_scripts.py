"""A record that names no language is read by the voice its script tells (finding H11)."""

from __future__ import annotations

import pytest

from hardware.speech.voices import SCRIPT_SAMPLE, script_language, voice_language

ALL = frozenset({"ru", "uk", "be", "kk", "sr", "mk", "ar", "fa", "ur", "ti", "am", "cmn", "ja",
                 "ko", "el", "he", "hy", "ka", "hi", "th"})  # fmt: skip


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Война и мир", "ru"), ("Війна і мир", "uk"), ("Вайна і мір ў", "be"),
        ("Рат и мир, Ђорђе", "sr"), ("Војна и мир ќе", "mk"),
        ("الحرب والسلام", "ar"), ("جنگ و صلح", "fa"), ("کتاب", "fa"),
        ("جنگ والسلام ي ة ك", "ar"),  # Arabic-only letters outnumber the Persian one
        ("اردو کی کتابیں", "ur"),
        ("ሰላም", "ti"), ("ኣብ ዓዲ", "ti"), ("አማርኛ መጽሐፍ", "am"),
        ("战争与和平", "cmn"), ("日本の歴史", "ja"), ("전쟁과 평화", "ko"),
        ("Πόλεμος και ειρήνη", "el"), ("שלום", "he"), ("Պատերազմ", "hy"),
        # Latin, or mostly Latin: the script says nothing.
        ("Harry Potter", None), ("Sprawa Dreyfusa (Дело)", None), ("1984", None), ("", None),
    ],
)  # fmt: skip
def test_script_tells_the_language(text: str, lang: str | None) -> None:
    assert script_language(text, ALL) == lang


def test_only_installed_voices_are_chosen() -> None:
    assert script_language("Війна і мир", {"ru"}) == "ru"  # no Ukrainian voice: Russian
    assert script_language("Война и мир", {"sv", "en"}) is None
    assert script_language("ሰላም", {"am"}) == "am"


def test_the_record_language_wins_and_the_visitor_is_the_last_resort() -> None:
    assert voice_language("swe", "en", {"sv", "ru"}, "Krig och fred") == "sv"
    assert voice_language("rus", "en", {"sv", "ru"}, "Война и мир") == "ru"
    assert voice_language("ukr", "en", {"uk", "ru"}, "Война и мир") == "uk"  # same script
    assert voice_language("jpn", "en", {"ja", "cmn"}, "源氏物語") == "ja"  # kanji are Japanese
    assert voice_language(None, "sv", {"sv", "ru"}, "Война и мир") == "ru"
    assert voice_language("und", "sv", {"sv", "ru"}, "Война и мир") == "ru"
    assert voice_language("sme", "en", {"sv", "en"}, "Girji") == "en"
    assert voice_language(None, "sv", {"sv"}, "Война и мир") == "sv"


def test_only_a_bounded_sample_is_looked_at() -> None:
    """A megabyte-long title costs no more than its first few hundred letters."""
    assert script_language("Война " * 200_000, ALL) == "ru"
    assert script_language("a" * SCRIPT_SAMPLE + "Война" * 10_000, ALL) is None


def test_the_script_decides_both_ways() -> None:
    """Catalogued Swedish but Cyrillic: the Swedish voice would spell out letter names;
    catalogued Chinese but Latin ("Diagrs., maps"): the Mandarin voice would mangle it."""
    assert voice_language("swe", "en", {"sv", "ru"}, "Война и мир") == "ru"
    assert voice_language("chi", "sv", {"sv", "cmn"}, "Diagrs., maps") == "sv"
    assert voice_language("chi", "sv", {"sv", "cmn"}, "Contents in En.", latin="en") == "en"
    assert voice_language("rus", "sv", {"sv", "ru"}, "V sumasšedših nebesah") == "sv"
    assert voice_language("ara", "en", {"ar", "en"}, "FAIRS/RN8000380") == "en"
    # Mixed scripts and text without letters keep the record's voice.
    assert voice_language("rus", "sv", {"sv", "ru"}, "Sprawa Dreyfusa / Дело Дрейфуса") == "ru"
    assert voice_language("chi", "sv", {"sv", "cmn"}, "1984") == "cmn"
    # A Latin-script language with a Latin text: the record's, as always.
    assert voice_language("ger", "sv", {"sv", "de"}, "Der Zauberberg") == "de"
