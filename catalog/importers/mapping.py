"""MARC fields -> :class:`~catalog.records.Record`: one mapping for every way a record arrives.

The mapping reads records only through the pymarc-like interface of
:mod:`catalog.importers.fields`, so the fast ISO 2709 decoder (:mod:`.iso2709`), MARCXML
(:mod:`.marcxml`), an OAI-PMH harvest and plain ``pymarc.Record`` objects all go through
:func:`map_record` (or :func:`record_from_marc` when only the record is wanted).

How cataloguers really write, and what the visitor must hear of it:

* the title is 245 $a; without one, the collective title (245 $k) or the uniform or added
  title (240, 130, 730, 740 $a) - a record is never refused for having its title elsewhere;
* who is "by" is decided by the relators (:mod:`.relators`): a translator, illustrator,
  editor or writer of a preface is not the author, in any of the languages they are written;
  an added name with no relator (AACR2) by what 245 $c says they did (:mod:`.credits`);
* corporate and meeting names (110/111/710/711) are kept as written and listed in
  ``Record.corporate``, so nothing turns "Brookings Institution" round like a person;
* cataloguers' notes ("[from old catalog]", "[sic]") and brackets are not part of a name or
  title (:func:`catalog.punctuation.clean` with ``notes=True``);
* a title or author romanised in 245/100/700 keeps its original script from the linked
  880 field (``Record.original_title``/``original_authors``), for the voice and for search;
* an authority record (leader/06 ``z``) or a record that has only "see"/"see also"
  references and no title is not a book: it is rejected, saying so.
"""

from __future__ import annotations

import re

from catalog.errors import InvalidIdentifier
from catalog.identifiers import identifier_keys
from catalog.importers import Deletion, Entry, Holdings, Item, Rejection
from catalog.importers import describe as d
from catalog.importers.copies import Copies, read_copies
from catalog.importers.credits import added_authors
from catalog.importers.fields import (
    FieldLike,
    MarcField,
    MarcRecord,
    RecordLike,
    control,
    sub,
    subs,
)
from catalog.importers.headings import office_holder, person_subject
from catalog.importers.identity import record_ids
from catalog.importers.relators import roles
from catalog.punctuation import clean, nfc
from catalog.records import NAME_SUFFIXES, Record

__all__ = [
    "Copies",
    "MappingError",
    "MarcField",
    "MarcRecord",
    "map_record",
    "record_from_marc",
]

TITLE_SOURCES = (("245", "a"), ("245", "k"), ("240", "a"), ("130", "a"), ("730", "a"),
                 ("740", "a"))  # fmt: skip
"""Where a title is looked for, in order: the title proper, then the collective, uniform
and added titles."""

NAME_TAGS = ("100", "110", "111", "700", "710", "711")
CORPORATE_TAGS = frozenset({"110", "111", "710", "711"})
MAIN_ENTRY_TAGS = frozenset({"100", "110", "111"})

AUTHORITY_TYPES = {"z": "an authority record", "w": "a classification record",
                   "q": "a community information record"}  # fmt: skip
# Fields only an authority record has: see-from tracings (4XX), see-also tracings (5XX of
# the authority format) and its source notes.
_AUTHORITY_TAGS = ("400", "410", "411", "430", "450", "451", "455", "663", "664", "665", "667",
                   "670", "675", "678")  # fmt: skip
_SEE_ALSO_TAGS = ("500", "510", "511", "530", "550", "551")

_OTHER_IDS = {"1": "upc", "2": "ismn", "3": "ean"}
_SOURCE_IDS = {"gtin-14": "gtin", "gtin-13": "ean", "ean": "ean", "gtin-12": "upc", "upc": "upc",
               "ismn": "ismn"}  # fmt: skip
"""024 7_ by its $2 source code: the numbers of these kinds are printed on the item."""
_ISBN_JUNK = " .:;,/=+"


class MappingError(ValueError):
    """:func:`record_from_marc` was given a record that is not a usable bibliographic one."""


