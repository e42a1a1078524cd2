"""The word-by-word pass of the reading rules, and where a full stop ends a sentence.

Each word is said by its neighbours: "s." is "sidan" before a number and "sidor" after one,
"3." is "tredje" before "uppl.", "I" is "den första" after "Kristina" and "ett" after "Del".
The same walk decides whether a word's full stop also ends a sentence, and that decision is
the only one in the project: :func:`ends_sentence` is what the one sentence splitter
(``hardware.speech.text.split_sentences``) asks, so the summary's sentences and the stops the
voice hears can never disagree.  The rule:

* an initial ("J.", "Louis-P.") before a name, a word with a dot inside ("bl.a.", "J.R.R.")
  and an abbreviation the table reads before its noun or number ("Dr.", "fig. 2", "Omkr.
  1950", "Vol. III", "St. James") never end one;
* an abbreviation that ends a phrase (the table's ``final``: "etc.", "m.fl.", "ym.", "Jr.",
  "U.S.A.") ends the sentence when a capital or a digit follows, and so does one whose
  context ends a phrase ("245 s. Stockholm", "3. uppl. Den", "James St. Then");
* any other word's full stop ends the sentence when a capital or a digit follows;
* the last word of a text keeps its stop.

One walk, a bounded look at each neighbour: linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from kiosk.reading import numeric
from kiosk.reading.numeric import NUMBER, RANGE, is_roman, number_words
from kiosk.reading.tables import NON_FINAL, Abbr, Rules

_LEAD = "([{\"'«“‘„"
_TRAIL = ",;:)]}\"'»”’!?"
_AMOUNT = re.compile(r"\d{1,3}(?:,\d{3}){1,3}|\d{1,9}(?:[,.]\d{1,2})?")  # "8,370 ft.", "3,5 kg"
_ORDINAL_DOT = re.compile(r"(\d{1,3})\.")
_ORDINAL_SUFFIX = re.compile(r"(\d{1,3})([:a-zA-Zèªº]{1,3})")  # "3:e", "2nd", "2e", "2ème"
_INITIALS = re.compile(r"((?:[A-ZÅÄÖÜÆØÉ]\.-?){1,4})([A-ZÅÄÖÜÆØ][\w'-]{0,40})?")
# "Louis-P.", "Jean-F.": a hyphenated given name ending in an initial.
_NAME_INITIAL = re.compile(r"([A-ZÅÄÖÜÆØÉ][\w']{1,30})-([A-ZÅÄÖÜÆØÉ])\.")
_ABBR_RANGE = re.compile(r"(\w[\w.:]{0,12}\.)[-–](\d{1,4})")  # "f.Kr.-14"
_LINKS = frozenset({"&", "-", "–", "—", "+"})
ORDINAL_REACH = 5
"""An ordinal's reach: it and the four words after it ("2. utök. och omarb. uppl.")."""


@dataclass
class _Walk:
    """What the walk carries from one word to the next."""

    reach: int = 0  # words left in which an ordinal's noun may come
    numeral: bool = False  # the last word was a part's number, or "och" after one
    linked: bool = False  # ... and it was "och": "Del I och II", not "Chapter IV: I, Claudius"
    ended: bool = False  # the previous word's full stop ended a sentence


def split(word: str) -> tuple[str, str, str]:
    """``"(s.),"`` -> ``("(", "s.", "),")``: the word between its punctuation.

    A full stop right after the word stays with it ("s." is an abbreviation); one after a
    closing bracket is punctuation.
    """
    start, end = 0, len(word)
    while start < end and word[start] in _LEAD:
        start += 1
    while end > start and (word[end - 1] in _TRAIL or word[end - 1] == "."):
        end -= 1
    if end < len(word) and word[end] == "." and end > start:
        end += 1
    return word[:start], word[start:end], word[end:]


