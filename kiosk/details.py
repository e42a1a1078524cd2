"""Level two's facts that need more than a template: who published a book, and when.

A publisher field holds what the title page says, including what no one would say aloud: a
role ("Distributed by ...") or ISBD's "[s.n.]" for a publisher no one could name.  A year is
sometimes known only as a decade or a century ("1990-talet", "[19--]"), and must then be said
as one, never as "1990" or "19".
"""

from __future__ import annotations

from typing import Any

from kiosk import phrasing
from kiosk.phrasing import clean
from kiosk.reading import rules_for

# A publisher the cataloguer could not name: "[s.n.]", "s.n.", "[publisher not identified]".
NO_PUBLISHER = frozenset(
    {"s.n.", "s.n", "sn", "sine nomine", "publisher not identified", "utan förlag", "u.f.",
     "förlag okänt", "okänt förlag", "s.l. : s.n.", "s.l.: s.n.", "s.l., s.n.", "[s.n.]"}
)  # fmt: skip


PUBLISHER_PREFIXES = (
    "published by ", "distributed by ", "distributed in the u.s. by ", "issued by ",
    "printed by ", "utgiven av ", "utgivet av ", "distribuerad av ", "distribution: ",
    "förlag: ", "julkaisija: ", "kustantaja: ",
)  # fmt: skip


PUBLISHER_ROLES = frozenset(
    {"ed.", "éd.", "éditeur", "éditeurs", "editor", "editores", "hrsg.", "verl.", "(ed.)"}
)


def publisher(value: str | None) -> str:
    """The publisher, or nothing when the catalogue only says none could be named; "Published
    by" / "Distributed by" go, since the sentence already says "Utgiven ... av"."""
    name = clean(value)
    lowered = name.casefold()
    for prefix in PUBLISHER_PREFIXES:
        if lowered.startswith(prefix):
            name = name[len(prefix) :].strip()
            break
    head, _sep, last = name.rpartition(" ")
    if head and last.casefold().strip(",") in PUBLISHER_ROLES:
        name = head.rstrip(" ,")  # "Fontemoing éd.", "Smith, editor": the role goes
    key = " ".join(name.strip("[]() ").casefold().split())
    return "" if key in NO_PUBLISHER or key.strip("[]") in NO_PUBLISHER else name


def year(record: Any, lang: str, phrases_dir: str | None) -> str:
    """The year as said in "Utgiven {year}": "2005", or a decade or century the catalogue
    knows no better ("på 1990-talet", "in the twentieth century") - never "19" or "1990"."""
    first = getattr(record, "year", None)
    span = getattr(record, "year_span", None)
    if not first:
        return ""
    if span not in (10, 100):
        return str(first)
    rules = rules_for(lang)
    number = first // 100 + 1
    century = rules.ordinal(number) if rules is not None else str(number)
    key = "year_decade" if span == 10 else "year_century"
    return phrasing.phrases(lang, phrases_dir)[key].format(year=first, century=century)
