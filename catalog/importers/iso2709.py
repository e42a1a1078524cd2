"""ISO 2709 (MARC21 binary): framing, resynchronising at the record terminator, decoding.

Reading is done the way MARC::Record and Koha's importer do it: a record ends at the record
terminator (0x1D), not only where its leader's length says.  When the two agree the record is
taken whole; when they don't, the terminator wins and the damaged stretch is rejected with its
number - and if a valid record is hiding at the end of that stretch (the one after a truncated
record), it is rescued.  Either way the neighbours load.

Nearly every record of a real export is laid out regularly and is decoded in a handful of
C-level operations (:func:`regular_layout`); any other is checked field by field
(:func:`check_structure`) so a rejection says what is wrong in words a cataloguer can act on,
then decoded directly (UTF-8) or through pymarc's MARC-8 converter.  Both walk the directory
through the one reader :func:`directory_entries`.

A leader/09 of blank means MARC-8; but some systems write UTF-8 and leave it blank.  MARC-8
text with diacritics is never valid UTF-8 (its combining marks are bytes 0xE0-0xFE followed by
ASCII), so a blank-coded record whose bytes are valid, non-ASCII UTF-8 is read as UTF-8, with a
warning logged once per file.

The decoded :class:`~catalog.importers.fields.MarcRecord` is mapped by
:func:`catalog.importers.mapping.map_record`.
"""

from __future__ import annotations

import itertools
import logging
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from pymarc.marc8 import MARC8ToUnicode

from catalog.importers import Item, Rejection
from catalog.importers.fields import MarcField, MarcRecord
from catalog.importers.mapping import map_record

log = logging.getLogger(__name__)

RECORD_TERMINATOR = 0x1D
FIELD_TERMINATOR = 0x1E
MAX_RECORD = 99999  # the leader's length has five digits
_BLOCK = 1 << 20

_LEADER = re.compile(rb"\d{5}[a-z ][a-z ][a-z ][a-z ][ a]22\d{5}...4500")

# --------------------------------------------------------------------------- ISO 2709 framing


_BOM = b"\xef\xbb\xbf"


def iter_chunks(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """Yield ``(byte offset, record bytes)`` for each record, streaming.

    A record whose leader length points exactly at a record terminator is taken as the
    leader says (so a stray 0x1D inside a field does not split it); anything else runs to the
    next terminator.  Line breaks between records (some exports add them) and a UTF-8 byte
    order mark before the first (files saved through a text editor) are skipped.
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
        if base == 0 and pos == 0 and buf.startswith(_BOM):
            pos = len(_BOM)  # a text editor's or Windows tool's UTF-8 mark: not a record
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


def directory_entries(chunk: bytes, base: int) -> Iterator[tuple[int, bytes]]:
    """``(entry number from 1, 12-byte entry)`` for each directory entry of a record whose
    base address is ``base``: the one walk over a directory that every reader here uses."""
    directory = chunk[24 : base - 1]
    for i in range(0, len(directory) - 11, 12):
        yield i // 12 + 1, directory[i : i + 12]


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
    for number, entry in directory_entries(chunk, base):
        tag = entry[:3]
        if not entry[3:12].isdigit() or not tag.isalnum():
            return f"bad directory: entry {number} {entry!r} is not tag+length+offset"
        flen, foff = int(entry[3:7]), int(entry[7:12])
        name = tag.decode("ascii")
        if flen == 0 or foff + flen > data_len:
            return (
                f"bad directory: field {name} (entry {number}) runs past the end of the"
                f" record (offset {foff} + length {flen} > {data_len} bytes of data)"
            )
        if chunk[base + foff + flen - 1] != FIELD_TERMINATOR:
            return (
                f"bad directory: field {name} (entry {number}) does not end with a field"
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
    for _number, entry in directory_entries(chunk, base):
        tag = entry[:3].decode("ascii")
        length = int(entry[3:7])
        offset = base + int(entry[7:12])
        raw = chunk[offset : offset + length - 1]
        if tag < "010" and tag.isdigit():
            fields.append(MarcField(tag, data=text(raw)))
            continue
        parts = raw.split(b"\x1f")
        indicators = parts[0].decode("latin-1")
        subfields = [(p[:1].decode("latin-1"), text(p[1:])) for p in parts[1:] if p]
        fields.append(MarcField(tag, (indicators + "  ")[0], (indicators + "  ")[1], subfields))
    return MarcRecord(chunk[:24].decode("ascii"), fields)



# --------------------------------------------------------------------------- files


# --------------------------------------------------------------------------- files


def iter_pieces(stream: BinaryIO) -> Iterator[tuple[int, int, bytes]]:
    """``(record number, byte offset, bytes)`` of each record, a truncated record's hidden
    successor rescued (:func:`split_rescued`): what :func:`parse_piece` takes, here or in
    the import's worker process."""
    number = 0
    for offset, chunk in iter_chunks(stream):
        if needs_rescue(chunk):
            head, rescued = split_rescued(chunk)
            if rescued is not None:
                number += 1
                yield number, offset, head
                number += 1
                yield number, offset + len(head), rescued
                continue
        number += 1
        yield number, offset, chunk


def read_iso2709(path: Path, stream: BinaryIO | None = None) -> Iterator[Item]:
    """Entries from a binary MARC file, one per record; damaged records become rejections."""
    file = str(path)
    state: dict[str, bool] = {}
    own = stream is None
    handle = stream if stream is not None else open(path, "rb")  # noqa: SIM115
    try:
        for number, offset, piece in iter_pieces(handle):
            yield parse_piece(piece, number, offset, file, state)
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
        for _number, entry in directory_entries(piece, base):
            if entry[:3] == b"001":
                flen, foff = int(entry[3:7]), int(entry[7:12])
                value = piece[base + foff : base + foff + flen - 1].decode("ascii").strip()
                return value or None
    except (ValueError, UnicodeDecodeError, IndexError):
        return None
    return None

