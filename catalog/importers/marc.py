"""MARC21 (ISO 2709, UTF-8 or MARC-8) and MARCXML into catalogue entries.

Reading is done the way MARC::Record and Koha's importer do it: a record ends at the record
terminator (0x1D), not only where its leader's length says.  When the two agree the record is
taken whole; when they don't, the terminator wins and the damaged stretch is rejected with its
number - and if a valid record is hiding at the end of that stretch (the one after a truncated
record), it is rescued.  Either way the neighbours load.

Each record's structure is checked first (leader, base address, every directory entry and
field terminator) so a rejection says what is wrong in words a cataloguer can act on; the
checked directory is then decoded directly (UTF-8) or through pymarc's MARC-8 converter.

A leader/09 of blank means MARC-8; but some systems write UTF-8 and leave it blank.  MARC-8
text with diacritics is never valid UTF-8 (its combining marks are bytes 0xE0-0xFE followed by
ASCII), so a blank-coded record whose bytes are valid, non-ASCII UTF-8 is read as UTF-8, with a
warning logged once per file.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pymarc.marc8 import MARC8ToUnicode

from catalog.errors import InvalidIdentifier
from catalog.identifiers import identifier_keys
from catalog.importers import Deletion, Entry, Holdings, Item, Rejection
from catalog.records import Record

log = logging.getLogger(__name__)

RECORD_TERMINATOR = 0x1D
FIELD_TERMINATOR = 0x1E
MAX_RECORD = 99999  # the leader's length has five digits
_BLOCK = 1 << 20

_LEADER = re.compile(rb"\d{5}[a-z ][a-z ][a-z ][a-z ][ a]22\d{5}...4500")

# --------------------------------------------------------------------------- ISO 2709 framing


def iter_chunks(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """Yield ``(byte offset, record bytes)`` for each record, streaming.

    A record whose leader length points exactly at a record terminator is taken as the
    leader says (so a stray 0x1D inside a field does not split it); anything else runs to the
    next terminator.  Line breaks between records (some exports add them) are skipped.
    """
    buf = b""
    base = 0  # file offset of buf[0]
    pos = 0
    eof = False
    while True:
        if not eof and len(buf) - pos < MAX_RECORD + 1:
            block = stream.read(_BLOCK)
            if block:
                buf = buf[pos:] + block
                base += pos
                pos = 0
            else:
                eof = True
        while pos < len(buf) and buf[pos] in b"\r\n\x00 ":
            pos += 1
        if pos >= len(buf):
            if eof:
                return
            continue
        end = None
        head = buf[pos : pos + 5]
        if head.isdigit():
            length = int(head)
            if 24 <= length <= len(buf) - pos and buf[pos + length - 1] == RECORD_TERMINATOR:
                end = pos + length
        if end is None:
            term = buf.find(bytes([RECORD_TERMINATOR]), pos)
            if term == -1:
                if not eof:
                    if len(buf) - pos > 4 * MAX_RECORD:
                        # No terminator within any record's reach: give up on this stretch.
                        end = pos + MAX_RECORD
                    else:
                        # Read more before deciding.
                        block = stream.read(_BLOCK)
                        if block:
                            buf = buf[pos:] + block
                            base += pos
                            pos = 0
                            continue
                        eof = True
                        end = len(buf)
                else:
                    end = len(buf)
            else:
                end = term + 1
        yield base + pos, buf[pos:end]
        pos = end


def needs_rescue(chunk: bytes) -> bool:
    """Cheap test: does this stretch differ from what its leader says (so may hide a record)?"""
    head = chunk[:5]
    return not (head.isdigit() and int(head) == len(chunk) and chunk[-1] == RECORD_TERMINATOR)


def split_rescued(chunk: bytes) -> tuple[bytes, bytes | None]:
    """Split a damaged stretch into (damaged part, whole record at its end) when possible.

    After a truncated record, the terminator-delimited stretch holds the broken head plus the
    next record in full; that record's own leader, found inside, proves where it starts.
    """
    for match in _LEADER.finditer(chunk, 1):
        start = match.start()
        if start + int(chunk[start : start + 5]) == len(chunk):
            return chunk[:start], chunk[start:]
    return chunk, None


def check_structure(chunk: bytes) -> str | None:
    """Why this ISO 2709 record is unusable, or ``None`` when its structure is sound."""
    if len(chunk) < 25:
        return f"truncated record: only {len(chunk)} bytes (a leader alone is 24)"
    if chunk[-1] != RECORD_TERMINATOR:
        return "truncated record: no record terminator (0x1D) before the end of the file"
    leader = chunk[:24]
    if not leader[:5].isdigit():
        return f"bad leader: record length {leader[:5]!r} is not five digits"
    try:
        leader.decode("ascii")
    except UnicodeDecodeError:
        return "bad leader: contains non-ASCII bytes"
    declared = int(leader[:5])
    if declared > len(chunk):
        return (
            f"truncated record: leader says {declared} bytes but the record terminator comes"
            f" after {len(chunk)}"
        )
    if not leader[12:17].isdigit():
        return f"bad leader: base address {leader[12:17]!r} is not five digits"
    base = int(leader[12:17])
    if base < 25 or base > len(chunk):
        return f"bad leader: base address {base} is outside the record ({len(chunk)} bytes)"
    if chunk[base - 1] != FIELD_TERMINATOR:
        return f"bad directory: no field terminator at its end (byte {base - 1})"
    directory = chunk[24 : base - 1]
    if len(directory) % 12:
        return f"bad directory: its length {len(directory)} is not a multiple of 12"
    if not directory:
        return "bad directory: the record has no fields"
    data_len = len(chunk) - 1 - base
    for i in range(0, len(directory), 12):
        entry = directory[i : i + 12]
        tag = entry[:3]
        if not entry[3:12].isdigit() or not tag.isalnum():
            return f"bad directory: entry {i // 12 + 1} {entry!r} is not tag+length+offset"
        flen, foff = int(entry[3:7]), int(entry[7:12])
        name = tag.decode("ascii")
        if flen == 0 or foff + flen > data_len:
            return (
                f"bad directory: field {name} (entry {i // 12 + 1}) runs past the end of the"
                f" record (offset {foff} + length {flen} > {data_len} bytes of data)"
            )
        if chunk[base + foff + flen - 1] != FIELD_TERMINATOR:
            return (
                f"bad directory: field {name} (entry {i // 12 + 1}) does not end with a field"
                " terminator where the directory says"
            )
    return None


def _bad_utf8(chunk: bytes, base: int) -> str | None:
    try:
        chunk[base:].decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = chunk[base + exc.start : base + exc.start + 4]
        return f"invalid UTF-8 at byte {base + exc.start} ({bad!r}) though leader/09 says UTF-8"
    return None


def _looks_utf8(chunk: bytes) -> bool:
    if chunk.isascii():
        return False
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class MarcField:
    """One field: ``data`` for control fields (00X), indicators and subfields otherwise.

    A deliberately small stand-in for ``pymarc.Field``: decoding straight from the directory
    we have already checked, without pymarc's per-field objects, is what lets an import keep
    up with parsing.
    """

    __slots__ = ("data", "indicator1", "indicator2", "subfields", "tag")

    def __init__(
        self,
        tag: str,
        indicator1: str = " ",
        indicator2: str = " ",
        subfields: list[tuple[str, str]] | None = None,
        data: str = "",
    ) -> None:
        self.tag = tag
        self.indicator1 = indicator1
        self.indicator2 = indicator2
        self.subfields = subfields or []
        self.data = data

    def __str__(self) -> str:
        if self.tag < "010" and self.tag.isdigit():
            return f"={self.tag}  {self.data}"
        subs = "".join(f"${code}{value}" for code, value in self.subfields)
        return f"={self.tag}  {self.indicator1}{self.indicator2}{subs}"


class MarcRecord:
    """A decoded record: the leader and fields grouped by tag (in record order per tag)."""

    __slots__ = ("_by_tag", "fields", "leader")

    def __init__(self, leader: str, fields: list[MarcField]) -> None:
        self.leader = leader
        self.fields = fields
        self._by_tag: dict[str, list[MarcField]] = {}
        for f in fields:
            self._by_tag.setdefault(f.tag, []).append(f)

    def get_fields(self, *tags: str) -> list[MarcField]:
        if len(tags) == 1:
            return self._by_tag.get(tags[0], [])
        out: list[MarcField] = []
        for tag in tags:
            out.extend(self._by_tag.get(tag, ()))
        return out

    def get(self, tag: str) -> MarcField | None:
        found = self._by_tag.get(tag)
        return found[0] if found else None


def regular_layout(chunk: bytes) -> tuple[int, list[str]] | None:
    """``(base address, tags)`` when the record is laid out the regular way, else ``None``.

    Regular: a sound leader, and a directory that lists the fields back to back in the order
    they are stored, each ending with the one field terminator inside it.  That is the check
    :func:`check_structure` makes field by field, done here with a handful of C-level
    operations: the directory the data area implies is rebuilt from the data area's own
    pieces and compared with the one in the record.  Nearly every record in a real export is
    regular; any other (including every damaged one) gets the full, explaining check.
    """
    size = len(chunk)
    if size < 25 or chunk[-1] != RECORD_TERMINATOR:
        return None
    leader = chunk[:24]
    if not (leader.isascii() and leader[:5].isdigit() and leader[12:17].isdigit()):
        return None
    base = int(leader[12:17])
    if int(leader[:5]) > size or base < 25 or base > size or chunk[base - 1] != FIELD_TERMINATOR:
        return None
    directory = chunk[24 : base - 1]
    count = len(directory) // 12
    # Tags and digits only, so ASCII: decoding cannot fail.
    if not count or count * 12 != len(directory) or not directory.isalnum():
        return None
    parts = chunk[base:-1].split(b"\x1e")
    if len(parts) != count + 1 or parts[-1]:
        return None
    listed = directory.decode("ascii")
    tags = [listed[i : i + 3] for i in range(0, len(listed), 12)]
    lengths = [len(part) + 1 for part in parts[:-1]]
    offsets = itertools.accumulate(lengths, initial=0)
    if "".join(map(_ENTRY.__mod__, zip(tags, lengths, offsets, strict=False))) != listed:
        return None
    return base, tags


_ENTRY = "%s%04d%05d"
_ODD_CODE = re.compile("\x1f[^\x00-\x7f]")


def _decode_regular(chunk: bytes, tags: list[str], whole: str) -> MarcRecord | None:
    """A regular record (:func:`regular_layout`) decoded in one go: ``whole``, the data area
    already decoded as UTF-8, splits on 0x1E/0x1F exactly where the directory says - both
    are ASCII, so never part of a multi-byte character.  ``None`` when an indicator or
    subfield code is not ASCII: the caller then decodes byte by byte, as for any record.
    """
    if not whole.isascii() and _ODD_CODE.search(whole):
        return None
    fields: list[MarcField] = []
    append = fields.append
    for tag, raw in zip(tags, whole.split("\x1e"), strict=False):
        if tag < "010" and tag.isdigit():
            append(MarcField(tag, data=raw))
            continue
        subs = raw.split("\x1f")
        indicators = subs[0]
        if not indicators.isascii():
            return None
        indicators += "  "
        append(MarcField(tag, indicators[0], indicators[1], [(p[0], p[1:]) for p in subs[1:] if p]))
    return MarcRecord(chunk[:24].decode("ascii"), fields)


def decode_piece(chunk: bytes, state: dict[str, bool] | None = None) -> MarcRecord:
    """Check and decode one record's bytes; raises ``ValueError`` saying what is wrong."""
    layout = regular_layout(chunk)
    if layout is None:
        problem = check_structure(chunk)
        if problem is not None:
            raise ValueError(problem)
    return decode_chunk(chunk, state, layout)


