"""``lookup --spoken`` for the shelves' other languages: their reading tables, a voice chosen
by script when the record names no language, and subjects in the voice of their vocabulary.

End to end through ``talkcat import`` (JSON, and the real Fennica MARC fixture) and ``talkcat
lookup --spoken``, like ``test_lookup_spoken.py``.  Why each voice: the Swedish voice reads
"Война и мир" as seven seconds of letter names ("kyrillisk ve, kyrillisk o ..."), the Russian
one as the three words (0.8 s) - measured with the kiosk's own engine.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hardware.speech.voices import installed_languages
from kiosk.cli import main
from tests.kiosk.spoken_support import build_catalogue, spoken

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

RECORDS = [
    # F1, A4: German.
    {"barcode": "81001", "title": "Der Zauberberg", "language": "ger", "edition": "5. Aufl.",
     "summary": "Roman. Bd. 1, S. 12 usw. z.B. Oskar."},
    # F2: Norwegian.
    {"barcode": "81002", "title": "Min kamp. D. 2", "language": "nor", "edition": "1. utg.",
     "summary": "Roman, bl.a. om Oslo."},
    # F3, A5, H15: French.
    {"barcode": "81003", "title": "Le siècle de Louis XIV", "language": "fre",
     "edition": "2e éd.", "summary": "Louis XIV etc. Vol. III. Cf. p. 12."},
    {"barcode": "81004", "title": "Histoire", "language": "fre", "edition": "6. éd."},
    {"barcode": "81005", "title": "Histoire", "language": "fre", "edition": "Nouv. éd. augm."},
    {"barcode": "81006", "title": "Bogen", "language": "dan", "edition": "2. udg."},
    {"barcode": "81007", "title": "Felipe II", "language": "spa", "edition": "2a ed."},
    {"barcode": "81008", "title": "Luigi XIV", "language": "ita", "edition": "2. ed. riv."},
    # ears3-1: no language (as Fennica marc:006588835): the edition word tells it.
    {"barcode": "81009", "title": "Vänrikki Stoolin tarinat", "edition": "3. p."},
    {"barcode": "81010", "title": "Der Zauberberg", "edition": "5. Aufl."},
    # H11: non-Latin titles with no language in the record.
    {"barcode": "82001", "title": "Война и мир", "series": "Classics of the world"},
    {"barcode": "82002", "title": "战争与和平"},
    {"barcode": "82003", "title": "الحرب والسلام"},
    {"barcode": "82004", "title": "جنگ و صلح"},
    {"barcode": "82005", "title": "ሰላም ኣብ ዓዲ"},
    {"barcode": "82006", "title": "Πόλεμος και ειρήνη"},
    {"barcode": "82007", "title": "Війна і мир"},
    {"barcode": "82008", "title": "Война и мир", "language": "swe"},  # the script wins
    {"barcode": "82009", "title": "Krig och fred", "summary": "Роман о войне."},
    # H14: subjects from CSV/JSON with one vocabulary language for all.
    {"barcode": "83001", "title": "Asetuskokoelma", "language": "fin",
     "subjects": ["säädöskokoelmat", "asetukset"], "subject_languages": "fin"},
    {"barcode": "83002", "title": "Lakisamling", "language": "swe",
     "subjects": ["säädöskokoelmat", "asetukset"]},
]  # fmt: skip


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The JSON records above, then real Fennica and Libris records, in one catalogue."""
    path = build_catalogue(tmp_path_factory.mktemp("languages"), RECORDS)
    for name in ("fennica_melinda_131.mrc", "libris_bib_28.mrc"):
        result = CliRunner().invoke(main, ["import", str(FIXTURES / name), "--db", str(path)])
        assert result.exit_code == 0, result.output
    return path


def needs(*voices: str) -> pytest.MarkDecorator:
    missing = [v for v in voices if v not in installed_languages()]
    return pytest.mark.skipif(bool(missing), reason=f"no eSpeak NG voice for {missing}")


@needs("de", "nb", "fr", "da", "es", "it", "fi")
@pytest.mark.parametrize(
    ("identifier", "segment"),
    [
        ("81009", ("fi", "kolmas painos.")),  # was "tredje sidor": a page count
        ("81010", ("de", "fünfte Auflage.")),
        ("81001", ("de", "fünfte Auflage.")),
        ("81002", ("nb", "første utgave.")),
        ("81003", ("fr", "deuxième édition.")),
        ("81004", ("fr", "sixième édition.")),
        ("81005", ("fr", "nouvelle édition augmentée.")),
        ("81006", ("da", "anden udgave.")),
        ("81007", ("es", "segunda edición.")),
        ("81008", ("it", "seconda edizione riveduta.")),
    ],
)
def test_edition_read_by_its_languages_table(
    db: Path, identifier: str, segment: tuple[str, str]
) -> None:
    pairs = spoken(db, identifier, "--level", "2")
    assert segment in pairs, pairs


