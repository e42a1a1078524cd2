"""The catalogue's members of the project's error family (``talkcat.errors``).

``TalkcatError`` is re-exported here so code written against ``catalog.errors`` keeps working;
its home is the neutral ``talkcat.errors``, which ``hardware`` imports instead of this module.
"""

from __future__ import annotations

from talkcat.errors import InvalidInput, NotFound, TalkcatError, Unavailable

__all__ = ["CatalogError", "InvalidIdentifier", "NothingFound", "TalkcatError"]


class CatalogError(Unavailable):
    """The catalogue file is missing, unreadable, of the wrong schema version, or similar."""


class InvalidIdentifier(InvalidInput, ValueError):
    """A scanned or stored identifier is not valid; the message says why (e.g. check digit)."""


class NothingFound(NotFound):
    """A search matched nothing, or an import loaded nothing usable: exit 1."""
