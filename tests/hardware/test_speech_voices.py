"""Which voice reads a record: MARC language codes to the installed eSpeak NG voices.

The voice list is read from the installed eSpeak NG at run time; the contract test checks it
against the real pyttsx3 engine, so the language ``talkcat lookup --spoken`` prints is one the
engine really has a voice for (and not a silent fall-back to the kiosk's voice).
"""

from __future__ import annotations

import pytest

from hardware.speech.voices import (
    MARC_LANGUAGES,
    installed_languages,
    language_tag,
    missing_voices,
    voice_language,
)


@pytest.mark.parametrize(
    ("code", "tag"),
    [
        ("swe", "sv"), ("eng", "en"), ("fin", "fi"), ("smj", "smj"), ("ara", "ar"),
        ("per", "fa"), ("fas", "fa"), ("tir", "ti"), ("tur", "tr"), ("ukr", "uk"),
        ("pol", "pl"), ("ger", "de"), ("fre", "fr"), ("spa", "es"), ("nor", "nb"),
        ("SWE ", "sv"), ("sv-FI", "sv"), ("en_US", "en"), ("no", "nb"), ("sme", "sme"),
        ("und", None), ("mul", None), ("   ", None), ("", None), (None, None), ("?", None),
    ],
)  # fmt: skip
def test_language_tags(code: str | None, tag: str | None) -> None:
    assert language_tag(code) == tag


@pytest.mark.parametrize(
    ("old", "new"),
    [("iri", "gle"), ("esp", "epo"), ("mol", "rum"), ("tar", "tat"), ("far", "fao"),
     ("gag", "glg"), ("int", "ina"), ("fri", "fry"), ("snh", "sin"), ("tag", "tgl"),
     ("cam", "khm"), ("scc", "srp"), ("scr", "hrv"), ("gae", "gla"), ("tsw", "tsn")],
)  # fmt: skip
def test_a_discontinued_marc_code_is_its_successor(old: str, new: str) -> None:
    """records3-3: legacy records keep the codes LoC discontinued (Irish was "iri")."""
    assert language_tag(old) == language_tag(new) != old


def test_installed_voices_are_listed_from_espeak_ng() -> None:
    installed = installed_languages()
    if not installed:
        pytest.skip("no eSpeak NG data directory here")
    # The languages of a Swedish public library's visitors and shelves (issue 14).
    for tag in ("sv", "en", "fi", "smj", "ar", "fa", "ti", "tr", "uk", "pl"):
        assert tag in installed, tag


def test_a_record_without_a_voice_is_read_by_the_visitors() -> None:
    installed = frozenset({"sv", "en", "fi"})
    assert voice_language("fin", "sv", installed) == "fi"
    assert voice_language("sme", "sv", installed) == "sv"  # Northern Sami: no voice
    assert voice_language("und", "en", installed) == "en"
    assert voice_language(None, "en", installed) == "en"
    assert missing_voices(["fin", "sme", "sme", "som", "und", None, "swe"], installed) == {
        "sme": 2,
        "som": 1,
    }


def test_every_voice_the_kiosk_picks_is_one_the_engine_has() -> None:
    pytest.importorskip("pyttsx3")
    from hardware.speech.pyttsx3_engine import Pyttsx3Synthesizer

    installed = installed_languages()
    if not installed:
        pytest.skip("no eSpeak NG data directory here")
    engine = Pyttsx3Synthesizer()
    try:
        picked = {voice_language(code, "", installed) for code in MARC_LANGUAGES} - {""}
        assert len(picked) > 50
        without = sorted(tag for tag in picked if not engine.voice_for(tag))
        assert without == []
    finally:
        engine.close()
