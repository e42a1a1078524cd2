"""MARCXML into catalogue entries, read as a stream.

The file is fed to expat in blocks and no element tree is built: a small target collects
the leader, control fields and subfields of the ``<record>`` being read and hands it over
when it ends.  Everything else (a million elements that are not records, text between
them) is dropped as it arrives, and no record may hold more than a MARC record can
(:data:`MAX_RECORD_CHARS`; ISO 2709 stops at 99,999 bytes), so memory stays flat whatever
the file holds.  :func:`item_from_element` maps one ``<record>`` element of an OAI-PMH
response exactly as a file's record is mapped (same record, same rejections, same notes).
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO

from catalog.importers import Entry, Item, Rejection
from catalog.importers.fields import MarcField, MarcRecord
from catalog.importers.mapping import map_record
from catalog.punctuation import nfc

log = logging.getLogger(__name__)

MAX_RECORD_CHARS = 200_000
"""Characters of text one ``<record>`` may hold (twice what ISO 2709 allows, for UTF-8)."""

MAX_FIELD_CHARS = 9_999
"""Characters kept of one subfield or control field (an ISO 2709 field's own limit)."""

_BLOCK = 1 << 16

_CONTROLS = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1f]")
"""C0 control characters XML does not allow (ESC from a bad MARC-8 conversion, in Koha and
Evergreen exports): one would stop the parser and lose every record after it.  Before
parsing, each becomes the Unicode noncharacter U+FDD0 + its code (never found in text
interchanged, allowed by XML), and the collector turns it back, so the record is read as its
ISO 2709 twin is - the usual cleaning of control sequences applies - and gets a note.  Only
in a byte-oriented encoding (UTF-8 and the like), where these bytes are characters."""
_MARKED = re.compile("[\ufdd0-\ufdef]")
_UNMARK = {0xFDD0 + code: code for code in range(0x20)}


def _mark(found: re.Match[bytes]) -> bytes:
    return chr(0xFDD0 + found[0][0]).encode()


def mark_controls(data: bytes) -> bytes:
    """UTF-8 XML (an OAI-PMH page) with its XML-illegal control characters marked, so it
    parses and :func:`item_from_element` reads them back in their record."""
    return _CONTROLS.sub(_mark, data)


def _unmark(text: str) -> tuple[str, int]:
    if _MARKED.search(text) is None:
        return text, 0
    return text.translate(_UNMARK), len(_MARKED.findall(text))


