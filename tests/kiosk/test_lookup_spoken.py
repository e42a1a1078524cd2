"""``talkcat lookup ID --db DB --spoken``: what the speech engine is given, one segment a line.

The contract staff use to chase a mispronunciation, and where the reading rules are checked
end to end: records go in through ``talkcat import`` (JSON, as a library's export would), come
out of the real catalogue, and every line is ``<voice language><TAB><text>``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hardware.speech.voices import installed_languages
from kiosk.cli import main

RECORDS = [
    {"id": "rowling", "isbn": "9789129723946", "title": "Harry Potter och de vises sten",
     "author": "Rowling, J. K.", "language": "swe", "edition": "3. uppl.", "extent": "s. 45-60",
     "summary": "En pojke blir trollkarl.--Förlagets beskrivning."},
    {"id": "potter-en", "isbn": "9780747532699",
     "title": "Harry Potter and the philosopher's stone", "author": "Rowling, J.K.",
     "language": "eng", "edition": "2nd ed.",
     "summary": "A boy learns he is a wizard.--Book Jacket."},
    {"id": "karl", "isbn": "9789100000004", "title": "Karl XII [Elib]", "author": "Englund, Peter",
     "language": "swe", "edition": "2. omarb. uppl.", "series": "Svenska kungar",
     "series_number": "4",
     "summary": "Om kriget 1700-1721 och om Gustav II Adolf."},
    {"id": "henry", "isbn": "9780000000002", "title": "Henry VIII [sound recording]",
     "author": "Starkey, David", "language": "eng", "edition": "Rev. ed.", "extent": "xiv, 262 p.",
     "summary": "The king's life, 1491-1547, ed. by a historian. See p. 45."},
    {"id": "del", "isbn": "9789100000011", "title": "Sagan om ringen. Del 2 [Ljudupptagning]",
     "author": "Tolkien, J. R. R.", "language": "swe", "extent": "245 s."},
    {"id": "fennica", "isbn": "9789510000007", "title": "Vänrikki Stoolin tarinat",
     "author": "Runeberg, Johan Ludvig", "language": "fin", "edition": "4. p."},
    {"id": "tigrinya", "isbn": "9780000000019", "title": "ሰላም", "language": "tir"},
    {"id": "sami-north", "isbn": "9780000000026", "title": "Girji", "language": "sme"},
]  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("spoken")
    source = folder / "records.json"
    source.write_text(json.dumps(RECORDS, ensure_ascii=False), encoding="utf-8")
    path = folder / "catalogue.db"
    result = CliRunner().invoke(main, ["import", str(source), "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


def spoken(db: Path, isbn: str, *args: str) -> list[tuple[str, str]]:
    result = CliRunner().invoke(main, ["lookup", isbn, "--db", str(db), "--spoken", *args])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines
    pairs = []
    for line in lines:
        lang, tab, text = line.partition("\t")
        assert tab and lang and text.strip(), line
        assert "\t" not in text
        pairs.append((lang, text))
    return pairs


def said(pairs: list[tuple[str, str]]) -> str:
    return " ".join(text for _lang, text in pairs)


def test_swedish_record_in_a_swedish_kiosk(db: Path) -> None:
    pairs = spoken(db, "9789129723946")
    text = said(pairs)
    assert pairs[0] == ("sv", "Harry Potter och de vises sten, av J K Rowling")
    assert "tredje upplagan" in text and "uppl." not in text
    assert "sidorna 45 till 60" in text
    assert "Förlagets beskrivning" not in text and "--" not in text
    assert {lang for lang, _ in pairs} == {"sv"}


def test_english_record_in_its_own_voice_framing_in_the_visitors(db: Path) -> None:
    pairs = spoken(db, "9780747532699")
    assert pairs[0] == ("en", "Harry Potter and the philosopher's stone")
    assert pairs[1] == ("sv", ", av J K Rowling")
    text = said(pairs)
    assert ("en", "second edition.") in pairs
    assert "A boy learns he is a wizard." in text and "Jacket" not in text
    # In an English kiosk the framing is English too.
    en = spoken(db, "9780747532699", "--lang", "en")
    assert en[0] == ("en", "Harry Potter and the philosopher's stone, by J K Rowling")


def test_regnal_numbers_tags_and_years(db: Path) -> None:
    karl = said(spoken(db, "9789100000004"))
    assert karl.startswith("Karl den tolfte, av Peter Englund")
    assert "Elib" not in karl and "[" not in karl
    assert "andra omarbetade upplagan" in karl
    assert "sjuttonhundra till sjuttonhundratjugoett" in karl  # eSpeak alone: "ett tusen sjuhundra"
    assert "Gustav den andre Adolf" in karl
    henry = spoken(db, "9780000000002", "--lang", "en")
    text = said(henry)
    assert henry[0] == ("en", "Henry the eighth, by David Starkey")
    assert "sound recording" not in text
    assert "revised edition" in text
    assert "fourteen ninety-one to fifteen forty-seven" in text
    assert "edited by a historian" in text and "page 45" in text


def test_parts_and_extent(db: Path) -> None:
    text = said(spoken(db, "9789100000011"))
    assert "Del två" in text or "del två" in text
    assert "Ljudupptagning" not in text
    assert "J R R Tolkien" in text


def test_levels_can_be_chosen(db: Path) -> None:
    one = spoken(db, "9789129723946", "--level", "1")
    assert said(one) == "Harry Potter och de vises sten, av J K Rowling"
    three = spoken(db, "9789129723946", "--level", "3")
    assert said(three) == "En pojke blir trollkarl."


@pytest.mark.skipif("fi" not in installed_languages(), reason="no Finnish eSpeak NG voice")
def test_finnish_record_read_by_the_finnish_voice(db: Path) -> None:
    pairs = spoken(db, "9789510000007")
    assert pairs[0] == ("fi", "Vänrikki Stoolin tarinat")
    assert pairs[1][0] == "sv"  # ", av Johan Ludvig Runeberg"
    assert ("fi", "neljäs painos.") in pairs


@pytest.mark.skipif("ti" not in installed_languages(), reason="no Tigrinya eSpeak NG voice")
def test_tigrinya_title_and_a_language_without_a_voice(db: Path) -> None:
    assert spoken(db, "9780000000019", "--level", "1")[0] == ("ti", "ሰላም")
    # Northern Sami has no eSpeak NG voice: the visitor's language reads it.
    assert spoken(db, "9780000000026", "--level", "1", "--lang", "en")[0] == ("en", "Girji")


def test_staff_lexicon_wins(db: Path, tmp_path: Path) -> None:
    (tmp_path / "lexicon-sv.toml").write_text('[words]\n"Rowling" = "Rolling"\n', "utf-8")
    pairs = spoken(db, "9789129723946", "--level", "1", "--phrases-dir", str(tmp_path))
    assert pairs == [("sv", "Harry Potter och de vises sten, av J K Rolling")]


def test_plain_lookup_is_unchanged_and_not_found_says_so(db: Path) -> None:
    result = CliRunner().invoke(main, ["lookup", "9789129723946", "--db", str(db)])
    assert result.exit_code == 0
    assert result.stdout == "Harry Potter och de vises sten, av J. K. Rowling\n"
    result = CliRunner().invoke(main, ["lookup", "9789127000018", "--db", str(db), "--spoken"])
    assert result.exit_code == 1
    assert result.stdout == "sv\tFinns inte i katalogen.\n"


def test_doctor_lists_catalogue_languages_without_a_voice(db: Path) -> None:
    result = CliRunner().invoke(main, ["doctor", "--db", str(db)])
    lines = [line for line in result.output.splitlines() if "eSpeak NG voice" in line]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("WARN")
    assert "sme (1 records)" in lines[0]
    for voiced in ("swe", "eng", "fin"):
        assert voiced not in lines[0]
