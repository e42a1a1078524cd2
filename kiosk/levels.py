"""What the kiosk says about a book, level by level, in Swedish or English.

A visitor hears **level one** when they scan (title, author, what kind of book, its part in a
series), **level two** on "more" (narrator, playing time or pages, year, publisher, series,
subjects, shelf) and **level three** on a further "more" (the summary, one segment per sentence
so repeat and pause work inside it).

Two forms of every text are kept apart, because the transcript and the large-print screen must
show what the catalogue says while the voice must say it so that it is understood:

* ``Utterance.text`` is the written form: "Speltid 5 tim 32 min.";
* ``Utterance.segments`` are ``(spoken text, voice language)`` pieces: "Speltid 5 timmar och
  32 minuter." - numbers and abbreviations spelled out, the pronunciation lexicon applied, and a
  title in English spoken by the English voice even when the kiosk speaks Swedish.

All wording comes from ``kiosk/phrases/<lang>.toml`` and all pronunciations from
``kiosk/phrases/lexicon-<lang>.toml`` (a staff copy of either in ``phrases_dir`` wins), so staff
change what is said without touching code.
"""

from __future__ import annotations

import logging
import re
import string
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from catalog.punctuation import paragraphs
from hardware.speech.voices import installed_languages
from kiosk import details, phrasing
from kiosk.phrasing import Utterance, clean, natural_name
from kiosk.reading import as_name
from kiosk.reading.pronounce import (
    MAX_SPOKEN_CHARS,
    lexicon,
    pronounce,
    pronounce_runs,
    speak_numbers,
    spell_digits,
    split_sentences,
)
from kiosk.reading.which_voice import (
    edition_voice,
    guess_language,
    in_own_script,
    names_voice,
    parallel_voice,
    prose_voice,
    voice_for,
)
from kiosk.subjects import subject_heading, subject_voices

__all__ = [
    "Piece",
    "Speech",
    "duration",
    "fill",
    "guess_language",
    "level_one",
    "level_three",
    "level_two",
    "lexicon",
    "message",
    "page_count",
    "person",
    "pronounce",
    "speak_numbers",
    "spell_digits",
    "split_sentences",
    "subject_heading",
    "voice_for",
]  # fmt: skip

log = logging.getLogger(__name__)

KIND_KEYS: Mapping[str, str] = {
    "talking_book": "kind_talking_book",
    "ebook": "kind_ebook",
    "large_print": "kind_large_print",
    "music": "kind_music",
}
"""Record kinds that level one names; a printed book is the norm and needs no word."""

MAX_SUBJECTS = 6  # a list longer than this is noise to the ear