_TOO_BIG = (
    f"record holds more than {MAX_RECORD_CHARS:,} characters of text, more than any MARC"
    " record can; it was not read"
)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Collector:
    """An expat target that keeps only what a MARC record needs, one record at a time."""

    def __init__(self) -> None:
        self.ready: list[tuple[int, MarcRecord | None, str | None, bool, int]] = []
        self.number = 0
        self._in_record = False
        self._depth = 0
        self._reset()

    def _reset(self) -> None:
        self._leader: str | None = None
        self._fields: list[MarcField] = []
        self._field: MarcField | None = None
        self._code: str | None = None
        self._text: list[str] | None = None
        self._kept = 0
        self._size = 0
        self._cut = False
        self._problem: str | None = None
        self._controls = 0

    @property
    def in_record(self) -> bool:
        return self._in_record

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = _local(tag)
        if not self._in_record:
            if name == "record":
                self._in_record = True
                self._depth = 0
                self.number += 1
                self._reset()
            return
        self._depth += 1
        if self._problem is not None:
            return
        if name == "leader" or name == "controlfield" or name == "subfield":
            self._text, self._kept = [], 0
            if name == "controlfield":
                self._field = MarcField(attrib.get("tag", "")[:3])
            elif name == "subfield":
                self._code = (attrib.get("code") or " ")[:1]
        elif name == "datafield":
            self._field = MarcField(
                attrib.get("tag", "")[:3],
                (attrib.get("ind1") or " ")[:1],
                (attrib.get("ind2") or " ")[:1],
                [],
            )

    def data(self, text: str) -> None:
        if self._text is None or self._problem is not None:
            return
        text, controls = _unmark(text)
        self._controls += controls
        self._size += len(text)
        if self._size > MAX_RECORD_CHARS:
            self._problem = _TOO_BIG
            self._text = None
            return
        room = MAX_FIELD_CHARS - self._kept
        if room <= 0:
            self._cut = True
            return
        if len(text) > room:
            text = text[:room]
            self._cut = True
        self._text.append(text)
        self._kept += len(text)

    def end(self, tag: str) -> None:
        if not self._in_record:
            return
        name = _local(tag)
        if self._depth == 0:  # the record itself ends
            self._in_record = False
            if self._problem is not None:
                self.ready.append((self.number, None, self._problem, False, 0))
            elif self._leader is None:
                no_leader = "bad record: no <leader> element"
                self.ready.append((self.number, None, no_leader, False, 0))
            else:
                record = MarcRecord(self._leader, self._fields)
                self.ready.append((self.number, record, None, self._cut, self._controls))
            self._reset()
            return
        self._depth -= 1
        if self._problem is not None:
            return
        text = nfc("".join(self._text)) if self._text is not None else ""
        if name == "leader":
            self._leader = text.ljust(24)[:24]
        elif name == "controlfield" and self._field is not None:
            self._field.data = text
            self._fields.append(self._field)
            self._field = None
        elif name == "subfield" and self._field is not None and self._code is not None:
            self._field.subfields.append((self._code, text))
            self._code = None
        elif name == "datafield" and self._field is not None:
            self._fields.append(self._field)
            self._field = None
        if name in ("leader", "controlfield", "subfield"):
            self._text = None

    def close(self) -> None:
        """Nothing to hand back: records are taken from :attr:`ready` as they end."""


def read_marcxml(path: Path, stream: BinaryIO | None = None) -> Iterator[Item]:
    """Entries from a MARCXML file (any wrapper: ``<collection>``, OAI-PMH...), streamed."""
    file = str(path)
    collector = _Collector()
    parser = ET.XMLParser(target=collector)
    own = stream is None
    handle = stream if stream is not None else open(path, "rb")  # noqa: SIM115
    strip: bool | None = None
    try:
        while True:
            block = handle.read(_BLOCK)
            if strip is None:
                strip = not block.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\0" not in block[:4]
            if block:
                parser.feed(mark_controls(block) if strip else block)
            else:
                parser.close()
            yield from _drain(collector, file)
            if not block:
                return
    except ET.ParseError as exc:
        yield from _drain(collector, file)
        line, column = exc.position
        where = "in" if collector.in_record else "after"
        yield Rejection(
            file,
            f"line {line}, column {column} ({where} record {collector.number})",
            None,
            f"XML is not well-formed ({exc}); the rest of the file was not read",
        )
    finally:
        if own:
            handle.close()


def _drain(collector: _Collector, file: str) -> Iterator[Item]:
    ready, collector.ready = collector.ready, []
    for number, record, problem, cut, controls in ready:
        position = f"record {number}"
        if record is None:
            yield Rejection(file, position, None, problem or "unreadable record")
            continue
        item = _noted(_mapped(record, cut, position, file), controls)
        yield item


def _noted(item: Item, controls: int) -> Item:
    if controls and isinstance(item, Entry):
        note = (
            f"{controls} control character(s) that XML does not allow (ESC...) in the"
            " text, read as in ISO 2709 (a bad MARC-8 conversion?)"
        )
        item = replace(item, notes=(*item.notes, note))
    return item