def walk(
    words: list[str], rules: Rules | None, protected: Collection[str], before: str = ""
) -> list[tuple[str, bool]]:
    """Each word as said, with whether its full stop ends a sentence; ``before``: the word
    before ``words`` when they are a window into a longer text.

    A word the lexicon lists (``protected``) stays as written for the lexicon to say; when its
    full stop ends a sentence a second one follows it ("m.fl.." -> "med flera."), so the
    lexicon's reading keeps the pause.
    """
    parts = [split(w) for w in words]
    out: list[tuple[str, bool]] = []
    state = _Walk()
    for i, (lead, core, trail) in enumerate(parts):
        prev = parts[i - 1][1] if i else ""
        nxt = parts[i + 1][1] if i + 1 < len(parts) else ""
        # A word followed by its own punctuation ("övers.:") cannot also end a sentence.
        edge: bool | None = None if trail else i + 1 == len(parts)
        prev_word = words[i - 1] if i else before
        if core in protected:
            _plain, reach, ends = _word(core, prev, nxt, edge, prev_word, rules, (), state)
            if core.endswith(".") and not table_word(core, rules):
                ends = edge is True  # the lexicon's own abbreviations end only a text
            said = core + "." if ends and core.endswith(".") else core
        else:
            said, reach, ends = _word(core, prev, nxt, edge, prev_word, rules, protected, state)
            if state.ended and said[:1].islower() and core[:1].isdigit():
                said = said[:1].upper() + said[1:]  # "ym. 2. painos" -> "ynnä muuta. Toinen"
        if trail.endswith(".") and not ends:
            # "[i.e. 1938]. The": a full stop after a closing bracket is punctuation.
            ends = edge is True or _capital(nxt) or nxt[:1].isdigit()
        state.reach = reach
        state.ended = ends
        out.append((f"{lead}{said}{trail}" if said else lead + trail, ends))
    return out


def tokens(text: str, rules: Rules | None, protected: Collection[str]) -> str:
    words = text.split(" ")
    said = [word for word, _ends in walk(words, rules, protected)]
    if (
        rules is not None
        and len(words) >= 3
        and said[-3].endswith(".")
        and split(words[-2])[1].rstrip(".").casefold() in rules.part_words
        and (NUMBER.fullmatch(words[-1].rstrip(".")) or is_roman(words[-1].rstrip(".")))
    ):
        # A title ending in its part ("Min kamp. D. 2", "Sagan om ringen. Del 2"): the
        # part belongs to the title, "Min kamp, del to", not a sentence of its own.
        said[-3] = said[-3][:-1] + ","
    return " ".join(said)


def ends_sentence(
    before: str, word: str, nxt: str, rules: Rules | None, protected: Collection[str] = ()
) -> bool:
    """Does the full stop that ends ``word`` end a sentence, with ``before`` (the text before
    it, only its last few words matter) and ``nxt`` (the next word) around it?"""
    core = word.lstrip(_LEAD)[:-1]
    if core.isdigit() and core not in protected:
        # The common case, and a hostile one ("1. 1. 1. ..."): a number's stop before a
        # capital or a digit ends the sentence unless the next word makes it an ordinal.
        if rules is not None and rules.ordinal_dot_before_capital and len(core) <= 2:
            return False  # German "5. Auflage", "am 5. Mai": an ordinal
        if rules is not None and rules.ordinal_dot and not before.strip() and _capital(nxt):
            return len(core) > 3  # a text's opening "11. Albert ... painos": an ordinal
        return rules is None or nxt.rstrip(".").casefold() not in rules.ordinal_dot_words
    context = before.split()[-ORDINAL_REACH:]
    if not any(ch.isdigit() for ch in before[-40:]):
        context = context[-3:]  # no ordinal to reach this far: "Del I och" is enough
    if len(core) == 1 and core.isupper() and _capital(nxt.lstrip(_LEAD)):
        prev = split(context[-1])[1] if context else ""
        if rules is None or not (
            prev in rules.regnal_names or prev.rstrip(".").casefold() in rules.part_words
        ):
            return False  # an initial before a name: "Astrid A. Lindgren"
    words = [*context, word, nxt] if nxt else [*context, word]
    earlier = before.split()
    outside = earlier[-len(context) - 1] if len(earlier) > len(context) else ""
    return walk(words, rules, protected, outside)[len(context)][1]


def table_word(core: str, rules: Rules | None) -> bool:
    if rules is None:
        return False
    return core in rules.abbreviations or core[0].lower() + core[1:] in rules.abbreviations


def _capital(word: str) -> bool:
    return word[:1].isupper() and word[:1].isalpha()


