"""Fractions, decimal commas and clock times, which eSpeak NG reads by their punctuation.

Asked with ``espeak_TextToPhonemes``: "1/3" is "ett snedstreck tre" (Swedish), "one slash
three" (English), "eins drei" (German), "yksi kautta kolme" (Finnish); an LP's "33 1/3 rpm"
is "thirty-three one slash three"; the Swedish voice reads the decimal comma of "3,5 kg" as a
point ("tre punkt fem") - Norwegian, Danish, German and Finnish say "komma"/"pilkku" by
themselves; and "kl. 19.30" is "nitton punkt trettio" while "19:30" is "nitton trettio".
A librarian says "en tredjedel", "thirty-three and a third", "tre komma fem", "klockan
nitton trettio".  Only those forms are changed here; every other number is the reader's.
"""

from __future__ import annotations

import re

from kiosk.reading.numerals import DANISH, ENGLISH, GERMAN, NORWEGIAN, SWEDISH, Numerals
from kiosk.reading.numerals import cardinal as _cardinal
from kiosk.reading.numerals import ordinal as _ordinal

_FRACTION = re.compile(r"([1-9])/([2-9]|10)")
_DECIMAL = re.compile(r"(\d{1,6}),(\d{1,2})")
_CLOCK = re.compile(r"([01]?\d|2[0-3])[.]([0-5]\d)")
_CLOCK_WORDS = frozenset({"kl", "kl.", "klockan", "klo", "klo.", "kello", "kello."})
# "den 1/2", "on 1/3 2020": a day and month, not a fraction.
_DATE_WORDS = frozenset({
    "den", "från", "till", "fr.o.m.", "t.o.m.", "on", "from", "to", "until", "am", "vom", "bis",
    "fra", "til", "og", "datum", "date", "dated",
})  # fmt: skip
_YEAR_NEXT = re.compile(r"(?:1\d|20)\d\d\W*")


def _nordic(
    numerator: int, denominator: int, table: Numerals, one: str, part: str, parts: str, half: str
) -> str:
    """ "en tredjedel", "två tredjedelar", "en halv": the ordinal and "del"."""
    count = one if numerator == 1 else _cardinal(table, numerator) or str(numerator)
    if denominator == 2:
        return f"{count} {half}"
    noun = (_ordinal(table, denominator) or str(denominator)) + (part if numerator == 1 else parts)
    return f"{count} {noun}"


_GERMAN_PARTS = {3: "Drittel", 4: "Viertel", 5: "Fünftel", 6: "Sechstel",
                 7: "Siebtel", 8: "Achtel", 9: "Neuntel", 10: "Zehntel"}  # fmt: skip
_FINNISH_PARTS = {3: "kolmas", 4: "neljäs", 5: "viides", 6: "kuudes", 7: "seitsemäs",
                  8: "kahdeksas", 9: "yhdeksäs", 10: "kymmenes"}  # fmt: skip
_FINNISH_COUNT = ("", "", "kaksi", "kolme", "neljä", "viisi", "kuusi", "seitsemän", "kahdeksan",
                  "yhdeksän")  # fmt: skip


def _english(numerator: int, denominator: int, mixed: bool) -> str:
    plural = numerator > 1
    if denominator == 2:
        noun = "halves" if plural else "half"
    elif denominator == 4:
        noun = "quarters" if plural else "quarter"
    else:
        noun = (_ordinal(ENGLISH, denominator) or str(denominator)) + ("s" if plural else "")
    count = "a" if mixed and not plural else _cardinal(ENGLISH, numerator) or str(numerator)
    return f"{count} {noun}"


def fraction(core: str, prev: str, lang: str, nxt: str = "") -> str | None:
    """ "1/3" as said in ``lang`` ("en tredjedel", "two thirds"), with "och"/"and" after a
    whole number ("33 1/3" "33 och en tredjedel"); ``None`` for any other word or language.
    Only a proper fraction with a denominator up to ten: "3/2012" and "11/22/63" are not."""
    match = _FRACTION.fullmatch(core)
    if match is None:
        return None
    numerator, denominator = int(match.group(1)), int(match.group(2))
    if numerator >= denominator or prev.casefold() in _DATE_WORDS or _YEAR_NEXT.fullmatch(nxt):
        return None
    mixed = prev.isdigit()
    if lang == "en":
        said, conj = _english(numerator, denominator, mixed), "and"
    elif lang == "sv":
        said = _nordic(numerator, denominator, SWEDISH, "en", "del", "delar", "halv")
        conj = "och"
    elif lang in ("nb", "no", "nn"):
        said = _nordic(numerator, denominator, NORWEGIAN, "en", "del", "deler", "halv")
        conj = "og"
    elif lang == "da":
        said = _nordic(numerator, denominator, DANISH, "en", "del", "dele", "halv")
        conj = "og"
    elif lang == "de":
        count = "ein" if numerator == 1 else _cardinal(GERMAN, numerator) or str(numerator)
        said = f"{count} {_GERMAN_PARTS[denominator]}" if denominator > 2 else "einhalb"
        said = said if denominator > 2 or numerator == 1 else f"{count} halbe"
        conj = "und"
    elif lang == "fi":
        if denominator == 2:
            said = "puoli" if numerator == 1 else f"{_FINNISH_COUNT[numerator]} puolikasta"
        else:
            stem = _FINNISH_PARTS[denominator]
            said = f"{stem}osa" if numerator == 1 else f"{_FINNISH_COUNT[numerator]} {stem}osaa"
        conj = "ja"
    else:
        return None
    return f"{conj} {said}" if mixed else said


def decimal(core: str, lang: str) -> str | None:
    """Swedish "3,5" as "3 komma 5" (the voice says "punkt"); not "8,370", which may be an
    English thousand."""
    if lang != "sv":
        return None
    match = _DECIMAL.fullmatch(core)
    return f"{match.group(1)} komma {match.group(2)}" if match else None


def clock(core: str, prev: str) -> str | None:
    """ "kl. 19.30" as "19:30", which every voice says as a time ("nitton trettio")."""
    if prev.casefold() not in _CLOCK_WORDS:
        return None
    match = _CLOCK.fullmatch(core)
    return f"{match.group(1)}:{match.group(2)}" if match else None


def measure(core: str, prev: str, lang: str, nxt: str = "") -> str | None:
    """One word that is a fraction, a Swedish decimal or a clock time, as said; else None."""
    return fraction(core, prev, lang, nxt) or decimal(core, lang) or clock(core, prev)
