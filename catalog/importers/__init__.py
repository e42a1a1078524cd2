"""Importers turn staff's export files into a stream of entries for :mod:`catalog.importing`.

Each importer is a generator over one file, reading it as a stream (memory does not grow with
file size), and yields:

* :class:`Entry` - a :class:`~catalog.records.Record` plus every key it can be scanned under;
* :class:`LabelEntry` - a shelf or service-point :class:`~catalog.records.Label` and its tags;
* :class:`Deletion` - the source says this record is gone (MARC leader/05 ``d``);
* :class:`Holdings` - copies from a MARC holdings record, for a record loaded earlier;
* :class:`Rejection` - this record or line could not be used, and why;
* :class:`Notice` - a warning about the file that did not stop anything loading.

A damaged record never stops the generator: it yields a ``Rejection`` and goes on with the
next one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from catalog.records import Label, Record


@dataclass(frozen=True)
class _Report:
    """Where in which file, which identifier, and why: what staff need to find a record."""

    file: str
    position: str
    identifier: str | None
    reason: str

    def __str__(self) -> str:
        ident = f" [{self.identifier}]" if self.identifier else ""
        return f"{self.file}: {self.position}{ident}: {self.reason}"


@dataclass(frozen=True)
class Rejection(_Report):
    """A record or line that was not loaded (or, as a warning, loaded with a part dropped)."""


@dataclass(frozen=True)
class Notice(_Report):
    """Something staff should know that did not stop anything loading (a file read as
    Windows-1252, columns ignored...).  Reported as a warning, never counted as rejected."""


@dataclass(frozen=True)
class Entry:
    """A record ready to store.  ``unavailable``: keys of withdrawn/lost copies.

    ``notes`` are problems that did not stop the record loading (an ISBN with a wrong check
    digit was left out...); the import reports them as warnings.  ``replaces``: the id an
    older version of the importer gave this record (:mod:`catalog.importers.identity`); a
    catalogue row still under it becomes this record's row.
    """

    record: Record
    position: str
    keys: tuple[str, ...] = ()
    unavailable: frozenset[str] = frozenset()
    notes: tuple[str, ...] = field(default=())
    replaces: str | None = None


@dataclass(frozen=True)
class LabelEntry:
    label: Label
    position: str
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Deletion:
    record_id: str
    position: str


@dataclass(frozen=True)
class Holdings:
    """Copies from a separate MARC holdings record, for the bibliographic record ``record_id``
    (found through 004).  ``copies`` is a :class:`catalog.importers.copies.Copies`."""

    record_id: str
    position: str
    copies: Any
    notes: tuple[str, ...] = ()


Item = Entry | LabelEntry | Deletion | Rejection | Notice | Holdings
