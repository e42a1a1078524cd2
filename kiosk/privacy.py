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
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

from catalog.identifiers import scanned_forms

MAX_CARD_LENGTH = 64
"""Longer scanned forms are never tried against the pattern: a card number is short, and
Python's backtracking ``re`` cannot be interrupted - not even by SIGTERM - while it matches,
so the work of one scan must stay bounded whatever the pattern (hostile3-3)."""


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` could take exponential time on a hostile scan, or None.

    A repeat with no upper bound around something that can match the same text in more than
    one way - another variable repeat (``(a+)+``, ``(\\d*)*``) or an alternation (``(a|a)+``,
    ``(ab|a)*``) - makes the backtracking engine try every split.  Single-character
    alternatives (``(\\d|-)+``) are folded into a character class by ``re`` and are fine.
    """
    try:
        parsed = _parser.parse(pattern)
    except re.error:
        return None  # reported as "not a valid regular expression"
    if _ambiguous_repeat(list(parsed), inside_repeat=False):
        return (
            "a repeat around another repeat or an alternation (such as (a+)+ or (a|ab)+) can"
            " take exponential time on one scan and freeze the kiosk; write it with a"
            " character class and one repeat, e.g. [0-9-]+ or (?:P|L)[0-9]{8}"
        )
    return None


def _ambiguous_repeat(items: list[Any], inside_repeat: bool) -> bool:
    for op, arg in items:
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
            low, high, body = arg
            variable = high != low and (high == sre.MAXREPEAT or high > 1)
            if inside_repeat and variable:
                return True
            if _ambiguous_repeat(list(body), inside_repeat or high == sre.MAXREPEAT):
                return True
        elif op is sre.BRANCH:
            if inside_repeat:
                return True
            if any(_ambiguous_repeat(list(b), inside_repeat) for b in arg[1]):
                return True
        elif op is sre.SUBPATTERN:
            if _ambiguous_repeat(list(arg[-1]), inside_repeat):
                return True
        elif op in (sre.ASSERT, sre.ASSERT_NOT) and _ambiguous_repeat(
            list(arg[1]), inside_repeat
        ):
            return True
    return False


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
        return any(
            pattern.fullmatch(form)
            for form in scanned_forms(text, symbology)
            if len(form) <= MAX_CARD_LENGTH
        )
