"""The bytes of a MARCXML file made fit for expat, and where reading can go on after damage.

Real exports carry what XML 1.0 forbids: C0 control characters (ESC from a bad MARC-8
conversion, in Koha and Evergreen exports), raw or written as references (``&#27;``,
``&#x1;``).  Either stops the parser, so before parsing each becomes the Unicode
noncharacter U+FDD0 + its code (never found in text interchanged, allowed by XML);
:func:`catalog.importers.marcxml` turns it back in its record, which is then read as its
ISO 2709 twin is (the usual cleaning of control sequences applies) and gets a note.  A
UTF-16 or UTF-32 file is turned into UTF-8 first, so the same marking works there too.

When the XML is broken all the same (a file cut short, an unclosed tag, garbage between
records, two files run together), :data:`RECORD_START` and :data:`DOCUMENT_START` say where a
fresh parser can pick up the reading: the damaged record is lost, never the ones after it.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Generator, Iterator
from typing import Any, BinaryIO, Protocol
from xml.parsers import expat
from xml.sax.saxutils import quoteattr

from catalog.importers import Item, Rejection
from catalog.importers.text import ESCAPE

BLOCK = 1 << 16
MARK = 0xFDD0
"""A control character ``c`` travels through the parser as ``chr(MARK + c)``."""

_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_REFERENCE = re.compile(rb"&#(?:x([0-9a-fA-F]{1,8})|([0-9]{1,10}));")
_PARTIAL_REFERENCE = re.compile(rb"&(?:#(?:x[0-9a-fA-F]{0,8}|[0-9]{0,10}))?\Z")
_DECLARED = re.compile(
    rb"^(?:\xef\xbb\xbf)?<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._-]{1,40})"
)

RECORD_START = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,40}:)?record[\s/>]")
"""The start tag of the next record (any namespace prefix): where reading goes on after
damage inside the document."""
DOCUMENT_START = re.compile(
    rb"<(?:\?xml[\s?]|(?:[A-Za-z_][\w.-]{0,40}:)?(?:collection|record|OAI-PMH)[\s/>])"
)
"""The start of another MARCXML document: where reading goes on after damage past the end
of one (garbage after it, or a second file run on after it: ``cat a.xml b.xml``)."""

_KEEP = 1 << 16
"""Bytes already fed that are kept to read on from after an error (the error may lie in a
token that began in the block before)."""
_MAX_OPEN = 64
"""Elements around the records remembered to reopen after an error (a collection, an
OAI-PMH response: two or three)."""


class Collector(Protocol):
    """What :class:`Reader` feeds: the MARCXML reader's record collector."""

    number: int
    unclosed: int

    @property
    def in_record(self) -> bool: ...

    def start(self, tag: str, attrib: dict[str, str]) -> None: ...

    def end(self, tag: str) -> None: ...

    def data(self, text: str) -> None: ...

    def abandon(self) -> str | None: ...


def _utf8_mark(found: re.Match[bytes]) -> bytes:
    return chr(MARK + found[0][0]).encode()


def _reference_mark(found: re.Match[bytes]) -> bytes:
    return b"&#x%X;" % (MARK + found[0][0])


def _forbidden_reference(found: re.Match[bytes]) -> bytes:
    hexa, decimal = found.groups()
    code = int(hexa, 16) if hexa is not None else int(decimal)
    if code < 0x20 and code not in (0x09, 0x0A, 0x0D):
        return b"&#x%X;" % (MARK + code)
    return found[0]


class ControlMarker:
    """Marks the control characters of a stream fed in pieces; a reference cut between two
    pieces (``&#2`` | ``7;``) is held back until it is whole.  ``utf8``: raw controls become
    the UTF-8 bytes of their mark (right inside CDATA too); otherwise a reference to it, which
    any ASCII-based encoding (ISO-8859-1, Windows-1252) reads alike."""

    def __init__(self, *, utf8: bool = True) -> None:
        self._raw = _utf8_mark if utf8 else _reference_mark
        self._tail = b""

    def feed(self, data: bytes) -> bytes:
        data = self._tail + data
        cut = _PARTIAL_REFERENCE.search(data, max(0, len(data) - 16))
        if cut is not None:
            self._tail, data = data[cut.start() :], data[: cut.start()]
        else:
            self._tail = b""
        return self._marked(data)

    def flush(self) -> bytes:
        data, self._tail = self._tail, b""
        return self._marked(data)

    def _marked(self, data: bytes) -> bytes:
        data = _CONTROLS.sub(self._raw, data)
        return _REFERENCE.sub(_forbidden_reference, data) if b"&#" in data else data


