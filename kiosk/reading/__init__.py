"""Speech normalisation: library text made ready for the ear, one language at a time.

Catalogue text is written for the eye of a cataloguer.  Read literally, "J. K. Rowling" gets two
sentence pauses, "3. uppl." becomes "tre uppl", "s. 45" becomes "ess fyrtiofem", "Karl XII"
becomes "Karl ksii" and "[Elib]" is read aloud.  :func:`normalise` sits between phrasing and the
speech engine and rewrites, per language (Swedish, English, Finnish, German, Norwegian, Danish,
French, Spanish and Italian tables in ``lang_*.py``):

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
  thirty-nine"), pages ("p. 1001-1010" -> "pages 1001 to 1010") and counts before their
  unit ("1808 p.", "1162 min.") never as years;
* multi-word catalogue terms in the voice's language ("1 sound disc" -> "1 ljudskiva");
* sentence ends: an abbreviation's full stop is kept only where it also ends a sentence - the
  one rule (``tokens.py``) the sentence splitter asks too (:func:`sentence_rule`).

The word-by-word pass lives in :mod:`kiosk.reading.tokens`; the passes over the whole text
(tags, ISBD, terms) here.

Staff's pronunciation lexicon wins: a word the lexicon lists (``protected``) is left alone here
for the lexicon to say.  Every regular expression is linear (no nested or unbounded
overlapping repeats) and the token pass is one walk, so a megabyte of hostile text costs
milliseconds, not minutes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection
from functools import cache, partial

from kiosk.reading import (
    lang_de,
    lang_en,
    lang_es_it,
    lang_fi,
    lang_fr,
    lang_nb,
    lang_nl,
    lang_pl,
    lang_ru,
    lang_sv,
)
from kiosk.reading.tables import Rules, words
from kiosk.reading.tokens import ends_sentence, split, table_word, tokens

RULES: dict[str, Rules] = {
    "sv": lang_sv.RULES, "en": lang_en.RULES, "fi": lang_fi.RULES, "de": lang_de.RULES,
    "nb": lang_nb.NORWEGIAN_RULES, "da": lang_nb.DANISH_RULES, "fr": lang_fr.RULES,
    "es": lang_es_it.SPANISH_RULES, "it": lang_es_it.ITALIAN_RULES,
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
_BRACKET_PAGES = re.compile(
    r",\s\[\d{1,4}\](?=\s(?:s|p|pp|sidor|sivua|pages|leaves)\b(?! of plates))"
)  # "[8] leaves of plates" are plates, and said
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
# "et al." -> "and others": its full stop stays for the token pass to keep where it ends a
# sentence ("Gandalf et al. In ch. 3 ...") and drop where it does not ("et al. (eds.)").
_ET_AL = re.compile(r"(?<!\w)et al(?!\w)")
# An ordinal glued to its noun: "2.éd.", "3.uppl." (checked against the table before split).
_GLUED = re.compile(r"(?<![\w.])(\d{1,3})\.([^\W\d_][^\s,;:()]{1,14})")
# "1939 - 1945" written with spaces: one token, so the range rule sees it whole.
_SPACED_RANGE = re.compile(r"(?<!\d)(\d{4})\s[-–—]\s(\d{2,4})(?!\d)")
# A format tag in parentheses anywhere: "(E-bok) Första delen", "Hamlet (Talbok)".
_PAREN = re.compile(r"\(([^()]{1,40})\)")
_FORMAT_TAGS = frozenset(
    w for w in words(
        "e-bok ebok e-book ebook talbok ljudbok e-ljudbok elib daisy mp3 audiobook äänikirja "
        "e-kirja storstil punktskrift braille"
    )
) | frozenset({
    "elektronisk resurs", "electronic resource", "sound recording", "ljudupptagning",
    "large print", "kindle edition", "daisy-talbok", "daisy talbok", "talking book",
    "e-audiobook", "cd-bok", "mp3-bok",
})  # fmt: skip
# A role in brackets after a name: "Wiley [distributor]", "Bonnier [utgivare]".
_ROLE_WORDS = frozenset(
    words(
        "distributor distributors publisher publishers producer printer manufacturer "
        "distributör utgivare förläggare tryckare kustantaja jakaja painaja"
    )
)
# An item of a contents list that ends in a full stop: "Basics. -- Vol. 2" keeps the stop.
_STOP_DASH = re.compile(r"\.\s?(?:--|—)\s?")
# Left behind when a tag or "[s.n.]" goes: "Stockholm : , 1985" -> "Stockholm, 1985",
# "[1937] [i.e. 1938]." -> "... 1938.".
_SPACE_BEFORE_PUNCT = re.compile(r"\s(?=[,;:]|\.(?!\S))")
_ORPHAN_PUNCT = re.compile(r"[,;:](?:\s?[,;:])+")

# Digits of other scripts ("٣٤٥ ص.", "١٩٨٥", "７３５") and a count written against its Chinese
# unit ("735页"): a voice with a table reads them as the number they are.
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")
_HAN_UNIT = re.compile(r"(?<=[0-9])(?=[页頁册冊卷])")


def _digits(text: str) -> str:
    text = _OTHER_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group(), "")), text)
    return _HAN_UNIT.sub(" ", text)


def rules_for(lang: str) -> Rules | None:
    return RULES.get(lang.split("-", 1)[0].lower())


def sentence_rule(lang: str, protected: Collection[str] = ()) -> Callable[[str, str, str], bool]:
    """``(text before, word with its full stop, next word)`` -> whether that stop ends a
    sentence in ``lang``: the rule the one sentence splitter asks (:mod:`kiosk.reading.tokens`),
    the same the reader uses to keep or drop an abbreviation's stop."""
    return partial(ends_sentence, rules=rules_for(lang), protected=protected)


