"""A full stop with no reading table to ask: the sentence-end rule for every language.

Split out of :mod:`kiosk.reading.tokens`, which asks these first and then its tables.  What a
word's full stop means without a table depends on the word's shape and on what follows:

* a word with a dot inside is an abbreviation ("bl.a.", "z.B.", "Ph.D.", "т.д."), never the
  end of a sentence - but a web address, an e-mail address, a file name or a decimal number
  ("…/book.pdf.", "info@lib.org.", "823.914.") is a word like any other, and its last full
  stop ends the sentence before a capital: "Contact info@lib.org. Also …" is two sentences;
* a short word before its number ("pag. 12", "Т. 1-2", "ط. 2") is an abbreviation;
* otherwise the stop ends a sentence before a capital, a digit, or a letter of a script
  without case (Arabic, Hebrew, Ethiopic, Han: "حكايات شعبية. ط. 2").
"""

from __future__ import annotations

import re

from kiosk.reading.numeric import is_roman
from kiosk.reading.tables import NON_FINAL, words

LEAD = "([{\"'«“‘„"
TRAIL = ",;:)]}\"'»”’!?"

# "bl.a", "z.B", "Ph.D", "fr.o.m", "J.R.R", "т.д": short runs of letters joined by dots.
_DOTTED = re.compile(r"[^\W\d_]{1,4}(?:\.[^\W\d_]{1,4}){1,5}")
# The last part of an address or a file name, never of an abbreviation: "lib.org", "dn.se".
_NOT_ABBREVIATION_ENDS = frozenset(
    words(
        "se fi no dk nu eu uk de fr com org net edu gov info io biz pdf htm html txt epub "
        "doc docx mp3 jpg png"
    )
)
_SMALL_NUMBER = re.compile(r"\d{1,3}(?!\d)")


def capital(word: str) -> bool:
    """Whether ``word`` may start a sentence: its first character is a capital letter, or a
    letter of a script without case (Arabic, Hebrew, Ethiopic, Han)."""
    first = word[:1]
    return first.isalpha() and not first.islower()


def dotted(core: str) -> bool:
    """A dotted abbreviation ("bl.a.", "z.B.", "Ph.D."), not an address, a file name or a
    number with a dot in it ("lib.org", "book.pdf", "823.914")."""
    stem = core[:-1] if core.endswith(".") else core
    if _DOTTED.fullmatch(stem) is None:
        return False
    return stem.rsplit(".", 1)[1].casefold() not in _NOT_ABBREVIATION_ENDS


def plain_stop(core: str, nxt: str, last: bool | None) -> bool:
    """A word's full stop with no table to ask: the end of the text, or a sentence end
    before a capital or a digit unless the word is a dotted abbreviation ("bl.a.",
    "z.B.") or one every language writes before its noun ("fig.", "Vol.", "Dr.")."""
    if not core.endswith(".") or last is None:
        return False
    if last:
        return True
    if dotted(core) or core.casefold() in NON_FINAL:
        return False  # "z.B.", "fig. 3"
    if short_abbreviation(core, nxt):
        return False  # "D. 2", "pag. 12", "sec. XIV", "Т. 1-2", "гл. 4", "ط. 2"
    return capital(nxt) or nxt[:1].isdigit()


def short_abbreviation(core: str, nxt: str) -> bool:
    """The rule for every language, with or without a table: a short word with a full stop
    (one to three letters, or a lower-case word up to five) before a number that is not a
    year, or before a roman numeral, is an abbreviation before its number ("pag. 12", "sec.
    XIV", "Dra.", "Т. 1-2", "гл. 4", "с. 45", "ط. 2"), never a sentence end.  "i ett år.
    1945 flyttade" still ends one: a year starts sentences."""
    stem = core[:-1]
    if not core.endswith(".") or not stem.isalpha():
        return False  # "Том 2", "Deel 2": a whole word, not an abbreviation
    if not (len(stem) <= 3 or (stem.islower() and len(stem) <= 5)):
        return False
    nxt = nxt.lstrip(LEAD).rstrip(TRAIL + ".")
    if _SMALL_NUMBER.match(nxt):
        return True
    # A roman numeral; "I" alone is the English pronoun ("it. I ran").
    return is_roman(nxt) and (len(nxt) > 1 or nxt in ("V", "X"))