def _word(
    core: str,
    prev: str,
    nxt: str,
    last: bool | None,
    prev_word: str,
    rules: Rules | None,
    protected: Collection[str],
    state: _Walk,
) -> tuple[str, int, bool]:
    """The spoken form of one word, how far an ordinal's reach still goes after it, and
    whether its full stop ends a sentence.

    ``last``: the word ends the text (``True``), or is followed by its own punctuation
    (``None``: its full stop cannot end a sentence).
    """
    reach = max(0, state.reach - 1)
    numeral, state.numeral = state.numeral, False
    linked, state.linked = state.linked, False
    if not core:
        return core, reach, False
    if core in protected:
        return core, reach, False
    initials = _initials(core, prev, nxt, rules)
    if initials is not None:
        return initials, reach, False
    if rules is None:
        ends = _plain_stop(core, nxt, last)
        if not ends and last is False and _short_abbreviation(core, nxt):
            core = core[:-1]  # "гл. 4", "ط. 2": no stop for the voice to fall at
        return core, reach, ends
    if numeral and (core in rules.conjunctions or core in _LINKS):
        state.numeral = state.linked = True  # "Del I och II", "Kap. 3 & 4": the number goes on
    # A part's number goes on past "och" or a comma ("Del I, II"), never straight on to the
    # next word: the "I" of "Chapter IV: I, Claudius" is the pronoun.
    numeral = numeral and (linked or prev_word.endswith(","))
    if core.isalpha() and core.islower() and not reach:
        # Most words: only a dotless abbreviation ("cm", "jfr", a field's final "ed") applies.
        found = _abbreviation(core, prev, nxt, prev_word, rules, reach)
        if found is None and last is not False:
            found = _abbreviation(core + ".", prev, nxt, prev_word, rules, reach)
        return (found[0] if found else core), reach, False
    if core[:1].isdigit() and isinstance(rules.abbreviations.get(core), str):
        # "1er" / "1re": the table knows the gender.
        return str(rules.abbreviations[core]), ORDINAL_REACH, False
    ordinal = _ordinal(core, prev, nxt, rules, first=not prev_word)
    if ordinal is not None:
        return ordinal, ORDINAL_REACH, False
    said = numeric.roman(core, prev, nxt, rules, numeral)
    if said is not None:
        state.numeral = prev not in rules.regnal_names
        return said, reach, False
    said = numeric.number(core, prev, nxt, rules, numeral)
    if said is not None:
        state.numeral = bool(NUMBER.fullmatch(core)) and said != core
        return said, reach, False
    joined = _ABBR_RANGE.fullmatch(core)
    if joined and isinstance(rules.abbreviations.get(joined.group(1)), str):
        # "63 f.Kr.-14 e.Kr.": a range from an era's abbreviation, "före Kristus till 14".
        tail, reach, _ends = _word(joined.group(2), core, nxt, last, core, rules, protected, state)
        return f"{rules.abbreviations[joined.group(1)]} {rules.range_word} {tail}", reach, False
    # "Henry V. The king": a king's numeral ending a sentence, not "volumes".
    regnal = prev in rules.regnal_names and is_roman(core[:-1])
    found = None if regnal else _abbreviation(core, prev, nxt, prev_word, rules, reach)
    if found is None and last is not False and core.isalpha() and core.islower():
        # A field's final full stop is gone ("2nd ed", "7. uppl"): the word ends a phrase.
        found = _abbreviation(core + ".", prev, nxt, prev_word, rules, reach)
    if found is not None:
        abbr, may_end = found
        final = core in rules.final or core.casefold() in rules.final
        follows = (_capital(nxt) and not is_roman(nxt)) or (final and nxt[:1].isdigit())
        if final and nxt in rules.final:
            follows = False  # "Smith & Co. Ltd.": one name
        if reach and nxt.rstrip(".").casefold() in rules.ordinal_dot_words:
            follows = False  # "2., überarb. und erw. Aufl.": German capitalises the noun
        ends = core.endswith(".") and (last is True or (last is False and may_end and follows))
        return (abbr + "." if ends else abbr), reach, ends
    if len(core) > 1 and core.endswith("."):
        # "1939." ends a sentence: the full stop is punctuation, the word is "1939".
        state.numeral = state.linked = numeral
        said, reach, _ends = _word(core[:-1], prev, nxt, last, prev_word, rules, protected, state)
        ends = _plain_stop(core, nxt, last) or (
            last is False and core in rules.final and (_capital(nxt) or nxt[:1].isdigit())
        )  # "at 3 p.m. It cost": a phrase's end the table does not read out
        return (said + "." if ends else said), reach, ends
    return core, reach, False


