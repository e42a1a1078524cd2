"""CSV/TSV and JSON/JSON Lines into catalogue entries.

The column set is documented in ``docs/catalogue.md``; headers may be English or Swedish
(``title``/``titel``, ``author``/``författare``, ``barcode``/``streckkod``...), in any case,
with or without diacritics.  Unknown columns are reported once, so a misspelt header does
not silently lose data.

Encoding: UTF-8 with or without BOM, and UTF-16 with BOM (Excel's "Unicode text").  When the
start of the file is not UTF-8 but is valid Windows-1252 (Excel's default "CSV" on Swedish
Windows), it is read as Windows-1252 and a warning says so; a file that is neither is refused
with a message saying how to re-save it.  The delimiter (``,`` ``;`` tab ``|``) is sniffed.

Everything is streamed: one row at a time for CSV, one object at a time for JSON (a top-level
array or a sequence of objects, one per line or not).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import logging
import re
import unicodedata
from collections.abc import Generator, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from catalog.errors import InvalidIdentifier
from catalog.identifiers import identifier_keys, normalise
from catalog.importers import Entry, Item, LabelEntry, Notice, Rejection
from catalog.records import RECORD_KINDS, Label, Record

log = logging.getLogger(__name__)

SNIFF_BYTES = 64 * 1024
_SURROGATE = re.compile("[\udc80-\udcff]")
MAX_JSON_OBJECT = 16 * 1024 * 1024

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
    "isbns": ("isbn", "isbns", "isbn10", "isbn13", "isbn_10", "isbn_13"),
    "barcodes": ("barcode", "barcodes", "streckkod", "streckkoder", "exemplar", "item_barcode"),
    "rfids": ("rfid", "rfids", "rfid_uid", "tag", "tagg", "uid"),
    "identifiers": ("identifier", "identifiers", "ean", "issn", "ismn", "upc", "identifierare"),
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


def _split(value: Any, *, names: bool = False) -> list[str]:
    """A multi-valued cell: a JSON list, or text separated by ``;`` ``|`` or newlines.

    For names, commas normally separate surname from given names ("Lindgren, Astrid"); but
    when every comma-separated part is itself a full name ("J.K. Rowling, Mary GrandPré", as
    Goodreads exports have it) the commas separate people.
    """
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in (_nfc(x) for x in value) if v]
    text = _nfc(value) or ""
    parts = [p for p in (x.strip() for x in re.split(r"[;|\n]", text)) if p]
    if names and len(parts) == 1 and "," in parts[0]:
        pieces = [p.strip() for p in parts[0].split(",")]
        if len(pieces) > 1 and all(" " in p for p in pieces):
            parts = pieces
    return parts


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


def _int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    match = re.search(r"-?\d+", str(value))
    return int(match.group()) if match else None


def _minutes(value: Any) -> int | None:
    """Playing time as minutes, "5:32" (h:mm) or "5 tim 32 min" / "5 h 32 min"."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return int(value)
    text = str(value).strip().lower()
    match = re.fullmatch(r"(\d+):(\d{1,2})(?::\d{1,2})?", text)
    if match:
        return int(match.group(1)) * 60 + int(match.group(2))
    hours = re.search(r"(\d+)\s*(?:h|t|tim|timmar|hours?|hrs?)\b", text)
    mins = re.search(r"(\d+)\s*(?:m|min|minuter|minutes?)\b", text)
    if hours or mins:
        return (int(hours.group(1)) * 60 if hours else 0) + (int(mins.group(1)) if mins else 0)
    return _int(text)


def _language(value: Any) -> str | None:
    text = (_nfc(value) or "").lower()
    if not text:
        return None
    base = re.split(r"[-_]", text)[0]
    if len(base) == 2:
        return LANGUAGE_2TO3.get(base, base)
    return base[:3] if base.isalpha() else None


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


