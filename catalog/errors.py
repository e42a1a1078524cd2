"""The catalogue's members of the project's error family (``talkcat.errors``).

``TalkcatError`` is re-exported here so code written against ``catalog.errors`` keeps working;
its home is the neutral ``talkcat.errors``, which ``hardware`` imports instead of this module.
"""

from __future__ import annotations

import functools
import inspect
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from talkcat.errors import InvalidInput, NotFound, TalkcatError, Unavailable

__all__ = [
    "CatalogError", "InvalidIdentifier", "NothingFound", "TalkcatError", "translates_sqlite_errors",
]

_T = TypeVar("_T")


class CatalogError(Unavailable):
    """The catalogue file is missing, unreadable, of the wrong schema version, or similar."""


class InvalidIdentifier(InvalidInput, ValueError):
    """A scanned or stored identifier is not valid; the message says why (e.g. check digit)."""


class NothingFound(NotFound):
    """A search matched nothing, or an import loaded nothing usable: exit 1."""


def translates_sqlite_errors(cls: type[_T]) -> type[_T]:
    """Class decorator: no ``sqlite3.Error`` leaves a public method of ``cls`` untranslated.

    What the code above a catalogue sees is a ``CatalogError`` naming the file ("…: database
    disk image is malformed"), so the CLI's one error edge can give it a line and exit 3 and the
    kiosk can say the catalogue is unavailable.  Errors the methods translate themselves (with a
    better message) pass through unchanged; generator methods are translated while iterated.
    """
    for name, member in list(vars(cls).items()):
        if name.startswith("_") or not inspect.isfunction(member):
            continue
        setattr(cls, name, _translating(member))
    return cls


def _where(args: tuple[object, ...]) -> str:
    path = getattr(args[0], "path", None) if args else None
    return f"{path}: " if path is not None else ""


def _translating(method: Callable[..., Any]) -> Callable[..., Any]:
    if inspect.isgeneratorfunction(method):

        @functools.wraps(method)
        def generator(*args: Any, **kwargs: Any) -> Any:
            try:
                yield from method(*args, **kwargs)
            except sqlite3.Error as exc:
                raise CatalogError(f"{_where(args)}{exc}") from exc

        return generator

    @functools.wraps(method)
    def plain(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as exc:
            raise CatalogError(f"{_where(args)}{exc}") from exc

    return plain