def decode_chunk(
    chunk: bytes,
    state: dict[str, bool] | None = None,
    layout: tuple[int, list[str]] | None = None,
) -> MarcRecord:
    """Decode one structurally checked ISO 2709 record; raises ``ValueError`` with a reason.

    UTF-8 is decoded directly (in one go when ``layout``, from :func:`regular_layout`, says
    the record is regular); MARC-8 goes through pymarc's MARC-8 converter.
    """
    coding = chr(chunk[9])
    base = int(chunk[12:17])
    marc8: MARC8ToUnicode | None = None
    whole: str | None = None  # the data area as UTF-8, when it is UTF-8
    if coding == "a":
        try:
            whole = chunk[base:].decode("utf-8")
        except UnicodeDecodeError:
            problem = _bad_utf8(chunk, base)
            raise ValueError(problem) from None
    elif coding == " ":
        if _looks_utf8(chunk):
            if state is not None and not state.get("warned_utf8"):
                state["warned_utf8"] = True
                log.warning("records say MARC-8 (leader/09 blank) but hold UTF-8; reading UTF-8")
            whole = chunk[base:].decode("utf-8")
        else:
            marc8 = MARC8ToUnicode(quiet=True)
    else:
        raise ValueError(f"bad leader: character coding (leader/09) {coding!r} is not ' ' or 'a'")
    if whole is not None and layout is not None:
        fast = _decode_regular(chunk, layout[1], whole)
        if fast is not None:
            return fast

    def text(raw: bytes) -> str:
        if marc8 is None:
            return raw.decode("utf-8")
        try:
            return unicodedata.normalize("NFC", marc8.translate(raw))
        except (IndexError, TypeError, KeyError, UnicodeDecodeError) as exc:
            raise ValueError(f"undecodable MARC-8 text {raw[:30]!r}") from exc

    fields: list[MarcField] = []
    directory = chunk[24 : base - 1]
    for i in range(0, len(directory), 12):
        tag = directory[i : i + 3].decode("ascii")
        length = int(directory[i + 3 : i + 7])
        offset = base + int(directory[i + 7 : i + 12])
        raw = chunk[offset : offset + length - 1]
        if tag < "010" and tag.isdigit():
            fields.append(MarcField(tag, data=text(raw)))
            continue
        parts = raw.split(b"\x1f")
        indicators = parts[0].decode("latin-1")
        subfields = [(p[:1].decode("latin-1"), text(p[1:])) for p in parts[1:] if p]
        fields.append(MarcField(tag, (indicators + "  ")[0], (indicators + "  ")[1], subfields))
    return MarcRecord(chunk[:24].decode("ascii"), fields)