def _plain_stop(core: str, nxt: str, last: bool | None) -> bool:
    """A word's full stop with no table to ask: the end of the text, or a sentence end
    before a capital or a digit unless the word is a dotted abbreviation ("bl.a.",
    "z.B.") or one every language writes before its noun ("fig.", "Vol.", "Dr.")."""
    if not core.endswith(".") or last is None:
        return False
    if last:
        return True
    if "." in core[:-1] or core.casefold() in NON_FINAL:
        return False  # "z.B.", "fig. 3"
    if _short_abbreviation(core, nxt):
        return False  # "D. 2", "pag. 12", "sec. XIV", "Т. 1-2", "гл. 4", "ط. 2"
    return _capital(nxt) or nxt[:1].isdigit()


_SMALL_NUMBER = re.compile(r"\d{1,3}(?!\d)")


def _short_abbreviation(core: str, nxt: str) -> bool:
    """The rule for every language, with or without a table: a short word with a full stop
    (one to three letters, or a lower-case word up to five) before a number that is not a
    year, or before a roman numeral, is an abbreviation before its number ("pag. 12", "sec.
    XIV", "Dra.", "Т. 1-2", "гл. 4", "с. 45", "ط. 2"), never a sentence end.  "i ett år.
    1945 flyttade" still ends one: a year starts sentences."""
    stem = core[:-1]
    if not core.endswith(".") or not stem.isalpha():
        return False  # "Том 2", "Deel 2": a whole word, not an abbreviation
    if not (len(stem) <= 3 or (stem.islower() and len(stem) <= 5)):
        return False
    nxt = nxt.lstrip(_LEAD).rstrip(_TRAIL + ".")
    if _SMALL_NUMBER.match(nxt):
        return True
    # A roman numeral; "I" alone is the English pronoun ("it. I ran").
    return is_roman(nxt) and (len(nxt) > 1 or nxt in ("V", "X"))


def _initials(core: str, prev: str, nxt: str, rules: Rules | None) -> str | None:
    """ "J." / "J.K." before a name, "J.K.Rowling", "Louis-P." before a surname: letters
    without the full stops.  Not a roman numeral after a regnal name or part word
    ("Kristina I.", "Del I.")."""
    match = _INITIALS.fullmatch(core)
    if match is not None and _AMOUNT.fullmatch(prev):
        return None  # "320 S. : Ill.": after a count, a unit, not someone's initial
    if match is not None and rules is not None and core in rules.final:
        return None  # "U.S.A. See": a place, not a person's initials
    if match is None:
        named = _NAME_INITIAL.fullmatch(core)
        if named and _capital(nxt.lstrip(_LEAD)):
            return f"{named.group(1)}-{named.group(2)}"
        return None
    if rules is not None and is_roman(core.rstrip(".")) and (
        prev in rules.regnal_names or prev.rstrip(".").casefold() in rules.part_words
    ):
        return None
    letters = " ".join(match.group(1).replace(".", " ").replace("-", " ").split())
    if match.group(2):
        return f"{letters} {match.group(2)}"
    nxt = nxt.lstrip(_LEAD)
    if _capital(nxt):
        return letters
    return None


def _ordinal(core: str, prev: str, nxt: str, rules: Rules, first: bool) -> str | None:
    """ "3. uppl.", "2nd ed.", German "5. Auflage" ("im 19. Jahrhundert": "neunzehnten"), and
    a text's opening "11." before a word where an ordinal is written with a dot (the Fennica
    edition "11. Albert Edelfeltin kuvittama ... painos", "1. Mosebok")."""
    match = _ORDINAL_DOT.fullmatch(core)
    if match:
        lower_word = nxt[:1].islower() and nxt[:1].isalpha()
        if rules.ordinal_dot_before_capital and _capital(nxt) and len(match.group(1)) <= 2:
            said = number_words(int(match.group(1)), rules.ordinal)  # German "5. Auflage"
            weak = said is not None and prev.casefold() in rules.ordinal_weak_after
            return f"{said}n" if weak else said
        if (
            (rules.ordinal_dot and (lower_word or (first and _capital(nxt))))
            or nxt.rstrip(".").casefold() in rules.ordinal_dot_words
        ):
            return number_words(int(match.group(1)), rules.ordinal)
    match = _ORDINAL_SUFFIX.fullmatch(core)
    if match and match.group(2).lower() in rules.ordinal_suffixes:
        return number_words(int(match.group(1)), rules.ordinal)
    return None


