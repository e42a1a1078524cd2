"""Speech normalisation: library text made ready for the ear, one language at a time.

Catalogue text is written for the eye of a cataloguer.  Read literally, "J. K. Rowling" gets two
sentence pauses, "3. uppl." becomes "tre uppl", "s. 45" becomes "ess fyrtiofem", "Karl XII"
becomes "Karl ksii" and "[Elib]" is read aloud.  :func:`normalise` sits between phrasing and the
speech engine and rewrites, per language (Swedish, English, Finnish, German, Norwegian, Danish
and French tables in ``lang_*.py``):

* catalogue tags and brackets: material designations and vendor tags ("[Elib]",
  "[Ljudupptagning]") and source credits ("--Book Jacket.") go; ISBD brackets around supplied
  data ("[Stockholm]") go but the data stays; "[s.n.]" and friends go;
* ISBD leftovers: " / ", " : ", " ; ", " = ", ". - ", "c2003", preliminary pagination;
* initials: "J. K." and "J.K." -> "J K", so the voice does not end a sentence at each;
* ordinals of editions and parts ("3. uppl." -> "tredje upplagan", "2nd ed." -> "second
  edition", "del 2" -> "del två"), abbreviations by context ("s. 45" -> "sidan 45", "245 s."
  -> "245 sidor", "ed. by" -> "edited by");
* roman numerals where unambiguous: after a regnal name ("Karl XII" -> "Karl den tolfte"), after
  a part word ("Del III" -> "del tre"), after a capitalised title word ("World War II");
* years and ranges ("1939-1945" -> "1939 till 1945"; English years as said: "nineteen
  thirty-nine").

Staff's pronunciation lexicon wins: a word the lexicon lists (``protected``) is left alone here
for the lexicon to say.  Every regular expression is linear (no nested or unbounded
overlapping repeats) and the token pass is one walk, so a megabyte of hostile text costs
milliseconds, not minutes.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from kiosk.reading import lang_de, lang_en, lang_fi, lang_fr, lang_nb, lang_sv
from kiosk.reading.numbers import MAX_WORDS, roman_value
from kiosk.reading.tables import Abbr, Rules, words

RULES: dict[str, Rules] = {
    "sv": lang_sv.RULES, "en": lang_en.RULES, "fi": lang_fi.RULES, "de": lang_de.RULES,
    "nb": lang_nb.NORWEGIAN_RULES, "da": lang_nb.DANISH_RULES, "fr": lang_fr.RULES,
}  # fmt: skip
"""The languages with reading tables; others get the language-neutral passes only."""

# --------------------------------------------------------------------------- tags, brackets

# Material designations (MARC 245 $h), vendor and format tags: never part of what is read.
_TAG_STEMS = (
    "resurs", "resource", "upptagning", "recording", "aineisto", "e-bok", "ebok", "e-book",
    "ebook", "ljudbok", "elib", "material", "microform", "computer file", "äänite",
)  # fmt: skip
_TAG_EXACT = frozenset(
    w for w in words(
        "elib text ljudbok talbok e-bok ebok e-book ebook e-ljudbok daisy mp3 multimedia "
        "videogram film musik noter punktskrift braille bild kit microform mikroform datafil "
        "äänite äänikirja e-kirja verkkoaineisto tekstiaineisto cd cd-rom dvd blu-ray "
        "audiobook storstil axiell publit overdrive bokbasen btj ellibs storytel nextory "
        "bookbeat kindle"
    )
) | frozenset({
    "ljudupptagning", "elektronisk resurs", "kombinerat material", "videoupptagning",
    "kartografiskt material", "sound recording", "electronic resource", "videorecording",
    "computer file", "elektroninen aineisto", "talking book", "large print", "kindle edition",
    "motion picture", "graphic", "map", "music", "score",
})  # fmt: skip

_BRACKET = re.compile(r"\[([^\[\]]{0,200})\]")
# Where a summary came from ("--Book Jacket.", "(Förlagets beskrivning)"): for staff, not ears.
_SOURCE_WORDS = (
    "jacket", "publisher", "cover", "förlag", "beskrivning", "amazon", "description", "provided",
    "kustantaja", "takakan", "baksid", "btj", "bokus", "adlibris", "source", "källa", "lähde",
    "back of book", "flap",
)  # fmt: skip
_TAIL_PAREN = re.compile(r"\s*\(([^()]{1,60})\)\s*\.?$")
_TAIL_SOURCE = re.compile(r"\s*(?:Källa|Source|Lähde|Text från|Text: )[^.]{0,60}\.?$")
# "Teksti kirjan takakannessa:", "Förlagets beskrivning:" opening a summary.
_LEAD_SOURCE = re.compile(r"([^.:]{1,60}):[\s.]*")
_DOUBLE_DASH = re.compile(r"\s*(?:--|—)\s*")
# ISBD area and element separators left in titles and statements.
_ISBD_SEP = re.compile(r"\s[/;=]\s")
_ISBD_COLON = re.compile(r"\s:\s")
_ISBD_AREA = re.compile(r"\.\s[-–—]{1,2}\s")
_CIP = re.compile(r"(?<!\S)p\. ?cm\.?(?!\S)")
_COPYRIGHT = re.compile(r"(?<![\w.])(?:([cp])(\d{4})|([©℗])\s?(\d{4}))(?!\w)")
# "xiv, 262 p.", "[2], 237, [1] s.": unnumbered and roman-numbered preliminaries are not said.
_PRELIM = re.compile(r"(?<![\w\[-])(?:[ivxlc]{1,8}|[IVXLC]{1,8}|\[\d{1,4}\]),\s(?=\d{1,5}[\s,])")
_BRACKET_PAGES = re.compile(r",\s\[\d{1,4}\](?=\s(?:s|p|pp|sidor|sivua|pages|leaves)\b)")
# MARC subfield codes left in text by a careless export: "$aHarry Potter", "‡broman".
_SUBFIELD = re.compile(r"(?<!\S)[$‡|][a-z](?=\S)")
# A whole sentence that only says where a summary came from.
_SOURCE_PHRASES = frozenset(
    {
        "förlagets beskrivning", "förlagets text", "förlagets presentation", "text från förlaget",
        "baksidestext", "bokens baksida", "book jacket", "publisher's description",
        "publisher description", "provided by publisher", "from the publisher", "jacket",
        "kustantajan kuvaus", "takakansiteksti", "teksti kirjan takakannessa",
    }
)  # fmt: skip
_ET_AL = re.compile(r"(?<!\w)et al\.?(?!\w)")
# "1939 - 1945" written with spaces: one token, so the range rule sees it whole.
_SPACED_RANGE = re.compile(r"(?<!\d)(\d{4})\s[-–—]\s(\d{2,4})(?!\d)")

# --------------------------------------------------------------------------- tokens

_LEAD = "([{\"'«“‘„"
_TRAIL = ",;:)]}\"'»”’!?"
_NUMBER = re.compile(r"\d{1,9}")
_RANGE = re.compile(r"(\d{1,4})[-–—](\d{1,4})|(\d{4})/(\d{2}|\d{4})")
_OPEN_RANGE = re.compile(r"(\d{4})[-–—]")
_ORDINAL_DOT = re.compile(r"(\d{1,3})\.")
_ORDINAL_SUFFIX = re.compile(r"(\d{1,3})([:a-zA-Zèª]{1,3})")  # "3:e", "2nd", "2e", "2ème"
_INITIALS = re.compile(r"((?:[A-ZÅÄÖÜÆØÉ]\.-?){1,4})([A-ZÅÄÖÜÆØ][\w'-]{0,40})?")
_NUMBER_SIGN = re.compile(r"#(\d{1,4})")  # "(Harry Potter, #1)": the number in a series
_DECADE = re.compile(r"(\d{4})'?s")
# Left behind when a tag or "[s.n.]" goes: "Stockholm : , 1985" -> "Stockholm, 1985".
_SPACE_BEFORE_PUNCT = re.compile(r"\s(?=[,;:])")
_ORPHAN_PUNCT = re.compile(r"[,;:](?:\s?[,;:])+")
ORDINAL_REACH = 5
"""An ordinal's reach: it and the four words after it ("2. utök. och omarb. uppl.")."""


