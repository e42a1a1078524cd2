"""Subject headings that are people: kept in the order a visitor says a name.

A 600 field is a person the book is about: "Strindberg, August, $d 1849-1912" is heard
"August Strindberg", as an author is.  Authors keep their catalogue form (the kiosk turns them
round and knows them from ``Record.corporate``), but a subject is only a string among topical
ones ("Art, Modern", "Sverige -- historia") that must not be turned, so a person's heading is
stored the way it is said: forenames, surname, numeration and "Jr." ("Karl XII", "Martin
Luther King Jr."), without dates, titles ("kung av Sverige") or a fuller form.
"""

from __future__ import annotations

from catalog.importers.fields import FieldLike
from catalog.punctuation import clean
from catalog.records import NAME_SUFFIXES

# Lower-case words that belong to a name's forenames ("Fleury de", "Ludwig van").
_PARTICLES = frozenset(
    ("af", "av", "von", "van", "der", "den", "de", "del", "della", "di", "da", "du", "des",
     "la", "le", "of", "y", "zu", "ten", "ter")
)  # fmt: skip
_MAX_FORENAME_WORDS = 5


def person_subject(field: FieldLike) -> str | None:
    """A 600's name as said ("August Strindberg"), or ``None`` when $a is empty.  Only a
    surname-first heading (first indicator 1, or the old 2) is turned, and only when what
    follows the comma looks like forenames; anything else is kept as written."""
    name: str | None = None
    numeration = suffix = ""
    for code, value in field.subfields:
        if code == "a" and name is None:
            name = clean(value, True)
        elif code == "b" and not numeration:
            numeration = clean(value, True) or ""
        elif code == "c" and not suffix:
            said = clean(value, True) or ""
            suffix = said if said.casefold() in NAME_SUFFIXES else ""
    if not name:
        return None
    if str(field.indicator1) in ("1", "2"):  # 2: an old "multiple surname" heading
        name = _turned(name)
    return " ".join(p for p in (name, numeration, suffix) if p)


def _turned(name: str) -> str:
    """ "Tolkien, J. R. R. (John Ronald Reuel)" -> "J. R. R. Tolkien"; "Lear, King
    (Legendary character) in literature" (not forenames) as written."""
    surname, comma, forenames = name.partition(", ")
    if not comma or "," in forenames:
        return name
    if "(" in forenames:  # the fuller form is for telling people apart on a card
        forenames = forenames[: forenames.index("(")].strip()
    words = forenames.split()
    if not words or len(words) > _MAX_FORENAME_WORDS:
        return name
    if any(not w[:1].isupper() and w not in _PARTICLES for w in words):
        return name
    return f"{forenames} {surname}"


# Words that make a heading an organisation, a meeting or a jurisdiction's body: stems found
# inside compounds ("Utrikesutskottet", "säästöpankki", "Kulturrådet") and whole words.
_BODY_STEMS = (
    "riksdag", "utskott", "departement", "kommun", "landsting", "regering", "myndighet",
    "styrelse", "verket", "rådet", "nämnd", "byrå", "institut", "akademi", "academ", "univers",
    "högskola", "förening", "förbund", "sällskap", "stiftelse", "bibliotek", "museum",
    "museet", "museo", "arkiv", "archiv", "förlag", "kyrka", "församling", "kommitté",
    "kommission", "yhdistys", "yliopisto", "korkeakoulu", "kirjasto", "ministeri", "ministry",
    "ministère", "säätiö", "pankki", "virasto", "laitos", "keskus", "liitto", "toimikunta",
    "komitea", "neuvosto", "eduskunta", "kirkko", "yhtiö", "gesellschaft", "verband",
    "verein", "stiftung", "bibliothek", "bibliothèque", "société", "association", "organi",
    "federation", "förvaltning", "department", "committee", "commission", "council",
    "corporation", "conference", "konferens", "symposium", "kongress", "congress",
    "parliament", "government", "laborator", "foundation",
)  # fmt: skip
_BODY_WORDS = frozenset(
    ("inst", "society", "office", "bureau", "agency", "company", "inc", "ltd", "press",
     "library", "church", "senate", "centre", "center", "school", "hospital", "union",
     "party", "board", "service", "trust", "group", "orchestra", "ensemble", "quartet",
     "choir", "band", "club", "league", "ab", "oy", "ry", "gmbh", "ag", "co", "seura",
     "kunta", "kaupunki", "stad")
)  # fmt: skip
_MAX_BODY_CHARS = 300


def looks_corporate(name: str) -> bool:
    """Is a heading from a CSV/JSON author cell an organisation ("Sveriges riksdag,
    Utrikesutskottet", "Academia Sinica, Nanking", "Sverige. Riksdagen") rather than
    "Surname, Forenames"?  A word of an organisation after the comma, or in a surname of two
    words or more, says so ("Church, Charlotte" is a person); so does a body and its unit
    ("Sverige. Riksdagen") in a heading with no dates."""
    text = name[:_MAX_BODY_CHARS].casefold()
    head, comma, rest = text.partition(",")
    if not comma:
        return False  # said as written anyway
    if _has_body_word(rest) or (len(head.split()) >= 2 and _has_body_word(head)):
        return True
    first = head.split(". ", 1)
    return (
        len(first) == 2
        and len(first[0].split()[-1]) >= 3
        and first[0].replace(" ", "").isalpha()
        and not any(c.isdigit() for c in text)
    )


def _has_body_word(text: str) -> bool:
    words = [w.strip(".,()[]&:;'\"") for w in text.split()]
    return any(w in _BODY_WORDS or any(s in w for s in _BODY_STEMS) for w in words if w)


# The official communications of a head of state are catalogued under the office: "France.
# Sovereigns etc., 1799-1814 (Napoléon I)" (AACR2), "France. Sovereign (1799-1814 : Napoleon
# I)" (RDA).  A visitor hears the office and the person: "France, Sovereign Napoléon I".
_OFFICES = (
    "sovereign", "souverain", "president", "président", "prime minister", "emperor",
    "empereur", "governor", "kung", "king", "queen", "drottning", "pope", "påve",
)  # fmt: skip


def office_holder(body: str, units: list[str]) -> str | None:
    """ "France" + ["Sovereigns etc.", ", 1799-1814 (Napoléon I)"] -> "France, Sovereign
    Napoléon I"; ``None`` when the units are not an office with its holder in brackets."""
    text = " ".join(units)[:200]
    low = text.casefold()
    office = next((o for o in _OFFICES if low.startswith(o)), None)
    if office is None or "(" not in text or not text.rstrip(" .").endswith(")"):
        return None
    holder = text[text.rindex("(") + 1 : text.rstrip(" .").rindex(")")]
    holder = holder.rsplit(":", 1)[-1].strip()
    if not holder or any(c.isdigit() for c in holder):
        return None
    place = clean(body, True) or ""
    return f"{place}, {text[: len(office)]} {holder}" if place else None
