"""Reading staff's text files (CSV, JSON): which encoding, said once per file.

UTF-8 with or without BOM, and UTF-16 with BOM (Excel's "Unicode text") or, with a warning,
without one.  When the start of
the file is not UTF-8 but is valid Windows-1252 (Excel's default "CSV" on Swedish Windows), it
is read as Windows-1252 and a warning says so; a file that is neither is refused with a
message saying how to re-save it.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from catalog.importers import Item, Notice, Rejection

SNIFF_BYTES = 64 * 1024
SURROGATE = re.compile("[\ud800-\udfff]")
"""A lone surrogate: undecodable bytes (read with :data:`ESCAPE`) or a JSON ``\\ud800``
escape.  Valid text never holds one, and SQLite cannot store it."""
ESCAPE = "talkcat-escape"
"""Like ``surrogateescape``, but for every undecodable byte, also those below 128 (a bad
UTF-16 surrogate pair is ``00 D8``), so a bad line of a UTF-16 file is rejected alone."""


def _escape(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return "".join(chr(0xDC00 + b) for b in exc.object[exc.start : exc.end]), exc.end


codecs.register_error(ESCAPE, _escape)


def detect_encoding(head: bytes) -> tuple[str, str | None]:
    """Return (codec, warning) for the start of a text file; raise ``ValueError`` if hopeless."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", None
    bare = _utf16_without_bom(head)
    if bare is not None:
        return bare, (
            f"the file is UTF-16 without a byte-order mark; read as {bare.upper()}."
            " Re-save it as 'CSV UTF-8' to be sure"
        )
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


def _utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le``/``-be`` when every other byte of the start is NUL (the Latin letters of
    a header saved as UTF-16 without a BOM), else ``None``: read as UTF-8, its NULs split
    every name ("i\\x00d\\x00") and the import blamed the delimiter (hostile3-7)."""
    sample = head[:512]
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 4:
        return None
    evens, odds = sample[0::2], sample[1::2]
    half = len(evens)
    if odds.count(0) >= 0.9 * half and evens.count(0) <= 0.1 * half:
        return "utf-16-le"
    if evens.count(0) >= 0.9 * half and odds.count(0) <= 0.1 * half:
        return "utf-16-be"
    return None


@contextmanager
def binary(path: Path, stream: BinaryIO | None) -> Iterator[BinaryIO]:
    """The caller's stream (left open) or the file opened here (closed here)."""
    if stream is not None:
        yield stream
        return
    with open(path, "rb") as handle:
        yield handle


def open_text(
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
    # ESCAPE turns undecodable bytes into lone surrogates, which valid text never holds, so
    # a bad line can be told from one that merely contains U+FFFD.
    text = io.TextIOWrapper(handle, encoding=encoding, errors=ESCAPE, newline="")
    return text, head.decode(encoding, errors="replace")


_PACKED = (
    (b"\x1f\x8b", "gzip-compressed", "gunzip FILE"),
    (b"BZh", "bzip2-compressed", "bunzip2 FILE"),
    (b"\xfd7zXZ\x00", "xz-compressed", "unxz FILE"),
    (b"(\xb5/\xfd", "zstd-compressed", "unzstd FILE"),
    (b"7z\xbc\xaf'\x1c", "a 7-Zip archive", "7z x FILE"),
    (b"PK\x03\x04", "a ZIP archive", "unzip FILE, or open it and extract"),
)
_WORKBOOKS = {".xlsx", ".xlsm", ".ods", ".numbers"}


def packed(head: bytes, name: str) -> str | None:
    """Why a file that starts with ``head`` is a compressed file or archive, not an export
    (and how to get the export out), or ``None``.  Read as what its name says, it would be
    one "not UTF-8" or a rejection per byte pattern, never the real reason."""
    suffix = Path(name).suffix.lower()
    for magic, what, how in _PACKED:
        if not head.startswith(magic):
            continue
        if magic == b"BZh" and not (head[3:4].isdigit() and head[4:10] == b"1AY&SY"):
            continue  # a text file that merely starts with "BZh"
        if magic == b"PK\x03\x04" and suffix in _WORKBOOKS:
            return (
                "a spreadsheet workbook, not a CSV file: open it and save it as 'CSV UTF-8'"
                " (File > Save as), then import that file"
            )
        return (
            f"the file is {what}, not an export: unpack it first"
            f" ({how.replace('FILE', Path(name).name)}) and import the"
            " file inside"
        )
    return None