# --------------------------------------------------------------------------- field helpers

_ISBD_TAIL = "/:;,=+"
# Both end-anchored patterns below are matched against the last few characters only (3 and
# 7: enough for the longest alternative and the character before it), not the whole text: a
# search scans every position, and these run on every title, name and summary imported.
_INITIAL_DOT = re.compile(r"(?:^|[\s.])[^\W\d_]\.$")
_ABBREVIATION = re.compile(
    r"(?:\b(?:[Ee]tc|[Jj]r|[Ss]r|[Ii]nc|[Dd]r|[Ss]t|Co|Ltd|[Uu]ppl|[Ss]|[Pp])\.|\.\.\.)$"
)


def nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)


_CLEAN_ENDS = frozenset("/:;,=+.]")


def clean(text: str | None) -> str | None:
    """Remove ISBD punctuation a cataloguer put between fields: " /", " :", " ;", ".", ","."""
    if text is None:
        return None
    text = nfc(text).strip()
    while True:
        # Nothing below can change a text that ends in none of these: stop early.
        if not text or (text[-1] not in _CLEAN_ENDS and not text[-1].isspace()):
            break
        before = text
        text = _strip_isbd_tail(text)
        if (
            text.endswith(".")
            and not _INITIAL_DOT.search(text[-3:])
            and not _ABBREVIATION.search(text[-7:])
        ):
            text = text[:-1].rstrip()
        if text.startswith("[") and text.endswith("]") and text.count("[") == 1:
            text = text[1:-1].strip()
        if text == before:
            break
    return text or None