@needs("de", "nb", "fr")
def test_summaries_are_not_split_at_abbreviations_and_are_read_out(db: Path) -> None:
    assert spoken(db, "81001", "--level", "3") == [
        ("de", "Roman."),
        ("de", "Band eins, Seite 12 und so weiter zum Beispiel Oskar."),
    ]
    assert spoken(db, "81002", "--level", "3") == [("nb", "Roman, blant annet om Oslo.")]
    # F2: the title's part is the title's, with no sentence pause before it.
    assert spoken(db, "81002", "--level", "1")[0] == ("nb", "Min kamp, del to")
    assert spoken(db, "81003", "--level", "3") == [
        ("fr", "Louis quatorze et cetera."),
        ("fr", "volume trois."),
        ("fr", "voir page 12."),
    ]
    assert spoken(db, "81003", "--level", "1")[0] == ("fr", "Le siècle de Louis quatorze")


@pytest.mark.parametrize(
    ("identifier", "voice", "text"),
    [
        ("82001", "ru", "Война и мир"),
        ("82002", "cmn", "战争与和平"),
        ("82003", "ar", "الحرب والسلام"),
        ("82004", "fa", "جنگ و صلح"),  # Persian letters گ and no Arabic-only ones
        ("82005", "ti", "ሰላም ኣብ ዓዲ"),
        ("82006", "el", "Πόλεμος και ειρήνη"),
        ("82007", "uk", "Війна і мир"),
    ],
)
def test_a_record_with_no_language_is_read_in_its_scripts_voice(
    db: Path, identifier: str, voice: str, text: str
) -> None:
    if voice not in installed_languages():
        pytest.skip(f"no eSpeak NG voice for {voice}")
    for visitor in ("sv", "en"):
        pairs = spoken(db, identifier, "--level", "1", "--lang", visitor)
        assert pairs[0] == (voice, text), pairs


@needs("ru")
def test_each_text_has_its_own_scripts_voice_whatever_the_record_says(db: Path) -> None:
    # Catalogued Swedish, but the Swedish voice would spell out Cyrillic letter names.
    assert spoken(db, "82008", "--level", "1")[0] == ("ru", "Война и мир")
    # A Latin series name of a Cyrillic title is not read by the Russian voice.
    series = spoken(db, "82001", "--level", "2")
    assert ("sv", "Serien Classics of the world.") in series, series
    # A summary in Cyrillic of a record with no language.
    assert spoken(db, "82009", "--level", "3") == [("ru", "Роман о войне.")]


@needs("fi")
def test_subjects_in_their_vocabularys_voice_framed_in_the_visitors(db: Path) -> None:
    pairs = spoken(db, "83001", "--level", "2")
    assert pairs[-2:] == [("sv", "Ämnen:"), ("fi", "säädöskokoelmat, asetukset.")], pairs
    pairs = spoken(db, "83001", "--level", "2", "--lang", "en")
    assert pairs[-2:] == [("en", "Subjects:"), ("fi", "säädöskokoelmat, asetukset.")], pairs
    # No vocabulary language: the record's own language is the best guess.
    pairs = spoken(db, "83002", "--level", "2", "--lang", "en")
    assert pairs[-1] == ("sv", "säädöskokoelmat, asetukset."), pairs


@needs("fi")
def test_fennica_subjects_given_twice_are_heard_once_in_the_visitors_language(db: Path) -> None:
    # "Aapisten historia" (Fennica): ysa terms in Finnish, allars terms in Swedish.
    sv = spoken(db, "9789517469319", "--level", "2")
    assert sv[-1] == ("sv", "Ämnen: ABC-böcker, bokhistoria."), sv
    en = spoken(db, "9789517469319", "--level", "2", "--lang", "en")
    # No English terms: the book's own language (Finnish), each term once.
    assert en[-2:] == [("en", "Subjects:"), ("fi", "aapiset, näköispainokset, kirjahistoria.")], en


def test_libris_english_book_gets_sao_terms_for_a_swedish_visitor_lcsh_for_an_english(
    db: Path,
) -> None:
    sv = spoken(db, "9780138157142", "--level", "2")
    assert sv[-1][0] == "sv" and "Ämnen: Ledarskap, Organisationssociologi" in sv[-1][1], sv
    assert "Leadership" not in " ".join(text for _l, text in sv)
    en = spoken(db, "9780138157142", "--level", "2", "--lang", "en")
    assert en[-1][0] == "en" and en[-1][1].startswith("Subjects: Leadership"), en
    assert "Ledarskap" not in " ".join(text for _l, text in en)


def test_doctor_still_lists_catalogue_languages_without_a_voice(db: Path, tmp_path: Path) -> None:
    source = tmp_path / "sami.jsonl"
    source.write_text(json.dumps({"barcode": "84001", "title": "Girji", "language": "sme"}) + "\n")
    path = tmp_path / "c.db"
    assert CliRunner().invoke(main, ["import", str(source), "--db", str(path)]).exit_code == 0
    result = CliRunner().invoke(main, ["doctor", "--db", str(path)])
    lines = [line for line in result.output.splitlines() if "eSpeak NG voice" in line]
    assert len(lines) == 1 and lines[0].startswith("WARN") and "sme (1 records)" in lines[0]
    result = CliRunner().invoke(main, ["doctor", "--db", str(db)])
    lines = [line for line in result.output.splitlines() if "eSpeak NG voice" in line]
    # Every language of this catalogue (German, French, Danish, Norwegian ...) has a voice.
    assert len(lines) == 1 and lines[0].startswith("OK"), lines