# Words that tell the language of an organisation's name, whoever is listening.
_NAME_WORDS = {
    "en": frozenset(
        words(
            "of for and the Institute Research National University Society Department "
            "Association Academy Center Centre Council Committee International Bureau Ministry "
            "Office Agricultural Science Sciences Survey Service Library Press Foundation"
        )
    ),
    "sv": frozenset(
        words(
            "och för i av på vid med Institutet Institutionen Universitet Universitetet "
            "Akademien Sällskapet Förbundet Föreningen Kungliga Svenska"
        )
    ),
}


def name_language(text: str, lang: str) -> str:
    """The language of a name's own words ("China National Rice Research Inst." is
    English, "Uppsala univ., Inst. för lingvistik" Swedish), or ``lang`` when they do not
    tell (one language must have evidence and the other none)."""
    said = {w.strip(",.;:()[]") for w in text.split()}
    found = [code for code, marks in _NAME_WORDS.items() if said & marks]
    if not found and any(ch in "åäöÅÄÖ" for ch in text):
        found = ["sv"]
    return found[0] if len(found) == 1 else lang


def as_name(text: str, lang: str) -> str:
    """A name said as one phrase: a full stop inside it ("Ung. Nationalmus.", "Acta Univ.
    Ups.") ends no sentence, so an inner word the tables do not know loses its stop (those
    they know, "Förl.", are read out in full; initials are the token pass's).  One split.

    A name in another language than ``lang`` has its abbreviations said in its own
    (:func:`name_language`): "China National Rice Research Inst., Hangzhou" is "... Research
    Institute" to a Swedish visitor too, never "Research institutet"."""
    rules = rules_for(lang)
    own = rules_for(name_language(text, lang))
    words = text.split(" ")
    for i, word in enumerate(words):
        if own is not None and own is not rules:
            lead, core, trail = split(word)
            abbreviated = core.endswith(".") or core == "&"  # not "Tables", "Plates"
            entry = own.abbreviations.get(core) if abbreviated else None
            if entry is None and abbreviated and core[:1].isupper():
                entry = own.abbreviations.get(core[0].lower() + core[1:])
            if entry is not None:
                words[i] = lead + (entry if isinstance(entry, str) else entry.plain) + trail
                continue
        if (
            i < len(words) - 1
            and len(word) > 2
            and word.endswith(".")
            and "." not in word[:-1]
            and word[0].isalpha()
            and not (rules is not None and table_word(word, rules))
        ):
            words[i] = word[:-1]
    return " ".join(words)


