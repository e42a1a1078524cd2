"""Errors raised by the catalogue.  The CLI turns them into messages and exit codes."""

from __future__ import annotations


class CatalogError(Exception):
    """The catalogue file is missing, unreadable, of the wrong schema version, or similar."""


class InvalidIdentifier(ValueError):
    """A scanned or stored identifier is not valid; the message says why (e.g. check digit)."""
