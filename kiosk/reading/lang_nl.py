"""Dutch years, which eSpeak NG's Dutch voice reads as counts (no Dutch reading table yet).

Asked with ``espeak_TextToPhonemes``: "1880" is "duizend achthonderd tachtig", while a Dutch
librarian says "achttienhonderdtachtig"; from 1900 on eSpeak is right by itself
("negentienhonderd tachtig").  A number before its unit ("1880 pagina's") stays a count.
"""

from __future__ import annotations

import re

from kiosk.reading.tables import words

_ONES = ("", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen")
_TEENS = ("tien", "elf", "twaalf", "dertien", "veertien", "vijftien", "zestien", "zeventien",
          "achttien", "negentien")  # fmt: skip
_TENS = ("", "", "twintig", "dertig", "veertig", "vijftig", "zestig", "zeventig", "tachtig",
         "negentig")  # fmt: skip
_UNITS = frozenset(
    words(
        "pagina pagina's blz bladzijden p pp deel delen band banden kaarten platen exemplaren "
        "euro gulden km kg m cm minuten uur"
    )
)
_YEAR = re.compile(r"(?<![\w.,/–-])(1[1-8]\d\d)(?![\w/–-]|[.,]\d)(\s+([^\W\d]+[.']?\w*))?")


def _below_hundred(n: int) -> str:
    if n < 10:
        return _ONES[n]
    if n < 20:
        return _TEENS[n - 10]
    tens, ones = divmod(n, 10)
    if not ones:
        return _TENS[tens]
    join = "ën" if _ONES[ones].endswith("e") else "en"  # "tweeëntwintig", "vijfentwintig"
    return f"{_ONES[ones]}{join}{_TENS[tens]}"


def year(n: int) -> str:
    """1880 -> "achttienhonderdtachtig", 1718 -> "zeventienhonderdachttien"."""
    hundreds, rest = divmod(n, 100)
    return f"{_TEENS[hundreds - 10]}honderd{_below_hundred(rest)}"


def years(text: str) -> str:
    """Every year 1100-1899 in ``text`` said by its hundreds, a count before its unit not."""

    def said(match: re.Match[str]) -> str:
        unit = (match.group(3) or "").casefold().rstrip(".")
        if unit in _UNITS:
            return match.group(0)
        return year(int(match.group(1))) + (match.group(2) or "")

    return _YEAR.sub(said, text)
