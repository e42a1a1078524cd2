"""``lookup --spoken``: where library text has its sentence ends, and what it says around them.

An outside tester heard the voice fall and pause in mid-sentence at abbreviations ("Pt. 2",
"fig. 2", "Omkr. 1950", "Dr.", "St. James St.") and lose a real sentence end after one
("... m.fl. Se sidan 45").  One rule decides both, for the splitter and the reader
(``kiosk.reading.tokens``); these tests check what the engine is given, end to end through
``talkcat import`` and ``talkcat lookup --spoken``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from tests.kiosk.spoken_support import build_catalogue, said, spoken

SUMMARIES = {
    # (language of the record, summary): (voice, sentences the engine must be given)
    "81001": ("swe", "Hon bor hos sin moster m.fl. Se s. 45 t.ex. o.s.v."),
    "81002": ("fin", "Kirjan kirjoitti Mannerheim ym. 2. painos."),
    "81003": ("swe", "Boken har kartor. Pt. 2, ca 1520-talet. Se fig. 2 och Omkr. 1950 i Bd. 1."),
    "81004": ("eng", "Ed. by A.B. Smith, Jr. Dr. Smith lives on St. James St. in Washington, "
                     "D.C., U.S.A. See ch. 3 and fig. 2 of Vol. III."),
    "81005": ("swe", "Om drottning Kristina I. Del I och II. Kap. I–III handlar om barndomen."),
    "81006": ("swe", "Romanen är översatt. Övers. fr. engelskan av Louis-P. Turcotte och andra."),
    "81007": ("eng", "Contents: Vol. 1: Basics. -- Vol. 2: Methods."),
    "81008": ("eng", "Published [1937] [i.e. 1938]. The peak is ca. 8,370 ft. high "
                     "(p. 1001-1010)."),
    "81009": ("swe", "(E-bok) Första delen av en serie om livet i skogen (Talbok)."),
}  # fmt: skip

RECORDS = [
    *({"barcode": key, "title": "Titel", "language": lang, "summary": text}
      for key, (lang, text) in SUMMARIES.items()),
    {"barcode": "82001", "title": "The return", "language": "eng",
     "edition": "2nd ed., rev. ed. by C. Tolkien"},
    {"barcode": "82002", "title": "Shelf", "language": "eng", "year": "1952",
     "publisher": "Ung. Nationalmus.", "locations": "DESM-RARE 91-958 B35"},
    {"barcode": "82003", "title": "Opera", "language": "eng",
     "extent": "1 sound disc (ca. 70 min.) : digital ; 4 3/4 in.", "year": "2005",
     "publisher": "Wiley [distributor]"},
    {"barcode": "82004", "title": "Operor", "language": "eng", "extent": "3 sound discs"},
    {"barcode": "82005", "title": "Ljudbok", "language": "swe", "extent": "2 ljudskivor"},
    {"barcode": "82006", "title": "La conquête", "language": "fre", "year": "2005",
     "author": "Villehardouin, Geoffroi de, d.",
     "publisher": "Distributed by Visual Entertainment"},
    {"barcode": "82007", "title": "Les guerres", "language": "fre", "year": "1900",
     "publisher": "Fontemoing éd."},
    # Years the catalogue knows only as a century or a decade.
    *({"barcode": f"8300{i}", "title": "Årtal", "language": "fre", "year": year,
       "publisher": "Gallimard"}
      for i, year in enumerate(("[19--]", "19--?", "19uu", "1800-talet", "1990-talet", "199-",
                                "[199-?]", "1990s", "1990-luvulla"))),
]  # fmt: skip
YEARS = [
    ("Utgiven på 1900-talet av Gallimard.", "Published in the twentieth century by Gallimard."),
] * 3 + [
    ("Utgiven på artonhundratalet av Gallimard.",  # eSpeak alone: "ett tusen åttahundratalet"
     "Published in the nineteenth century by Gallimard."),
] + [
    ("Utgiven på 1990-talet av Gallimard.", "Published in the nineteen nineties by Gallimard."),
] * 5


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_catalogue(tmp_path_factory.mktemp("sentences"), RECORDS)


def summary(db: Path, identifier: str) -> list[str]:
    return [text for _lang, text in spoken(db, identifier, "--level", "3")]


def test_an_abbreviation_that_ends_a_sentence_keeps_its_full_stop(db: Path) -> None:
    assert summary(db, "81001") == [
        "Hon bor hos sin moster med flera.",
        "Se sidan 45 till exempel och så vidare.",
    ]
    assert summary(db, "81002") == ["Kirjan kirjoitti Mannerheim ynnä muuta.", "toinen painos."]


def test_abbreviations_before_a_number_never_split_a_sentence(db: Path) -> None:
    assert summary(db, "81003") == [
        "Boken har kartor.",
        "del två, cirka femtonhundratjugotalet.",
        "Se figur 2 och omkring 1950 i band ett.",
    ]


def test_titles_streets_and_places_in_english(db: Path) -> None:
    assert summary(db, "81004") == [
        "edited by A B Smith, Junior.",
        "Doctor Smith lives on Saint James Street in Washington, DC, USA.",
        "See chapter three and figure 2 of volume three.",
    ]


def test_regnal_and_part_numerals_and_their_sentence_ends(db: Path) -> None:
    assert summary(db, "81005") == [
        "Om drottning Kristina den första.",
        "Del ett och två.",
        "kapitel ett till tre handlar om barndomen.",
    ]


def test_translated_from_and_an_initial_in_a_hyphenated_name(db: Path) -> None:
    assert summary(db, "81006") == [
        "Romanen är översatt.",
        "översättning från engelskan av Louis-P Turcotte och andra.",
    ]


def test_a_contents_list_has_no_stop_comma_seam(db: Path) -> None:
    text = said(spoken(db, "81007", "--level", "3"))
    assert text == "Contents: volume one: Basics. volume two: Methods.", text


def test_years_pages_and_measures_in_english(db: Path) -> None:
    assert summary(db, "81008") == [
        "Published nineteen thirty-seven that is nineteen thirty-eight.",
        "The peak is circa 8,370 feet high (pages 1001 to 1010).",
    ]


def test_format_tags_in_parentheses_are_not_read(db: Path) -> None:
    assert summary(db, "81009") == ["Första delen av en serie om livet i skogen."]


def test_edition_statement_revised_edition_by(db: Path) -> None:
    assert ("en", "second edition, revised edition, by C Tolkien.") in [
        (lang, text.split(": ", 1)[-1]) for lang, text in spoken(db, "82001", "--level", "2")
    ]


def test_shelf_marks_and_publishers_are_names_not_ranges_or_sentences(db: Path) -> None:
    sv = said(spoken(db, "82002", "--level", "2"))
    assert "Utgiven 1952 av Ung Nationalmus." in sv and "DESM-RARE 91 958 B35." in sv, sv
    assert "till" not in sv
    en = said(spoken(db, "82002", "--level", "2", "--lang", "en"))
    assert "91 958 B35" in en and " to " not in en, en


def test_extent_terms_and_publisher_roles_in_the_visitors_language(db: Path) -> None:
    sv = spoken(db, "82003", "--level", "2")
    assert ("sv", "Omfång: 1 ljudskiva (cirka 70 minuter).") in sv
    assert ("sv", "Utgiven 2005 av Wiley.") in sv
    assert ("sv", "Omfång: 3 ljudskivor.") in spoken(db, "82004", "--level", "2")
    en = spoken(db, "82005", "--level", "2", "--lang", "en")
    assert ("en", "Extent: 2 sound discs.") in en


@pytest.mark.parametrize("index", range(len(YEARS)))
def test_a_century_or_decade_is_said_as_one_never_as_a_year(db: Path, index: int) -> None:
    sv, en = YEARS[index]
    assert ("sv", sv) in spoken(db, f"8300{index}", "--level", "2")
    assert ("en", en) in spoken(db, f"8300{index}", "--level", "2", "--lang", "en")


def test_an_exported_decade_is_imported_again_as_a_decade(db: Path, tmp_path: Path) -> None:
    for fmt in ("csv", "jsonl"):
        exported = tmp_path / f"export.{fmt}"
        result = CliRunner().invoke(
            main, ["export", "--db", str(db), "--format", fmt, "--output", str(exported)]
        )
        assert result.exit_code == 0, result.output
        again = tmp_path / f"again-{fmt}.db"
        result = CliRunner().invoke(main, ["import", str(exported), "--db", str(again)])
        assert result.exit_code == 0, result.output
        for index, (sv, _en) in enumerate(YEARS):
            assert ("sv", sv) in spoken(again, f"8300{index}", "--level", "2"), fmt


def test_a_role_before_the_publisher_and_a_dateless_life_date_word_go(db: Path) -> None:
    assert ("sv", "Utgiven 2005 av Visual Entertainment.") in spoken(db, "82006", "--level", "2")
    assert ("sv", "Utgiven 1900 av Fontemoing.") in spoken(db, "82007", "--level", "2")
    assert ("sv", ", av Geoffroi de Villehardouin") in spoken(db, "82006", "--level", "1")
