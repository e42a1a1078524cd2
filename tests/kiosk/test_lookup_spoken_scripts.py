"""``lookup --spoken``: words of another script inside a sentence go to that script's voice.

An outside tester (EARS3) heard a Swedish summary naming "Tolstojs Война и мир" as 29 seconds
of "Cyrillic Ve, Cyrillic O, ...", a Russian publisher after "Utgiven 1989 av" as 13 letter
names, and shelf labels read by the visitor's voice whatever language their file gave them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from tests.kiosk.spoken_support import build_catalogue, spoken

RECORDS = [
    {"barcode": "95001", "title": "Ryska klassiker", "language": "swe",
     "summary": "Boken innehåller Tolstojs Война и мир och Dostojevskijs "
                "Преступление и наказание i svensk översättning."},
    {"barcode": "95002", "title": "Dikter", "language": "swe",
     "summary": "Dikterna av محمود درويش presenteras här."},
    {"barcode": "95003", "title": "Iskusstvo perevoda", "language": "swe",
     "publisher": "Альфред А. Кнопф", "year": "1989"},
    {"barcode": "95004", "title": "The α-helix", "language": "eng",
     "summary": "The α-helix and β-sheet."},
]  # fmt: skip

LABELS = (
    "id,type,text,barcode,lang\n"
    "L1,label,\"Shelf 12: Fiction A-K. Open 9-5.\",2222222222222,eng\n"
    "L2,label,\"Отдел 3: Русская литература\",4444444444444,\n"
    "L3,label,\"Hylla 3: Deckare, öppet 10-19\",1111111111116,sv\n"
)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scripts")
    path = build_catalogue(folder, RECORDS)
    (folder / "labels.csv").write_text(LABELS, encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(folder / "labels.csv"), "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_another_script_inside_a_summary_gets_its_own_voice(db: Path) -> None:
    assert spoken(db, "95001", "--level", "3") == [
        ("sv", "Boken innehåller Tolstojs"),
        ("ru", "Война и мир"),
        ("sv", "och Dostojevskijs"),
        ("ru", "Преступление и наказание"),
        ("sv", "i svensk översättning."),
    ]
    assert spoken(db, "95002", "--level", "3") == [
        ("sv", "Dikterna av"), ("ar", "محمود درويش"), ("sv", "presenteras här."),
    ]


def test_a_publisher_in_another_script_gets_its_own_voice(db: Path) -> None:
    pairs = spoken(db, "95003", "--level", "2")
    assert ("ru", "Альфред А. Кнопф.") in pairs, pairs
    assert not any(lang == "sv" and any("\u0400" <= ch <= "\u04ff" for ch in text)
                   for lang, text in pairs), pairs


def test_a_letter_of_another_script_inside_a_word_stays_with_the_word(db: Path) -> None:
    assert spoken(db, "95004", "--level", "3") == [("en", "The α-helix and β-sheet.")]


def test_a_shelf_label_is_read_in_its_own_language(db: Path) -> None:
    assert spoken(db, "2222222222222") == [("en", "Shelf 12: Fiction A-K. Open 9 to 5")]
    assert spoken(db, "2222222222222", "--lang", "en") == [
        ("en", "Shelf 12: Fiction A-K. Open 9 to 5")
    ]
    assert spoken(db, "4444444444444") == [("ru", "Отдел 3: Русская литература")]
    assert spoken(db, "1111111111116", "--lang", "en") == [
        ("sv", "Hylla 3: Deckare, öppet 10 till 19")
    ]