def _strip_isbd_tail(text: str) -> str:
    """Drop the trailing run of whitespace and " /:;,=+" (what ``[\\s/:;,=+]+$`` removes)."""
    while True:
        stripped = text.rstrip().rstrip(_ISBD_TAIL)
        if stripped == text:
            return text
        text = stripped


def _sub(field: MarcField, code: str) -> str | None:
    for c, value in field.subfields:
        if c == code and value.strip():
            return value
    return None


def _firsts(field: MarcField) -> dict[str, str]:
    """``_sub`` for every code at once: one pass over a field with many subfields (a Koha
    952 item has a dozen or more, and six of them are read)."""
    found: dict[str, str] = {}
    for code, value in field.subfields:
        if code not in found and value.strip():
            found[code] = value
    return found


def _subs(field: MarcField, codes: str) -> list[str]:
    return [value for c, value in field.subfields if c in codes and value.strip()]


def _control(record: MarcRecord, tag: str) -> str:
    field = record.get(tag)
    return nfc(field.data) if field is not None and field.data else ""


# --------------------------------------------------------------------------- mapping

NARRATOR_CODES = {"nrt", "prf", "spk"}
NARRATOR_TERMS = (
    "uppläsare",
    "inläsare",
    "uppläsning",
    "narrator",
    "reader",
    "read by",
    "lukija",
    "speaker",
    "sprecher",
    "lecteur",
    "lectrice",
)
AUTHOR_CODES = {"aut", "cre"}
AUTHOR_TERMS = ("författare", "author", "kirjoittaja", "verfasser", "auteur", "upphov")
TALKING_HINTS = (
    "talbok",
    "talböcker",
    "ljudbok",
    "ljudböcker",
    "ljudupptagning",
    "audiobook",
    "audio book",
    "talking book",
    "äänikirja",
    "daisy",
    "mp3",
    "ljudfil",
    "sound recording",
    "spoken word",
)
EBOOK_HINTS = ("e-bok", "e-böcker", "elektronisk resurs", "electronic resource", "e-kirja")
LARGE_PRINT_HINTS = ("storstil", "large print", "large type", "isotekstinen", "suurikirjaimi")


def _any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    """One search for "does any of these occur in the text" (run for every record)."""
    return re.compile("|".join(map(re.escape, words)))