def _mapped(record: MarcRecord, cut: bool, position: str, file: str) -> Item:
    """The one mapping of a MARCXML record, from a file or an OAI-PMH page: the entry (with
    the note that a field was cut) or the rejection."""
    try:
        item = map_record(record, position, file)
    except Exception as exc:  # a mapping bug must not stop the import
        log.exception("%s %s: cannot map record", file, position)
        return Rejection(file, position, None, f"cannot read record: {exc}")
    if cut and isinstance(item, Entry):
        note = f"a field longer than {MAX_FIELD_CHARS:,} characters was cut to that length"
        item = replace(item, notes=(*item.notes, note))
    return item


def item_from_element(elem: Any, position: str, file: str) -> Item:
    """One MARCXML ``<record>`` element (an OAI-PMH ``<metadata>``'s) as the item a file
    holding the same record imports as: the same mapping, the same rejection reasons and the
    same notes, so a harvest and an import of the same records give the same catalogue."""
    try:
        record, cut, controls = _from_element(elem)
    except ValueError as exc:
        return Rejection(file, position, None, str(exc))
    return _noted(_mapped(record, cut, position, file), controls)


def record_from_element(elem: Any) -> MarcRecord:
    """One MARCXML ``<record>`` element (``xml.etree`` or lxml) as the record
    :func:`catalog.importers.mapping.map_record` reads; ``ValueError`` (the reason a file's
    record would be rejected for) without a leader or with more text than a MARC record can
    hold.  Field texts are cut to :data:`MAX_FIELD_CHARS` like a file's."""
    return _from_element(elem)[0]


_LEADER, _CONTROL, _DATA, _SUBFIELD = 1, 2, 3, 4
_BY_NAME = {"leader": _LEADER, "controlfield": _CONTROL, "datafield": _DATA, "subfield": _SUBFIELD}
_KINDS = {
    f"{ns}{name}": kind
    for ns in ("", "{http://www.loc.gov/MARC21/slim}")
    for name, kind in _BY_NAME.items()
}
"""Tag -> kind for the usual spellings, so the walk below rarely splits a tag: it runs for
every element of every harvested record."""


def _kind(tag: Any) -> int | None:
    """The kind of an element in another namespace; ``None`` for a comment or processing
    instruction (lxml keeps them in the tree, where a tag is not a string)."""
    return _BY_NAME.get(_local(tag)) if isinstance(tag, str) else None


def _from_element(elem: Any) -> tuple[MarcRecord, bool, int]:
    # Text as the file reader collects it: nested elements' text too, comments not.
    leader = None
    fields: list[MarcField] = []
    size = 0
    cut = False
    controls = 0
    limit = MAX_FIELD_CHARS
    for child in elem:
        tag = child.tag
        kind = _KINDS.get(tag) or _kind(tag)
        if kind == _DATA:
            subfields = []
            for sub in child:
                tag = sub.tag
                if (_KINDS.get(tag) or _kind(tag)) != _SUBFIELD:
                    continue
                text = "".join(sub.itertext()) if len(sub) else (sub.text or "")
                text, marked = _unmark(text)
                controls += marked
                size += len(text)
                if len(text) > limit:
                    cut = True
                    text = text[:limit]
                subfields.append(((sub.get("code") or " ")[:1], nfc(text)))
            fields.append(
                MarcField(
                    child.get("tag", "")[:3],
                    (child.get("ind1") or " ")[:1],
                    (child.get("ind2") or " ")[:1],
                    subfields,
                )
            )
        elif kind in (_CONTROL, _LEADER):
            text = "".join(child.itertext()) if len(child) else (child.text or "")
            text, marked = _unmark(text)
            controls += marked
            size += len(text)
            if len(text) > limit:
                cut = True
                text = text[:limit]
            if kind == _LEADER:
                leader = nfc(text).ljust(24)[:24]
            else:
                fields.append(MarcField(child.get("tag", "")[:3], data=nfc(text)))
    if size > MAX_RECORD_CHARS:
        raise ValueError(_TOO_BIG)
    if leader is None:
        raise ValueError("bad record: no <leader> element")
    return MarcRecord(leader, fields), cut, controls
