"""Who the statement of responsibility (245 $c) credits as writer: for added names without
a relator.

Records catalogued under AACR2 (most of a public library's older stock, and Fennica, LC and
Koha copy cataloguing to this day) put translators, editors, illustrators, writers of a
preface and the musicians of a recording in 700 fields with no $e or $4.  Only the
transcribed statement of responsibility says what each of them did: "Stephen W. Hawking ;
alkusanat: Carl Sagan ; suomentanut Risto Varteva", "by Samuel Beckett ; edited with a
foreword by Ruby Cohn", "Charlie Parker and Benny Harris ; arr. Roger Pemberton".  So the rule
(:func:`catalog.importers.mapping` applies it), as a cataloguer reads such a record:

* a name another name field of the same record gives a relator takes that relator;
* when there is a 245 $c, a relator-less 700 is an author only when 245 $c names them
  (their surname, as a whole word) with no role word before them in the same ";"-statement:
  a name it does not mention (the cast of a film, the musicians of a recording, a scholar
  whose introduction the statement leaves out) is not "by";
* with no 245 $c, a relator-less 700 is an author only when there is no main entry (1XX):
  a work entered under its title whose only names are its added entries.

A role word is any of the words cataloguers transcribe for a role other than writing
(translated, edited, foreword, suomentanut, toim., översatt, herausgegeben, préface, arr.,
Aufnahmen...) in English, Swedish, Finnish, German, French, Norwegian, Danish, Hungarian and
Russian; "text"/"teksti" after a role word gives the writer back ("illustrated by Bo, text
by Anna").  Everything is bounded: the statement is cut to :data:`CAP` characters and
scanned once per name by a linear pattern.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from functools import lru_cache

from catalog.punctuation import nfc

CAP = 600
"""Characters of 245 $c looked at (a statement of responsibility is a line or two)."""


def fold(text: str) -> str:
    """Case and accents away ("Översatt" -> "oversatt"), so a stem matches every spelling;
    one character for one (NFC first), so a position in the result is one in the text."""
    text = nfc(text)
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(c) for c in text)


@lru_cache(maxsize=2048)
def _fold_char(char: str) -> str:
    base = unicodedata.normalize("NFKD", char)[:1] or char
    low = base.lower()
    return low if len(low) == 1 else base


# Beginnings of words that name a role other than writing the work.  Long enough not to
# begin a name ("edited", not "edit": "Edith"; "translat", not "trans": "Tranströmer").
_ROLE_STEMS = tuple(
    fold(stem)
    for stem in (
        # English
        "translat", "transl.", "edited", "editor", "editing", "edition", "compil", "illustr",
        "photograph", "preface", "foreword", "introduc", "afterword", "epilog", "annotat",
        "commentar", "adapt", "abridg", "arrang", "revised", "revision", "retold", "selected",
        "selection", "drawings", "pictures", "glossar", "notes", "produc", "perform", "narrat",
        "contribut", "collabor",
        # Swedish, Norwegian, Danish
        "översätt", "översatt", "oversat", "oversett", "översättning", "tolkning", "redige",
        "redaktör", "redaktion", "utgiv", "förord", "efterord", "etterord", "inledning",
        "innledning", "indledning", "kommentar", "bearbet", "sammanst", "urval", "fotograf",
        "teckning", "bilder", "illustrat",
        # Finnish
        "suomenta", "suomennos", "käänt", "käänn", "ruotsint", "toimit", "kuvitt", "kuvitus",
        "kuvat", "piirr", "piirt", "valokuv", "alkusan", "esipuh", "johdan", "jälkisan",
        "saatesan", "selity", "sovitt", "julkais", "lyhent", "mukail", "koonnut", "valinnut",
        "kommentoi",
        # German
        "übersetz", "übertr", "herausg", "vorwort", "nachwort", "einleit", "zeichnung",
        "aufnahm", "bearbeit", "ausgewählt",
        # French
        "tradu", "édité", "éditée", "éditeur", "établi", "préfac", "avant-propos", "postface",
        "présent", "publié", "published", "choisi", "révis", "recueil",
        # Hungarian, Russian (Cyrillic and romanised)
        "fordít", "válogat", "utószó", "előszó", "illusztr", "перев", "предисл", "послесл",
        "вступ", "коммент", "составл", "perevod",
    )
)  # fmt: skip

# Short forms that count only as written in a statement: lower case or with their dot
# ("ed.", "suom.", "arr.", "aus dem Finnischen"), never a capitalised name ("Ford", "Red").
_ROLE_WORDS = frozenset(
    fold(word)
    for word in (
        "ed", "eds", "éd", "tr", "trans", "trad", "övers", "overs", "suom", "toim", "kuv",
        "julk", "comp", "ill", "illus", "intro", "arr", "red", "utg", "hrsg", "hg", "übers",
        "bearb", "pref", "préf", "ford", "пер", "ред", "ил", "сост", "aus", "från", "photos",
        "fotos", "foto", "photo", "bild", "kuvia", "notice", "notes", "pub", "publ",
    )
)  # fmt: skip

# Words that name the writer after a role ("illustrated by Bo, text by Anna").
_AUTHOR_WORDS = frozenset(("text", "texte", "teksti", "tekst", "words", "story", "verfasst"))

_WORD = re.compile(r"\w+(?:[-'’]\w+)*\.?")
_STATEMENTS = re.compile(r"[;/=]")


class Statement:
    """245 $c split into its ";"-statements, each read once: its folded text, and for each
    word where it starts, its first letter and whether a role word is in force after it."""

    __slots__ = ("parts",)

    def __init__(self, text: str) -> None:
        self.parts: list[tuple[str, list[int], list[str], list[bool]]] = []
        for part in _STATEMENTS.split(nfc(text[:CAP])):
            if not part.strip():
                continue
            starts: list[int] = []
            initials: list[str] = []
            roles: list[bool] = []
            role = False
            for match in _WORD.finditer(part):
                raw = match.group()
                word = fold(raw.rstrip("."))
                if word in _AUTHOR_WORDS:
                    role = False
                elif word.startswith(_ROLE_STEMS) or (
                    word in _ROLE_WORDS and (raw.endswith(".") or raw[:1].islower())
                ):
                    role = True
                starts.append(match.start())
                initials.append(word[:1])
                roles.append(role)
            self.parts.append((fold(part), starts, initials, roles))

    def credits(self, surname: str, forename: str = "") -> bool | None:
        """``True``: named as a writer; ``False``: named only after a role word; ``None``:
        not named.  With a forename, an occurrence whose preceding word starts with its
        initial wins ("Benny Harris ; arr. Matt Harris" for "Harris, Matt")."""
        key = fold(surname[:_NAME_CHARS]).strip()
        if len(key) < 2:
            return None
        initial = fold(forename[:1])
        pattern = _whole_word(key)
        found: list[tuple[bool, bool]] = []  # (initial matches, credited as writer)
        for low, starts, initials, roles in self.parts:
            for match in itertools.islice(pattern.finditer(low), _OCCURRENCES):
                at = bisect.bisect_left(starts, match.start()) - 1  # the word before it
                same = at >= 0 and bool(initial) and initials[at] == initial
                found.append((same, at < 0 or not roles[at]))
        if not found:
            return None
        if any(same for same, _writer in found):
            found = [f for f in found if f[0]]
        return any(writer for _same, writer in found)


_OCCURRENCES = 8
"""Places a name is looked at in one statement (a real one names a person once or twice)."""
_NAME_CHARS = 100
"""Characters of a surname looked for (a longer one is no name a statement transcribes)."""


@lru_cache(maxsize=1024)
def _whole_word(key: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(key) + r"(?!\w)")


def name_parts(name: str, surname_first: bool) -> tuple[str, str]:
    """``("Sagan", "Carl")`` of "Sagan, Carl"; a name without a comma is its first word
    when written surname first ("Szelényi Károly"), else whole ("Homeros")."""
    surname, comma, forenames = name.partition(",")
    if comma:
        return surname.strip(), forenames.strip()
    if surname_first and " " in name.strip():
        first, _space, rest = name.strip().partition(" ")
        return first, rest
    return name.strip(), ""


NameEntry = tuple[str, str, str | None, frozenset[str], bool]
"""(tag, first indicator, cleaned name, its relator roles, is it a name-title entry)."""

_MAIN_ENTRY_TAGS = frozenset({"100", "110", "111"})
_JUDGED = 100
"""Relator-less added names judged per record (a real record has a handful)."""


def _key(name: str) -> str:
    return " ".join(fold(name[:_NAME_CHARS]).replace(",", " ").replace(".", " ").split())


def added_authors(statement: str, names: list[NameEntry]) -> set[int]:
    """The positions in ``names`` of the relator-less 700s that are authors, by the rule in
    this module's docstring (``statement`` is 245 $c, "" when there is none)."""
    if not any(t == "700" and not r and not w for t, _i, _n, r, w in names):
        return set()  # most records: nothing to decide, nothing to parse
    relators: dict[str, set[str]] = {}
    for _tag, _ind, name, roles, _work in names:
        if name and roles:
            relators.setdefault(_key(name), set()).update(roles)
    main = any(tag in _MAIN_ENTRY_TAGS for tag, *_rest in names)
    said = Statement(statement) if statement.strip() else None
    out: set[int] = set()
    judged = 0
    for i, (tag, ind, name, roles, work) in enumerate(names):
        if tag != "700" or roles or work or not name:
            continue
        judged += 1
        if judged > _JUDGED:
            break  # a hostile record of thousands of names: the rest are not "by"
        known = relators.get(_key(name))
        if known is not None:  # the same person with a relator elsewhere in the record
            if "author" in known:
                out.add(i)
            continue
        # Nothing says what they did: the names of a work entered under its title are its own.
        if not main if said is None else said.credits(*name_parts(name, ind == "1")):
            out.add(i)
    return out
