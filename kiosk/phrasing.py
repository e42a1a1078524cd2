"""Turning catalogue records into the sentences a visitor hears.

The texts live in ``kiosk/phrases/<lang>.toml`` so staff can change the wording without
touching code; this module only fills them in.  The result is an ``Utterance``: the text as a
screen would show it (and as the transcript records it) plus the pieces to synthesise.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from catalog import punctuation
from catalog.records import NAME_SUFFIXES
from kiosk import phrase_files

LANGUAGES: tuple[str, ...] = ("sv", "en")
DEFAULT_LANGUAGE = "sv"

# "Lindgren, Astrid, 1907-2002" - life dates are for catalogue cards, not for the ear.
_LIFE_DATES = re.compile(r",?\s*\(?\d{3,4}\s*-\s*(\d{3,4})?\)?\.?$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_FULLER_FORM = re.compile(r"\([^()]*\)")
# What an importer may leave of "d. ca. 1212", "b. 1950", "fl. 1200": the word without a date.
_DATE_WORD = re.compile(r",\s(?:d|b|fl|f|ca|död|född|k|s)\.(?:\s(?:ca\.\s)?\d{3,4}\??)?$")


@dataclass(frozen=True)
class Utterance:
    """One whole message: what is shown and recorded, and what is synthesised.

    ``text`` is the written form (transcript, screen); ``segments`` are ``(text, lang)``
    pieces for the speech engine - usually one, in the kiosk's language.
    """

    text: str
    lang: str
    item: str | None = None
    kind: str = "message"
    segments: tuple[tuple[str, str], ...] = field(default=())

    def spoken(self) -> tuple[tuple[str, str], ...]:
        return self.segments or ((self.text, self.lang),)


@cache
def phrases(lang: str, override_dir: str | None = None) -> dict[str, str]:
    """The phrase table for ``lang``; a staff copy in ``override_dir`` wins over ours."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    data: dict[str, Any] = tomllib.loads(
        resources.files("kiosk").joinpath("phrases", f"{lang}.toml").read_text("utf-8")
    )
    table = dict(data["phrases"])
    # A staff file is checked first and refused whole if broken (kiosk.phrase_files).
    table.update(phrase_files.staff_phrases(lang, override_dir))
    return table


def clean(text: str | None) -> str:
    """NFC, no control characters, single spaces, and no catalogue punctuation or
    cataloguers' notes: the project's one cleaner, :func:`catalog.punctuation.spoken`."""
    if not text:
        return ""
    return punctuation.spoken(_CONTROL.sub(" ", text))


# One comma-separated element of a heading that is a date: "1849-1912", "(1929-1968)",
# "1950-", "d. 1902", "b. ca. 1950", "fl. 1200" (bounded, on elements of at most 40 chars).
_HEADING_DATE = re.compile(
    r"\(?(?:(?:b|d|fl|f|född|död|ca|c)\.\s?)?(?:ca\.\s)?\d{3,4}\??"
    r"(?:\s?-\s?(?:\d{3,4}\??)?)?\)?\.?"
)
# A title written after a name ("Christina, Queen of Sweden"): not a forename, when it
# names its realm or is written in lower case (see :func:`_heading`).
_TITLES = (
    "king queen kung drottning pope påve emperor empress kejsare kejsarinna prince princess "
    "prins prinsessa duke duchess hertig hertiginna tsar czar sultan shah earl lord lady count "
    "countess greve grevinna baron baroness friherre bishop biskop archbishop ärkebiskop "
    "cardinal kardinal consort regent saint sankt kuningas kuningatar keiser könig königin "
    "kaiser kaiserin roi reine empereur rey reina regina"
)
_TITLE_WORDS = frozenset(_TITLES.split())
_HEADING_PARTS = 12
"""Headings have a handful of elements; a longer comma run is read the plain way (linear)."""


def natural_name(name: str) -> str:
    """ "Lindgren, Astrid" -> "Astrid Lindgren"; corporate names and single names unchanged.

    A heading as cataloguers write it in a CSV/JSON export, element by element, the way the
    MARC subfields would hold it: "King, Martin Luther, Jr., 1929-1968" -> "Martin Luther King
    Jr."; dates, relator terms ("förf.", "author.") and titles ("kung av Sverige") go; a name
    with its numeration ("Gustaf VI Adolf, kung av Sverige, 1882-1973") is the name alone."""
    name = clean(name)
    parts = name.split(", ") if name else []
    if 2 <= len(parts) <= _HEADING_PARTS:
        name, suffix = _heading(parts)
        if suffix:
            return f"{natural_name(name)} {suffix}"
    # Life dates end the heading: look only at its end (the pattern is anchored there, and
    # a search over a 5,000-comma name would try every position).
    head, tail = name[:-40], name[-40:]
    name = clean(head + _DATE_WORD.sub("", _LIFE_DATES.sub("", tail)))
    surname, sep, forenames = name.partition(", ")
    if not sep or not forenames:
        return name
    # "Tolkien, J. R. R. (John Ronald Reuel)": the fuller form is for disambiguation only.
    # (No "\s*" or ".*?" around it: both make the search quadratic on hostile names.)
    forenames = " ".join(_FULLER_FORM.sub(" ", forenames).split())
    return f"{forenames} {surname}".strip()