def _abbreviation(
    core: str, prev: str, nxt: str, prev_word: str, rules: Rules, reach: int
) -> tuple[str, bool] | None:
    """The reading of an abbreviation, and whether its context lets it end a sentence."""
    entry = rules.abbreviations.get(core)
    if entry is None and core[:1].isupper():
        entry = rules.abbreviations.get(core[0].lower() + core[1:])
    if entry is None and "'" in core[1:-1]:
        # Italian and French elision: "dell'avv. Verdi", "l'éd.".
        head, _apostrophe, rest = core.rpartition("'")
        found = _abbreviation(rest, prev, nxt, prev_word, rules, reach)
        return (f"{head}'{found[0]}", found[1]) if found is not None else None
    if entry is None:
        return None
    final = core in rules.final or core.casefold() in rules.final
    if isinstance(entry, str):
        return entry, final
    if entry.before_name and _before_name(nxt, rules):
        return entry.before_name, False  # "Rev. Martin", "U.S. Army": never a sentence end
    found = _in_context(entry, prev, nxt, prev_word, rules, reach)
    if found is not None and final and found[0] == entry.plain and found[1] is False:
        return found[0], True  # "U.S. The": a phrase's end
    return found


def _before_name(nxt: str, rules: Rules) -> bool:
    """Is ``nxt`` a name a title is said before ("Martin", "Army"), not the first word of the
    next sentence ("The", "It") or a roman numeral?"""
    nxt = nxt.lstrip(_LEAD)
    return (
        _capital(nxt)
        and not is_roman(nxt.rstrip(_TRAIL + "."))
        and nxt.rstrip(_TRAIL + ".").casefold() not in rules.sentence_starters
    )


def _in_context(
    a: Abbr, prev: str, nxt: str, prev_word: str, rules: Rules, reach: int
) -> tuple[str, bool] | None:
    nxt = nxt.rstrip(".")  # "s. 45." at a sentence's end
    after_number = bool(_AMOUNT.fullmatch(prev))
    before_range = bool(RANGE.fullmatch(nxt))
    # "t. II", "cap. III": a roman numeral is a part's number too.
    before_number = bool(NUMBER.fullmatch(nxt)) or before_range or (
        len(nxt) > 1 and is_roman(nxt)
    )
    if a.needs_number and not (after_number or before_number or reach):
        return None
    before_by = nxt.casefold() in rules.by_words
    if a.list_only and not (after_number or before_by or not prev_word or prev_word[-1:] in ",:;"):
        return None
    if a.before_language and (
        nxt.casefold() in rules.language_words or f"{nxt.casefold()}." in rules.language_words
    ):
        return a.before_language, False
    if a.after_edition and (reach or prev.rstrip(".").casefold() in rules.edition_words):
        # "rev. ed. by C. Tolkien": the edition, then who made it.
        return a.after_edition + ("," if before_by else ""), True
    if reach and a.after_ordinal:
        return a.after_ordinal, True
    if before_number and len(nxt) == 4 and a.before_year:
        return a.before_year, False
    if before_range and a.before_range:
        return a.before_range, False
    if before_number and a.before_number:
        return a.before_number, False
    if after_number:
        if prev == "1" and a.after_one:
            return a.after_one, True
        return a.after_number or a.plain, True
    if before_by and a.before_by:
        return a.before_by, False
    if a.after_article and prev.casefold() in rules.articles:
        # "sowie e. Nachw. d. Hrsg. Mit 45 Abb.": the noun ends its phrase before "Mit".
        return a.after_article, nxt.casefold() in rules.sentence_starters
    if a.after_name and prev_word.endswith(","):
        return a.after_name, True
    if a.after_proper and _capital(prev) and prev_word[-1:].isalpha() and not _capital(nxt):
        return a.after_proper, True  # "James St. in Washington"
    return a.plain, False
