"""MARC 880 (original script, linked by $6 to 245/100/700): finding R2-1.

LC, Libris and Fennica catalogue a Russian, Arabic or Chinese book with its title and authors
romanised in 245/100/700 and in their own script in the linked 880 fields.  The Russian voice
cannot read ALA-LC romanisation ("Voĭna i mir", with U+0306), and a visitor's helper who types
"Война" must find the book: the 880 partner is kept (``Record.original_title`` /
``original_authors``), spoken when the record's language is written in that script, and
searched.  Every way a MARC record arrives is checked: the fast ISO 2709 decoder, MARCXML
and a ``pymarc.Record`` (as a harvest passes it).
"""

from __future__ import annotations

import io
from pathlib import Path

import pymarc
import pytest
from click.testing import CliRunner
from pymarc import Field

from catalog.importers.mapping import record_from_marc
from hardware.speech.voices import installed_languages
from kiosk.cli import main
from tests.catalog.conftest import field, make_record
from tests.kiosk.spoken_support import spoken


def book(control: str, title: str, author: str, lang: str, ean: str, *extra: Field) -> bytes:
    """A record with romanised 245/100, its EAN, and its 880 fields."""
    f008 = f"261130s2004    xx            000 1 {lang} d"
    ean_field = field("024", "a", ean, ind="3 ")
    return make_record(control, title, author=author, f008=f008, extra=(ean_field, *extra))


RUSSIAN = book(
    "r4", "Voĭna i mir", "Tolstoĭ, Lev", "rus", "4006381333931",
    field("700", "6", "880-03", "a", "Tolstaja, Sofʹja,", "e", "translator.", ind="1 "),
    field("880", "6", "100-01/(N", "a", "Толстой, Лев,", "d", "1828-1910.", ind="1 "),
    field("880", "6", "245-02/(N", "a", "Война и мир /", "c", "Л.Н. Толстой.", ind="10"),
    field("880", "6", "700-03/(N", "a", "Толстая, Софья,", "e", "translator.", ind="1 "),
)  # fmt: skip
CHINESE = book(
    "c1", "Zhan zheng yu he ping", "Tuoersitai", "chi", "4006381333948",
    field("880", "6", "100-01/$1", "a", "托尔斯泰,", ind="1 "),
    field("880", "6", "245-02/$1", "a", "战争与和平 /", ind="10"),
)  # fmt: skip
# Catalogued English: a Cyrillic 880 title is searched but the English title is what is said.
ENGLISH = book(
    "e1", "War and peace", "Tolstoy, Leo", "eng", "4006381333955",
    field("880", "6", "245-02/(N", "a", "Война и мир /", ind="10"),
)  # fmt: skip


def records() -> list[pymarc.Record]:
    return list(pymarc.MARCReader(io.BytesIO(RUSSIAN + CHINESE + ENGLISH), to_unicode=True))


@pytest.fixture(params=["mrc", "xml"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    if request.param == "mrc":
        source = tmp_path / "own.mrc"
        source.write_bytes(RUSSIAN + CHINESE + ENGLISH)
    else:
        source = tmp_path / "own.xml"
        with source.open("wb") as out:
            writer = pymarc.XMLWriter(out)
            for record in records():
                writer.write(record)
            writer.close(close_fh=False)
    path = tmp_path / "catalogue.db"
    result = CliRunner().invoke(main, ["import", str(source), "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 added" in result.output, result.output
    return path


def search(db: Path, text: str) -> list[str]:
    result = CliRunner().invoke(main, ["search", text, "--db", str(db)])
    return [line.split("\t")[0] for line in result.output.splitlines() if "\t" in line]


def test_a_pymarc_record_keeps_its_original_script() -> None:
    russian, chinese, english = (record_from_marc(r) for r in records())
    assert russian.title == "Voĭna i mir"
    assert russian.original_title == "Война и мир"
    # The translator (700 $e) is not an author in either script.
    assert russian.authors == ("Tolstoĭ, Lev",)
    assert russian.original_authors == ("Толстой, Лев",)
    assert chinese.original_title == "战争与和平"
    assert chinese.original_authors == ("托尔斯泰",)
    assert english.original_title == "Война и мир" and english.original_authors == ()


@pytest.mark.skipif(
    not {"ru", "cmn"} <= installed_languages(), reason="no Russian or Mandarin eSpeak NG voice"
)
def test_the_voice_is_given_the_original_script(db: Path) -> None:
    assert spoken(db, "4006381333931", "--level", "1") == [
        ("ru", "Война и мир"),
        ("sv", ", av"),
        ("ru", "Лев Толстой"),
    ]
    assert spoken(db, "4006381333948", "--level", "1", "--lang", "en") == [
        ("cmn", "战争与和平"),
        ("en", ", by"),
        ("cmn", "托尔斯泰"),
    ]
    # Catalogued English: the English title, by the English voice.
    assert spoken(db, "4006381333955", "--level", "1")[0] == ("en", "War and peace")


def test_the_original_script_is_searched(db: Path) -> None:
    assert sorted(search(db, "Война")) == ["marc:e1", "marc:r4"]
    assert search(db, "Толстой") == ["marc:r4"]
    assert search(db, "战争与和平") == ["marc:c1"]
    assert search(db, "Voĭna") == ["marc:r4"]  # the romanisation still finds it


@pytest.mark.parametrize("form", ["jsonl", "csv"])
def test_export_carries_the_original_script_and_reimports(
    tmp_path: Path, db: Path, form: str
) -> None:
    out = tmp_path / f"export.{form}"
    args = ["export", "--db", str(db), "--format", form, "--output", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    again = tmp_path / "again.db"
    result = CliRunner().invoke(main, ["import", str(out), "--db", str(again)])
    assert result.exit_code == 0 and "0 warnings" in result.output, result.output
    assert search(again, "Толстой") == ["marc:r4"]
    assert spoken(again, "4006381333931", "--level", "1")[0][1] == "Война и мир"


@pytest.mark.skipif("ru" not in installed_languages(), reason="no Russian eSpeak NG voice")
def test_a_real_fennica_translation_into_russian(tmp_path: Path) -> None:
    """Fennica's Russian translation of Anita Konkka: 245 "V sumasšedših nebesah" with its
    880; the Finnish author has no 880, so the name stays as catalogued, in the visitor's voice.
    The translator ("perevod s finskogo T. Džafarovoj-Viitala", a relator-less 700) is not
    "by" (R2-10)."""
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "fennica_melinda_131.mrc"
    path = tmp_path / "fennica.db"
    result = CliRunner().invoke(main, ["import", str(fixture), "--db", str(path)])
    assert result.exit_code == 0, result.output
    pairs = spoken(path, "9785354009282", "--level", "1")
    assert pairs[0] == ("ru", "В сумасшедших небесах"), pairs
    assert pairs[1] == ("sv", ", av Anita Konkka"), pairs
    assert search(path, "сумасшедших") == ["marc:004903276"]