_NARRATOR = _any_of(NARRATOR_TERMS)
_AUTHOR = _any_of(AUTHOR_TERMS)
_TALKING = _any_of(TALKING_HINTS)
_EBOOK = _any_of(EBOOK_HINTS)
_LARGE_PRINT = _any_of(LARGE_PRINT_HINTS)

_HOURS = re.compile(r"(\d+)\s*(?:tim\w*|h|hrs?|hours?|t|tuntia|std)\b\.?", re.IGNORECASE)
_MINUTES = re.compile(r"(\d+)\s*(?:min\w*)\b\.?", re.IGNORECASE)
_PAGE_WORD = re.compile(
    r"(?:\d|\])\s*(?:s|p|pp|sidor|sid|sivua|sivu|pages|Seiten|S)\b\.?", re.IGNORECASE
)
_NUMBER = re.compile(r"(\[)?(\d+)(\])?")
_YEAR = re.compile(r"(?<!\d)(1[0-9]{3}|20[0-9]{2})(?!\d)")


class _Name:
    """A 100/110/700/710 field read in one pass: the name and what the relators say."""

    __slots__ = ("codes", "name", "terms", "work")

    def __init__(self, field: MarcField) -> None:
        first: str | None = None
        units: list[str] = []
        codes: set[str] = set()
        terms: list[str] = []
        work = False
        for code, value in field.subfields:
            if code == "a":
                if first is None and value.strip():
                    first = value
            elif code == "b":
                if value.strip():
                    units.append(value)
            elif code == "4":
                if value.strip():
                    codes.add(value.strip().lower().rstrip("."))
            elif code == "e":
                if value.strip():
                    terms.append(value)
            elif code == "t" and value.strip():
                work = True
        # A corporate name keeps every subordinate unit ($b); a person's $b is a numeration.
        parts = [first, *(units if field.tag in ("110", "710") else units[:1])]
        self.name = clean(" ".join(clean(p) or "" for p in parts if p))
        self.codes = codes
        self.terms = " ".join(terms).lower()
        self.work = work


def _playing_minutes(text: str) -> int | None:
    hours = _HOURS.search(text)
    minutes = _MINUTES.search(text)
    if not hours and not minutes:
        return None
    return (int(hours.group(1)) * 60 if hours else 0) + (int(minutes.group(1)) if minutes else 0)


def _edition(record: MarcRecord) -> str | None:
    field = record.get("250")
    return clean(" ".join(_subs(field, "a"))) if field is not None else None


def _pages(extent: str) -> int | None:
    """Page count from 300 $a ("102, [1] s.", "xii, 340 p.", "420 sivua"): the largest
    unbracketed number, since bracketed counts are unnumbered leaves."""
    if not _PAGE_WORD.search(extent) or "v." in extent.split():
        return None
    plain = [int(m.group(2)) for m in _NUMBER.finditer(extent) if not m.group(1)]
    bracketed = [int(m.group(2)) for m in _NUMBER.finditer(extent) if m.group(1)]
    found = plain or bracketed
    return max(found) if found else None


def _from_306(value: str) -> int | None:
    digits = value.strip()[:6]
    if len(digits) == 6 and digits.isdigit():
        h, m, s = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
        return h * 60 + m + (1 if s >= 30 else 0)
    return None


def _kind(record: MarcRecord) -> str:
    leader = record.leader
    rtype = leader[6] if len(leader) > 6 else " "
    f008 = _control(record, "008")
    f006 = _control(record, "006")
    hints = " ".join(
        [" ".join(_subs(f, "h")) for f in record.get_fields("245")]
        + [" ".join(_subs(f, "a")) for f in record.get_fields("655", "337", "338", "347")]
        + [" ".join(_subs(f, "ab")) for f in record.get_fields("538", "500", "250", "300")]
    ).lower()
    spoken = rtype == "i" or f006[:1] == "i" or _TALKING.search(hints) is not None
    # A music recording is a talking book only when it says so in so many words.
    if spoken and (rtype not in "jcd" or "talbok" in hints or "audiobook" in hints):
        return "talking_book"
    if rtype in "jcd":
        return "music"
    form = f008[23:24] if rtype in "at" else ""
    if rtype == "m" or form in ("o", "q", "s") or _EBOOK.search(hints):
        return "ebook"
    if form == "d" or _LARGE_PRINT.search(hints):
        return "large_print"
    if rtype in "at":
        return "book"
    return "other"


def _language(record: MarcRecord) -> str | None:
    f008 = _control(record, "008")
    code = f008[35:38].strip().lower() if len(f008) >= 38 else ""
    if len(code) == 3 and code.isalpha() and code not in ("und", "zxx", "mul"):
        return code
    for field in record.get_fields("041"):
        value = (_sub(field, "a") or "").strip().lower()[:3]
        if len(value) == 3 and value.isalpha():
            return value
    return code if len(code) == 3 and code.isalpha() else None