def normalise(text: str, lang: str, protected: Collection[str] = ()) -> str:
    """``text`` as it should be said in ``lang``; words in ``protected`` stay as written."""
    rules = rules_for(lang)
    text = " ".join(text.split())
    if not text:
        return text
    if text.casefold().strip(" .:;,()[]-") in _SOURCE_PHRASES:
        return ""
    if rules is not None:
        text = _digits(text)
    elif lang.split("-", 1)[0].lower() == "ru":
        # "2-е изд., испр.", "См. т. 1", "1812 г.", "Пётр I" (no Russian table yet).
        text = lang_ru.editions(lang_ru.shorthand(text))
    elif lang.split("-", 1)[0].lower() == "pl":
        text = lang_pl.shorthand(text)
    elif lang.split("-", 1)[0].lower() == "nl":
        text = lang_nl.years(text)  # "1880": "achttienhonderdtachtig" (no Dutch table yet)
    text = _tags(text, rules)
    text = _isbd(text, rules)
    text = _phrases(text, rules)
    text = _unglue(text, rules)
    text = tokens(text, rules, protected)
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
        if key in _ROLE_WORDS:
            return " "
        if full.replace(" ", "") in {"s.l.:s.n.", "s.l.,s.n.", "s.l.:s.n", "s.n.", "s.l."}:
            return " "
        return " " + inner.rstrip("?").strip() + " " if inner.rstrip("?").strip() else " "

    text = _BRACKET.sub(bracket, text).replace("[", " ").replace("]", " ")
    text = _PAREN.sub(lambda m: " " if m.group(1).casefold().strip(" .") in _FORMAT_TAGS
                      else m.group(0), text)  # fmt: skip
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
    text = _DOUBLE_DASH.sub(", ", _STOP_DASH.sub(". ", text))
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




def _unglue(text: str, rules: Rules | None) -> str:
    """ "2.éd." -> "2. éd.": an ordinal written against its noun, when the table knows the
    noun ("éd.", "uppl.", "Aufl."), so it is read "deuxième édition", not "2.éd."."""
    if rules is None or "." not in text:
        return text

    def split(match: re.Match[str]) -> str:
        noun = match.group(2)
        if table_word(noun, rules) or noun.rstrip(".").casefold() in rules.ordinal_dot_words:
            return f"{match.group(1)}. {noun}"
        return match.group(0)

    return _GLUED.sub(split, text)


@cache
def _phrase_pattern(lang: str) -> tuple[re.Pattern[str], dict[str, tuple[str, str]]] | None:
    terms = {k.casefold(): v for k, v in RULES[lang].phrases.items()}
    if not terms:
        return None
    # Fixed words only, longest first: one bounded alternation at each position.
    alternation = "|".join(map(re.escape, sorted(terms, key=len, reverse=True)))
    pattern = re.compile(r"(?<!\w)(?:(\d{1,6}) )?(" + alternation + r")(?!\w)", re.IGNORECASE)
    return pattern, terms


def _phrases(text: str, rules: Rules | None) -> str:
    """Multi-word catalogue terms in this language: "1 sound disc" -> "1 ljudskiva"."""
    if rules is None or rules.lang not in RULES:
        return text
    found = _phrase_pattern(rules.lang)
    if found is None:
        return text
    pattern, terms = found

    def say(match: re.Match[str]) -> str:
        count = match.group(1)
        if count is None and " " not in match.group(2):
            return match.group(0)  # one word ("maps", "kartta") is a term only after a count
        one, many = terms[match.group(2).casefold()]
        said = one if count in (None, "1") else many
        return f"{count} {said}" if count else said

    return pattern.sub(say, text)