def rules_for(lang: str) -> Rules | None:
    return RULES.get(lang.split("-", 1)[0].lower())


def abbreviations(lang: str) -> frozenset[str]:
    """Abbreviations ending in a full stop, for sentence splitters: they never end one."""
    rules = rules_for(lang)
    if rules is None:
        return frozenset()
    known = frozenset(k.casefold() for k in rules.abbreviations if k.endswith("."))
    if rules.ordinal_dot_before_capital:
        # "5. Auflage", "am 5. Mai": a number with a dot is an ordinal, not a sentence end.
        known |= frozenset(f"{n}." for n in range(1, 100))
    return known


def normalise(text: str, lang: str, protected: Collection[str] = ()) -> str:
    """``text`` as it should be said in ``lang``; words in ``protected`` stay as written."""
    rules = rules_for(lang)
    text = " ".join(text.split())
    if not text:
        return text
    if text.casefold().strip(" .:;,()[]-") in _SOURCE_PHRASES:
        return ""
    text = _tags(text, rules)
    text = _isbd(text, rules)
    text = _tokens(text, rules, protected)
    text = _ORPHAN_PUNCT.sub(",", _SPACE_BEFORE_PUNCT.sub("", text))
    return " ".join(text.split())


def _tags(text: str, rules: Rules | None) -> str:
    drop = rules.drop_words if rules is not None else frozenset({"s.n.", "s.l.", "sic", "?"})
    text = _PRELIM.sub("", text)
    text = _BRACKET_PAGES.sub("", text)

    def bracket(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        full = inner.casefold().strip(" :;,")
        key = full.strip(".")
        if key in _TAG_EXACT or any(stem in key for stem in _TAG_STEMS) or full in drop:
            return " "
        if full.replace(" ", "") in {"s.l.:s.n.", "s.l.,s.n.", "s.l.:s.n", "s.n.", "s.l."}:
            return " "
        return " " + inner.rstrip("?").strip() + " " if inner.rstrip("?").strip() else " "

    text = _BRACKET.sub(bracket, text).replace("[", " ").replace("]", " ")
    text = " ".join(text.split())
    # A source credit at the very end: "...--Book Jacket.", "(Förlagets beskrivning)".
    dash = text.rfind("--")
    if dash >= 0 and _is_source(text[dash + 2 :]):
        text = text[:dash].rstrip(" -")
    match = _TAIL_PAREN.search(text)
    if match and (_is_source(match.group(1)) or _is_tag(match.group(1))):
        text = text[: match.start()]
    match = _LEAD_SOURCE.match(text)
    if (
        match
        and _is_source(match.group(1))
        and (len(match.group(1).split()) > 1 or "text" in match.group(1).casefold())
    ):
        text = text[match.end() :]
    match = _TAIL_SOURCE.search(text)
    if match and match.start() > 0:
        text = text[: match.start()]
    text = _DOUBLE_DASH.sub(", ", text)
    return text


def _is_tag(inner: str) -> bool:
    key = inner.casefold().strip(" .:;,")
    return key in _TAG_EXACT or any(stem in key for stem in _TAG_STEMS)


def _is_source(tail: str) -> bool:
    words = tail.strip(" .").casefold()
    return 0 < len(words.split()) <= 8 and any(w in words for w in _SOURCE_WORDS)


def _isbd(text: str, rules: Rules | None) -> str:
    text = _SUBFIELD.sub("", text)
    text = _CIP.sub("", text)
    text = _ISBD_AREA.sub(". ", text)
    text = _ISBD_SEP.sub(", ", text)
    text = _ISBD_COLON.sub(": ", text)
    if rules is not None:
        text = _ET_AL.sub(rules.and_others, text)

        def copyright_(match: re.Match[str]) -> str:
            mark = match.group(1) or match.group(3)
            year = match.group(2) or match.group(4)
            word = rules.phonogram_word if mark in "p℗" else rules.copyright_word
            return f"{word} {year}"

        text = _COPYRIGHT.sub(copyright_, text)
    text = _SPACED_RANGE.sub(r"\1-\2", text)
    return text


def _split(word: str) -> tuple[str, str, str]:
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


def _tokens(text: str, rules: Rules | None, protected: Collection[str]) -> str:
    words = text.split(" ")
    parts = [_split(w) for w in words]
    out: list[str] = []
    reach = 0  # words left in which an ordinal's noun may come
    for i, (lead, core, trail) in enumerate(parts):
        prev = parts[i - 1][1] if i else ""
        nxt = parts[i + 1][1] if i + 1 < len(parts) else ""
        last = i + 1 == len(parts)
        # A word followed by its own punctuation ("övers.:") cannot also end a sentence.
        edge: bool | None = None if trail else last
        said, reach_after = _word(
            core, prev, nxt, edge, words[i - 1] if i else "", rules, protected, reach
        )
        if said == core and len(core) > 1 and core.endswith(".") and core not in protected:
            # "1939." ends a sentence: the full stop is punctuation, the word is "1939".
            said, reach_after = _word(
                core[:-1], prev, nxt, edge, words[i - 1] if i else "", rules, protected, reach
            )
            said += "."
        reach = reach_after
        out.append(f"{lead}{said}{trail}" if said else lead + trail)
    return " ".join(out)


def _word(
    core: str,
    prev: str,
    nxt: str,
    last: bool | None,
    prev_word: str,
    rules: Rules | None,
    protected: Collection[str],
    reach: int,
) -> tuple[str, int]:
    """The spoken form of one word, and how far an ordinal's reach still goes after it.

    ``last``: the word ends the text (``True``), or is followed by its own punctuation
    (``None``: its full stop cannot end a sentence).
    """
    reach = max(0, reach - 1)
    if not core or core in protected:
        return core, reach
    # "320 S. : Ill.": after a count a capital and a dot is a unit, not someone's initial.
    initials = None if _NUMBER.fullmatch(prev) else _initials(core, nxt)
    if initials is not None:
        return initials, reach
    if rules is None:
        return core, reach
    if core.isalpha() and core.islower() and not reach:
        # Most words: only a dotless abbreviation ("cm", "jfr", a field's final "ed") applies.
        found = _abbreviation(core, prev, nxt, prev_word, rules, reach)
        if found is None and last is not False:
            found = _abbreviation(core + ".", prev, nxt, prev_word, rules, reach)
        return (found[0] if found else core), reach
    if core[:1].isdigit() and isinstance(rules.abbreviations.get(core), str):
        # "1er" / "1re": the table knows the gender.
        return str(rules.abbreviations[core]), ORDINAL_REACH
    ordinal = _ordinal(core, nxt, rules)
    if ordinal is not None:
        return ordinal, ORDINAL_REACH
    roman = _roman(core, prev, nxt, rules)
    if roman is not None:
        return roman, reach
    number = _number(core, prev, rules)
    if number is not None:
        return number, reach
    found = _abbreviation(core, prev, nxt, prev_word, rules, reach)
    if found is None and last is not False and core.isalpha() and core.islower():
        # A field's final full stop is gone ("2nd ed", "7. uppl"): the word ends a phrase.
        found = _abbreviation(core + ".", prev, nxt, prev_word, rules, reach)
    if found is not None:
        abbr, may_end = found
        # The abbreviation's full stop may also have ended the sentence: keep that pause.
        # ... but not before the noun an ordinal governs ("2., überarb. Aufl."): German
        # capitalises every noun, so there a capital alone says nothing.
        sentence_next = (
            nxt[:1].isupper()
            and nxt[:1].isalpha()
            and not _is_roman(nxt)
            and not (reach and nxt.rstrip(".").casefold() in rules.ordinal_dot_words)
        )
        ends = last is not None and (last or (may_end and sentence_next))
        return (abbr + "." if ends and core.endswith(".") else abbr), reach
    return core, reach


def _initials(core: str, nxt: str) -> str | None:
    """ "J." / "J.K." before a name, or "J.K.Rowling": letters without the full stops."""
    match = _INITIALS.fullmatch(core)
    if match is None:
        return None
    letters = " ".join(match.group(1).replace(".", " ").replace("-", " ").split())
    if match.group(2):
        return f"{letters} {match.group(2)}"
    nxt = nxt.lstrip(_LEAD)
    if nxt[:1].isupper() and nxt[:1].isalpha():
        return letters
    return None


def _ordinal(core: str, nxt: str, rules: Rules) -> str | None:
    match = _ORDINAL_DOT.fullmatch(core)
    if match:
        lower_word = nxt[:1].islower() and nxt[:1].isalpha()
        if (rules.ordinal_dot and lower_word) or nxt.rstrip(
            "."
        ).casefold() in rules.ordinal_dot_words:
            return _words(int(match.group(1)), rules.ordinal)
    match = _ORDINAL_SUFFIX.fullmatch(core)
    if match and match.group(2).lower() in rules.ordinal_suffixes:
        return _words(int(match.group(1)), rules.ordinal)
    return None


def _words(n: int, say: object) -> str | None:
    if not 0 < n <= MAX_WORDS or not callable(say):
        return None
    return str(say(n))


def _is_roman(word: str) -> bool:
    return word.isalpha() and word.isupper() and roman_value(word) is not None


def _roman(core: str, prev: str, nxt: str, rules: Rules) -> str | None:
    genitive = core.endswith(":s")  # "Erik XIV:s" -> "Erik den fjortondes"
    if genitive:
        core = core[:-2]
    if not core.isupper() or not core.isalpha():
        return None
    n = roman_value(core)
    if n is None:
        return None
    if prev in rules.regnal_names:
        return rules.regnal(prev, n) + ("s" if genitive else "")
    if genitive:
        return None
    if prev.rstrip(".").casefold() in rules.part_words:
        return _words(n, rules.cardinal)
    # "World War II", "Rocky IV": a capitalised title word, not shouted text ("VI SOM ...").
    if (
        len(core) >= 2
        and set(core) <= set("IVX")
        and prev[:1].isupper()
        and not prev.isupper()
        and not nxt.isupper()
    ):
        return _words(n, rules.cardinal)
    return None


def _number(core: str, prev: str, rules: Rules) -> str | None:
    """Ranges, open ranges, part numbers and (English) years."""
    match = _RANGE.fullmatch(core)
    if match:
        first, second = match.group(1) or match.group(3), match.group(2) or match.group(4)
        if len(first) == 4 and len(second) == 2:  # "1939-45"
            second = str(int(first[:2] + second) + (100 if second < first[2:] else 0))
        if len(first) == len(second) == 4 and int(second) < int(first):
            return None  # not a range: a code or identifier
        return f"{_year(first, rules)} {rules.range_word} {_year(second, rules)}"
    match = _OPEN_RANGE.fullmatch(core)
    if match:
        return rules.open_range.format(year=_year(match.group(1), rules))
    if _NUMBER.fullmatch(core):
        if prev.rstrip(".").casefold() in rules.part_words and len(core) <= 3:
            return _words(int(core), rules.cardinal)
        if len(core) == 4:
            said = _year(core, rules)
            return said if said != core else None
        return None
    match = _NUMBER_SIGN.fullmatch(core)
    if match:
        return (
            f"{rules.number_word} {_words(int(match.group(1)), rules.cardinal) or match.group(1)}"
        )
    match = _DECADE.fullmatch(core)
    if match and rules.decade is not None:
        return rules.decade(int(match.group(1)))
    return None


def _year(digits: str, rules: Rules) -> str:
    if rules.year is None or len(digits) != 4:
        return digits
    return rules.year(int(digits)) or digits


_ENDING = frozenset(
    {"etc.", "usw.", "osv.", "o.s.v.", "m.fl.", "m.m.", "o.d.", "jne.", "ym.", "yms.", "p.",
     "näköisp."}
)
"""Plain abbreviations that end a phrase, so their full stop may end a sentence too."""


def _abbreviation(
    core: str, prev: str, nxt: str, prev_word: str, rules: Rules, reach: int
) -> tuple[str, bool] | None:
    """The reading of an abbreviation, and whether it may end a sentence (not "Dr.")."""
    entry = rules.abbreviations.get(core)
    if entry is None and core[:1].isupper():
        entry = rules.abbreviations.get(core[0].lower() + core[1:])
    if entry is None:
        return None
    if isinstance(entry, str):
        return entry, core in _ENDING
    return _in_context(entry, prev, nxt, prev_word, rules, reach)


def _in_context(
    a: Abbr, prev: str, nxt: str, prev_word: str, rules: Rules, reach: int
) -> tuple[str, bool] | None:
    nxt = nxt.rstrip(".")  # "s. 45." at a sentence's end
    after_number = bool(_NUMBER.fullmatch(prev))
    before_range = bool(_RANGE.fullmatch(nxt))
    before_number = bool(_NUMBER.fullmatch(nxt)) or before_range
    if a.needs_number and not (after_number or before_number or reach):
        return None
    before_by = nxt.casefold() in rules.by_words
    if a.list_only and not (after_number or before_by or not prev_word or prev_word[-1:] in ",:;"):
        return None
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
    if a.after_name and prev_word.endswith(","):
        return a.after_name, True
    return a.plain, not a.list_only
