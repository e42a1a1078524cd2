"""Text cleaning and chunk planning: the words reach the engine intact, in order, safely."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hardware.speech.text import (
    CHUNK_WORDS,
    FIRST_CHUNK_WORDS,
    MAX_UTTERANCE_CHARS,
    clean_text,
    normalise_lang,
    plan_chunks,
    split_sentences,
)

LONG_UNPUNCTUATED = " ".join(f"ord{i}" for i in range(200))


def words_of(chunks) -> list[str]:
    return [word for chunk in chunks for word in chunk.text.split()]


def test_short_title_is_one_chunk_for_natural_prosody() -> None:
    chunks = plan_chunks([("Pippi Långstrump, av Astrid Lindgren.", "sv")])
    assert [c.text for c in chunks] == ["Pippi Långstrump, av Astrid Lindgren."]
    assert chunks[0].boundary == "sentence"
    assert chunks[0].sentence_start


def test_long_unpunctuated_text_starts_with_a_short_chunk_and_keeps_every_word() -> None:
    chunks = plan_chunks([(LONG_UNPUNCTUATED, "sv")])
    assert len(chunks[0].text.split()) <= FIRST_CHUNK_WORDS
    assert words_of(chunks) == LONG_UNPUNCTUATED.split()
    assert all(len(c.text.split()) <= max(CHUNK_WORDS) for c in chunks)
    # Later chunks are larger than the first: fewer seams once the voice has started.
    assert len(chunks[1].text.split()) > len(chunks[0].text.split())
    assert chunks[0].boundary == "word" and chunks[-1].boundary == "sentence"


def test_clauses_and_sentences_are_cut_at_their_punctuation() -> None:
    text = (
        "Harry Potter och de vises sten, av J.K. Rowling. Talbok. "
        "Uppläsare: Björn Kjellman. Finns på hyllan Hc, bredvid storstil!"
    )
    chunks = plan_chunks([(text, "sv")])
    assert [c.text for c in chunks] == [
        "Harry Potter och de vises sten,",
        "av J.K. Rowling.",
        "Talbok.",
        "Uppläsare: Björn Kjellman.",
        "Finns på hyllan Hc, bredvid storstil!",
    ]
    assert [c.sentence_start for c in chunks] == [True, False, True, True, True]
    assert chunks[0].boundary == "clause"


def test_initials_and_abbreviations_do_not_end_a_sentence() -> None:
    assert split_sentences("Av J. K. Rowling och bl.a. Dr. Watson. Slut.") == [
        "Av J. K. Rowling och bl.a. Dr. Watson.",
        "Slut.",
    ]


def test_segments_keep_their_language_and_never_share_a_chunk() -> None:
    chunks = plan_chunks([("The Hobbit,", "en"), ("av J.R.R. Tolkien.", "sv")])
    assert [(c.text, c.lang) for c in chunks] == [
        ("The Hobbit,", "en"),
        ("av J.R.R. Tolkien.", "sv"),
    ]


def test_control_characters_and_markup_cannot_reach_the_engine() -> None:
    cleaned = clean_text('Hej\x01 50S\x1b[31m <speak><prosody rate="x-fast">du</prosody>\u202e')
    assert "<" not in cleaned and ">" not in cleaned
    assert all(ord(ch) >= 0x20 for ch in cleaned)
    assert "\u202e" not in cleaned
    assert cleaned.startswith("Hej 50S [31m speak prosody")


def test_text_is_nfc_and_capped_at_a_word_boundary() -> None:
    assert clean_text("O\u0308stergren") == "Östergren"
    long_text = "ord " * 5000
    cleaned = clean_text(long_text)
    assert len(cleaned) <= MAX_UTTERANCE_CHARS
    assert cleaned.split() == ["ord"] * len(cleaned.split())
    total = sum(len(c.text) for c in plan_chunks([(long_text, "sv"), (long_text, "en")]))
    assert total <= MAX_UTTERANCE_CHARS


def test_catalogue_language_codes_map_to_voice_tags() -> None:
    assert normalise_lang("swe") == "sv"
    assert normalise_lang("eng") == "en"
    assert normalise_lang("sv-SE") == "sv"
    assert normalise_lang("EN_gb") == "en"


@given(st.lists(st.tuples(st.text(max_size=300), st.sampled_from(["sv", "en"])), max_size=4))
def test_chunks_are_exactly_the_cleaned_words_in_order(segments) -> None:
    chunks = plan_chunks(segments, limit=10_000)
    expected = [word for text, _ in segments for word in clean_text(text, 10_000).split()]
    assert words_of(chunks) == expected
    assert all(chunk.text.strip() for chunk in chunks)
    if chunks:
        assert len(chunks[0].text.split()) <= FIRST_CHUNK_WORDS
