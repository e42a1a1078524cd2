"""What the kiosk says about a book, level by level - checked on real Libris and Fennica records.

The real records come from ``../shared/data/marc`` through ``catalog.importers.marc``, so these
tests also guard the path from a library's export to the visitor's ear.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from catalog.importers import Entry
from catalog.records import Record
from hardware.speech.voices import installed_languages
from kiosk import levels, phrasing

SHARED_MARC = Path(__file__).resolve().parents[3] / "shared" / "data" / "marc"
LIBRIS = SHARED_MARC / "libris_bib_28.mrc"
FENNICA = SHARED_MARC / "fennica_melinda_131.mrc"

needs_shared = pytest.mark.skipif(
    not (LIBRIS.is_file() and FENNICA.is_file()),
    reason="real MARC samples in ../shared/data/marc are not available",
)


# --------------------------------------------------------------------------- records


def _read(path: Path) -> list[Record]:
    """Records through the catalogue's own MARC importer: the path a real catalogue takes."""
    marc = pytest.importorskip("catalog.importers.marc")
    return [item.record for item in marc.read_iso2709(path) if isinstance(item, Entry)]


_CACHE: dict[Path, dict[str, Record]] = {}


def real(path: Path) -> dict[str, Record]:
    if path not in _CACHE:
        records = _read(path)
        _CACHE[path] = {r.id: r for r in records}
    return _CACHE[path]


def real_record(path: Path, record_id: str) -> Record:
    records = real(path)
    if record_id in records:
        return records[record_id]
    # An importer may prefix ids with the source; match the control number at the end.
    matches = [r for key, r in records.items() if key.endswith(record_id)]
    assert matches, f"{record_id} not among the records read from {path.name}"
    return matches[0]


def voices(utterance: phrasing.Utterance) -> list[str]:
    return [lang for _text, lang in utterance.segments]


def said(utterance: phrasing.Utterance) -> str:
    return said_segments(utterance.segments)


def said_segments(segments: tuple[tuple[str, str], ...]) -> str:
    return " ".join(text for text, _lang in segments)


# --------------------------------------------------------------------------- real records


@needs_shared
def test_talking_book_level_one_in_both_languages() -> None:
    ondskan = real_record(LIBRIS, "11850823")  # Guillou, Ondskan, 9 CD (11 tim.)
    assert ondskan.kind == "talking_book"
    sv = levels.level_one(ondskan, "sv")
    en = levels.level_one(ondskan, "en")
    assert sv.text == "Ondskan, av Jan Guillou, talbok"
    assert en.text == "Ondskan, by Jan Guillou, talking book"
    # The English kiosk reads the Swedish title with the Swedish voice, the rest in English.
    assert en.segments[0] == ("Ondskan", "sv")
    assert voices(en)[1:] == ["en"]
    assert voices(sv) == ["sv"]
    # The lexicon fixes the name for the ear only.
    assert "Gijo" in said(sv) and "Guillou" in sv.text and "Gijo" not in sv.text


@needs_shared
def test_talking_book_level_two_playing_time_and_narrator() -> None:
    ondskan = real_record(LIBRIS, "11850823")
    sv = levels.level_two(ondskan, "sv")
    en = levels.level_two(ondskan, "en")
    assert "Speltid 11 tim." in sv.text
    assert "Speltid 11 timmar." in said(sv)
    assert "Playing time 11 hours." in en.text
    assert "Uppläst av Jan Guillou." in sv.text
    assert "Read by Jan Guillou." in en.text
    assert "Utgiven 2002 av Piratförl." in sv.text
    assert "Piratförlaget" in said(sv)  # the lexicon's "-förl." suffix entry


@needs_shared
def test_english_title_in_a_swedish_kiosk_uses_the_english_voice() -> None:
    lovecraft = real_record(LIBRIS, "4582889")
    sv = levels.level_one(lovecraft, "sv")
    assert sv.text == "The call of Cthulhu & other weird stories, av H. P. Lovecraft"
    assert sv.segments[0] == ("The call of Cthulhu and other weird stories", "en")
    # Initials are read as letters, without the sentence pause their full stops would make.
    assert sv.segments[1] == (", av H P Lovecraft", "sv")
    two = levels.level_two(lovecraft, "sv")
    assert "448 sidor." in two.text
    assert "Utgiven 2000 av Penguin." in two.text
    assert "448 pages." in levels.level_two(lovecraft, "en").text


