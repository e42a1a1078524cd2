"""Numbers as words, for the places where digits alone would be read wrongly.

eSpeak NG reads "3" as a cardinal in every language, so an ordinal written the catalogue way
("3. uppl.", "3rd ed.", "3. painos") or a regnal number ("Karl XII") has to reach it as a word.
Only what the normaliser needs is here: cardinals and ordinals up to 999 in Swedish, English
and Finnish (from their tables in :mod:`kiosk.reading.numerals`, the one engine every
language's number words come from), English years the way people say them, and roman
numerals.
"""

from __future__ import annotations

# The one roman parser, shared with the importers (a year "MCMLXV").
from catalog.roman import roman_value as roman_value
from kiosk.reading.numerals import ENGLISH, FINNISH, SWEDISH, cardinal, ordinal

MAX_WORDS = 999
"""Beyond this the digits are left to the engine: no edition or king is numbered higher."""

# --------------------------------------------------------------------------- Swedish, English,
# Finnish: the number words are tables of :mod:`kiosk.reading.numerals`, as every language's.


def sv_cardinal(n: int) -> str:
    return cardinal(SWEDISH, n) or str(n)


def sv_ordinal(n: int, masculine: bool = False) -> str:
    """``3`` -> "tredje"; ``masculine`` gives the regnal "förste"/"andre" ("Gustav den andre")."""
    word = ordinal(SWEDISH, n) or str(n)
    if masculine and (word.endswith("första") or word.endswith("andra")):
        word = word[:-1] + "e"
    return word


def en_cardinal(n: int) -> str:
    return cardinal(ENGLISH, n) or str(n)


def en_ordinal(n: int) -> str:
    return ordinal(ENGLISH, n) or str(n)


def fi_cardinal(n: int) -> str:
    return cardinal(FINNISH, n) or str(n)


def fi_ordinal(n: int) -> str:
    return ordinal(FINNISH, n) or str(n)


def en_year(n: int) -> str | None:
    """How a year is said: 1939 "nineteen thirty-nine", 1900 "nineteen hundred", 2024
    "twenty twenty-four"; ``None`` where eSpeak's own reading is already right (2000-2009)."""
    if not (1001 <= n <= 1999 or 2010 <= n <= 2099) or n % 1000 == 0:
        return None
    century, rest = divmod(n, 100)
    if rest == 0:
        return f"{en_cardinal(century)} hundred"
    tail = f"oh {ENGLISH.small[rest]}" if rest < 10 else en_cardinal(rest)
    return f"{en_cardinal(century)} {tail}"


def en_decade(n: int) -> str | None:
    """``1990`` (of "1990s") -> "nineteen nineties"."""
    year = en_year(n)
    if year is None or n % 10:
        return None
    stem, sep, last = year.rpartition(" ")
    if last == "hundred":
        return f"{year}s"
    return f"{stem}{sep}{last[:-1]}ies" if last.endswith("y") else f"{year}s"
