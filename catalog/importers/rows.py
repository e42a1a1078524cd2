"""One CSV row or JSON object (canonical column names) to a catalogue entry.

Shared by the CSV and JSON readers in :mod:`catalog.importers.csv_json`, so both spell
columns, multi-valued cells, people and numbers the same way.  A value that cannot be used
(a year of 5,000 digits) rejects its row with the reason; it never stops the import.

People in one cell (authors, narrators): ``;``, ``|`` or a line break separate people, and a
comma belongs to a name - ``"García Márquez, Gabriel José"`` is one person.  Only in a file
whose names are in direct order (:data:`DIRECT`, decided once per file by
:func:`people_convention`, as Goodreads exports are) may commas separate people, and then only
when every part is itself a full name ("J.K. Rowling, Mary GrandPré").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from catalog.errors import InvalidIdentifier
from catalog.identifiers import identifier_keys, normalise
from catalog.importers import Entry, Item, LabelEntry, Rejection, duration
from catalog.importers.cells import several_people
from catalog.importers.describe import (
    DATE,
    approximate,
    corrected,
    last_year,
    period,
    roman_year,
    uncertain,
)
from catalog.importers.headings import looks_corporate
from catalog.punctuation import plain, title_statement
from catalog.records import RECORD_KINDS, Label, Record

MAX_DIGITS = 9
"""A year, page count or playing time longer than this is not a number a catalogue holds;
the row is rejected (Python refuses int() of 4,300+ digits, which once aborted an import)."""

INVERTED = "inverted"
"""People written "Surname, Given names"; only ``;`` ``|`` or line breaks separate them."""
DIRECT = "direct"
"""People written "Given Surname" (Goodreads): commas between full names separate them."""


class BadValue(ValueError):
    """A cell whose value cannot be used; its row is rejected with this message."""


# Canonical column -> accepted header spellings (compared lower-case, diacritics removed,
# spaces and hyphens as underscores).
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "record_id", "post_id", "postid", "book_id", "katalogid", "control_number"),
    "type": ("type", "posttyp", "row_type"),
    "title": ("title", "titel", "huvudtitel"),
    "subtitle": ("subtitle", "undertitel"),
    "part": ("part", "del", "delbeteckning"),
    "authors": ("author", "authors", "forfattare", "upphov", "upphovsman", "creator"),
    "narrators": ("narrator", "narrators", "upplasare", "inlasare", "reader"),
    "corporate": ("corporate", "corporate_names", "organisations", "organizations"),
    "isbns": ("isbn", "isbns", "isbn10", "isbn13", "isbn_10", "isbn_13"),
    "barcodes": ("barcode", "barcodes", "streckkod", "streckkoder", "exemplar", "item_barcode"),
    "rfids": ("rfid", "rfids", "rfid_uid", "tag", "tagg", "uid"),
    "identifiers": ("identifier", "identifiers", "ean", "issn", "ismn", "upc", "identifierare"),
    "original_title": ("original_title", "title_original_script"),
    "original_authors": ("original_authors", "authors_original_script"),
    "language": ("language", "language_code", "lang", "sprak", "spraakkod", "sprakkod"),
    "year": ("year", "ar", "utgivningsar", "publication_year", "original_publication_year"),
    "publisher": ("publisher", "forlag", "utgivare"),
    "edition": ("edition", "upplaga"),
    "extent": ("extent", "omfang"),
    "pages": ("pages", "sidor", "sidantal"),
    "playing_time_minutes": ("playing_time", "playing_time_minutes", "speltid", "minutes"),
    "series": ("series", "serie"),
    "series_number": ("series_number", "serienummer", "nummer_i_serie"),
    "summary": ("summary", "description", "sammanfattning", "beskrivning"),
    "subjects": ("subjects", "subject", "amnen", "amnesord", "amne"),
    "subject_languages": ("subject_languages", "subject_language", "subjects_language",
                          "amnesordssprak"),
    "genres": ("genre", "genres", "genrer"),
    "kind": ("kind", "media_type", "medietyp", "format", "medium"),
    "locations": ("location", "locations", "shelf", "hylla", "placering", "hyllplacering"),
    "available": ("available", "tillganglig"),
    "sample_path": ("sample", "sample_path", "provlyssning"),
    "text": ("text", "label", "etikett"),
}
_ALIASES = {alias: canon for canon, aliases in COLUMNS.items() for alias in aliases}

KIND_WORDS = {
    "book": "book",
    "bok": "book",
    "bocker": "book",
    "talking_book": "talking_book",
    "talbok": "talking_book",
    "ljudbok": "talking_book",
    "audiobook": "talking_book",
    "daisy": "talking_book",
    "talking book": "talking_book",
    "ebook": "ebook",
    "e_bok": "ebook",
    "e-bok": "ebook",
    "e-book": "ebook",
    "large_print": "large_print",
    "storstil": "large_print",
    "large print": "large_print",
    "music": "music",
    "musik": "music",
    "other": "other",
    "ovrigt": "other",
    "annat": "other",
}
LANGUAGE_2TO3 = {
    "sv": "swe",
    "en": "eng",
    "fi": "fin",
    "de": "ger",
    "fr": "fre",
    "es": "spa",
    "no": "nor",
    "nb": "nor",
    "nn": "nor",
    "da": "dan",
    "is": "ice",
    "it": "ita",
    "ar": "ara",
    "fa": "per",
    "so": "som",
    "ru": "rus",
    "pl": "pol",
    "se": "sme",
    "ti": "tir",
    "tr": "tur",
    "uk": "ukr",
    "pt": "por",
    "nl": "dut",
    "zh": "chi",
    "ja": "jpn",
    "et": "est",
    "bs": "bos",
    "hr": "hrv",
    "sr": "srp",
    "ku": "kur",
}
TRUE_WORDS = {"1", "yes", "y", "true", "ja", "j", "sant", "x"}
FALSE_WORDS = {"0", "no", "n", "false", "nej", "falskt", "withdrawn", "lost", "gallrad"}


def fold(name: str) -> str:
    """Header spelling for matching: lower case, no diacritics, ``_`` for spaces/hyphens."""
    decomposed = unicodedata.normalize("NFKD", name.strip().lstrip("\ufeff").lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s\-./]+", "_", plain).strip("_")


def _nfc(value: Any) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None


def _split(value: Any, *, names: str | None = None) -> list[str]:
    """A multi-valued cell: a JSON list, or text separated by ``;`` ``|`` or line breaks.

    ``names`` is the file's people convention (:data:`INVERTED` or :data:`DIRECT`): in an
    inverted file a comma is part of a name ("Lindgren, Astrid"); in a direct-order file a
    cell without ``;`` whose comma-separated parts are all full names ("J.K. Rowling, Mary
    GrandPré") lists people.  A cell with ``;`` never splits at commas, in either file.
    """
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in (_nfc(x) for x in value) if v]
    text = _nfc(value) or ""
    parts = [p for p in (x.strip() for x in _LIST_SEP.split(text)) if p]
    if names == DIRECT and len(parts) == 1 and not _LIST_SEP.search(text) and "," in text:
        pieces = [p.strip() for p in parts[0].split(",")]
        if all(" " in p for p in pieces) or several_people(pieces):
            parts = pieces
    return parts


_LIST_SEP = re.compile(r"[;|\n]")


def people_convention(cells: Iterable[str]) -> str:
    """How a file writes people, from its first author cells: :data:`DIRECT` when fewer than
    half of them have a comma and none uses ``;`` or ``|`` (a Goodreads export: "Suzanne
    Collins"), else :data:`INVERTED` (a library's: "Lindgren, Astrid")."""
    seen = with_comma = 0
    for cell in cells:
        cell = cell.strip()
        if not cell:
            continue
        if _LIST_SEP.search(cell):
            return INVERTED
        seen += 1
        with_comma += "," in cell
    return DIRECT if seen and with_comma * 2 < seen else INVERTED


def _ids(value: Any) -> list[str]:
    """Identifiers in a cell: a JSON list or text separated by ``;`` ``|`` ``,`` or spaces
    (hyphens and qualifiers such as "(inb.)" stay with their number)."""
    if isinstance(value, list):
        return [v for v in (_nfc(x) for x in value) if v]
    text = _nfc(value) or ""
    if not text:
        return []
    return [p.strip() for p in re.split(r"[;|,\n]|\s{2,}", text) if p.strip()]


# --------------------------------------------------------------------------- rows


def _int(value: Any, column: str) -> int | None:
    """A whole number from a cell ("1973", "ca 1973", 312.0); ``BadValue`` when it has more
    than :data:`MAX_DIGITS` digits or is not finite."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise BadValue(f"{column}: {value!r} is not a number this catalogue can hold")
        value = int(value)
    if isinstance(value, int):
        if abs(value) >= 10**MAX_DIGITS:
            raise BadValue(f"{column}: {value:.3g} is too large to be a {column}")
        return value
    match = _DIGITS.search(str(value))
    if not match:
        return None
    if len(match.group(1)) > MAX_DIGITS:
        raise BadValue(
            f"{column}: a number of {len(match.group(1))} digits is too large to be a {column}"
        )
    return int(match.group())


_DIGITS = re.compile(r"-?(\d+)")


def _year(value: Any) -> tuple[int | None, int | None, int | None, bool]:
    """A year cell as ``(year, span, last year, approximate)``: "1973" -> (1973, None, None,
    False); a decade or century ("1990-talet", "199-", "[19--]", "1800s") -> its first year and
    span, never "19" or "1990" as a year; "1920-1922" -> its last year too; "ca 1520" ->
    approximate; "MCMLXV" -> 1965."""
    if isinstance(value, str):
        if (found := period(value)) is not None:
            return (*found, None, False)
        if (fixed := corrected(value)) is not None:
            return fixed, None, None, False  # "1968 [i.e. 1969]"
        if uncertain(value):
            return None, None, None, False  # "[between 1900 and 1910]": never a wrong year
        if (roman := roman_year(value)) is not None:
            return roman, None, None, False
        dated = DATE.search(value[:200])  # "1.1.1990": the year, never "1"
        first = int(dated.group(1)) if dated else _int(value, "year")
        last = last_year(value, first) if first else None
        return first, None, last, approximate(value)
    return _int(value, "year"), None, None, False


def _minutes(value: Any, notes: list[str]) -> int | None:
    """Playing time as minutes (:func:`catalog.importers.duration.minutes`: "332", "5:32",
    "5 tim 32 min", "PT5H32M", "053200"); a form not understood is left out with a note,
    never read in part ("1 timme 10 minuter" as 10 minutes)."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return _int(value, "playing time")
    text = str(value).strip()
    if len(text) > 40:
        raise BadValue(f"playing time: {len(text)} characters is not a playing time")
    if text.isdigit() and len(text) != 6:  # minutes; six digits are MARC's hhmmss
        return _int(text, "playing time")
    found = duration.minutes(text)
    if found is None:
        notes.append(
            f"playing time {text!r} not understood, left out (give minutes, 5:32,"
            " '5 tim 32 min' or PT5H32M)"
        )
    return found


def _language(value: Any) -> str | None:
    text = (_nfc(value) or "").lower()
    if not text:
        return None
    base = re.split(r"[-_]", text)[0]
    if len(base) == 2:
        return LANGUAGE_2TO3.get(base, base)
    return base[:3] if base.isalpha() else None


def _subject_languages(value: Any, count: int) -> tuple[str, ...]:
    """The language of each subject: one code for all ("swe": the library's own subject
    words) or one per subject, as ``export`` writes them; "und" where a code is unusable."""
    codes = [_language(v) or "und" for v in _split(value)]
    if not codes or not count:
        return ()
    if len(codes) == 1:
        codes *= count
    codes = (codes + ["und"] * count)[:count]
    return () if set(codes) == {"und"} else tuple(codes)


def _bool(value: Any, default: bool = True) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return default


def row_to_item(row: dict[str, Any], position: str, file: str, names: str = INVERTED) -> Item:
    """One row (canonical column names) to an ``Entry``, ``LabelEntry`` or ``Rejection``.

    ``names`` is the file's people convention (:func:`people_convention`).
    """
    try:
        return _row_to_item(row, position, file, names)
    except BadValue as exc:
        given = row.get("id")
        ident = None if isinstance(given, dict | list) else _nfc(given)
        return Rejection(file, position, ident, str(exc))


def _checked(row: dict[str, Any]) -> dict[str, Any]:
    """The row with its text as a terminal would show it (:func:`plain`: no escape
    sequences or control characters, as every importer stores text).  A JSON object or a
    nested list where text is expected is a ``BadValue`` naming the column: turned into text
    it was stored as Python's spelling ("['x', {'y': 1}]") and spoken, brackets and quotes
    included."""
    out: dict[str, Any] = {}
    for column, value in row.items():
        inner = value if isinstance(value, list) else [value]
        for item in inner:
            if isinstance(item, dict | list):
                kind = "an object {...}" if isinstance(item, dict) else "a list inside a list"
                raise BadValue(f"{column}: expected text, a number or a list of them, got {kind}")
        if isinstance(value, str):
            value = plain(value)
        elif isinstance(value, list):
            value = [plain(v) if isinstance(v, str) else v for v in value]
        out[column] = value
    return out


def _copies_keys(values: Iterable[str], kind: str, notes: list[str], keys: list[str]) -> list[str]:
    """Each barcode or RFID value normalised (its key first, other spellings after, all of
    them added to ``keys``); one that cannot be is left out with a note."""
    firsts: list[str] = []
    for value in values:
        try:
            found = identifier_keys(value, kind)
        except InvalidIdentifier as exc:
            notes.append(f"{'RFID' if kind == 'rfid' else kind} left out: {exc}")
            continue
        firsts.append(found[0])
        keys.extend(found)
    return firsts


def _row_to_item(row: dict[str, Any], position: str, file: str, names: str) -> Item:
    row = _checked(row)
    notes: list[str] = []
    keys: list[str] = []
    isbns: list[str] = []
    for value in _ids(row.get("isbns")):
        try:
            isbns.extend(identifier_keys(value, "isbn"))
        except InvalidIdentifier as exc:
            notes.append(f"ISBN left out: {exc}")
    isbns = list(dict.fromkeys(isbns))
    keys.extend(isbns)
    barcodes = _copies_keys(_ids(row.get("barcodes")), "barcode", notes, keys)
    rfids = _copies_keys(_split(row.get("rfids")), "rfid", notes, keys)
    for value in _ids(row.get("identifiers")):
        try:
            keys.append(normalise(value).value)
        except InvalidIdentifier as exc:
            notes.append(f"identifier left out: {exc}")
    keys = list(dict.fromkeys(keys))
    given_id = _nfc(row.get("id"))
    first_key = isbns[0] if isbns else None

    row_type = fold(_nfc(row.get("type")) or "record")
    if row_type in ("label", "etikett", "hylla", "shelf", "service_point"):
        text = _nfc(row.get("text")) or _nfc(row.get("title"))
        label_id = given_id or (f"label:{keys[0]}" if keys else None)
        if not text:
            return Rejection(file, position, label_id, "label without text (column 'text')")
        if not keys:
            return Rejection(
                file, position, label_id, "label without a tag: give a barcode, rfid or identifier"
            )
        lang = _language(row.get("language"))
        return LabelEntry(Label(label_id or f"label:{keys[0]}", text, lang), position, tuple(keys))
    if row_type not in ("record", "book", "post", "titel", "title"):
        return Rejection(
            file, position, given_id, f"type {row.get('type')!r} is neither 'record' nor 'label'"
        )

    record_id = given_id
    if record_id is None:
        if first_key:
            record_id = f"isbn:{first_key}"
        elif barcodes:
            record_id = f"barcode:{barcodes[0]}"
        elif rfids:
            record_id = f"rfid:{rfids[0]}"
    title = _nfc(row.get("title"))
    if not title:
        return Rejection(file, position, record_id, "no title (column 'title' / 'titel' is empty)")
    title, subtitle = title_statement(title, _nfc(row.get("subtitle")))
    if record_id is None:
        why = "no id, ISBN, barcode or RFID: the row could not be found again to update it"
        if notes:  # an identifier was given but is wrong: that is the reason to give
            why = "no id and no usable identifier (" + "; ".join(notes) + ")"
        return Rejection(file, position, None, why)
    kind_text = (_nfc(row.get("kind")) or "book").lower()
    kind = KIND_WORDS.get(kind_text, KIND_WORDS.get(fold(kind_text), kind_text))
    if kind not in RECORD_KINDS:
        notes.append(f"kind {kind_text!r} unknown, read as 'other'")
        kind = "other"
    year, span, year_end, circa = _year(row.get("year"))
    subjects = tuple(_split(row.get("subjects")))
    authors = _split(row.get("authors"), names=names)
    narrators = _split(row.get("narrators"), names=names)
    # An organisation in an author cell is said as written, never turned round like a person.
    corporate = _split(row.get("corporate"), names=names)
    corporate += [n for n in (*authors, *narrators) if n not in corporate and looks_corporate(n)]
    authors += [n for n in corporate if n not in authors and n not in narrators]
    record = Record(
        id=record_id,
        title=title,
        subtitle=subtitle,
        part=_nfc(row.get("part")),
        authors=tuple(authors),
        narrators=tuple(narrators),
        corporate=tuple(corporate),
        language=_language(row.get("language")),
        original_title=_nfc(row.get("original_title")),
        original_authors=tuple(_split(row.get("original_authors"), names=names)),
        year=year if year and 0 < year < 3000 else None,
        year_span=span if year and 0 < year < 3000 else None,
        year_end=year_end if year and 0 < year < 3000 else None,
        year_circa=True if circa and year and 0 < year < 3000 else None,
        publisher=_nfc(row.get("publisher")),
        edition=_nfc(row.get("edition")),
        extent=_nfc(row.get("extent")),
        playing_time_minutes=_minutes(row.get("playing_time_minutes"), notes),
        pages=_int(row.get("pages"), "pages"),
        series=_nfc(row.get("series")),
        series_number=_nfc(row.get("series_number")),
        summary=_nfc(row.get("summary")),
        subjects=subjects,
        subject_languages=_subject_languages(row.get("subject_languages"), len(subjects)),
        genres=tuple(_split(row.get("genres"))),
        kind=kind,
        isbns=tuple(isbns),
        barcodes=tuple(dict.fromkeys(barcodes)),
        rfids=tuple(dict.fromkeys(rfids)),
        locations=tuple(_split(row.get("locations"))),
        available=_bool(row.get("available")),
        sample_path=_nfc(row.get("sample_path")),
    )
    unavailable = frozenset(keys) if not record.available else frozenset()
    return Entry(record, position, tuple(keys), unavailable, tuple(notes))


def canonical(headers: Iterable[str]) -> tuple[list[str | None], list[str]]:
    mapped: list[str | None] = []
    unknown: list[str] = []
    for header in headers:
        canon = _ALIASES.get(fold(header or ""))
        mapped.append(canon)
        if canon is None and (header or "").strip():
            unknown.append(header.strip())
    return mapped, unknown


def merge(row: dict[str, Any], canon: str, value: Any) -> None:
    """Several headers may map to one column (isbn10 + isbn13): keep every value."""
    if value is None or value == "" or value == []:
        return
    if canon not in row:
        row[canon] = value
    elif canon in ("isbns", "barcodes", "rfids", "identifiers", "subjects", "genres",
                   "subject_languages"):
        old = row[canon] if isinstance(row[canon], list) else [row[canon]]
        row[canon] = old + (value if isinstance(value, list) else [value])