@needs_shared
def test_swedish_book_in_an_english_kiosk() -> None:
    jansson = real_record(LIBRIS, "7149593")  # Tove Jansson, Anteckningar från en ö
    en = levels.level_one(jansson, "en")
    # 245 $c names both, and Pietilä has an added entry (700) without a relator: co-author.
    assert en.text == "Anteckningar från en ö, by Tove Jansson and Tuulikki Pietilä"
    assert en.segments == (
        ("Anteckningar från en ö", "sv"),
        (", by Tove Jansson and Tuulikki Pietilä", "en"),
    )
    two = levels.level_two(jansson, "en")
    assert "102 pages." in two.text
    assert "Published 1996 by Bonnier." in two.text
    assert levels.level_two(jansson, "sv").text.startswith("102 sidor. Utgiven 1996 av Bonnier.")


@needs_shared
def test_ebook_kind_word() -> None:
    record = real_record(LIBRIS, "13531679")  # Där ute i mörkret [Elektronisk resurs]
    assert levels.level_one(record, "sv").text == "Där ute i mörkret, av Markus Sköld, e-bok"
    assert levels.level_one(record, "en").text == "Där ute i mörkret, by Markus Sköld, e-book"


@needs_shared
def test_series_part_only_in_verbose_mode() -> None:
    kivi = real_record(FENNICA, "006600684")  # Sju bröder, Moderna romaner ; 38
    verbose = levels.level_one(kivi, "sv", verbose=True)
    brief = levels.level_one(kivi, "sv", verbose=False)
    assert verbose.text == "Sju bröder, av Aleksis Kivi. Del 38 i Moderna romaner."
    assert brief.text == "Sju bröder, av Aleksis Kivi"
    assert brief.text == phrasing.announce(kivi, "sv").text
    assert levels.level_one(kivi, "en").text == (
        "Sju bröder, by Aleksis Kivi. Book 38 of Moderna romaner."
    )
    assert "Serien Moderna romaner, del 38." in levels.level_two(kivi, "sv").text


@needs_shared
def test_summary_is_split_into_sentences_in_its_own_language() -> None:
    record = real_record(LIBRIS, "13531679")  # Swedish summary with "vildmarken.Isolerad"
    for kiosk in ("sv", "en"):
        three = levels.level_three(record, kiosk)
        assert three is not None
        assert len(three.segments) >= 4
        assert set(voices(three)) == {"sv"}
        assert three.segments[0] == ("Micke är deprimerad.", "sv")
        # The missing space after a full stop does not glue two sentences together.
        assert any(text.startswith("Isolerad mitt i skogen") for text, _ in three.segments)


@needs_shared
def test_english_summary_read_in_english_in_a_swedish_kiosk() -> None:
    record = real_record(LIBRIS, "12384646")  # Extreme killing
    three = levels.level_three(record, "sv")
    assert three is not None
    assert set(voices(three)) == {"en"}
    assert three.segments[0][0].startswith("Filled with contemporary and classic case studies")
    assert three.segments[0][0].endswith("loyalty.")
    assert len(three.segments) >= 3


@needs_shared
def test_finnish_title_is_read_by_the_finnish_voice_framing_in_the_kiosk_language() -> None:
    finnish = [r for r in real(FENNICA).values() if r.language == "fin"]
    assert finnish, "the Fennica sample holds Finnish records"
    for record in finnish[:10]:
        for lang in ("sv", "en"):
            one = levels.level_one(record, lang)
            assert one.segments[0][1] == "fi", one
            # "av"/"by" and the kind word are the visitor's language.
            assert set(voices(one)) <= {"fi", lang}
            if record.authors:
                assert voices(one)[1] == lang


@needs_shared
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_real_record_is_spoken_sensibly(lang: str) -> None:
    records = [*real(LIBRIS).values(), *real(FENNICA).values()]
    assert len(records) >= 150
    for record in records:
        for utterance in (
            levels.level_one(record, lang),
            levels.level_one(record, lang, verbose=False),
            levels.level_two(record, lang),
            levels.level_three(record, lang),
        ):
            if utterance is None:
                assert not record.summary
                continue
            context = f"{record.id}: {utterance.text!r}"
            assert utterance.text, context
            assert utterance.text == unicodedata.normalize("NFC", utterance.text), context
            assert utterance.item == record.id, context
            assert utterance.segments, context
            for text, voice in utterance.segments:
                assert voice in phrasing.LANGUAGES or voice in installed_languages(), context
                assert text.strip(), context
                assert not re.search(r"[\x00-\x1f]", text), context
        # The title as catalogued, or in its original script (MARC 880) for its own voice.
        titles = {phrasing.clean(record.title), phrasing.clean(record.original_title)}
        said = levels.level_one(record, lang).text
        assert any(t and said.startswith(t) for t in titles), record.id