class _Name:
    """A 1XX/7XX name field read in one pass: the name and what its relators say."""

    __slots__ = ("corporate", "name", "roles", "work")

    def __init__(self, field: FieldLike) -> None:
        tag = field.tag
        meeting = tag in ("111", "711")
        # In X11 fields $e is a subordinate unit and $j the relator term; elsewhere $e is
        # the term and $b the unit (corporate) or numeration (person).
        unit_code, term_code = ("e", "j") if meeting else ("b", "e")
        first: str | None = None
        units: list[str] = []
        codes: list[str] = []
        terms: list[str] = []
        suffix = ""
        work = False
        for code, value in field.subfields:
            if not value.strip():
                continue
            if code == "a":
                if first is None:
                    first = value
            elif code == unit_code:
                units.append(value)
            elif code == "4":
                codes.append(value)
            elif code == term_code:
                terms.append(value)
            elif code == "t":
                work = True
            elif code == "c" and not suffix:
                # "King, Martin Luther, $c Jr.": kept; a title ("kung av Sverige") is not.
                said = clean(value, True) or ""
                suffix = said if said.casefold() in NAME_SUFFIXES else ""
        self.corporate = tag in CORPORATE_TAGS
        parts = [first, *(units if self.corporate else units[:1])] if units else [first]
        if len(parts) == 1:
            self.name = clean(first, True)
        elif self.corporate and first and (held := office_holder(first, units)):
            self.name = held
        else:
            self.name = clean(" ".join(clean(p, True) or "" for p in parts if p))
        if suffix and self.name and not self.corporate:
            self.name = f"{self.name}, {suffix}"
        self.roles = roles(codes, terms)
        self.work = work


_UNKNOWN = frozenset({"unknown"})


def _people(
    record: RecordLike, music: bool
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], frozenset[str]]:
    """(authors, narrators - on ``music`` its performers and conductors -, corporate names
    among them, the $6 link numbers of the relator-less 700s that are authors: their 880
    partners are too)."""
    authors: list[str] = []
    narrators: list[str] = []
    corporate: list[str] = []
    # A talking book's reader named in 511 ("Uppläsare: Reuben Sallmander") and again in a
    # relator-less 700 is the reader, not a co-author (records3-8); the main entry stays
    # the author even when the author reads (Astrid Lindgren reads her own book).
    from_511 = _narrators_from_511(record)
    readers = {_person_key(n) for n in from_511}
    fields = record.get_fields(*NAME_TAGS)
    entries = [_Name(field) for field in fields]
    # A 700 with no relator: who it is decides (:mod:`.credits`), not "an added author".
    added = added_authors(
        " ; ".join(c for f in record.get_fields("245") for c in subs(f, "c")),
        [
            (f.tag, str(f.indicator1), e.name, e.roles, e.work)
            for f, e in zip(fields, entries, strict=True)
        ],
    )
    links: list[str] = []
    for i, (field, entry) in enumerate(zip(fields, entries, strict=True)):
        name, found = entry.name, entry.roles
        if not name:
            continue
        if not found and field.tag == "700" and _person_key(name) in readers:
            narrators.append(name)
            continue
        spoken = False
        if "narrator" in found or (music and "performer" in found):
            narrators.append(name)
            spoken = True
        if "author" in found or (
            # No relator: the main entry is the author, an added name as decided above.
            # Only relators nobody knows: still the main entry's author (local shorthand).
            # (A name-title entry, $t, is a work inside this one, not its author.)
            not entry.work
            and (
                (not found and (field.tag in MAIN_ENTRY_TAGS or i in added))
                or (found == _UNKNOWN and field.tag in MAIN_ENTRY_TAGS)
            )
        ):
            authors.append(name)
            spoken = True
            if i in added:
                links.append((sub(field, "6") or "")[4:6])
        if spoken and entry.corporate:
            corporate.append(name)
    if not narrators:
        narrators.extend(from_511)
    return (
        tuple(dict.fromkeys(authors)),
        tuple(dict.fromkeys(narrators)),
        tuple(dict.fromkeys(corporate)),
        frozenset(link for link in links if link),
    )


