"""Cells a spreadsheet may open: no formula injection, and the way back.

OWASP "CSV injection": a cell beginning with ``=`` ``+`` ``-`` ``@``, tab or CR may be run
as a formula by Excel or LibreOffice (``=HYPERLINK(...)``, ``=cmd|...``).  Every CSV the
project writes for staff (``talkcat export``, ``--report``) puts a ``'`` before such a cell,
which spreadsheets read as "this is text"; ``talkcat import`` takes it off again.  The rule
counts leading ``'`` so the round trip is exact for every value, even one that itself begins
with ``'=``.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula (OWASP)."""


def _needs_escape(value: str) -> bool:
    """True for a value that starts a formula, after any number of leading ``'``."""
    rest = value.lstrip("'")
    return rest != "" and rest[0] in FORMULA_START


def escape_cell(value: Any) -> Any:
    """A cell as written to a CSV file a spreadsheet may open."""
    if isinstance(value, str) and _needs_escape(value):
        return "'" + value
    return value


def unescape_cell(value: str) -> str:
    """Inverse of :func:`escape_cell`: ``unescape_cell(escape_cell(v)) == v`` for every v."""
    if value[:1] == "'" and _needs_escape(value[1:]):
        return value[1:]
    return value