@needs_shared
def test_isbn_from_a_real_record_is_spelled_digit_by_digit() -> None:
    jansson = real_record(LIBRIS, "7149593")
    isbn = jansson.isbns[0]
    assert levels.spell_digits(isbn) == " ".join(d for d in isbn if d.isdigit())
    assert levels.speak_numbers(f"ISBN {isbn}", "sv") == "ISBN " + levels.spell_digits(isbn)


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("minutes", "lang", "written", "spoken"),
    [
        (332, "sv", "5 tim 32 min", "5 timmar och 32 minuter"),
        (332, "en", "5 hours 32 minutes", "5 hours 32 minutes"),
        (60, "sv", "1 tim", "en timme"),
        (61, "en", "1 hour 1 minute", "1 hour 1 minute"),
        (45, "sv", "45 min", "45 minuter"),
        (1, "sv", "1 min", "en minut"),
    ],
)
def test_playing_time(minutes: int, lang: str, written: str, spoken: str) -> None:
    value = levels.duration(minutes, lang)
    assert value.written == written
    assert value.pieces[0].spoken == spoken


def test_playing_time_in_level_two_is_written_short_and_said_in_full() -> None:
    record = Record(id="t", title="T", playing_time_minutes=332, kind="talking_book")
    two = levels.level_two(record, "sv")
    assert two.text == "Speltid 5 tim 32 min."
    assert two.segments == (("Speltid 5 timmar och 32 minuter.", "sv"),)
    assert levels.level_two(record, "en").text == "Playing time 5 hours 32 minutes."


@pytest.mark.parametrize(
    ("pages", "sv", "en"), [(312, "312 sidor", "312 pages"), (1, "1 sida", "1 page")]
)
def test_page_counts(pages: int, sv: str, en: str) -> None:
    assert levels.page_count(pages, "sv") == sv
    assert levels.page_count(pages, "en") == en


def test_numbers_ranges_and_identifiers() -> None:
    assert levels.speak_numbers("1966-1985", "sv") == "1966 till 1985"
    assert levels.speak_numbers("S. 451-800", "en") == "S. 451 to 800"
    assert levels.speak_numbers("91-0-056322-6", "sv") == "9 1 0 0 5 6 3 2 2 6"
    assert levels.speak_numbers("0-14-118234-2", "en") == "0 1 4 1 1 8 2 3 4 2"
    assert levels.speak_numbers("ISBN 0-85432-710-X", "en") == "ISBN 0 8 5 4 3 2 7 1 0 X"
    assert levels.speak_numbers("år 2009", "sv") == "år 2009"  # a year stays a number


@pytest.mark.parametrize(
    ("number", "lang", "spoken"),
    [
        # A year's issue (Fennica 490 $v): was "Del 1990,7 i", heard "1990 punkt sju".
        ("1990,7", "sv", "Del sju, 1990 i Tutkimuksia."),
        ("2001, 7", "sv", "Del sju, 2001 i Tutkimuksia."),
        ("3/2012", "sv", "Del tre, 2012 i Tutkimuksia."),
        ("2011:14", "en", "Book fourteen, twenty eleven of Tutkimuksia."),
        ("1984/85", "sv", "Del 1984 till 1985 i Tutkimuksia."),  # a season, not an issue
    ],
)
def test_a_series_number_of_a_year_is_the_issue_then_the_year(
    number: str, lang: str, spoken: str
) -> None:
    record = Record(id="s", title="T", series="Tutkimuksia", series_number=number)
    segments = levels.level_one(record, lang, verbose=True).segments
    assert said_segments(segments).endswith(spoken), segments


# --------------------------------------------------------------------------- lexicon


def test_lexicon_applies_to_speech_never_to_text() -> None:
    record = Record(id="k", title="Kalle Anka & C:o", authors=("Guillou, Jan",), language="swe")
    one = levels.level_one(record, "sv")
    assert one.text == "Kalle Anka & C:o, av Jan Guillou"
    assert said(one) == "Kalle Anka och C:o, av Jan Gijo"


def test_lexicon_matches_whole_words_only() -> None:
    assert levels.pronounce("Carl ca 20 sidor", "sv") == "Carl cirka 20 sidor"
    assert levels.pronounce("t.ex. detta", "sv") == "till exempel detta"


def test_staff_lexicon_overrides_ours(tmp_path: Path) -> None:
    (tmp_path / "lexicon-sv.toml").write_text(
        '[words]\n"Kivi" = "Kiivi"\n"Guillou" = "Gilló"\n', encoding="utf-8"
    )
    record = Record(id="x", title="Sju bröder", authors=("Kivi, Aleksis",), language="swe")
    one = levels.level_one(record, "sv", phrases_dir=str(tmp_path))
    assert one.text == "Sju bröder, av Aleksis Kivi"
    assert said(one) == "Sju bröder, av Aleksis Kiivi"
    assert levels.pronounce("Guillou", "sv", str(tmp_path)) == "Gilló"
    assert levels.pronounce("&", "sv", str(tmp_path)) == "och"  # ours still there


