"""MARCXML into catalogue entries, read as a stream.

The file is fed to expat in blocks and no element tree is built: a small target collects
the leader, control fields and subfields of the ``<record>`` being read and hands it over
when it ends.  Everything else (a million elements that are not records, text between
them) is dropped as it arrives, and no record may hold more than a MARC record can
(:data:`MAX_RECORD_CHARS`; ISO 2709 stops at 99,999 bytes), so memory stays flat whatever
the file holds.  Broken XML (a file cut short, an unclosed tag, garbage after a record)
costs the record it is in, never the rest: a fresh parser reads on from the next
``<record>`` (:mod:`catalog.importers.xml_stream`), as the MARC21 reader resynchronises at
the next record, and the damage is a rejection with its record and line.
:func:`item_from_element` maps one ``<record>`` element of an OAI-PMH response exactly as a
file's record is mapped (same record, same rejections, same notes).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO

from catalog.importers import Entry, Item, Rejection
from catalog.importers.fields import MarcField, MarcRecord
from catalog.importers.mapping import map_record
from catalog.importers.text import binary
from catalog.importers.xml_stream import MARK, ControlMarker, Reader, Source, mark_controls
from catalog.punctuation import nfc

log = logging.getLogger(__name__)

MAX_RECORD_CHARS = 200_000
"""Characters of text one ``<record>`` may hold (twice what ISO 2709 allows, for UTF-8)."""

MAX_FIELD_CHARS = 9_999
"""Characters kept of one subfield or control field (an ISO 2709 field's own limit)."""

__all__ = ["ControlMarker", "item_from_element", "mark_controls", "read_marcxml"]
_MARKED = re.compile("[\ufdd0-\ufdef]")
_UNMARK = {MARK + code: code for code in range(0x20)}


def _unmark(text: str) -> tuple[str, int]:
    if _MARKED.search(text) is None:
        return text, 0
    return text.translate(_UNMARK), len(_MARKED.findall(text))


_TOO_BIG = (
    f"record holds more than {MAX_RECORD_CHARS:,} characters of text, more than any MARC"
    " record can; it was not read"
)


_UNCLOSED = (
    "no </record> before the next <record>: the file is damaged here; this record was not"
    " read, the records after it were"
)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Collector:
    """An expat target that keeps only what a MARC record needs, one record at a time."""

    def __init__(self) -> None:
        self.ready: list[tuple[int, MarcRecord | None, str | None, bool, int]] = []
        self.number = 0
        self.unclosed = 0
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
        if self._in_record and name == "record" and (self._leader or self._fields):
            # MARC records never nest (an OAI-PMH <record> around a MARC one holds no
            # fields): the record being read has lost its </record>.  Rejected alone, or
            # every record after it would be read into it.
            self.ready.append((self.number, None, _UNCLOSED, False, 0))
            self._in_record = False
            self.unclosed += 1
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

    def abandon(self) -> str | None:
        """The XML broke inside the record being read: drop it; its 001, if read yet."""
        self._in_record = False
        control = next((f.data for f in self._fields if f.tag == "001" and f.data), None)
        self._reset()
        return control


def read_marcxml(path: Path, stream: BinaryIO | None = None) -> Iterator[Item]:
    """Entries from a MARCXML file (any wrapper: ``<collection>``, OAI-PMH...), streamed."""
    with binary(path, stream) as handle:
        collector = _Collector()
        file = str(path)
        yield from Reader(file, Source(handle), collector, lambda: _drain(collector, file)).items()


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
