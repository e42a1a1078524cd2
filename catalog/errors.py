"""The project's error family, and the catalogue's own members of it.

``TalkcatError`` lives here because ``catalog`` is the one room every other room may import
(``hardware`` and ``kiosk`` do; ``catalog`` imports neither).  Library code raises these with
what went wrong and how to fix it; only the CLI turns them into messages and exit codes.
"""

from __future__ import annotations


class TalkcatError(Exception):
    """Base of every error the project raises on purpose (as opposed to a bug)."""


class CatalogError(TalkcatError):
    """The catalogue file is missing, unreadable, of the wrong schema version, or similar."""


class InvalidIdentifier(TalkcatError, ValueError):
    """A scanned or stored identifier is not valid; the message says why (e.g. check digit)."""
