"""Turning catalogue records into the sentences a visitor hears.

The texts live in ``kiosk/phrases/<lang>.toml`` so staff can change the wording without
touching code; this module only fills them in.  The result is an ``Utterance``: the text as a
screen would show it (and as the transcript records it) plus the pieces to synthesise.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from catalog import punctuation
from kiosk import phrase_files

LANGUAGES: tuple[str, ...] = ("sv", "en")
DEFAULT_LANGUAGE = "sv"

# "Lindgren, Astrid, 1907-2002" - life dates are for catalogue cards, not for the ear.
_LIFE_DATES = re.compile(r",?\s*\(?\d{3,4}\s*-\s*(\d{3,4})?\)?\.?$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_FULLER_FORM = re.compile(r"\([^()]*\)")
# What an importer may leave of "d. ca. 1212", "b. 1950", "fl. 1200": the word without a date.
_DATE_WORD = re.compile(r",\s(?:d|b|fl|f|ca|död|född|k|s)\.(?:\s(?:ca\.\s)?\d{3,4}\??)?$")


@dataclass(frozen=True)
class Utterance:
    """One whole message: what is shown and recorded, and what is synthesised.

    ``text`` is the written form (transcript, screen); ``segments`` are ``(text, lang)``
    pieces for the speech engine - usually one, in the kiosk's language.
    """

    text: str
    lang: str
    item: str | None = None
    kind: str = "message"
    segments: tuple[tuple[str, str], ...] = field(default=())

    def spoken(self) -> tuple[tuple[str, str], ...]:
        return self.segments or ((self.text, self.lang),)


@cache
def phrases(lang: str, override_dir: str | None = None) -> dict[str, str]:
    """The phrase table for ``lang``; a staff copy in ``override_dir`` wins over ours."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    data: dict[str, Any] = tomllib.loads(
        resources.files("kiosk").joinpath("phrases", f"{lang}.toml").read_text("utf-8")
    )
    table = dict(data["phrases"])
    # A staff file is checked first and refused whole if broken (kiosk.phrase_files).
    table.update(phrase_files.staff_phrases(lang, override_dir))
    return table


def clean(text: str | None) -> str:
    """NFC, no control characters, single spaces, and no catalogue punctuation or
    cataloguers' notes: the project's one cleaner, :func:`catalog.punctuation.spoken`."""
    if not text:
        return ""
    return punctuation.spoken(_CONTROL.sub(" ", text))


def natural_name(name: str) -> str:
    """"Lindgren, Astrid" -> "Astrid Lindgren"; corporate names and single names unchanged."""
    name = clean(name)
    # Life dates end the heading: look only at its end (the pattern is anchored there, and
    # a search over a 5,000-comma name would try every position).
    head, tail = name[:-40], name[-40:]
    name = clean(head + _DATE_WORD.sub("", _LIFE_DATES.sub("", tail)))
    surname, sep, forenames = name.partition(", ")
    if not sep or not forenames:
        return name
    # "Tolkien, J. R. R. (John Ronald Reuel)": the fuller form is for disambiguation only.
    # (No "\s*" or ".*?" around it: both make the search quadratic on hostile names.)
    forenames = " ".join(_FULLER_FORM.sub(" ", forenames).split())
    return f"{forenames} {surname}".strip()


def join_names(names: list[str], lang: str) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {phrases(lang)['and']} {names[-1]}"


def announce(record: Any, lang: str) -> Utterance:
    """Level one: title, then author in natural order."""
    table = phrases(lang)
    title = clean(getattr(record, "title", "")) or "?"
    bodies = frozenset(getattr(record, "corporate", ()) or ())
    authors = [
        clean(a) if a in bodies else natural_name(a)
        for a in getattr(record, "authors", ()) or ()
        if clean(a)
    ]
    if authors:
        text = table["announce"].format(title=title, authors=join_names(authors, lang))
    else:
        text = table["announce_no_author"].format(title=title)
    return Utterance(text=text, lang=lang, item=getattr(record, "id", None), kind="record")


def label(entry: Any, lang: str, phrases_dir: str | None = None) -> Utterance:
    """A shelf or service-point tag speaks its own text, in its own language when it has one.

    Its speech goes through the same reading rules and lexicon as a record's.
    """
    from kiosk.reading.pronounce import pronounce  # it imports this module

    text = clean(getattr(entry, "text", ""))
    own_lang = getattr(entry, "lang", None)
    spoken_lang = own_lang if own_lang in LANGUAGES else lang
    written = phrases(lang, phrases_dir)["label"].format(text=text)
    said = pronounce(written, spoken_lang, phrases_dir)
    return Utterance(
        text=written,
        lang=spoken_lang,
        item=getattr(entry, "id", None),
        kind="label",
        segments=((said, spoken_lang),) if said else (),
    )


def message(key: str, lang: str, **values: object) -> Utterance:
    """A fixed message (not found, errors, help...) in the kiosk's language."""
    kind = "error" if key in {"invalid", "reader_fault", "catalog_unavailable"} else "message"
    return Utterance(text=phrases(lang)[key].format(**values), lang=lang, kind=kind)
