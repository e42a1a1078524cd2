"""How a word that is a number is said: ranges, years, part numbers and roman numerals.

A number is read as the person cataloguing it meant it: a year as a year ("1939" "nineteen
thirty-nine" in English), a count as the count it is ("1808 p." never "eighteen oh eight"), a
code as digits ("ISSN 0346-6159" never a range), a part's number as a word ("Del III" "del
tre") and a king's as his ordinal ("Karl XII" "Karl den tolfte").  The word-by-word pass
(:mod:`kiosk.reading.tokens`) asks :func:`roman` and :func:`number` for each word.
"""

from __future__ import annotations

import re

from kiosk.reading.measures import measure
from kiosk.reading.numbers import MAX_WORDS, roman_value
from kiosk.reading.tables import Rules

NUMBER = re.compile(r"\d{1,9}")
RANGE = re.compile(r"(\d{1,4})[-–—](\d{1,4})|(\d{4})/(\d{2}|\d{4})")
_ROMAN_RANGE = re.compile(r"([IVXLC]{1,8})[-–—]([IVXLC]{1,8})")
_OPEN_RANGE = re.compile(r"(\d{4})[-–—]")
_PERIOD = re.compile(r"(\d{4})-(\w{3,8})")  # "1800-talet", "1800-tallet"
_NUMBER_SIGN = re.compile(r"#(\d{1,4})")  # "(Harry Potter, #1)": the number in a series
_DECADE = re.compile(r"(\d{4})(?:'?s|er)|([1-9])0s")  # "1990s", "1860er", "'70s"
# Words after which a range counts pages, not years: "(p. 1001-1010)".
_PAGE_WORDS = frozenset(
    {"p", "pp", "pg", "s", "ss", "sid", "sidorna", "sidor", "sidan", "page", "pages", "sivut",
     "sivu", "sivuilla", "с"}
)  # fmt: skip
# Words before a number that is a code with a hyphen in it, not a range.
_CODE_WORDS = frozenset({"issn", "isbn", "ismn", "tel", "tel.", "telefon", "phone", "puh."})
# Words that count what a number before them measures: "1808 p.", "(1162 min.)", "1036
# leaves", "2000 cm": a count, never a year ("eighteen oh eight pages").
_UNIT_WORDS = _PAGE_WORDS | frozenset(
    {"leaves", "leaf", "bl", "blad", "lehteä", "lehtiä", "min", "mins", "minutes", "minute",
     "minuter", "minuten", "minuuttia", "tim", "timmar", "hours", "hrs", "hr", "sec",
     "seconds", "sek", "v", "vol", "vols", "volume", "volumes", "band", "bd", "bde", "bände",
     "т", "nid", "cm", "mm", "km", "ft", "kg", "col", "cols", "columns", "sp", "plates", "pl",
     "maps", "ill", "illus", "illustrations", "photos", "figures", "fig", "figs", "tables",
     "sheets", "frames", "slides", "words", "copies", "items", "entries", "kr", "pagine",
     "páginas", "str", "стр", "ص", "页", "頁"}
)  # fmt: skip


def number_words(n: int, say: object) -> str | None:
    if not 0 < n <= MAX_WORDS or not callable(say):
        return None
    return str(say(n))


def is_roman(word: str) -> bool:
    return word.isalpha() and word.isupper() and roman_value(word) is not None


_POSSESSIVE = ("'s", "’s", ":s")  # "Henry VIII's", "Erik XIV:s"
_ROMAN_SUFFIX = re.compile(r"([IVX]{1,6})([a-zè]{1,3})")  # French "XIXe", "XXème"
_DEFINITE = ("et", "en", "an", "na")  # Swedish "världskriget", "århundradet", "visan"


def roman(core: str, prev: str, nxt: str, rules: Rules, numeral: bool) -> str | None:
    """A roman numeral where it is one: a king's ordinal, a part's number, a century ("XX-talet"
    "1900-talet", "XIXe siècle" "dix-neuvième siècle"), an ordinal before its noun ("II
    världskriget" "andra världskriget"); never the pronoun "I" or shouted text."""
    said = _roman_with_ending(core, nxt, rules)
    if said is not None:
        return said
    possessive = next((end for end in _POSSESSIVE if core.endswith(end)), "")
    core = core[: len(core) - len(possessive)]
    part = prev.rstrip(".").casefold() in rules.part_words
    match = _ROMAN_RANGE.fullmatch(core)
    if match and (part or numeral):
        # "Kap. I–III": a range of parts.
        first, second = roman_value(match.group(1)), roman_value(match.group(2))
        if first and second and first < second:
            return f"{number_words(first, rules.cardinal)} {rules.range_word} " + str(
                number_words(second, rules.cardinal)
            )
        return None
    if not core.isupper() or not core.isalpha():
        return None
    n = roman_value(core)
    if n is None:
        return None
    if prev in rules.regnal_names:  # "Erik den fjortondes", "Henry the eighth's"
        return rules.regnal(prev, n) + ("s" if possessive == ":s" else possessive)
    if possessive:
        return None
    if part or (numeral and (len(core) > 1 or not nxt[:1].islower())):
        return number_words(n, rules.cardinal)  # "Del III", "Del I och II" (not "and I think")
    if (
        rules.roman_before_noun
        and len(core) >= 2
        and set(core) <= set("IVX")
        and core != "VI"  # "VI barnen": the pronoun "vi" in capitals
        and nxt[:1].islower()
        and len(nxt.rstrip(".")) >= 4
        and nxt.rstrip(".").endswith(_DEFINITE)  # "II världskriget."
    ):
        return number_words(n, rules.ordinal)  # "II världskriget": "andra världskriget"
    # "World War II", "Rocky IV": a capitalised title word, not shouted text ("VI SOM ...").
    if (
        len(core) >= 2
        and set(core) <= set("IVX")
        and prev[:1].isupper()
        and not prev.isupper()
        and not nxt.isupper()
    ):
        return number_words(n, rules.cardinal)
    return None


