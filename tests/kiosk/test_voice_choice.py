"""Which voice reads what (``kiosk.reading.which_voice``), through ``talkcat lookup --spoken``.

Outside testers' findings EARS2-1 (a summary's function words overrode the catalogued
language: German read by the English voice, Norwegian by the Swedish, Swedish by the Finnish
because of "se" and ".se"), EARS2-3 (Latin-script notes and romanised titles of records
catalogued Chinese, Arabic, Hebrew, Russian read by those voices) and EARS2-7 (a parallel
title "战争与和平 = War and peace" in one voice).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hardware.speech.voices import installed_languages
from tests.kiosk.spoken_support import build_catalogue, spoken


def needs(*voices: str) -> pytest.MarkDecorator:
    missing = [v for v in voices if v not in installed_languages()]
    return pytest.mark.skipif(bool(missing), reason=f"no eSpeak NG voice for {missing}")


RECORDS = [
    # EARS2-1: prose in the catalogued language, with "in", "om", "som", "se" in it.
    {"barcode": "g1", "title": "Die Verwandlung", "language": "de",
     "summary": "Gregor Samsa erwacht eines Morgens in seinem Bett und ist in einen Käfer "
                "verwandelt. Die Familie ist entsetzt."},
    {"barcode": "g2", "title": "Sult", "language": "nb",
     "summary": "En ung forfatter sulter i Kristiania. Han er fattig og har ikke penger til "
                "mat, men han skriver om det som skjer med ham."},
    {"barcode": "g4", "title": "Il Gattopardo", "language": "it",
     "summary": "Il principe di Salina vive in Sicilia nel 1860. La famiglia è in crisi e in "
                "declino, se non cambia tutto."},
    {"barcode": "g5", "title": "De avonden", "language": "nl",
     "summary": "Frits van Egters is een jongeman in Amsterdam. Het is de winter van 1946."},
    {"barcode": "g6", "title": "Kongens fald", "language": "da",
     "summary": "En roman om Mikkel Thøgersen, som er student i København."},
    {"barcode": "n1", "title": "Roman", "language": "nb",
     "summary": "Roman, bl.a. om Stockholm, dvs. livet som forfatter m.m."},
    {"barcode": "g7", "title": "Kalevala", "language": "sv",
     "summary": "Finlands nationalepos i svensk översättning. Se även Kalevala-sällskapets "
                "webbplats. Boken innehåller 50 sånger, se s. 12."},
    {"barcode": "s3", "title": "Kungar", "language": "sv",
     "summary": "Om svenska kungar, fr.o.m. Gustav Vasa t.o.m. Karl XII. Se www.historia.se "
                "eller mejla info@historia.se."},
    # Catalogued English, the note overwhelmingly Swedish: the note's language.
    {"barcode": "x1", "title": "Extreme killing", "language": "eng",
     "summary": "Det är en bok om mord och om hur de som har gjort det inte kan förklara "
                "det för sig själva."},
    # Catalogued Spanish (LC's record of a film, Koha sample), its summary in English.
    {"barcode": "x2", "title": "Viridiana", "language": "spa",
     "summary": "Viridiana, who is about to become a nun, does her utmost to maintain her "
                "Catholic principles, but her lecherous uncle and a motley assemblage of "
                "paupers force her to confront the limits of her idealism."},
    # No language catalogued: the function words decide, URLs and two short words do not.
    {"barcode": "u1", "title": "Okänd", "summary": "It is a book about a boy and his dog."},
    {"barcode": "u2", "title": "Okänd", "summary": "Se www.kirjasto.fi. Se on kaunis."},
    # EARS2-3: Latin notes and romanised titles of non-Latin-script records.
    {"barcode": "c1", "title": "中国土壤", "language": "chi",
     "summary": "Diagrs., maps (1 col. map in pocket, scale 1:10,000,000) plates (some col.), "
                "tables. Glossary of soil terms (Ch, En). Contents also in En."},
    {"barcode": "a1", "title": "نتائج التعداد الزراعى الشامل", "language": "ara",
     "summary": "FAIRS/RN8000380; Mainly stat. tables."},
    {"barcode": "r1", "title": "V sumasšedših nebesah", "language": "rus",
     "summary": "Summary (Ru). Роман о войне."},
    {"barcode": "h1", "title": "Hasidism", "language": "heb", "edition": "Hotsaʼah 2 ʻim hosafot."},
    # EARS2-7: parallel titles.
    {"barcode": "p1", "title": "战争与和平 = War and peace", "language": "chi"},
    {"barcode": "p2", "title": "Harry Potter och De vises sten = Harry Potter and the "
                              "philosopher's stone", "language": "swe"},
    {"barcode": "p3", "title": "Война и мир = Krig och fred", "language": "rus"},
]  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_catalogue(tmp_path_factory.mktemp("voices"), RECORDS)


def voices(db: Path, identifier: str, *args: str) -> set[str]:
    return {voice for voice, _text in spoken(db, identifier, "--level", "3", *args)}


@needs("de", "nb", "it", "nl", "da", "fi")
@pytest.mark.parametrize(
    ("identifier", "voice"),
    [("g1", "de"), ("g2", "nb"), ("g4", "it"), ("g5", "nl"), ("g6", "nb"), ("n1", "nb"),
     ("g7", "sv"), ("s3", "sv")],
)  # fmt: skip
@pytest.mark.parametrize("visitor", ["sv", "en"])
def test_a_summary_keeps_the_catalogued_languages_voice(
    db: Path, identifier: str, voice: str, visitor: str
) -> None:
    # Danish has its own eSpeak voice: "da" - unless it is not installed, then nb is wrong too.
    expected = "da" if identifier == "g6" and "da" in installed_languages() else voice
    assert voices(db, identifier, "--lang", visitor) == {expected}


@needs("nb", "fi")
def test_words_of_the_catalogued_language_are_read_by_its_own_table(db: Path) -> None:
    pairs = spoken(db, "n1", "--level", "3")
    assert pairs[0][0] == "nb"
    assert "blant annet" in pairs[0][1] and "bland annat" not in pairs[0][1], pairs
    king = " ".join(text for _voice, text in spoken(db, "s3", "--level", "3"))
    assert "Karl den tolfte" in king and "kaksitoista" not in king, king


def test_overwhelming_evidence_or_no_catalogued_language_lets_the_words_decide(
    db: Path,
) -> None:
    assert voices(db, "x1") == {"sv"}
    assert voices(db, "x2") == {"en"}
    assert voices(db, "u1") == {"en"}
    # "Se", "se on" and a .fi address are no evidence: the visitor's voice.
    assert voices(db, "u2") == {"sv"}
    assert voices(db, "u2", "--lang", "en") == {"en"}


@needs("cmn", "ar", "ru", "he")
def test_latin_text_of_a_non_latin_record_goes_to_a_latin_voice(db: Path) -> None:
    assert spoken(db, "c1", "--level", "1")[0] == ("cmn", "中国土壤")
    # English notes ("in", "of", "also") are read by the English voice ...
    assert voices(db, "c1") == {"en"}
    # ... notes with no English word by the visitor's.
    assert voices(db, "a1") == {"sv"}
    assert voices(db, "a1", "--lang", "en") == {"en"}
    assert spoken(db, "a1", "--level", "1")[0][0] == "ar"
    # A romanised title; a summary whose Cyrillic sentence keeps the Russian voice.
    assert spoken(db, "r1", "--level", "1")[0] == ("sv", "V sumasšedših nebesah")
    assert voices(db, "r1") == {"ru"}
    edition = spoken(db, "h1", "--level", "2")
    assert all(voice != "he" for voice, _text in edition), edition


@needs("cmn", "ru")
def test_each_part_of_a_parallel_title_in_its_own_voice(db: Path) -> None:
    assert spoken(db, "p1", "--level", "1")[:2] == [
        ("cmn", "战争与和平,"),
        ("en", "War and peace"),
    ]
    assert spoken(db, "p2", "--level", "1")[:2] == [
        ("sv", "Harry Potter och De vises sten,"),
        ("en", "Harry Potter and the philosopher's stone"),
    ]
    assert spoken(db, "p3", "--level", "1")[:2] == [("ru", "Война и мир,"), ("sv", "Krig och fred")]
