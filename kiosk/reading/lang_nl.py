"""Dutch years, which eSpeak NG's Dutch voice reads as counts (no Dutch reading table yet).

Asked with ``espeak_TextToPhonemes``: "1880" is "duizend achthonderd tachtig", while a Dutch
librarian says "achttienhonderdtachtig"; from 1900 on eSpeak is right by itself
("negentienhonderd tachtig").  A number before its unit ("1880 pagina's") stays a count.
"""

from __future__ import annotations

import re

from kiosk.reading.numerals import DUTCH, year
from kiosk.reading.tables import words

_UNITS = frozenset(
    words(
        "pagina pagina's blz bladzijden p pp deel delen band banden kaarten platen exemplaren "
        "euro gulden km kg m cm minuten uur"
    )
)
_YEAR = re.compile(r"(?<![\w.,/–-])(1[1-8]\d\d)(?![\w/–-]|[.,]\d)(\s+([^\W\d]+[.']?\w*))?")


def years(text: str) -> str:
    """Every year 1100-1899 in ``text`` said by its hundreds, a count before its unit not."""

    def said(match: re.Match[str]) -> str:
        unit = (match.group(3) or "").casefold().rstrip(".")
        if unit in _UNITS:
            return match.group(0)
        return str(year(DUTCH, int(match.group(1)))) + (match.group(2) or "")

    return _YEAR.sub(said, text)
