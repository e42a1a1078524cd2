"""Turning catalogue records into the sentences a visitor hears.

The texts live in ``kiosk/phrases/<lang>.toml`` so staff can change the wording without
touching code; this module only fills them in.  The result is an ``Utterance``: the text as a
screen would show it (and as the transcript records it) plus the pieces to synthesise.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from kiosk import phrase_files

LANGUAGES: tuple[str, ...] = ("sv", "en")
DEFAULT_LANGUAGE = "sv"

# Catalogue (ISBD) punctuation that ends a MARC subfield means nothing when spoken; a final
# full stop goes too - unless it ends an initial ("Lovecraft, H. P.").
# The whole trailing run at once, found by walking back from the end (a regex search for
# "[...]+$" restarts at every position of a long run: quadratic).
_TRAILING_CHARS = frozenset(" /:;,=.")
# A head ending in a lone letter ("H. P"): its full stop is an initial's, not the sentence's.
_INITIAL_END = re.compile(r"(?<!\w)\w$")
# "Lindgren, Astrid, 1907-2002" - life dates are for catalogue cards, not for the ear.
_LIFE_DATES = re.compile(r",?\s*\(?\d{3,4}\s*-\s*(\d{3,4})?\)?\.?$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


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
    """NFC, no control characters, no trailing catalogue punctuation, single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", _CONTROL.sub(" ", text))
    text = " ".join(text.split())
    # " /." and "./" both occur: the whole run of trailing ISBD punctuation and full stops
    # goes in one pass (a loop taking one ". " per pass was quadratic: a 60 kB field of ". "
    # froze a lookup), keeping only an initial's full stop.
    end = len(text)
    while end and text[end - 1] in _TRAILING_CHARS:
        end -= 1
    if end < len(text):
        head, tail = text[:end], text[end:]
        keep = "." if tail[0] == "." and _INITIAL_END.search(head) else ""
        text = head + keep
    return text


def natural_name(name: str) -> str:
    """"Lindgren, Astrid" -> "Astrid Lindgren"; corporate names and single names unchanged."""
    name = clean(_LIFE_DATES.sub("", clean(name)))
    surname, sep, forenames = name.partition(", ")
    if not sep or not forenames:
        return name
    # "Tolkien, J. R. R. (John Ronald Reuel)": the fuller form is for disambiguation only.
    forenames = re.sub(r"\s*\(.*?\)\s*", " ", forenames).strip()
    return f"{forenames} {surname}".strip()


def join_names(names: list[str], lang: str) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {phrases(lang)['and']} {names[-1]}"


def announce(record: Any, lang: str) -> Utterance:
    """Level one: title, then author in natural order."""
    table = phrases(lang)
    title = clean(getattr(record, "title", "")) or "?"
    authors = [natural_name(a) for a in getattr(record, "authors", ()) or () if clean(a)]
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