def mark_controls(data: bytes) -> bytes:
    """UTF-8 XML (a whole OAI-PMH page or a piece of one) with its XML-illegal control
    characters marked, so it parses and the MARCXML reader reads them back in their record."""
    marker = ControlMarker()
    return marker.feed(data) + marker.flush()


def _transcoding(head: bytes) -> str | None:
    """The codec of a UTF-16/UTF-32 file (``None``: a byte-oriented encoding)."""
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(b"<\0"):
        return "utf-16-le"
    if head.startswith(b"\0<"):
        return "utf-16-be"
    return None


class Source:
    """A MARCXML file's bytes, in blocks, as expat is fed them: UTF-16/32 turned into UTF-8
    (a bad character becomes bytes that are not UTF-8, so only its record is rejected), and
    control characters marked.  :attr:`encoding` is the one to give every parser: ``None``
    for the first lets expat read the XML declaration; a parser started after damage reads
    mid-file, where there is no declaration, so it is told (:attr:`resume_encoding`)."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self._head = handle.read(BLOCK)
        codec = _transcoding(self._head)
        self._decoder = codecs.getincrementaldecoder(codec)(ESCAPE) if codec else None
        declared = _DECLARED.match(self._head)
        named = declared[1].decode("ascii").lower() if declared else None
        if codec is not None:
            self.encoding: str | None = "UTF-8"
            self.resume_encoding: str | None = "UTF-8"
            utf8 = True
        else:
            self.encoding = None
            utf8 = named in (None, "utf-8", "utf8")
            self.resume_encoding = None if utf8 else named
        self._marker = ControlMarker(utf8=utf8)

    def blocks(self) -> Iterator[bytes]:
        """The processed bytes, never an empty block until the end."""
        block = self._head
        while block:
            out = self._marker.feed(self._utf8(block, final=False))
            if out:
                yield out
            block = self._handle.read(BLOCK)
        out = self._marker.feed(self._utf8(b"", final=True)) + self._marker.flush()
        if out:
            yield out

    def _utf8(self, block: bytes, *, final: bool) -> bytes:
        if self._decoder is None:
            return block
        return self._decoder.decode(block, final).encode("utf-8", "surrogatepass")


class Reader:
    """Feeds the file to expat; after a fatal error, rejects what it broke and starts a
    fresh parser at the next record, with the elements around the records reopened (and
    their namespaces declared) so the rest of the file parses as it would have."""

    def __init__(
        self,
        file: str,
        source: Source,
        collector: Collector,
        drain: Callable[[], Iterator[Item]],
    ) -> None:
        self.file = file
        self.source = source
        self.chunks = source.blocks()
        self.collector = collector
        self.drain = drain
        self.open: list[str] = []  # elements around the records, as written (prefix:name)
        self.beyond = 0  # open ones past _MAX_OPEN, only counted
        self.spaces: dict[str, str] = {}
        # The latest bytes fed (offset and line of their start), to read on from.
        self.window, self.window_at, self.window_line = b"", 0, 1
        # Where the running parser's data starts; ``reopened``: bytes fed before it.
        self.segment_at, self.segment_line, self.reopened = 0, 1, 0
        self.parser = self._parser(source.encoding)

    def _parser(self, encoding: str | None) -> Any:
        parser = expat.ParserCreate(encoding, namespace_separator="}")
        parser.namespace_prefixes = True
        parser.buffer_text = True
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self.collector.data
        parser.StartNamespaceDeclHandler = self._declare
        return parser

    def _start(self, name: str, attrib: dict[str, str]) -> None:
        parts = name.split("}")  # "uri}local}prefix", "uri}local" or "local"
        local = parts[1] if len(parts) > 1 else parts[0]
        if not self.collector.in_record and local != "record":
            if len(self.open) < _MAX_OPEN:
                self.open.append(f"{parts[2]}:{local}" if len(parts) == 3 else local)
            else:
                self.beyond += 1
        self.collector.start(local, attrib)

    def _end(self, name: str) -> None:
        if self.collector.in_record:
            parts = name.split("}")
            self.collector.end(parts[1] if len(parts) > 1 else parts[0])
        elif self.beyond:
            self.beyond -= 1
        elif self.open:
            self.open.pop()

    def _declare(self, prefix: str | None, uri: str | None) -> None:
        if len(self.spaces) < _MAX_OPEN or (prefix or "") in self.spaces:
            self.spaces[prefix or ""] = uri or ""

    def items(self) -> Iterator[Item]:
        data: bytes | memoryview = next(self.chunks, b"")
        self._keep(data)
        while True:
            try:
                self.parser.Parse(data, not data)
            except (LookupError, expat.ExpatError) as exc:
                yield from self.drain()
                if isinstance(exc, LookupError) or exc.code in _ENCODING_ERRORS:
                    yield Rejection(self.file, "whole file", None, _encoding_problem(exc))
                    return
                resumed = yield from self._recover(exc, final=not data)
                if resumed is None:
                    return
                data = resumed
                continue
            yield from self.drain()
            if not data:
                return
            data = next(self.chunks, b"")
            self._keep(data)

    def _keep(self, data: bytes) -> None:
        old = self.window
        if len(old) > _KEEP:
            cut = len(old) - _KEEP
            self.window_line += old.count(b"\n", 0, cut)
            self.window_at += cut
            old = old[cut:]
        self.window = old + data

    def _recover(
        self, exc: expat.ExpatError, *, final: bool
    ) -> Generator[Item, None, memoryview | None]:
        """Reject what the error broke; the bytes to go on with (a fresh parser waits for
        them), or ``None`` when nothing after the error can be read."""
        at = self.segment_at + max(self.parser.ErrorByteIndex - self.reopened, 0)
        line = self.segment_line + exc.lineno - 1
        number, in_record = self.collector.number, self.collector.in_record
        control = self.collector.abandon() if in_record else None
        inside = bool(self.open) or self.beyond > 0
        found = self._find(max(at, self.segment_at + 1), RECORD_START if inside else DOCUMENT_START)
        if found is None and not in_record and self.collector.unclosed:
            return None  # the end tag of a record's parent, met where its lost </record> was
        if in_record:
            position = f"record {number} (line {line})"
        else:
            position = f"after record {number} (line {line})" if number else f"line {line}"
        yield Rejection(
            self.file,
            position,
            control,
            _damage(expat.ErrorString(exc.code), final, in_record, found is not None, number),
        )
        if found is None:
            return None
        reopen = self._reopening() if inside else b""
        self.open, self.beyond = [], 0
        self.parser = self._parser(self.source.resume_encoding)
        self.reopened = 0
        try:
            self.parser.Parse(reopen, False)
            self.reopened = len(reopen)
        except expat.ExpatError:  # an element name no parser takes back: read on bare
            self.parser = self._parser(self.source.resume_encoding)
        return found

    def _reopening(self) -> bytes:
        spaces = "".join(
            f" xmlns:{prefix}={quoteattr(uri)}" if prefix else f" xmlns={quoteattr(uri)}"
            for prefix, uri in self.spaces.items()
        )
        tags = [f"<{name}{spaces if index == 0 else ''}>" for index, name in enumerate(self.open)]
        return "".join(tags).encode("ascii", "xmlcharrefreplace")

    def _find(self, start: int, pattern: re.Pattern[bytes]) -> memoryview | None:
        """The bytes from the first match of ``pattern`` at or after offset ``start`` on,
        reading on as far as needed (a view: a file of many errors is not copied once per
        error); ``None`` at the end.  The running segment starts there."""
        data, base, line = self.window, self.window_at, self.window_line
        offset = max(start - base, 0)
        while True:
            found = pattern.search(data, offset)
            if found is not None:
                begin = found.start()
                self.window, self.window_at, self.window_line = data, base, line
                self.segment_at = base + begin
                self.segment_line = line + data.count(b"\n", 0, begin)
                return memoryview(data)[begin:]
            keep = max(len(data) - 64, offset)  # a start tag cut between two blocks
            line += data.count(b"\n", 0, keep)
            base, data, offset = base + keep, data[keep:], 0
            more = next(self.chunks, b"")
            if not more:
                return None
            data += more


_ENCODING_ERRORS = {
    expat.errors.codes[expat.errors.XML_ERROR_UNKNOWN_ENCODING],
    expat.errors.codes[expat.errors.XML_ERROR_INCORRECT_ENCODING],
}


def _encoding_problem(exc: Exception) -> str:
    """A file whose declared encoding cannot be read: every record would fail alike."""
    problem = expat.ErrorString(exc.code) if isinstance(exc, expat.ExpatError) else str(exc)
    return (
        f"the XML declaration names an encoding that cannot be read here ({problem}): save"
        " the file as UTF-8 and import it again"
    )


def _damage(problem: str, final: bool, in_record: bool, more: bool, number: int) -> str:
    """Why the XML stopped here and what became of the rest of the file."""
    if final:
        if in_record:
            return "the file ends inside this record (cut short?): it was not read"
        if not number:
            return f"no MARCXML record could be read: the XML ends first ({problem})"
        return (
            "the file ends before its last element is closed (cut short?): records after"
            " this point, if there were any, are missing"
        )
    if in_record:
        then = "reading went on at the next record" if more else "no record follows it"
        return f"broken XML here ({problem}): this record was not read; {then}"
    then = "skipped to the next record" if more else "no record follows it"
    return f"broken XML here ({problem}): {then}"