class _Linked:
    """An 880 field read as the field its $6 links it to (880 $6 "100-01/(N" is a 100)."""

    __slots__ = ("subfields", "tag")

    def __init__(self, tag: str, field: FieldLike) -> None:
        self.tag = tag
        self.subfields = field.subfields


def _originals(
    record: RecordLike, added: frozenset[str]
) -> tuple[str | None, tuple[str, ...]]:
    """The title and authors in their original script: the 880 partners (linked by $6) of
    245 and of the name fields that make an author, as LC, Libris and Fennica catalogue
    books in Cyrillic, Arabic, Hebrew or Chinese script (245 holds the romanisation).
    A relator-less 700's partner is an author when the 700 is (``added``: link numbers)."""
    title: str | None = None
    authors: list[str] = []
    for field in record.get_fields("880"):
        link = sub(field, "6") or ""
        tag = link[:3]
        if tag == "245":
            title = title or clean(sub(field, "a"), notes=True)
        elif tag in NAME_TAGS:
            entry = _Name(_Linked(tag, field))
            if entry.name and (
                "author" in entry.roles
                or (
                    not entry.roles
                    and not entry.work
                    and (tag in MAIN_ENTRY_TAGS or (tag == "700" and link[4:6] in added))
                )
            ):
                authors.append(entry.name)
    return title, tuple(dict.fromkeys(authors))


def _person_key(name: str) -> frozenset[str]:
    """"Sallmander, Reuben" and "Reuben Sallmander" are one person: their words, folded."""
    return frozenset(name[:200].casefold().replace(",", " ").replace(".", " ").split())


def _narrators_from_511(record: RecordLike) -> list[str]:
    """"Uppläsare: Jan Guillou" in a participant note, when no name field says who reads."""
    found: list[str] = []
    for field in record.get_fields("511"):
        text = (sub(field, "a") or "")[: d.CAP]
        label, colon, names = text.partition(":")
        if not colon or "narrator" not in roles([], [label]):
            continue
        for joiner in (" och ", " and ", " ja ", " und ", " et "):
            names = names.replace(joiner, ",")
        for part in names.split(","):
            name = clean(part, notes=True)
            if name:
                found.append(name)
    return found


def _title(record: RecordLike) -> tuple[str, str | None, str | None] | None:
    field = record.get("245")
    subtitle = part = None
    if field is not None:
        b = subs(field, "b")
        subtitle = clean(" ".join(b), notes=True) if b else None
        part = ", ".join(c for c in (clean(v, notes=True) for v in subs(field, "np")) if c)
    for tag, code in TITLE_SOURCES:
        for source in record.get_fields(tag):
            title = clean(sub(source, code), notes=True)
            if title:
                if not part and tag != "245":  # "130 $a Bible. $p New Testament. $l Swedish."
                    part = ", ".join(c for c in (clean(v, True) for v in subs(source, "np")) if c)
                return title, subtitle, part or None
    title = subtitle or part
    if title:
        return title, None if title == subtitle else subtitle, None if title == part else part
    return None


def _not_bibliographic(record: RecordLike, leader: str) -> str | None:
    """Why this is an authority (or authority-like) record, or ``None``."""
    kind = AUTHORITY_TYPES.get(leader[6:7])
    if kind is not None:
        return (
            f"{kind} (leader/06 {leader[6:7]!r}), not a bibliographic one: it describes a"
            " heading and its \"see\"/\"see also\" references, not a book"
        )
    if record.get("245") is None and any(record.get(t) is not None for t in _AUTHORITY_TAGS):
        also = [t for t in _SEE_ALSO_TAGS if record.get(t) is not None]
        refs = "see/see also references" if also else "see references"
        return (
            f"looks like an authority record (no title, but {refs} and source notes in"
            " 4XX/5XX/66X-67X): a heading, not a book"
        )
    return None


