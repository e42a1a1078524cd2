"""Text cleaning, the one sentence splitter, and the SSML the engine receives."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from hardware.speech.backend import ssml
from hardware.speech.text import (
    MAX_UTTERANCE_CHARS,
    clean_segments,
    clean_text,
    normalise_lang,
    split_sentences,
)


def test_initials_and_dotted_abbreviations_do_not_end_a_sentence() -> None:
    assert split_sentences("Av J. K. Rowling och bl.a. Dr. Watson. Slut.", {"dr."}) == [
        "Av J. K. Rowling och bl.a. Dr. Watson.",
        "Slut.",
    ]
    assert split_sentences("Skriven av J.R.R. Tolkien. Slut!") == [
        "Skriven av J.R.R. Tolkien.",
        "Slut!",
    ]


def test_a_pasted_summary_that_lost_its_space_still_splits() -> None:
    assert split_sentences("Det hände i vildmarken.Isolerad och ensam.") == [
        "Det hände i vildmarken.",
        "Isolerad och ensam.",
    ]


def test_a_number_followed_by_lower_case_is_not_a_sentence_end() -> None:
    assert split_sentences("3. uppl. Stockholm 2001. Slut.", {"uppl."}) == [
        "3. uppl. Stockholm 2001.",
        "Slut.",
    ]


def test_the_language_decides_where_a_full_stop_ends_a_sentence() -> None:
    seen: list[tuple[str, str, str]] = []

    def ends(before: str, word: str, nxt: str) -> bool:
        seen.append((before, word, nxt))
        return word != "fig."

    assert split_sentences("Se fig. 2 i boken. Slut.", ends=ends) == ["Se fig. 2 i boken.", "Slut."]
    assert seen == [("Se", "fig.", "2"), ("Se fig. 2 i", "boken.", "Slut.")]


def test_sentence_ends_in_the_kiosks_languages() -> None:
    from kiosk import levels

    assert levels.split_sentences("Bor hos moster m.fl. Se s. 45. Pt. 2 och fig. 3.", "sv") == [
        "Bor hos moster m.fl.", "Se s. 45.", "Pt. 2 och fig. 3.",
    ]  # fmt: skip
    text = "By A. Smith, Jr. Dr. Smith lives on St. James St. in it. Here."
    assert levels.split_sentences(text, "en") == [
        "By A. Smith, Jr.", "Dr. Smith lives on St. James St. in it.", "Here.",
    ]  # fmt: skip
    assert levels.split_sentences("Mannerheim ym. 2. painos. Esim. Helsinki.", "fi") == [
        "Mannerheim ym.", "2. painos.", "Esim. Helsinki.",
    ]  # fmt: skip


def test_voices_without_a_table_keep_abbreviations_inside_the_sentence() -> None:
    from kiosk import levels

    assert levels.split_sentences("Voir fig. 3 et Vol. III. Cf. p. 12.", "fr") == [
        "Voir fig. 3 et Vol. III.", "Cf. p. 12.",
    ]  # fmt: skip
    assert levels.split_sentences("Min kamp. D. 2 og S. 12.", "nb") == [
        "Min kamp.", "D. 2 og S. 12.",
    ]  # fmt: skip


def test_the_kiosk_uses_the_same_splitter() -> None:
    from kiosk import levels

    text = "Boken skrevs av J. R. R. Tolkien, t.ex. på kvällarna. Den handlar om ringen! Slut."
    assert levels.split_sentences(text, "sv") == split_sentences(text, {"t.ex."})


def test_control_characters_and_markup_cannot_reach_the_engine() -> None:
    cleaned = clean_text('Hej\x01 50S\x1b[31m <speak><prosody rate="x-fast">du</prosody>\u202e')
    assert "<" not in cleaned and ">" not in cleaned
    assert all(ord(ch) >= 0x20 for ch in cleaned)
    assert "\u202e" not in cleaned
    assert cleaned.startswith("Hej 50S [31m speak prosody")


def test_the_ssml_document_escapes_everything_a_record_may_contain() -> None:
    hostile = 'Tom & Jerry "quoted" &lt;audio src=x/&gt; <break time="9s"/>'
    document = ssml([(clean_text(hostile), "gmq/sv"), ("by", 'x" onload="y')])
    root = ET.fromstring(document)  # well-formed, whatever the text
    voices = root.findall("voice")
    assert [v.get("name") for v in voices] == ["gmq/sv", 'x" onload="y']
    assert voices[0].text == clean_text(hostile)
    assert not list(voices[0])  # no element came from the text


def test_one_voice_run_stays_one_element() -> None:
    root = ET.fromstring(ssml([("Hemma", "gmq/fi"), ("i rymden,", "gmq/fi"), ("av", "gmq/sv")]))
    assert [(v.get("name"), v.text) for v in root.findall("voice")] == [
        ("gmq/fi", "Hemma i rymden,"),
        ("gmq/sv", "av"),
    ]


def test_text_is_nfc_and_capped_at_a_word_boundary() -> None:
    assert clean_text("O\u0308stergren") == "Östergren"
    long_text = "ord " * 5000
    cleaned = clean_text(long_text)
    assert len(cleaned) <= MAX_UTTERANCE_CHARS
    assert cleaned.split() == ["ord"] * len(cleaned.split())
    total = sum(len(t) for t, _ in clean_segments([(long_text, "sv"), (long_text, "en")]))
    assert total <= MAX_UTTERANCE_CHARS


def test_catalogue_language_codes_map_to_voice_tags() -> None:
    assert normalise_lang("swe") == "sv"
    assert normalise_lang("eng") == "en"
    assert normalise_lang("fin") == "fi"
    assert normalise_lang("sv-SE") == "sv"
    assert normalise_lang("EN_gb") == "en"


@given(st.lists(st.tuples(st.text(max_size=300), st.sampled_from(["sv", "en"])), max_size=4))
def test_segments_keep_every_cleaned_word_in_order_with_its_language(segments) -> None:
    cleaned = clean_segments(segments, limit=10_000)
    expected = [
        (word, lang) for text, lang in segments for word in clean_text(text, 10_000).split()
    ]
    assert [(w, lang) for text, lang in cleaned for w in text.split()] == expected
    assert all(text.strip() for text, _ in cleaned)