def _roman_with_ending(core: str, nxt: str, rules: Rules) -> str | None:
    """ "XX-talet" (a century, as Swedish writes "1900-talet") and French "XIXe" (an ordinal:
    "dix-neuvième"); "Ier" is the table's ("premier", not "première")."""
    head, dash, tail = core.partition("-")
    if dash and tail in rules.century_endings and head.isupper():
        n = roman_value(head)
        return f"{(n - 1) * 100}-{tail}" if n is not None and 1 < n <= 21 else None
    match = _ROMAN_SUFFIX.fullmatch(core)
    if match is None or match.group(2) not in rules.roman_ordinal_suffixes:
        return None
    if core in rules.abbreviations or not nxt[:1].isalpha():
        return None
    n = roman_value(match.group(1))
    return number_words(n, rules.ordinal) if n is not None else None


def number(core: str, prev: str, nxt: str, rules: Rules, numeral: bool = False) -> str | None:
    """Ranges, open ranges, part numbers and (English) years: never a count before its unit
    ("1808 p.", "1001-1010 pages"), which the engine reads as the number it is."""
    said = measure(core, prev, rules.lang, nxt)  # "1/3", Swedish "3,5", "kl. 19.30"
    if said is not None:
        return said
    counted = nxt.rstrip(".").casefold() in _UNIT_WORDS
    pages = counted or prev.rstrip(".").casefold() in _PAGE_WORDS
    match = RANGE.fullmatch(core)
    if match:
        first, second = match.group(1) or match.group(3), match.group(2) or match.group(4)
        if len(first) == 4 and len(second) == 2:  # "1939-45"
            second = str(int(first[:2] + second) + (100 if second < first[2:] else 0))
        if int(second) < int(first) and not pages:
            return None  # not a range: a code or identifier ("NBS 500-8"), said as written
        if first[:1] == "0" or prev.casefold().rstrip(":") in _CODE_WORDS:
            return None  # "ISSN 0346-6159", "090-16 33 00": a number, not a range
        if pages or len(first) != len(second):
            # "p. 1001-1010": pages; "A.D. 800-1066": both numbers, not one of them a year
            return f"{first} {rules.range_word} {second}"
        return f"{_year(first, rules)} {rules.range_word} {_year(second, rules)}"
    match = _PERIOD.fullmatch(core)
    if match and match.group(2) in rules.century_endings and rules.year is not None:
        said = rules.year(int(match.group(1)))  # "1800-talet": "artonhundratalet"
        return f"{said}{match.group(2)}" if said else None
    match = _OPEN_RANGE.fullmatch(core)
    if match:
        return rules.open_range.format(year=_year(match.group(1), rules))
    if NUMBER.fullmatch(core):
        if (numeral or prev.rstrip(".").casefold() in rules.part_words) and len(core) <= 3:
            return number_words(int(core), rules.cardinal)
        part = prev.rstrip(".").casefold() in rules.part_words  # "Del 1234": no year
        if len(core) == 4 and not (counted or part or prev.rstrip(".").casefold() in _PAGE_WORDS):
            said = _year(core, rules)
            return said if said != core else None
        return None
    match = _NUMBER_SIGN.fullmatch(core)
    if match:
        said = number_words(int(match.group(1)), rules.cardinal) or match.group(1)
        return f"{rules.number_word} {said}"
    match = _DECADE.fullmatch(core)
    if match and rules.decade is not None:
        if match.group(2):  # "'70s", "in her 70s": "seventies"
            said = rules.decade(1900 + 10 * int(match.group(2)))
            return said.rsplit(" ", 1)[-1] if said else None
        return rules.decade(int(match.group(1)))
    return None


def _year(digits: str, rules: Rules) -> str:
    if rules.year is None or len(digits) != 4:
        return digits
    return rules.year(int(digits)) or digits