def _isbn_text(value: str) -> str:
    """``"0815769768."``, ``"ISBN 0815769768 :"`` -> ``"0815769768"``; a qualifier
    ("(inb.)") is left for :func:`identifier_keys`, which knows it."""
    value = value[:200].strip()
    if value[:4].upper() == "ISBN":
        value = value[4:].lstrip(" :")
    return value.rstrip(_ISBN_JUNK)


_NUMBER = re.compile(r"[\dXx-]{10,17}")
_ADD_ON = re.compile(r"(97[89][\d-]{10,14})\s+\d\d(?:\d{3})?")


def _isbn_values(value: str) -> list[str]:
    """The ISBNs of one 020 $a as older records write them: "9789100123451 ; 9129657318"
    (two in one subfield) or "9789100123451 51995" (the EAN-5 price add-on printed beside
    the barcode, which is not part of the ISBN)."""
    out: list[str] = []
    for part in value[:200].split(";"):
        text = _isbn_text(part)
        if not text:
            continue
        add_on = _ADD_ON.fullmatch(text)
        words = text.split()
        if add_on is not None:
            out.append(add_on.group(1))
        elif len(words) > 1 and all(
            _NUMBER.fullmatch(w) and len(w.replace("-", "")) in (10, 13) for w in words
        ):
            out.extend(words)
        else:
            out.append(text)
    return out


def _identifiers(record: RecordLike, notes: list[str]) -> tuple[list[str], list[str]]:
    """(ISBN keys, every standard-number key) from 020, 022 and 024."""
    isbns: list[str] = []
    keys: list[str] = []
    for field in record.get_fields("020"):
        for value in (v for a in subs(field, "a") for v in _isbn_values(a)):
            try:
                isbns.extend(identifier_keys(nfc(value), "isbn"))
            except InvalidIdentifier as exc:
                notes.append(f"020 left out: {exc}")
    keys.extend(isbns)
    for field in record.get_fields("024", "022"):
        kind = "issn" if field.tag == "022" else _OTHER_IDS.get(field.indicator1)
        if kind is None and field.tag == "024" and field.indicator1 == "7":
            kind = _SOURCE_IDS.get((sub(field, "2") or "").strip().lower())
        if kind is None:
            continue
        for value in subs(field, "a"):
            try:
                keys.extend(identifier_keys(nfc(value[:200].strip().rstrip(_ISBN_JUNK)), kind))
            except InvalidIdentifier as exc:
                notes.append(f"{field.tag} left out: {exc}")
    return isbns, keys