def test_staff_phrases_change_the_wording(tmp_path: Path) -> None:
    (tmp_path / "sv.toml").write_text('[phrases]\nkind_talking_book = "ljudbok"\n', "utf-8")
    record = Record(id="x", title="Ondskan", authors=("Guillou, Jan",), kind="talking_book")
    assert levels.level_one(record, "sv", phrases_dir=str(tmp_path)).text == (
        "Ondskan, av Jan Guillou, ljudbok"
    )


# --------------------------------------------------------------------------- levels


def test_brief_level_one_equals_the_lookup_sentence_for_a_printed_book() -> None:
    record = Record(id="p", title="Pippi Långstrump /", authors=("Lindgren, Astrid, 1907-2002",))
    assert (
        levels.level_one(record, "sv", verbose=False).text == phrasing.announce(record, "sv").text
    )
    assert levels.level_one(record, "sv").text == "Pippi Långstrump, av Astrid Lindgren"


@pytest.mark.parametrize(
    ("kind", "sv", "en"),
    [
        ("talking_book", "talbok", "talking book"),
        ("ebook", "e-bok", "e-book"),
        ("large_print", "storstil", "large print"),
    ],
)
def test_kind_words(kind: str, sv: str, en: str) -> None:
    record = Record(id="k", title="Mio, min Mio", authors=("Lindgren, Astrid",), kind=kind)
    assert levels.level_one(record, "sv").text == f"Mio, min Mio, av Astrid Lindgren, {sv}"
    assert levels.level_one(record, "en").text == f"Mio, min Mio, by Astrid Lindgren, {en}"


def test_verbose_mentions_title_part_and_unavailable_copy() -> None:
    record = Record(
        id="v", title="Vägkartan", part="Norra Sverige", available=False, language="swe"
    )
    verbose = levels.level_one(record, "sv")
    # Lost, missing, withdrawn or not for loan: words true of each ("not for loan" is not).
    assert verbose.text == (
        "Vägkartan. Norra Sverige. Enligt katalogen kan exemplaret inte lånas. Fråga personalen."
    )
    assert levels.level_one(record, "sv", verbose=False).text == "Vägkartan"


def test_level_two_says_only_what_the_record_has() -> None:
    bare = Record(id="b", title="Bare")
    assert levels.level_two(bare, "sv").text == "Inga fler uppgifter om den här boken."
    full = Record(
        id="f",
        title="Full",
        year=2013,
        publisher="Polity",
        series="Key concepts in the social sciences",
        subjects=("Könsidentitet--könsroller", "Sociologi", "sociologi"),
        locations=("Ohj", "Ohj"),
        language="eng",
        pages=254,
    )
    text = levels.level_two(full, "sv").text
    assert text == (
        "254 sidor. Utgiven 2013 av Polity. Serien Key concepts in the social sciences."
        " Ämnen: Könsidentitet, könsroller, Sociologi. Står på hyllan Ohj."
    )
    segments = levels.level_two(full, "sv").segments
    assert ("Key concepts in the social sciences.", "en") in segments
    assert "Uppläst" not in text and "Speltid" not in text


def test_level_three_none_without_summary() -> None:
    assert levels.level_three(Record(id="n", title="N"), "sv") is None


def test_sentences_do_not_break_at_initials_or_abbreviations() -> None:
    text = "Boken skrevs av J. R. R. Tolkien, t.ex. på kvällarna. Den handlar om ringen! Slut."
    assert levels.split_sentences(text, "sv") == [
        "Boken skrevs av J. R. R. Tolkien, t.ex. på kvällarna.",
        "Den handlar om ringen!",
        "Slut.",
    ]


def test_language_of_prose() -> None:
    assert levels.guess_language("Det är en bok om en pojke och hans hund.", "en") == "sv"
    assert levels.guess_language("It is a book about a boy and his dog.", "sv") == "en"
    assert levels.guess_language("Kalevala", "sv") == "sv"


def test_new_phrase_keys_exist_in_both_languages() -> None:
    sv, en = phrasing.phrases("sv"), phrasing.phrases("en")
    assert set(sv) == set(en)
    for key in ("kind_ebook", "detail_narrators", "idle_warning", "browse_author"):
        assert sv[key] != en[key]
    assert set(levels.lexicon("sv")) - {"&"} != set(levels.lexicon("en")) - {"&"}
