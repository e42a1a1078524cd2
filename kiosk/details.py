"""Level two's facts that need more than a template: who published a book, and when.

A publisher field holds what the title page says, including what no one would say aloud: a
role ("Distributed by ...") or ISBD's "[s.n.]" for a publisher no one could name.  A year is
sometimes known only as a decade or a century ("1990-talet", "[19--]"), and must then be said
as one, never as "1990" or "19".
"""

from __future__ import annotations

import re
from typing import Any

from catalog.records import STILL_PUBLISHED
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


# A shelf mark's "91-958" is a code, not a range: the hyphen is said as a short gap.  An age
# on a children's shelf ("Barn 5-8 år", "Ages 9-12") is a range.
_CODE_DASH = re.compile(r"(?<=\d)[-–](?=\d)")
_AGES = re.compile(
    r"(?:(?<=ages )|(?<=ålder )|(?<=åldern ))(\d{1,2})[-–](\d{1,2})(?!\d)"
    r"|(?<![\d-])(\d{1,2})[-–](\d{1,2})(?=\s?(?:år|års|years|yrs|vuotta|v|jahre|ans|anni)\b)",
    re.IGNORECASE,
)


def shelves(text: str, lang: str) -> str:
    """A shelf location as said: "91-958" a code, "Barn 5-8 år" "Barn 5 till 8 år"."""
    rules = rules_for(lang)
    word = rules.range_word if rules is not None else "–"

    def ages(m: re.Match[str]) -> str:
        return f"{m.group(1) or m.group(3)} {word} {m.group(2) or m.group(4)}"

    text = _AGES.sub(ages, text)
    return _CODE_DASH.sub(" ", text)


def year(record: Any, lang: str, phrases_dir: str | None) -> str:
    """The year as said in "Utgiven {year}": "2005", or a decade or century the catalogue
    knows no better ("på 1990-talet", "in the twentieth century") - never "19" or "1990" -, a
    range ("1920 till 1922") or a rough year ("cirka 1520"), never only its first year."""
    first = getattr(record, "year", None)
    span = getattr(record, "year_span", None)
    if not first:
        return ""
    if span not in (10, 100):
        table = phrasing.phrases(lang, phrases_dir)
        last = getattr(record, "year_end", None)
        said = table["year_range"].format(first=first, last=last) if last else str(first)
        if last == STILL_PUBLISHED:  # "1985-": "från 1985"
            said = table["year_open"].format(year=first)
        circa = getattr(record, "year_circa", None)
        return table["year_circa"].format(year=said) if circa else said
    rules = rules_for(lang)
    number = first // 100 + 1
    century = rules.ordinal(number) if rules is not None else str(number)
    key = "year_decade" if span == 10 else "year_century"
    return phrasing.phrases(lang, phrases_dir)[key].format(year=first, century=century)


# "del 3", "Vol. III", "no. 12", "n:o 6", "nr 5", "Bd. 4", "series no. 60", "#1": the phrase
# already says "Del"/"book", so the catalogue's own part word goes ("Del del tre" otherwise).
# Anchored at the start, one bounded alternation: linear on any input.
_PART_WORD = re.compile(
    r"(?:(?:series|serie|sarja)\s)?"
    r"(?:delen|del|d|volym|volume|vol|v|number|nummer|numero|no|nr|n:o|nro|num|band|bd|"
    r"tome|tomo|teil|t|part|pt|book|bok|bk|osa|häfte|hft|h)(?:\.\s?|\s)(?=[\dIVXLCivxlc])"
    r"|#(?=\d)",
    re.IGNORECASE,
)
# "3:e delen", "2nd part": the part word after the number, and the number's ordinal ending.
_PART_AFTER = re.compile(r"(\d{1,4})(?::[ae]|st|nd|rd|th|e)?(?:\s(?:delen|del|part|bandet|osa))?")


# A year and a number in that year's run ("1990,7", "2001, 7", "2011:14", "3/2012"), as
# yearbooks and report series number their issues: never a decimal or a fraction.
_YEAR_AND_NUMBER = re.compile(
    r"(1[5-9]\d\d|20\d\d)\s?[,:]\s?(\d{1,4})|(\d{1,4})\s?[/:]\s?(1[5-9]\d\d|20\d\d)"
)


def series_number(value: str | None) -> str:
    """The number of a book in its series, without the catalogue's part word: "pt. 1" -> "1",
    "3:e delen" -> "3" (the phrase says "del {number}": "del tre", not "del tredje delen");
    a year's issue "1990,7" -> "7, 1990" ("del sju, nittonhundranittio", not "1990 punkt 7")."""
    number = clean(value)
    match = _PART_WORD.match(number)
    if match:
        number = number[match.end() :].strip() or number
    after = _PART_AFTER.fullmatch(number)
    if after:
        return after.group(1)
    dated = _YEAR_AND_NUMBER.fullmatch(number)
    if dated:
        year, issue = dated.group(1) or dated.group(4), dated.group(2) or dated.group(3)
        return f"{int(issue)}, {year}"
    return number


def series(record: Any) -> tuple[str, str]:
    """The series and the book's number in it, each said once: a series statement that
    carries its ISBD number ("Bonniers pocket ; 123", "The Lord of the rings ; pt. 1") loses
    it when it is the book's number (or when the record has no other)."""
    raw = str(getattr(record, "series", None) or "")
    number = series_number(getattr(record, "series_number", None))
    head, sep, tail = raw[:1000].rpartition(";")
    if sep and clean(head) and clean(tail):
        own = series_number(tail)
        if not number or own == number:
            raw, number = head, own
    return clean(raw), number


def narrators_key(record: Any) -> str:
    """The phrase for the people whose voices are heard: a talking book is "read by" them,
    a music recording "performed by" them - an orchestra or a drummer does not read aloud."""
    return "detail_performers" if getattr(record, "kind", None) == "music" else "detail_narrators"
