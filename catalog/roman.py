"""Roman numerals, read where a catalogue writes them: a year on an old title page
("MCMLXV"), a king ("Karl XII"), a part ("Del III").  Here, below ``kiosk``, because the
importers read a year and the reading rules read the rest with the same parser."""

from __future__ import annotations

import re

ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
"""A well-formed roman numeral (bounded repeats only: linear on any input)."""

_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def roman_value(text: str) -> int | None:
    """``"XII"`` -> 12; ``None`` unless ``text`` is a whole, well-formed numeral."""
    if not text or len(text) > 15 or not ROMAN.fullmatch(text):
        return None
    total = 0
    for i, ch in enumerate(text):
        value = _VALUES[ch]
        following = _VALUES[text[i + 1]] if i + 1 < len(text) else 0
        total += -value if value < following else value
    return total or None
