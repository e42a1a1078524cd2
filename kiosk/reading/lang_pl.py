"""Polish shorthand eSpeak NG reads as letters ("m.in." "em kropka in") - no Polish table yet.

Asked (``espeak_TextToPhonemes``): "m.in." is "em kropka in", "dr hab." "de er hab", "w." after
a century's numeral the letter "wu".  Only these are said here; the full stop of one that does
not end a sentence goes with it.
"""

from __future__ import annotations

import re

from kiosk.reading.numbers import roman_value
from kiosk.reading.tables import pairs

_SAID = pairs(
    "m.in. = między innymi | prof. = profesor | Prof. = Profesor | dr hab. = doktor habilitowany "
    "| tzw. = tak zwany | np. = na przykład | tj. = to jest | zob. = zobacz | Zob. = Zobacz "
    "| itd. = i tak dalej | itp. = i tym podobne | red. = redakcja | tłum. = tłumaczenie"
)
_FINAL = frozenset({"itd.", "itp."})
_SHORTHAND = re.compile(
    r"(?<![\w.])(" + "|".join(map(re.escape, sorted(_SAID, key=len, reverse=True))) + r")"
    r"(?=\s|$)|(?<![\w-])([IVXLC]{1,7})\s(w)\.|(?<=\d)\s(r)\."
)
_END = re.compile(r"\s+[\"«(]?[A-ZĄĆĘŁŃÓŚŹŻ0-9]|\s*$")


def shorthand(text: str) -> str:
    """ "Wstęp prof. dr hab. J. Kowalskiego. W XIX w. m.in. Napoleon." -> "Wstęp profesor
    doktor habilitowany J. Kowalskiego. W XIX wieku między innymi Napoleon."."""

    def say(match: re.Match[str]) -> str:
        word, numeral, century, year = match.groups()
        stop = "." if _END.match(text, match.end()) is not None else ""
        if century:
            # "XIX" is "iks i iks" to the Polish voice; "19 wieku" it says.
            return f"{roman_value(numeral) or numeral} wieku{stop}"
        if year:
            return f" roku{stop}"
        last = _END.fullmatch(text, match.end()) is not None
        return _SAID[word] + ("." if last or (stop and word in _FINAL) else "")

    return _SHORTHAND.sub(say, text)
