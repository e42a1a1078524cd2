"""The field/subfield interface the MARC mapping is written against, and our own small
implementation of it.

:mod:`catalog.importers.mapping` reads a record only through ``leader``, ``get_fields(*tags)``,
``get(tag)`` and, on each field, ``tag``, ``indicator1``, ``indicator2``, ``subfields``
(``(code, value)`` pairs) and ``data`` (control fields): the interface of ``pymarc.Record``
and ``pymarc.Field``.  So a record pymarc parsed, one the fast ISO 2709 decoder built
(:class:`MarcRecord`), one read from MARCXML and one harvested over OAI-PMH are all mapped by
the same code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from catalog.punctuation import nfc


class FieldLike(Protocol):
    """One MARC field as pymarc shows it."""

    tag: str
    indicator1: Any
    indicator2: Any
    data: Any

    @property
    def subfields(self) -> Sequence[Any]: ...


class RecordLike(Protocol):
    """One MARC record as pymarc shows it (``leader`` may be a str or a pymarc ``Leader``)."""

    leader: Any

    def get_fields(self, *tags: str) -> Sequence[Any]: ...

    def get(self, tag: str, default: Any = None) -> Any: ...


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

    def get(self, tag: str, default: MarcField | None = None) -> MarcField | None:
        found = self._by_tag.get(tag)
        return found[0] if found else default


def sub(field: FieldLike, code: str) -> str | None:
    """The first non-blank ``$code`` of ``field``."""
    for c, value in field.subfields:
        if c == code and value.strip():
            return value
    return None


def firsts(field: FieldLike) -> dict[str, str]:
    """:func:`sub` for every code at once: one pass over a field with many subfields (a Koha
    952 item has a dozen or more, and six of them are read)."""
    found: dict[str, str] = {}
    for code, value in field.subfields:
        if code not in found and value.strip():
            found[code] = value
    return found


def subs(field: FieldLike, codes: str) -> list[str]:
    """Every non-blank subfield whose code is one of ``codes``, in field order."""
    return [value for c, value in field.subfields if c in codes and value.strip()]


def control(record: RecordLike, tag: str) -> str:
    """A control field's data (NFC), ``""`` when absent."""
    field = record.get(tag)
    data = getattr(field, "data", None) if field is not None else None
    return nfc(data) if data else ""