def map_record(record: RecordLike, position: str, file: str) -> Item:
    """One MARC record (ours or pymarc's) to an ``Entry``, ``Deletion``, ``Holdings`` or
    ``Rejection``; ``position`` and ``file`` say where it came from in what staff read."""
    notes: list[str] = []
    isbns, keys = _identifiers(record, notes)
    record_id, legacy_id = record_ids(record, isbns)
    leader = str(record.leader)
    if record_id is None:
        return Rejection(
            file, position, None, "no control number (001), 035 or ISBN to identify it"
        )
    if leader[5:6] == "d":
        return Deletion(record_id, position)
    if leader[6:7] in ("u", "v", "x", "y"):
        # A MARC holdings record: its copies belong to the bibliographic record in 004.
        bib = control(record, "004").strip()
        if not bib:
            return Rejection(file, position, record_id, "holdings record without 004 (bib id)")
        source = control(record, "003").strip() or "marc"
        return Holdings(f"{source}:{bib}", position, read_copies(record, notes), tuple(notes))
    problem = _not_bibliographic(record, leader)
    if problem is not None:
        return Rejection(file, position, record_id, problem)
    title = _title(record)
    if title is None:
        return Rejection(
            file,
            position,
            record_id,
            "no title: 245 $a is missing or empty, and there is no 245 $k, 240, 130, 730"
            " or 740 $a to use instead",
        )
    copies = read_copies(record, notes)
    keys.extend(copies.keys)
    kind = d.kind(record)
    authors, narrators, corporate, added = _people(record, kind == "music")
    original_title, original_authors = _originals(record, added)
    series, series_number = d.series(record)
    f300 = record.get_fields("300")
    extent = clean(" ".join(" ".join(subs(f, "a")) for f in f300)) if f300 else None
    playing = None
    for value in (v for f in record.get_fields("306") for v in subs(f, "a")):
        found = d.from_306(value)
        if found is None and value.strip():
            notes.append(f"306 playing time {value.strip()[:40]!r} not understood, left out")
        playing = playing or found
    if playing is None and extent and kind in ("talking_book", "music"):
        playing = d.playing_minutes(extent)
    pages = d.pages(extent) if extent and kind != "talking_book" else None
    # Each 520 is a paragraph of its own (Libris writes a bulleted summary as one per item):
    # kept apart, so the kiosk ends a sentence at each (``punctuation.paragraphs``).
    summary = "\n\n".join(
        c for c in (clean(" ".join(subs(f, "ab"))) for f in record.get_fields("520")) if c
    )
    subject_fields = record.get_fields("600", "610", "650", "651")
    # Each heading with the language of its vocabulary: the kiosk reads a subject in the
    # voice of the language it is written in, and picks the visitor's where there is a choice.
    subjects = dict.fromkeys(
        (heading, d.subject_language(f))
        for f in subject_fields
        # A person the book is about is said as a name (:mod:`.headings`).
        if (heading := person_subject(f) if f.tag == "600" else clean(sub(f, "a"), notes=True))
    )
    subject_languages = tuple(code for _heading, code in subjects)
    genres = [clean(sub(f, "a"), notes=True) for f in record.get_fields("655")]
    title_, subtitle, part = title
    year, span = d.year(record), None
    if year is None and (found := d.year_period(record)) is not None:
        year, span = found  # "199u", "[19--]": a decade or a century, said as one
    year_end, circa = d.year_detail(record, year) if year and not span else (None, False)
    rec = Record(
        id=record_id,
        title=title_,
        subtitle=subtitle,
        part=part,
        authors=authors,
        narrators=narrators,
        corporate=corporate,
        language=d.language(record),
        original_title=original_title if original_title != title[0] else None,
        original_authors=original_authors,
        year=year,
        year_span=span,
        year_end=year_end,
        year_circa=True if circa else None,
        publisher=d.publisher(record),
        edition=d.edition(record),
        extent=extent,
        playing_time_minutes=playing,
        pages=pages,
        series=series,
        series_number=series_number,
        summary=(summary + "." if summary and summary[-1].isalnum() else summary) or None,
        subjects=tuple(heading for heading, _code in subjects),
        subject_languages=(
            subject_languages if set(subject_languages) != {d.UNKNOWN_LANGUAGE} else ()
        ),
        genres=tuple(dict.fromkeys(g for g in genres if g)),
        kind=kind,
        isbns=tuple(dict.fromkeys(isbns)),
        barcodes=tuple(dict.fromkeys(copies.barcodes)),
        locations=tuple(copies.locations),
        available=copies.any_available or not copies.any_copy,
    )
    return Entry(
        rec, position, tuple(dict.fromkeys(keys)), frozenset(copies.unavailable), tuple(notes),
        legacy_id,
    )


def record_from_marc(record: RecordLike, position: str = "record", file: str = "") -> Record:
    """The :class:`Record` of one bibliographic MARC record (a ``pymarc.Record``, a
    :class:`MarcRecord`, or :func:`catalog.importers.marcxml.record_from_element`'s result).

    For callers that take one record at a time (an OAI-PMH harvest): raises
    :class:`MappingError` with the reason when the record is a deletion, holdings or is
    rejected.  Importers of whole files use :func:`map_record`, which reports those instead.
    """
    item = map_record(record, position, file)
    if isinstance(item, Entry):
        return item.record
    if isinstance(item, Rejection):
        raise MappingError(item.reason)
    if isinstance(item, Deletion):
        raise MappingError(f"record {item.record_id} is marked deleted (leader/05 'd')")
    raise MappingError("a holdings record (leader/06 u/v/x/y), not a bibliographic one")