def _year(record: MarcRecord) -> int | None:
    fields = [f for f in record.get_fields("264") if f.indicator2 == "1"] + record.get_fields("260")
    for field in fields:
        for value in _subs(field, "c"):
            match = _YEAR.search(value)
            if match:
                return int(match.group(1))
    f008 = _control(record, "008")
    if len(f008) >= 11 and f008[7:11].isdigit():
        return int(f008[7:11])
    return None


def _publisher(record: MarcRecord) -> str | None:
    fields = [f for f in record.get_fields("264") if f.indicator2 == "1"] + record.get_fields("260")
    for field in fields:
        value = clean(_sub(field, "b"))
        if value:
            return value
    return None


def _series(record: MarcRecord) -> tuple[str | None, str | None]:
    for tag, code in (("490", "a"), ("830", "a"), ("800", "t"), ("440", "a"), ("810", "t")):
        for field in record.get_fields(tag):
            name = clean(_sub(field, code))
            if name:
                number = clean(_sub(field, "v"))
                return name, number
    return None, None


def _title(record: MarcRecord) -> tuple[str, str | None, str | None] | None:
    field = record.get("245")
    if field is None:
        return None
    title = clean(_sub(field, "a"))
    subtitle = clean(" ".join(_subs(field, "b"))) if _subs(field, "b") else None
    part = ", ".join(c for c in (clean(v) for v in _subs(field, "np")) if c) or None
    if not title:
        title = subtitle or part or clean(_sub(field, "k"))
        if not title:
            return None
    return title, subtitle, part


def _people(record: MarcRecord) -> tuple[tuple[str, ...], tuple[str, ...]]:
    authors: list[str] = []
    narrators: list[str] = []
    for field in record.get_fields("100", "110", "700", "710"):
        entry = _Name(field)
        name, codes, terms = entry.name, entry.codes, entry.terms
        if not name:
            continue
        narrates = bool(codes & NARRATOR_CODES or (terms and _NARRATOR.search(terms)))
        writes = bool(codes & AUTHOR_CODES or (terms and _AUTHOR.search(terms)))
        if narrates:
            narrators.append(name)
        if field.tag in ("100", "110") or writes:
            authors.append(name)
        elif not (narrates or codes or terms or entry.work) and field.tag == "700":
            # No relator: an added author.  (A name-title entry, $t, is a work inside.)
            authors.append(name)
    if not narrators:
        for field in record.get_fields("511"):
            text = _sub(field, "a") or ""
            low = text.lower()
            if _NARRATOR.search(low):
                names = text.split(":", 1)[-1]
                narrators.extend(
                    n for n in (clean(x) for x in re.split(r",| och | and ", names)) if n
                )
    return tuple(dict.fromkeys(authors)), tuple(dict.fromkeys(narrators))


def _flag(value: str | None) -> bool:
    """Koha's status subfields: empty or 0 means "no"."""
    return bool(value) and value.strip() not in ("", "0")


def _record_id(record: MarcRecord, isbn_keys: list[str]) -> str | None:
    """Stable id: 003+001 (001 alone is unique only within its source), Koha 999$c, 035, ISBN."""
    control = _control(record, "001").strip()
    if control:
        source = _control(record, "003").strip() or "marc"
        return f"{source}:{control}"
    for field in record.get_fields("999"):
        biblio = _sub(field, "c")
        if biblio:
            return f"koha:{biblio.strip()}"
    for field in record.get_fields("035"):
        value = _sub(field, "a")
        if value:
            return f"035:{value.strip()}"
    if isbn_keys:
        return f"isbn:{isbn_keys[0]}"
    return None


_OTHER_IDS = {"1": "upc", "2": "ismn", "3": "ean"}


@dataclass
class Copies:
    """The copies a record (or a holdings record) describes."""

    barcodes: list[str] = dataclasses.field(default_factory=list)
    keys: list[str] = dataclasses.field(default_factory=list)
    unavailable: set[str] = dataclasses.field(default_factory=set)
    locations: list[str] = dataclasses.field(default_factory=list)
    any_copy: bool = False
    any_available: bool = False

    def add(
        self, barcode: str | None, where: list[str | None], available: bool, notes: list[str]
    ) -> None:
        self.any_copy = True
        self.any_available = self.any_available or available
        place = " ".join(c for c in (clean(w) for w in where if w) if c)
        if place and available and place not in self.locations:
            self.locations.append(place)
        if barcode:
            try:
                found = identifier_keys(nfc(barcode), "barcode")
            except InvalidIdentifier as exc:
                notes.append(f"copy barcode left out: {exc}")
                return
            self.barcodes.append(found[0])
            self.keys.extend(found)
            if not available:
                self.unavailable.update(found)


