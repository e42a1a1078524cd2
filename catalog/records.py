"""What the catalogue knows about a book (``Record``) or a shelf/service point (``Label``).

These are the values the kiosk phrases and speaks, so they are plain, frozen and already
clean: all text is Unicode NFC, catalogue punctuation (ISBD " /", " :") and cataloguers' notes
("[sic]") are gone (:mod:`catalog.punctuation`), personal authors are in catalogue form
("Lindgren, Astrid") for the kiosk to turn round, corporate ones (``Record.corporate``) as
written.  Importers build them; the store serialises them as JSON (:func:`record_to_dict` /
:func:`record_from_dict`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, fields
from typing import Any

STILL_PUBLISHED = 9999
"""``Record.year_end`` of a work still being published ("1985-"), as MARC 008 writes it."""
RECORD_KINDS: tuple[str, ...] = ("book", "talking_book", "ebook", "large_print", "music", "other")

NAME_SUFFIXES = frozenset({"jr.", "jr", "sr.", "sr", "d.y.", "d.ä.", "junior", "senior"})
"""Words a personal heading writes after the forenames that belong after the surname ("King,
Martin Luther, Jr." is "Martin Luther King Jr."): MARC keeps them in 100/600/700 $c, among
titles ("kung av Sverige") that the name is said without; importers keep these in the name."""


@dataclass(frozen=True)
class Record:
    """One catalogue record (a title, with the copies the library holds of it)."""

    id: str
    title: str
    subtitle: str | None = None
    part: str | None = None
    authors: tuple[str, ...] = ()
    narrators: tuple[str, ...] = ()
    corporate: tuple[str, ...] = ()
    """Which of ``authors``/``narrators`` are organisations or meetings (MARC 110/111/710/711):
    spoken as written, never turned round like "Lindgren, Astrid"."""
    language: str | None = None
    original_title: str | None = None
    """The title in its original script (MARC 880 linked to 245) when ``title`` is a
    romanisation ("Война и мир" for "Voĭna i mir"): said by the language's voice, searched."""
    original_authors: tuple[str, ...] = ()
    """The authors in their original script (MARC 880 linked to 100/110/111/700/710/711)."""
    year: int | None = None
    year_span: int | None = None
    """10 when ``year`` only starts a decade ("1990-talet", "199-", MARC "199u"), 100 when it
    starts a century ("[19--]", "19uu"); ``None``: the year itself.  "19" is never a year."""
    year_end: int | None = None
    """The last year of a work issued over several years ("1920-1922"): said as a range;
    :data:`STILL_PUBLISHED` for one still being published ("1985-": "från 1985")."""
    year_circa: bool | None = None
    """``True`` when the catalogue knows ``year`` only roughly ("ca 1520"): said "cirka"."""
    publisher: str | None = None
    edition: str | None = None
    extent: str | None = None
    playing_time_minutes: int | None = None
    pages: int | None = None
    series: str | None = None
    series_number: str | None = None
    summary: str | None = None
    subjects: tuple[str, ...] = ()
    subject_languages: tuple[str, ...] = ()
    """The language of each of ``subjects`` (ISO 639-2, "und" when unknown), from its
    vocabulary (MARC 6XX $2 "sao", "yso/fin", LCSH); empty when the catalogue did not say."""
    genres: tuple[str, ...] = ()
    kind: str = "book"
    isbns: tuple[str, ...] = ()
    barcodes: tuple[str, ...] = ()
    rfids: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    available: bool = True
    sample_path: str | None = None


@dataclass(frozen=True)
class Label:
    """A tag that is not a book: a shelf ("Talböcker för barn"), a service point, a room."""

    id: str
    text: str
    lang: str | None = None


_TUPLE_FIELDS = frozenset(f.name for f in fields(Record) if f.type.startswith("tuple"))
_FIELD_NAMES = frozenset(f.name for f in fields(Record))
_FIELD_ORDER = tuple(f.name for f in fields(Record))


def nfc(text: str | None) -> str | None:
    """NFC-normalise and trim; empty becomes ``None`` so "no value" has one spelling."""
    if text is None:
        return None
    text = unicodedata.normalize("NFC", text).strip()
    return text or None


def record_to_dict(record: Record) -> dict[str, Any]:
    """A JSON-ready dict, omitting empty values to keep a million rows small."""
    out: dict[str, Any] = {}
    for key in _FIELD_ORDER:
        value = getattr(record, key)
        if value is None or value == ():
            continue
        out[key] = list(value) if key in _TUPLE_FIELDS else value
    return out


def record_from_dict(data: dict[str, Any]) -> Record:
    """Inverse of :func:`record_to_dict`; unknown keys (from a newer version) are ignored."""
    kwargs = {}
    for key, value in data.items():
        if key not in _FIELD_NAMES:
            continue
        kwargs[key] = tuple(value) if key in _TUPLE_FIELDS else value
    return Record(**kwargs)