# "Lindgren, Astrid, 1907-2002": life dates are for catalogue cards (as in phrasing).
_LIFE_DATES = re.compile(r",?\s*\(?\d{3,4}\s*-\s*(\d{3,4})?\)?\.?$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# An initial ("V. ") before another initial or the surname, inside a person's name.
_INITIAL_GAP = re.compile(r"(?<![^\s.])([A-ZÅÄÖÜÆØÉ])\. (?=[A-ZÅÄÖÜÆØÉ])")
def _extent(value: str | None) -> str:
    """The extent a listener can use: a CIP placeholder with no count at all ("p. cm",
    "v.", "xiv, p.") says nothing and goes; the final full stop is the sentence's."""
    extent = _short_extent(value)
    if not any(ch.isdigit() for ch in extent):
        return ""
    return extent.rstrip(" .")


# --------------------------------------------------------------------------- speech pieces


@dataclass(frozen=True)
class Piece:
    """A stretch of text as written and as said, with the voice that says it."""

    written: str
    spoken: str
    lang: str


@dataclass(frozen=True)
class Speech:
    """Written/spoken text in one or more voices; the building block of every level.

    Template values may be plain strings (written and said alike, in the kiosk's voice) or
    ``Speech`` (a title in its own voice, a playing time written "5 tim" but said "5 timmar").
    """

    pieces: tuple[Piece, ...]

    @classmethod
    def of(cls, written: str, lang: str, spoken: str | None = None) -> Speech:
        return cls((Piece(written, written if spoken is None else spoken, lang),))

    @property
    def written(self) -> str:
        return "".join(p.written for p in self.pieces)

    def __add__(self, other: Speech) -> Speech:
        return Speech(self.pieces + other.pieces)


def _table(lang: str, phrases_dir: str | None) -> dict[str, str]:
    return phrasing.phrases(lang, phrases_dir)


def fill(template: str, lang: str, **values: str | Speech) -> Speech:
    """Fill a phrase template, keeping each value's own written/spoken form and voice.

    ``str.format`` would flatten everything to one string; here the literal words of the
    template belong to the kiosk's language and each placeholder keeps its own piece.
    """
    pieces: list[Piece] = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        if literal:
            pieces.append(Piece(literal, literal, lang))
        if name is None:
            continue
        value = values[name]
        if isinstance(value, Speech):
            pieces.extend(value.pieces)
        else:
            pieces.append(Piece(str(value), str(value), lang))
    return Speech(tuple(pieces))


def _plural(lang: str, key: str, n: int, phrases_dir: str | None) -> str:
    table = _table(lang, phrases_dir)
    return table[f"{key}_one" if n == 1 else f"{key}_other"].format(n=n)


def duration(minutes: int, lang: str, phrases_dir: str | None = None) -> Speech:
    """A playing time: written "5 tim 32 min" / "5 hours 32 minutes", said in full."""
    table = _table(lang, phrases_dir)
    hours, mins = divmod(int(minutes), 60)
    values = {
        "hours": str(hours),
        "minutes": str(mins),
        "hours_words": _plural(lang, "hours", hours, phrases_dir),
        "minutes_words": _plural(lang, "minutes", mins, phrases_dir),
    }
    key = "duration" if hours and mins else "duration_hours" if hours else "duration_minutes"
    return Speech.of(table[key].format(**values), lang, table[f"{key}_spoken"].format(**values))


def page_count(pages: int, lang: str, phrases_dir: str | None = None) -> str:
    """ "312 sidor" / "312 pages" (and the singular for a one-page leaflet)."""
    return _plural(lang, "pages", int(pages), phrases_dir)


# --------------------------------------------------------------------------- utterances


def _segments(speech: Speech, lang: str, phrases_dir: str | None) -> list[tuple[str, str]]:
    """Merge neighbouring pieces of one voice; pronounce each stretch in its own language."""
    merged: list[list[str]] = []  # [spoken, lang]
    for piece in speech.pieces:
        if not piece.spoken:
            continue
        wordless = not any(ch.isalnum() for ch in piece.spoken)
        if merged and (merged[-1][1] == piece.lang or wordless):
            merged[-1][0] += piece.spoken
        else:
            merged.append([piece.spoken, piece.lang if not wordless else lang])
    out = []
    for spoken, voice in merged:
        out.extend(pronounce_runs(spoken, voice, phrases_dir))
    return out


def _end(sentence: Speech, lang: str) -> Speech:
    """Close a sentence with a full stop unless it already ends in punctuation."""
    if sentence.written.rstrip()[-1:] in ".!?…":
        return sentence
    return sentence + Speech.of(".", lang)


def _utterance(
    sentences: list[Speech],
    lang: str,
    record: Any,
    kind: str,
    phrases_dir: str | None,
    *,
    utterance_lang: str | None = None,
) -> Utterance:
    if len(sentences) > 1:
        sentences = [_end(s, lang) for s in sentences]
    text = " ".join(s.written.strip() for s in sentences)
    segments: list[tuple[str, str]] = []
    for sentence in sentences:
        segments.extend(_segments(sentence, lang, phrases_dir))
    return Utterance(
        text=text,
        lang=utterance_lang or lang,
        item=getattr(record, "id", None),
        kind=kind,
        segments=tuple(segments),
    )


def person(name: str) -> str:
    """``phrasing.natural_name``, keeping the full stop of a final initial.

    ``natural_name("Lovecraft, H. P.")`` gives "H. P Lovecraft" because the catalogue
    punctuation rule also takes the initial's dot; "H. P. Lovecraft" is what a screen shows.
    """
    spoken = natural_name(name)
    surname, sep, _rest = clean(_LIFE_DATES.sub("", clean(name))).partition(", ")
    if sep and surname and spoken.endswith(" " + surname):
        forenames = spoken[: -len(surname) - 1]
        if re.search(r"(?:^|[\s.])\w$", forenames):
            spoken = f"{forenames}. {surname}"
    return spoken


def message(
    key: str, lang: str, *, phrases_dir: str | None = None, **values: str | Speech
) -> Utterance:
    """A phrase-table message with the lexicon and number rules applied to its speech.

    Values may be ``Speech`` (a series name in the book's own voice); used by browse.
    """
    speech = fill(_table(lang, phrases_dir)[key], lang, **values)
    return _utterance([speech], lang, None, "message", phrases_dir)


def said_person(written: str, lang: str) -> Speech:
    """A person's name (``person``) with each initial joined to the name after it for the ear.

    "Henry V. Miller", "Johannes V. Jensen", "Peter L. Hupe": read as free text, a capital
    and a stop after a king's name is a regnal numeral ending a sentence ("Henry den femte.
    Miller").  In an inverted personal name it is an initial, which only the name's structure
    knows: "V.Miller" is the one form the reading rules read as initials, never as a numeral
    and never as a sentence end ("V Miller").  The screen keeps "Henry V. Miller".
    """
    spoken = _INITIAL_GAP.sub(r"\1.", written)
    return Speech.of(written, lang, spoken)


def _names(
    names: Iterable[str], lang: str, phrases_dir: str | None, corporate: Iterable[str] = ()
) -> Speech | None:
    # An organisation or meeting (``Record.corporate``) is said as written, never turned round.
    bodies = frozenset(corporate)
    people = [
        Speech.of(clean(n), lang) if n in bodies else said_person(person(n), lang)
        for n in names
        if clean(n)
    ]
    if not people:
        return None
    conj = _table(lang, phrases_dir)["and"]
    said = people[0]
    for i, name in enumerate(people[1:], 2):
        said = said + Speech.of(", " if i < len(people) else f" {conj} ", lang) + name
    return said


def _title(record: Any, lang: str, verbose: bool, phrases_dir: str | None) -> Speech:
    voice = voice_for(record, lang)
    written = clean(getattr(record, "title", "")) or "?"
    original = clean(getattr(record, "original_title", None))
    if in_own_script(record, original):  # MARC 880: the script the voice reads
        written = original
        voice = voice_for(record, lang, written)
    # ISBD " = " introduces a parallel title, in another language: each in its own voice.
    proper, *parallels = written.split(" = ")
    title = Speech.of(proper, voice_for(record, lang, proper) if parallels else voice)
    for parallel in parallels:
        title += Speech.of(" = ", lang, ", ") + Speech.of(
            parallel, parallel_voice(record, lang, parallel)
        )
    part = clean(getattr(record, "part", None))
    if verbose and part:
        template = _table(lang, phrases_dir)["title_with_part"]
        return fill(template, voice, title=title, part=part)
    return title


def level_one(
    record: Any, lang: str, verbose: bool = True, *, phrases_dir: str | None = None
) -> Utterance:
    """What a scan answers: title and author in natural order, then what kind of book it is.

    Brief mode says exactly ``phrasing.announce`` plus the kind word ("talbok"), so ``talkcat
    lookup`` and the kiosk agree; verbose mode adds the title's part, the book's number in its
    series and a warning when the catalogue says the scanned copy cannot be borrowed (lost,
    missing, withdrawn or not for loan).
    """
    table = _table(lang, phrases_dir)
    title = _title(record, lang, verbose, phrases_dir)
    corporate = getattr(record, "corporate", ()) or ()
    names = getattr(record, "authors", ()) or ()
    originals = getattr(record, "original_authors", ()) or ()
    # Only when every author has its 880: a Finnish author of a Russian translation has none.
    if len(originals) == len(names) and in_own_script(record, " ".join(originals)):
        names = originals
    authors = _names(names, lang, phrases_dir, corporate)
    if authors:
        voice = names_voice(authors.written, lang)
        said = Speech(tuple(Piece(p.written, p.spoken, voice) for p in authors.pieces))
        sentence = fill(table["announce"], lang, title=title, authors=said)
    else:
        sentence = fill(table["announce_no_author"], lang, title=title)
    kind_key = KIND_KEYS.get(getattr(record, "kind", "book") or "book")
    if kind_key:
        sentence = fill(table["level_one_kind"], lang, announcement=sentence, kind=table[kind_key])
    sentences = [sentence]
    series, number = details.series(record)
    if verbose and series and number:
        voice = voice_for(record, lang, series)  # a Latin series name of a Cyrillic title
        sentences.append(
            fill(table["level_one_series"], lang, number=number, series=Speech.of(series, voice))
        )
    if verbose and getattr(record, "available", True) is False:
        sentences.append(Speech.of(table["level_one_unavailable"], lang))
    return _utterance(sentences, lang, record, "record", phrases_dir)


def level_two(record: Any, lang: str, *, phrases_dir: str | None = None) -> Utterance:
    """The facts a visitor asks for next; one short sentence for each the record has."""
    table = _table(lang, phrases_dir)
    sep = table["list_separator"]
    out: list[Speech] = []

    corporate = getattr(record, "corporate", ()) or ()
    narrators = _names(getattr(record, "narrators", ()) or (), lang, phrases_dir, corporate)
    if narrators:
        out.append(fill(table[details.narrators_key(record)], lang, names=narrators))

    minutes = getattr(record, "playing_time_minutes", None)
    pages = getattr(record, "pages", None)
    extent = _extent(getattr(record, "extent", None))
    if minutes:
        out.append(
            fill(table["detail_playing_time"], lang, duration=duration(minutes, lang, phrases_dir))
        )
    elif pages:
        out.append(fill(table["detail_pages"], lang, pages=page_count(pages, lang, phrases_dir)))
    elif extent:
        out.append(fill(table["detail_extent"], lang, extent=extent))

    year = details.year(record, lang, phrases_dir)
    publisher = details.publisher(getattr(record, "publisher", None))
    # A publisher is a name: "Ung. Nationalmus." is one phrase, not two sentences.
    named = Speech.of(publisher, lang, as_name(publisher, lang))
    if year and publisher:
        out.append(fill(table["detail_year_publisher"], lang, year=year, publisher=named))
    elif year:
        out.append(fill(table["detail_year"], lang, year=year))
    elif publisher:
        out.append(fill(table["detail_publisher"], lang, publisher=named))

    edition = clean(getattr(record, "edition", None))
    if edition:
        # The edition statement is transcribed from the book: its language's reading rules
        # ("3. uppl.", "2nd ed.", "4. p.") and voice.
        said = Speech.of(edition, edition_voice(record, lang, edition))
        out.append(fill(table["detail_edition"], lang, edition=said))

    series, number = details.series(record)
    voice = voice_for(record, lang, series)
    if series and number:
        out.append(
            fill(
                table["detail_series_number"], lang, series=Speech.of(series, voice), number=number
            )
        )
    elif series:
        out.append(fill(table["detail_series"], lang, series=Speech.of(series, voice)))

    subjects = subject_voices(
        [subject_heading(s) for s in getattr(record, "subjects", ()) or ()],
        getattr(record, "subject_languages", ()) or (),
        getattr(record, "language", None),
        lang,
        installed_languages(),
    )[:MAX_SUBJECTS]
    if subjects:
        # Each heading in the voice of its vocabulary's language; "Ämnen:" in the visitor's.
        pieces: list[Piece] = []
        for heading, heading_voice in subjects:
            pieces += [Piece(sep, sep, lang)] if pieces else []
            pieces.append(Piece(heading, heading, heading_voice))
        out.append(fill(table["detail_subjects"], lang, subjects=Speech(tuple(pieces))))

    locations = _unique(clean(s) for s in getattr(record, "locations", ()) or ())
    if locations:
        shelves = sep.join(locations)
        spoken = as_name(details.shelves(shelves, lang), lang)  # "DESM-RARE 91-958 B35"
        out.append(fill(table["detail_location"], lang, location=Speech.of(shelves, lang, spoken)))

    if not out:
        out.append(Speech.of(table["detail_none"], lang))
    return _utterance(out, lang, record, "details", phrases_dir)


def level_three(record: Any, lang: str, *, phrases_dir: str | None = None) -> Utterance | None:
    """The summary, one segment per sentence; ``None`` when the record has none.

    The summary is the catalogue's prose, read by the voice ``which_voice.prose_voice``
    chooses: the catalogued language's (unless the text is not in its script, or is
    overwhelmingly Swedish, English or Finnish in a record catalogued in an unrelated
    Latin-script language), the function words' when none is catalogued, then the kiosk's.
    """
    summary = _prose(getattr(record, "summary", None))
    if not summary:
        return None
    # The engine says no more than MAX_SPOKEN_CHARS: reading (and splitting) a runaway
    # summary beyond that would only cost time; the screen and transcript keep all of it.
    heard = summary
    if len(heard) > MAX_SPOKEN_CHARS:
        cut = heard.rfind(" ", 0, MAX_SPOKEN_CHARS)
        heard = heard[: cut if cut > 0 else MAX_SPOKEN_CHARS]
    voice = prose_voice(record, lang, heard)
    segments = []
    budget = MAX_SPOKEN_CHARS
    for sentence in split_sentences(heard, voice, phrases_dir):
        if budget <= 0:
            break
        for said, run_voice in pronounce_runs(sentence, voice, phrases_dir):
            segments.append((said, run_voice))
            budget -= len(said)
    return Utterance(
        text=summary,
        lang=voice,
        item=getattr(record, "id", None),
        kind="summary",
        segments=tuple(segments),
    )


def _prose(text: str | None) -> str:
    """Like ``phrasing.clean`` but keeping the final full stop: prose ends its sentences."""
    if not text:
        return ""
    # Paragraphs (several 520s, lines of a CSV cell, " --" bullets) each end a sentence.
    text = paragraphs([unicodedata.normalize("NFC", text)]) or ""
    return " ".join(_CONTROL.sub(" ", text).split())


def _short_extent(extent: str | None) -> str:
    """ "xiv, 262 p. : ill. ; 26 cm" -> "xiv, 262 p.": size and illustration notes are noise."""
    text = clean(extent)
    return clean(re.split(r"\s[:;+]\s?", text, maxsplit=1)[0]) if text else ""


def _unique(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        key = item.casefold()
        if item and key not in seen:
            seen.add(key)
            out.append(item)
    return out