_GONE = _any_of(("withdrawn", "lost", "gallrad", "förlorad", "missing", "saknas"))


def _copies(record: MarcRecord, notes: list[str]) -> Copies:
    """Copies from Koha 952, MARC 852/876 and Evergreen 949."""
    copies = Copies()
    for f in record.get_fields("952"):  # Koha: $0 withdrawn, $1 lost
        sub = _firsts(f).get
        gone = _flag(sub("0")) or _flag(sub("1"))
        copies.add(sub("p"), [sub("a"), sub("c"), sub("o")], not gone, notes)
    for f in record.get_fields("852"):  # MARC holdings location (+ $p piece designation)
        where = [_sub(f, "b"), _sub(f, "c"), *_subs(f, "hijk")]
        copies.add(_sub(f, "p"), where, True, notes)
    for f in record.get_fields("876"):  # item information: $p barcode, $j status
        status = (_sub(f, "j") or "").lower()
        gone = _GONE.search(status) is not None
        copies.add(_sub(f, "p"), [_sub(f, "l")], not gone, notes)
    for f in record.get_fields("949"):  # Evergreen: $i barcode
        copies.add(_sub(f, "i"), [_sub(f, "l"), _sub(f, "a")], True, notes)
    return copies


def map_record(record: MarcRecord, position: str, file: str) -> Item:
    """One pymarc record to an ``Entry``, ``Deletion`` or ``Rejection``."""
    notes: list[str] = []
    keys: list[str] = []
    isbns: list[str] = []
    for field in record.get_fields("020"):
        for value in _subs(field, "a"):
            try:
                found = identifier_keys(nfc(value), "isbn")
            except InvalidIdentifier as exc:
                notes.append(f"020 left out: {exc}")
                continue
            isbns.extend(found)
    keys.extend(isbns)
    for field in record.get_fields("024", "022"):
        kind = "issn" if field.tag == "022" else _OTHER_IDS.get(field.indicator1)
        if kind is None:
            continue
        for value in _subs(field, "a"):
            try:
                keys.extend(identifier_keys(nfc(value), kind))
            except InvalidIdentifier as exc:
                notes.append(f"{field.tag} left out: {exc}")

    record_id = _record_id(record, isbns)
    leader = record.leader
    if record_id is None:
        return Rejection(
            file, position, None, "no control number (001), 035 or ISBN to identify it"
        )
    if leader[5:6] == "d":
        return Deletion(record_id, position)
    if leader[6:7] in ("u", "v", "x", "y"):
        # A MARC holdings record: its copies belong to the bibliographic record in 004.
        bib = _control(record, "004").strip()
        if not bib:
            return Rejection(file, position, record_id, "holdings record without 004 (bib id)")
        source = _control(record, "003").strip() or "marc"
        copies = _copies(record, notes)
        return Holdings(f"{source}:{bib}", position, copies, tuple(notes))
    title = _title(record)
    if title is None:
        return Rejection(file, position, record_id, "no title: field 245 $a is missing or empty")

    copies = _copies(record, notes)
    keys.extend(copies.keys)
    barcodes, unavailable, locations = copies.barcodes, copies.unavailable, copies.locations
    any_copy, any_available = copies.any_copy, copies.any_available

    authors, narrators = _people(record)
    series, series_number = _series(record)
    f300 = record.get_fields("300")
    extent = clean(" ".join(" ".join(_subs(f, "a")) for f in f300)) if f300 else None
    kind = _kind(record)
    playing = None
    for field in record.get_fields("306"):
        playing = playing or _from_306(_sub(field, "a") or "")
    if playing is None and extent and kind in ("talking_book", "music"):
        playing = _playing_minutes(extent)
    pages = _pages(extent) if extent and kind != "talking_book" else None
    summary = " ".join(
        c for c in (clean(" ".join(_subs(f, "ab"))) for f in record.get_fields("520")) if c
    )
    subjects = [clean(_sub(f, "a")) for f in record.get_fields("600", "610", "650", "651")]
    genres = [clean(_sub(f, "a")) for f in record.get_fields("655")]
    title_, subtitle, part = title
    rec = Record(
        id=record_id,
        title=title_,
        subtitle=subtitle,
        part=part,
        authors=authors,
        narrators=narrators,
        language=_language(record),
        year=_year(record),
        publisher=_publisher(record),
        edition=_edition(record),
        extent=extent,
        playing_time_minutes=playing,
        pages=pages,
        series=series,
        series_number=series_number,
        summary=(summary + "." if summary and summary[-1].isalnum() else summary) or None,
        subjects=tuple(dict.fromkeys(s for s in subjects if s)),
        genres=tuple(dict.fromkeys(g for g in genres if g)),
        kind=kind,
        isbns=tuple(dict.fromkeys(isbns)),
        barcodes=tuple(dict.fromkeys(barcodes)),
        locations=tuple(locations),
        available=any_available or not any_copy,
    )
    return Entry(rec, position, tuple(dict.fromkeys(keys)), frozenset(unavailable), tuple(notes))


