"""Patron (library) cards: recognised in every form a scanner sends, never spoken or logged.

A visitor who scans their own card hears "this is a library card" and nothing else.  The
library's ``[privacy] patron_pattern`` describes the card's number; scanners deliver that
number with symbology prefixes, start/stop characters, spaces or hyphens depending on their
settings, so the pattern is tried against every such form
(:func:`catalog.identifiers.scanned_forms`), not only the text as it arrived.  Missing one form
would let a card number reach the speech, the transcript, the missing-state counts and the log.
"""

from __future__ import annotations

import re

from catalog.identifiers import scanned_forms


class PatronFilter:
    """``matches(text)`` is True when any scanned form of ``text`` fits the patron pattern."""

    def __init__(self, pattern: str | None) -> None:
        self._pattern = re.compile(pattern) if pattern else None

    @property
    def enabled(self) -> bool:
        return self._pattern is not None

    def matches(self, text: str, symbology: str | None = None) -> bool:
        pattern = self._pattern
        if pattern is None:
            return False
        return any(pattern.fullmatch(form) for form in scanned_forms(text, symbology))