def row_to_item(row: dict[str, Any], position: str, file: str) -> Item:
    """One row (canonical column names) to an ``Entry``, ``LabelEntry`` or ``Rejection``."""
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
    barcodes: list[str] = []
    for value in _ids(row.get("barcodes")):
        try:
            found = identifier_keys(value, "barcode")
        except InvalidIdentifier as exc:
            notes.append(f"barcode left out: {exc}")
            continue
        barcodes.append(found[0])
        keys.extend(found)
    rfids: list[str] = []
    for value in _split(row.get("rfids")):
        try:
            found = identifier_keys(value, "rfid")
        except InvalidIdentifier as exc:
            notes.append(f"RFID left out: {exc}")
            continue
        rfids.append(found[0])
        keys.extend(found)
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
    if record_id is None:
        return Rejection(
            file,
            position,
            None,
            "no id, ISBN, barcode or RFID: the row could not be found again to update it",
        )
    kind_text = (_nfc(row.get("kind")) or "book").lower()
    kind = KIND_WORDS.get(kind_text, KIND_WORDS.get(fold(kind_text), kind_text))
    if kind not in RECORD_KINDS:
        notes.append(f"kind {kind_text!r} unknown, read as 'other'")
        kind = "other"
    year = _int(row.get("year"))
    record = Record(
        id=record_id,
        title=title,
        subtitle=_nfc(row.get("subtitle")),
        part=_nfc(row.get("part")),
        authors=tuple(_split(row.get("authors"), names=True)),
        narrators=tuple(_split(row.get("narrators"), names=True)),
        language=_language(row.get("language")),
        year=year if year and 0 < year < 3000 else None,
        publisher=_nfc(row.get("publisher")),
        edition=_nfc(row.get("edition")),
        extent=_nfc(row.get("extent")),
        playing_time_minutes=_minutes(row.get("playing_time_minutes")),
        pages=_int(row.get("pages")),
        series=_nfc(row.get("series")),
        series_number=_nfc(row.get("series_number")),
        summary=_nfc(row.get("summary")),
        subjects=tuple(_split(row.get("subjects"))),
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


def _canonical(headers: Iterable[str]) -> tuple[list[str | None], list[str]]:
    mapped: list[str | None] = []
    unknown: list[str] = []
    for header in headers:
        canon = _ALIASES.get(fold(header or ""))
        mapped.append(canon)
        if canon is None and (header or "").strip():
            unknown.append(header.strip())
    return mapped, unknown


def _merge(row: dict[str, Any], canon: str, value: Any) -> None:
    """Several headers may map to one column (isbn10 + isbn13): keep every value."""
    if value is None or value == "" or value == []:
        return
    if canon not in row:
        row[canon] = value
    elif canon in ("isbns", "barcodes", "rfids", "identifiers", "subjects", "genres"):
        old = row[canon] if isinstance(row[canon], list) else [row[canon]]
        row[canon] = old + (value if isinstance(value, list) else [value])


# --------------------------------------------------------------------------- encodings


def detect_encoding(head: bytes) -> tuple[str, str | None]:
    """Return (codec, warning) for the start of a text file; raise ``ValueError`` if hopeless."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", None
    try:
        head.decode("utf-8")
        return "utf-8", None
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3 and exc.reason == "unexpected end of data":
            return "utf-8", None  # a character cut by the sniff window, not an error
        bad_at = exc.start
    try:
        head.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"not UTF-8 (byte {bad_at}) and not Windows-1252 (byte {exc.start}): re-save the"
            " file as 'CSV UTF-8'"
        ) from exc
    return "cp1252", (
        f"the file is not UTF-8 (first bad byte at {bad_at}); read as Windows-1252."
        " Re-save it as 'CSV UTF-8' to be sure of the letters å, ä, ö"
    )


@contextmanager
def _binary(path: Path, stream: BinaryIO | None) -> Iterator[BinaryIO]:
    """The caller's stream (left open) or the file opened here (closed here)."""
    if stream is not None:
        yield stream
        return
    with open(path, "rb") as handle:
        yield handle


def _open_text(
    handle: BinaryIO, file: str
) -> Generator[Item, None, tuple[io.TextIOWrapper, str] | None]:
    """Yield what is to be said about the whole file (an encoding refused or guessed) and
    return ``(text stream, first characters)``, or ``None`` when it cannot be read."""
    head = handle.read(SNIFF_BYTES)
    handle.seek(0)
    try:
        encoding, warning = detect_encoding(head)
    except ValueError as exc:
        yield Rejection(file, "whole file", None, str(exc))
        return None
    if warning:
        yield Notice(file, "whole file", None, warning)
    # surrogateescape turns undecodable bytes into lone surrogates, which valid text never
    # holds, so a bad line can be told from one that merely contains U+FFFD.
    text = io.TextIOWrapper(handle, encoding=encoding, errors="surrogateescape", newline="")
    return text, head.decode(encoding, errors="replace")


# --------------------------------------------------------------------------- CSV


def read_csv(path: Path, stream: BinaryIO | None = None) -> Iterator[Item]:
    """Entries from a CSV/TSV file, one per row; the position is the row's first line."""
    file = str(path)
    with _binary(path, stream) as handle:
        opened = yield from _open_text(handle, file)
        if opened is None:
            return
        text, sample = opened
        delimiter = _sniff(sample, path)
        reader = csv.reader(text, delimiter=delimiter)
        try:
            headers = next(reader)
        except StopIteration:
            yield Rejection(file, "line 1", None, "the file is empty (no header line)")
            return
        except csv.Error as exc:
            yield Rejection(file, "line 1", None, f"unreadable header: {exc}")
            return
        mapped, unknown = _canonical(headers)
        if "title" not in mapped and "text" not in mapped:
            yield Rejection(
                file,
                "line 1",
                None,
                f"no 'title' (or 'titel') column among the headers {headers!r};"
                f" is the delimiter {delimiter!r} right?",
            )
            return
        if unknown:
            yield Notice(file, "line 1", None, "columns ignored (unknown): " + ", ".join(unknown))
        line = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield Rejection(file, f"line {line}", None, f"CSV syntax error: {exc}")
                line = reader.line_num + 1
                continue
            position = f"line {line}"
            line = reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            if any(_SURROGATE.search(c) for c in cells):
                yield Rejection(
                    file,
                    position,
                    None,
                    f"bytes that are not valid {text.encoding} on this line; re-save as UTF-8",
                )
                continue
            if len(cells) > len(mapped):
                yield Rejection(
                    file,
                    position,
                    None,
                    f"{len(cells)} cells but only {len(mapped)} columns in the header"
                    " (an unquoted delimiter inside a value?)",
                )
                continue
            row: dict[str, Any] = {}
            for canon, value in zip(mapped, cells, strict=False):
                if canon is not None:
                    _merge(row, canon, value)
            yield row_to_item(row, position, file)


def _sniff(sample: str, path: Path) -> str:
    first = sample.split("\n", 1)[0]
    if path.suffix.lower() in (".tsv", ".tab") or ("\t" in first and "," not in first):
        return "\t"
    try:
        return csv.Sniffer().sniff(sample[: 16 * 1024], delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: first.count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


# --------------------------------------------------------------------------- JSON


def iter_json_values(text: io.TextIOBase) -> Iterator[tuple[int, Any | ValueError]]:
    """Stream the values of a top-level JSON array, or of concatenated/line-separated JSON
    objects, as ``(line, value)``; a syntax error yields a ``ValueError`` and ends the stream
    for an array (it cannot be resynchronised) or skips to the next line for JSON Lines."""
    decoder = json.JSONDecoder()
    buf = ""
    line = 1
    eof = False
    in_array: bool | None = None

    def fill() -> bool:
        nonlocal buf, eof
        chunk = text.read(1 << 16)
        if not chunk:
            eof = True
            return False
        buf += chunk
        return True

    while True:
        # skip whitespace (and, inside an array, commas)
        while True:
            stripped = buf.lstrip(" \t\r\n\ufeff" + ("," if in_array else ""))
            line += buf[: len(buf) - len(stripped)].count("\n")
            buf = stripped
            if buf or not fill():
                break
        if not buf:
            if in_array:
                yield line, ValueError("the JSON array is not closed with ']': file truncated?")
            return
        if in_array is None:
            in_array = buf[0] == "["
            if in_array:
                buf = buf[1:]
                continue
        if in_array and buf[0] == "]":
            return
        while True:
            try:
                value, end = decoder.raw_decode(buf)
                break
            except json.JSONDecodeError as exc:
                if not eof and len(buf) < MAX_JSON_OBJECT and fill():
                    continue
                where = line + buf[: exc.pos].count("\n")
                yield where, ValueError(f"JSON syntax error: {exc.msg}")
                if in_array:
                    return
                nl = buf.find("\n", exc.pos if exc.pos < len(buf) else 0)
                skip = buf[: nl + 1] if nl != -1 else buf
                line += skip.count("\n")
                buf = buf[len(skip) :]
                value = None
                end = -1
                break
        if end == -1:
            continue
        yield line, value
        line += buf[:end].count("\n")
        buf = buf[end:]


def read_json(path: Path, stream: BinaryIO | None = None) -> Iterator[Item]:
    """Entries from a JSON array of objects or a JSON Lines file (one object per line)."""
    file = str(path)
    with _binary(path, stream) as handle:
        opened = yield from _open_text(handle, file)
        if opened is None:
            return
        text, _sample = opened
        unknown_seen: set[str] = set()
        number = 0
        for line, value in iter_json_values(text):
            number += 1
            position = f"item {number} (line {line})"
            if isinstance(value, ValueError):
                yield Rejection(file, position, None, str(value))
                continue
            if _SURROGATE.search(json.dumps(value, ensure_ascii=False, default=str)):
                yield Rejection(
                    file, position, None, f"bytes that are not valid {text.encoding} here"
                )
                continue
            if not isinstance(value, dict):
                yield Rejection(
                    file, position, None, f"expected an object {{...}}, got {type(value).__name__}"
                )
                continue
            row: dict[str, Any] = {}
            unknown = []
            for key, cell in value.items():
                canon = _ALIASES.get(fold(str(key)))
                if canon is None:
                    if key not in unknown_seen:
                        unknown_seen.add(key)
                        unknown.append(str(key))
                    continue
                _merge(row, canon, cell)
            if unknown:
                yield Notice(file, position, None, "keys ignored (unknown): " + ", ".join(unknown))
            yield row_to_item(row, position, file)