# --------------------------------------------------------------------------- files


def read_iso2709(path: Path, stream: BinaryIO | None = None) -> Iterator[Item]:
    """Entries from a binary MARC file, one per record; damaged records become rejections."""
    file = str(path)
    state: dict[str, bool] = {}
    own = stream is None
    handle = stream if stream is not None else open(path, "rb")  # noqa: SIM115
    try:
        number = 0
        for offset, chunk in iter_chunks(handle):
            pieces: list[tuple[int, bytes]] = [(offset, chunk)]
            if needs_rescue(chunk):
                head, rescued = split_rescued(chunk)
                if rescued is not None:
                    pieces = [(offset, head), (offset + len(head), rescued)]
            for off, piece in pieces:
                number += 1
                yield parse_piece(piece, number, off, file, state)
    finally:
        if own:
            handle.close()


def parse_piece(
    piece: bytes, number: int, offset: int, file: str, state: dict[str, bool] | None = None
) -> Item:
    """Check, decode and map one record's bytes (also run in the import worker process)."""
    position = f"record {number} (byte {offset})"
    try:
        record = decode_piece(piece, state)
    except ValueError as exc:
        return Rejection(file, position, _guess_001(piece), str(exc))
    try:
        return map_record(record, position, file)
    except Exception as exc:  # a mapping bug must not stop the import
        log.exception("%s %s: cannot map record", file, position)
        return Rejection(file, position, _guess_001(piece), f"cannot read record: {exc}")


def _guess_001(piece: bytes) -> str | None:
    """The control number of a damaged record, when its directory still shows one."""
    try:
        base = int(piece[12:17])
        directory = piece[24 : base - 1]
        for i in range(0, len(directory), 12):
            if directory[i : i + 3] == b"001":
                flen, foff = int(directory[i + 3 : i + 7]), int(directory[i + 7 : i + 12])
                value = piece[base + foff : base + foff + flen - 1].decode("ascii").strip()
                return value or None
    except (ValueError, UnicodeDecodeError, IndexError):
        return None
    return None


_MARC_NS = "{http://www.loc.gov/MARC21/slim}"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_marcxml(path: Path, stream: BinaryIO | None = None) -> Iterator[Item]:
    """Entries from a MARCXML file, parsed incrementally (the file is never held whole)."""
    file = str(path)
    number = 0
    context = ET.iterparse(stream if stream is not None else str(path), events=("end",))
    try:
        for _event, elem in context:
            if _local(elem.tag) != "record":
                continue
            number += 1
            position = f"record {number}"
            try:
                record = _xml_record(elem)
            except ValueError as exc:
                yield Rejection(file, position, None, str(exc))
            else:
                try:
                    yield map_record(record, position, file)
                except Exception as exc:
                    log.exception("%s %s: cannot map record", file, position)
                    yield Rejection(file, position, None, f"cannot read record: {exc}")
            elem.clear()
    except ET.ParseError as exc:
        line, column = exc.position
        yield Rejection(
            file,
            f"line {line}, column {column} (after record {number})",
            None,
            f"XML is not well-formed ({exc}); the rest of the file was not read",
        )


def _xml_record(elem: ET.Element) -> MarcRecord:
    leader = None
    fields: list[MarcField] = []
    for child in elem:
        name = _local(child.tag)
        if name == "leader":
            leader = (child.text or "").ljust(24)[:24]
        elif name == "controlfield":
            fields.append(MarcField(child.get("tag", ""), data=nfc(child.text or "")))
        elif name == "datafield":
            subfields = [
                (s.get("code", " "), nfc(s.text or ""))
                for s in child
                if _local(s.tag) == "subfield"
            ]
            fields.append(
                MarcField(
                    child.get("tag", ""), child.get("ind1", " "), child.get("ind2", " "), subfields
                )
            )
    if leader is None:
        raise ValueError("bad record: no <leader> element")
    return MarcRecord(leader, fields)