def personal_heading(text: str) -> bool:
    """Is ``text`` a person's heading with life dates ("Strindberg, August, 1849-1912",
    "Gustaf VI Adolf, kung av Sverige, 1882-1973")?  Topical headings ("Art, Modern") have
    none, so a subject string is turned round only when this says so."""
    parts = text.split(", ", _HEADING_PARTS)
    return (
        2 < len(parts) <= _HEADING_PARTS
        # forenames ("August"), or a name with its numeration before a title ("kung av ...")
        and (parts[1][:1].isupper() or any(_is_numeration(w) for w in parts[0].split()[1:]))
        and not _HEADING_DATE.fullmatch(parts[1][:40])
        and any(len(p) <= 40 and _HEADING_DATE.fullmatch(p) for p in parts[2:])
    )


def _heading(parts: list[str]) -> tuple[str, str]:
    """The elements of a heading: ``("Surname, Forenames", "Jr.")`` in catalogue order
    without dates, relator terms and titles (see :func:`natural_name`)."""
    head = parts[0]
    words = head.split()
    if len(words) >= 2 and any(_is_numeration(w) for w in words[1:]):
        return head, ""  # "Karl XII", "John Paul II": the rest are titles and dates
    title, _space, domain = parts[1].partition(" ")
    if title.casefold() in _TITLE_WORDS and (domain[:1].islower() or title[:1].islower()):
        # "Christina, Queen of Sweden, 1626-1689", "Oscar, kung": a title with its realm.
        # A capitalised "Duke", "Count", "Earl", "Baron", "Lady" is a forename: "Ellington,
        # Duke" is Duke Ellington, 'Hines, Earl "Fatha"' Earl Hines (MARC's titles are $c).
        return head, ""
    kept = [head]
    suffixes: list[str] = []
    for part in parts[1:]:
        work = part.split(". ", 1)
        if len(work) == 2 and len(work[0]) <= 40 and _HEADING_DATE.fullmatch(work[0]):
            break  # "Hugo, Victor, 1802-1885. Misérables. Swedish": a work follows the name
        if len(part) <= 40 and _HEADING_DATE.fullmatch(part):
            continue
        if part.casefold() in NAME_SUFFIXES or _is_numeration(part):
            suffixes.append(part)
        elif len(kept) == 1 or not part[:1].islower():
            kept.append(part)  # the forenames; later a lower-case title or relator goes
    return ", ".join(kept), " ".join(suffixes)


def _is_numeration(word: str) -> bool:
    return word.isupper() and word.isalpha() and set(word) <= set("IVXLCDM") and len(word) <= 6


def join_names(names: list[str], lang: str) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {phrases(lang)['and']} {names[-1]}"


def announce(record: Any, lang: str) -> Utterance:
    """Level one: title, then author in natural order."""
    table = phrases(lang)
    title = clean(getattr(record, "title", "")) or "?"
    bodies = frozenset(getattr(record, "corporate", ()) or ())
    authors = [
        clean(a) if a in bodies else natural_name(a)
        for a in getattr(record, "authors", ()) or ()
        if clean(a)
    ]
    if authors:
        text = table["announce"].format(title=title, authors=join_names(authors, lang))
    else:
        text = table["announce_no_author"].format(title=title)
    return Utterance(text=text, lang=lang, item=getattr(record, "id", None), kind="record")


def label(entry: Any, lang: str, phrases_dir: str | None = None) -> Utterance:
    """A shelf or service-point tag speaks its own text, in its own language when it has one.

    Its speech goes through the same reading rules and lexicon as a record's.
    """
    from hardware.speech.voices import installed_languages, language_tag
    from kiosk.reading.pronounce import pronounce_runs  # it imports this module

    text = clean(getattr(entry, "text", ""))
    # "eng", "en" or "sv-FI": the file's own code, read by any installed voice of it.
    own_lang = language_tag(getattr(entry, "lang", None))
    spoken_lang = own_lang if own_lang in {*LANGUAGES, *installed_languages()} else lang
    written = phrases(lang, phrases_dir)["label"].format(text=text)
    return Utterance(
        text=written,
        lang=spoken_lang,
        item=getattr(entry, "id", None),
        kind="label",
        segments=tuple(pronounce_runs(written, spoken_lang, phrases_dir)),
    )


def message(key: str, lang: str, **values: object) -> Utterance:
    """A fixed message (not found, errors, help...) in the kiosk's language."""
    kind = "error" if key in {"invalid", "reader_fault", "catalog_unavailable"} else "message"
    return Utterance(text=phrases(lang)[key].format(**values), lang=lang, kind=kind)
