"""The shape of a language's reading tables; the tables themselves are ``lang_*.py``.

A table says how catalogue shorthand is *said* in one language.  Most abbreviations have one
reading, but the common ones depend on their neighbours, the way a cataloguer's reader would
hear them: Swedish "s." is "sidan" before a number and "sidor" after one; "uppl." after an
ordinal is "upplagan" ("tredje upplagan") but otherwise "upplaga" ("ny upplaga"); English
"ed." is "edited" before "by", "editor" after a name and "edition" elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


def words(text: str) -> tuple[str, ...]:
    """A table written as one string of words, as tables read best."""
    return tuple(text.split())


def pairs(text: str) -> dict[str, str]:
    """A table of plain readings written as ``written = said`` entries separated by ``|``:
    ``"z.B. = zum Beispiel | usw. = und so weiter"``."""
    out = {}
    for entry in text.split("|"):
        written, _, said = entry.partition("=")
        if written.strip():
            out[written.strip()] = " ".join(said.split())
    return out


@dataclass(frozen=True)
class Abbr:
    """How one abbreviation is read, by context; ``plain`` when no context applies.

    ``None`` in a context field means "same as plain".  ``needs_number`` marks words that are
    abbreviations only beside a number ("min" is "my" in Swedish, "minuter" in "45 min").
    """

    plain: str
    after_ordinal: str | None = None  # "3. uppl." -> "upplagan"
    before_number: str | None = None  # "s. 45" -> "sidan"
    before_range: str | None = None  # "s. 45-60" -> "sidorna"
    after_number: str | None = None  # "245 s." -> "sidor"
    after_one: str | None = None  # "1 s." -> "sida"
    before_year: str | None = None  # "d. 1902" -> "död"
    before_by: str | None = None  # "ed. by" -> "edited"
    after_name: str | None = None  # "Smith, ed." -> "editor"
    after_proper: str | None = None  # "James St. in" -> "Street" (a name, then no name)
    before_language: str | None = None  # "övers. fr. engelskan" -> "från"
    after_edition: str | None = None  # "rev. ed. by" -> "edition" (not "edited")
    after_article: str | None = None  # German "des Hrsg." -> "Herausgebers"
    before_name: str | None = None
    """Before a capitalised word that does not start a sentence (``Rules.sentence_starters``):
    a title or an adjective of a name ("Rev. Martin" -> "Reverend", "U.S. Army"), whose full
    stop then never ends the sentence."""
    needs_number: bool = False
    list_only: bool = False
    """A word of prose too ("ill.", "ports.", "red."): an abbreviation only in a catalogue
    list - after ":", ";" or ",", at the start, after a number or before "by"/"av"."""


@dataclass(frozen=True)
class Rules:
    """Everything language-specific the normaliser needs."""

    lang: str
    abbreviations: Mapping[str, Abbr | str]
    cardinal: Callable[[int], str]
    ordinal: Callable[[int], str]
    regnal: Callable[[str, int], str]
    """``("Karl", 12)`` -> "den tolfte": what a regnal numeral after that name is read as."""
    regnal_names: frozenset[str]
    part_words: frozenset[str]
    """Words after which a number or roman numeral is a part's number: "del", "part", "osa"."""
    by_words: frozenset[str]
    """"av", "by", "of": where an abbreviation becomes a participle ("ed. by")."""
    range_word: str
    open_range: str
    """"från {year}": a range with no end ("1985-"), as periodicals and series are written."""
    ordinal_dot: bool
    """Whether "3." before a lower-case word is an ordinal (Swedish, Finnish: yes)."""
    ordinal_dot_before_capital: bool = False
    """German writes every ordinal with a dot and capitalises every noun ("5. Auflage", "am
    5. Mai"): there "5." before a capital is an ordinal, never a sentence end."""
    ordinal_dot_words: frozenset[str] = frozenset()
    """Where "3." is not an ordinal by itself, the words that make it one ("7. ed")."""
    ordinal_suffixes: tuple[str, ...] = ()
    """Written ordinal endings: "3:e" in Swedish, "3rd" in English."""
    copyright_word: str = "copyright"
    phonogram_word: str = "fonogram"
    and_others: str = "med flera"
    number_word: str = "nummer"
    """How "#1" is read: "nummer ett", "number one"."""
    year: Callable[[int], str | None] | None = None
    decade: Callable[[int], str | None] | None = None
    decade_suffix: str = ""
    drop_words: frozenset[str] = field(default_factory=frozenset)
    """Bracketed catalogue words ISBD uses for "unknown" ("s.n.", "u.å.") - not read."""
    final: frozenset[str] = frozenset()
    """Abbreviations that end a phrase ("etc.", "m.fl.", "ym.", "Jr.", "U.S.A."): before a
    capital or a digit their full stop also ends the sentence.  Every other abbreviation in
    the table ("Dr.", "fig.", "Omkr.", "Vol.") never does, unless its context ends a phrase
    ("245 s.", "3. uppl.", "Smith, ed.").  See :mod:`kiosk.reading.tokens`."""
    language_words: frozenset[str] = frozenset()
    """Names of languages ("engelskan", "eng."), after which "fr." is "från", not "franska"."""
    edition_words: frozenset[str] = frozenset()
    """Words that describe an edition ("rev", "enl", "new"): "rev. ed. by" is "revised
    edition, by", not "revised edited by"."""
    phrases: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Multi-word catalogue terms said in this language, singular and plural: an English
    extent "1 sound disc" is "1 ljudskiva" to a Swedish visitor."""
    conjunctions: frozenset[str] = frozenset()
    """"och", "and", "ja": "Del I och II" carries the part number on to the second numeral."""
    century_endings: frozenset[str] = frozenset()
    """Swedish "talet": "XX-talet" is the century written "1900-talet"."""
    roman_before_noun: bool = False
    """Swedish "II världskriget": a roman numeral before a definite noun is its ordinal."""
    roman_ordinal_suffixes: frozenset[str] = frozenset()
    """French "e", "ème": "XIXe siècle" is "dix-neuvième siècle"."""
    ordinal_weak_after: frozenset[str] = frozenset()
    articles: frozenset[str] = frozenset()
    """German "des", "dem": the abbreviated noun after one is inflected ("d. Hrsg." -> "des
    Herausgebers", "aus d. Engl." -> "aus dem Englischen")."""
    sentence_starters: frozenset[str] = frozenset()
    """Capitalised words that begin a sentence after an abbreviation ("U.S. The", "p.m. It"),
    not a name it is said before ("U.S. Army", "Rev. Martin"); casefolded."""
    """German "im", "am", "zum": "im 19. Jahrhundert" is "neunzehnten" (the weak ending)."""


NON_FINAL = frozenset(
    words(
        "fig. figs. vol. vols. pt. pts. no. nos. nr. p. pp. s. ss. ch. chap. cap. kap. bd. "
        "dr. mr. mrs. ms. prof. st. mt. ca. c:a cf. vgl. jfr. ibid. op. cit. ed. eds. tr. "
        "ill. ser. suppl. sect. art. hab."
    )
)
"""Abbreviations that never end a sentence in any language, before a number or a name
("fig. 2", "Vol. III", "Dr. Watson"): the splitter's rule for voices without a table."""
