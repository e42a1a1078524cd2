"""Numbers as words, for the places where digits alone would be read wrongly.

eSpeak NG reads "3" as a cardinal in every language, so an ordinal written the catalogue way
("3. uppl.", "3rd ed.", "3. painos") or a regnal number ("Karl XII") has to reach it as a word.
Only what the normaliser needs is here: cardinals and ordinals up to 999 in Swedish, English
and Finnish, English years the way people say them, and roman numerals.
"""

from __future__ import annotations

import re

from kiosk.reading.tables import words

MAX_WORDS = 999
"""Beyond this the digits are left to the engine: no edition or king is numbered higher."""

# --------------------------------------------------------------------------- roman numerals

ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
"""A well-formed roman numeral (bounded repeats only: linear on any input)."""

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def roman_value(text: str) -> int | None:
    """``"XII"`` -> 12; ``None`` unless ``text`` is a whole, well-formed numeral."""
    if not text or len(text) > 15 or not ROMAN.fullmatch(text):
        return None
    total = 0
    for i, ch in enumerate(text):
        value = _ROMAN_VALUES[ch]
        following = _ROMAN_VALUES[text[i + 1]] if i + 1 < len(text) else 0
        total += -value if value < following else value
    return total or None


# --------------------------------------------------------------------------- Swedish

_SV_ONES = words(
    "noll ett två tre fyra fem sex sju åtta nio tio elva tolv tretton fjorton femton sexton "
    "sjutton arton nitton"
)
_SV_TENS = words("_ _ tjugo trettio fyrtio femtio sextio sjuttio åttio nittio")
_SV_ORD = words(
    "nollte första andra tredje fjärde femte sjätte sjunde åttonde nionde tionde elfte tolfte "
    "trettonde fjortonde femtonde sextonde sjuttonde artonde nittonde"
)
_SV_ORD_TENS = words(
    "_ _ tjugonde trettionde fyrtionde femtionde sextionde sjuttionde åttionde nittionde"
)


def sv_cardinal(n: int) -> str:
    if n < 20:
        return _SV_ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _SV_TENS[tens] + (_SV_ONES[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    head = ("ett" if hundreds == 1 else _SV_ONES[hundreds]) + "hundra"
    return head + (sv_cardinal(rest) if rest else "")


def sv_ordinal(n: int, masculine: bool = False) -> str:
    """``3`` -> "tredje"; ``masculine`` gives the regnal "förste"/"andre" ("Gustav den andre")."""
    if n < 20:
        word = _SV_ORD[n]
    elif n < 100:
        tens, ones = divmod(n, 10)
        word = _SV_ORD_TENS[tens] if not ones else _SV_TENS[tens] + _SV_ORD[ones]
    else:
        hundreds, rest = divmod(n, 100)
        head = ("" if hundreds == 1 else _SV_ONES[hundreds]) + "hundra"
        word = head + (sv_ordinal(rest) if rest else "de")
    if masculine and (word.endswith("första") or word.endswith("andra")):
        word = word[:-1] + "e"
    return word


# --------------------------------------------------------------------------- English

_EN_ONES = words(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
)
_EN_TENS = words("_ _ twenty thirty forty fifty sixty seventy eighty ninety")
_EN_ORD_IRREGULAR = {
    "one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
    "nine": "ninth", "twelve": "twelfth",
}  # fmt: skip


def en_cardinal(n: int) -> str:
    if n < 20:
        return _EN_ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _EN_TENS[tens] + (f"-{_EN_ONES[ones]}" if ones else "")
    hundreds, rest = divmod(n, 100)
    head = f"{_EN_ONES[hundreds]} hundred"
    return head + (f" and {en_cardinal(rest)}" if rest else "")


def en_ordinal(n: int) -> str:
    words = en_cardinal(n)
    stem, sep, last = words.rpartition("-" if "-" in words.rsplit(" ", 1)[-1] else " ")
    if last in _EN_ORD_IRREGULAR:
        last = _EN_ORD_IRREGULAR[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return f"{stem}{sep}{last}"


def en_year(n: int) -> str | None:
    """How a year is said: 1939 "nineteen thirty-nine", 1900 "nineteen hundred", 2024
    "twenty twenty-four"; ``None`` where eSpeak's own reading is already right (2000-2009)."""
    if not (1001 <= n <= 1999 or 2010 <= n <= 2099) or n % 1000 == 0:
        return None
    century, rest = divmod(n, 100)
    if rest == 0:
        return f"{en_cardinal(century)} hundred"
    tail = f"oh {_EN_ONES[rest]}" if rest < 10 else en_cardinal(rest)
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


# --------------------------------------------------------------------------- Finnish

_FI_ONES = words("nolla yksi kaksi kolme neljä viisi kuusi seitsemän kahdeksan yhdeksän kymmenen")
_FI_ORD = words(
    "nollas ensimmäinen toinen kolmas neljäs viides kuudes seitsemäs kahdeksas yhdeksäs kymmenes"
)
# The ordinal stem inside compounds: "kahdestoista" (12th), "kahdeskymmenes" (20th).
_FI_ORD_STEM = words("_ yhdes kahdes kolmas neljäs viides kuudes seitsemäs kahdeksas yhdeksäs")


def fi_cardinal(n: int) -> str:
    if n <= 10:
        return _FI_ONES[n]
    if n < 20:
        return _FI_ONES[n - 10] + "toista"
    if n < 100:
        tens, ones = divmod(n, 10)
        return _FI_ONES[tens] + "kymmentä" + (_FI_ONES[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    head = "sata" if hundreds == 1 else _FI_ONES[hundreds] + "sataa"
    return head + (fi_cardinal(rest) if rest else "")


def fi_ordinal(n: int) -> str:
    if n <= 10:
        return _FI_ORD[n]
    if n < 20:
        return _FI_ORD_STEM[n - 10] + "toista"
    if n < 100:
        tens, ones = divmod(n, 10)
        return _FI_ORD_STEM[tens] + "kymmenes" + (_FI_ORD[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    head = "sadas" if hundreds == 1 else _FI_ORD_STEM[hundreds] + "sadas"
    return head + (fi_ordinal(rest) if rest else "")
