"""Pronunciation: the lexicon, numbers, and the sentences and language of prose.

``pronounce`` is the last step before the engine for every piece of text the kiosk speaks:
reading rules (``kiosk.reading.normalise``), then the staff-editable lexicon
(``kiosk/phrases/lexicon-<lang>.toml``, a staff copy in ``phrases_dir`` wins), then numbers
(identifiers digit by digit, ranges).  Split out of ``kiosk.levels``, which re-exports these
names.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import cache
from importlib import resources

from hardware.speech import text as speech_text
from hardware.speech.text import MAX_UTTERANCE_CHARS
from kiosk import phrase_files, phrasing
from kiosk.phrasing import LANGUAGES
from kiosk.reading import normalise, sentence_rule
from kiosk.reading.letters import fold_marks
from kiosk.reading.which_voice import script_runs

MAX_SPOKEN_CHARS = 4 * MAX_UTTERANCE_CHARS
"""Text beyond this is never read: the speech engine says at most ``MAX_UTTERANCE_CHARS``
of an utterance, and the reading rules never shorten text by three quarters."""


def _table(lang: str, phrases_dir: str | None) -> dict[str, str]:
    return phrasing.phrases(lang, phrases_dir)


# --------------------------------------------------------------------------- lexicon


@cache
def lexicon(lang: str, override_dir: str | None = None) -> dict[str, str]:
    """Word -> how to say it, for ``lang``; entries in ``override_dir`` win over ours.

    Any voice language may have one: a staff ``lexicon-fi.toml`` works even though we ship
    lexicons for the kiosk's own languages only.
    """
    if not re.fullmatch(r"[a-z]{2,3}(?:-[a-z0-9]{1,8}){0,3}", lang):
        raise ValueError(f"unknown language {lang!r}")
    name = f"lexicon-{lang}.toml"
    ours = resources.files("kiosk").joinpath("phrases", name)
    data = tomllib.loads(ours.read_text("utf-8")) if ours.is_file() else {}
    table = {_nfc(k): _nfc(v) for k, v in data.get("words", {}).items()}
    staff = phrase_files.staff_words(lang, override_dir)  # checked; refused whole if broken
    table.update({_nfc(k): _nfc(v) for k, v in staff.items()})
    return table


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", str(text))


@cache
def _lexicon_patterns(lang: str, override_dir: str | None) -> list[tuple[re.Pattern[str], bool]]:
    """Whole-word entries, and ``-suffix`` entries that end compounds ("Piratförl.")."""
    entries = lexicon(lang, override_dir)
    # Longest first so "t.ex." beats "t"; whole words only, so "ca" leaves "Carl" alone.
    words = sorted((w for w in entries if not w.startswith("-")), key=len, reverse=True)
    endings = sorted((w[1:] for w in entries if w.startswith("-") and len(w) > 1), key=len)
    out = []
    if words:
        alternation = "|".join(map(re.escape, words))
        out.append((re.compile(r"(?<![\w.])(?:" + alternation + r")(?!\w)"), False))
    if endings:
        alternation = "|".join(map(re.escape, reversed(endings)))
        out.append((re.compile(r"(?<=\w)(?:" + alternation + r")(?!\w)"), True))
    return out


# --------------------------------------------------------------------------- numbers

_DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")

# Seven or more digits (hyphens allowed between them, an ISBN-10 may end in X): identifiers,
# read digit by digit - "nine seven eight...", never "nine trillion".
_DIGIT_RUN = re.compile(r"(?<![\w])\d(?:-?\d){6,}(?:-?[Xx])?(?![\w])")
# "1966-1985", "S. 451-800": a range is read with the language's word for "to".
_RANGE = re.compile(r"(?<![\d-])(\d{1,4})\s?[-–]\s?(\d{1,4})(?![\d-])")


def spell_digits(text: str) -> str:
    """ "978-91-0-056322-6" -> "9 7 8 9 1 0 0 5 6 3 2 2 6": one digit at a time."""
    return " ".join(ch.upper() for ch in text if ch.isdigit() or ch in "Xx")


def speak_numbers(text: str, lang: str, phrases_dir: str | None = None) -> str:
    """Make numbers in ``text`` say what they mean: identifiers digit by digit, ranges."""
    # Ranges first: "1926-1927" is two years, while "978-0-14-118234-6" (no lone pair of
    # numbers: a hyphen follows) is left for the identifier rule.
    # A voice without a phrase table still hears two numbers, not "1 8 4 1 1 8 6 7": an en
    # dash joins them, which every eSpeak NG voice reads as two numbers in one breath.  A
    # *spaced* dash made each voice break the clause - a sentence-length pause inside
    # "vuosina 1973-1988" (Finnish, Russian, Italian, Polish, ... all alike).
    template = (
        _table(lang, phrases_dir)["number_range"] if lang in LANGUAGES else "{first}–{last}"
    )

    def range_(m: re.Match[str]) -> str:
        # "ISSN 0346-6159", "Tel. 090-16 33 00": a code or a phone number, not a range.
        before = m.string[max(0, m.start() - 7) : m.start()].casefold().rstrip()
        if m.group(1)[:1] == "0" or before.endswith((" issn", "issn:", " tel.", "puh.")):
            return m.group(0)
        first, last = m.group(1), m.group(2)
        if lang not in LANGUAGES and len(first) == len(last) == 4:
            first, last = _year_words(first, lang), _year_words(last, lang)
        return template.format(first=first, last=last)

    text = _RANGE.sub(range_, text)
    return _DIGIT_RUN.sub(lambda m: spell_digits(m.group(0)), text)


def _year_words(digits: str, lang: str) -> str:
    """A year of a range as the language's reading rules say a year alone ("1841" is Dutch
    "achttienhonderdeenenveertig": eSpeak NG would count "duizend achthonderd ..."); the
    digits when the rules leave years to the voice."""
    said = normalise(digits, lang)
    return said[:1].lower() + said[1:] if said.isalpha() else digits


def pronounce(text: str, lang: str, phrases_dir: str | None = None) -> str:
    """The spoken form of ``text`` in ``lang``: reading rules, then lexicon, then the marks
    of romanised names the voice cannot say (``kiosk.reading.letters``), then numbers.

    The reading rules (``kiosk.reading``: abbreviations, ordinals, initials, tags, roman
    numerals, years) leave every word the lexicon lists alone, so staff's pronunciation wins.
    Only ever applied to what is synthesised, never to ``Utterance.text``.
    """
    entries = lexicon(lang, phrases_dir)
    if len(text) > MAX_SPOKEN_CHARS:
        cut = text.rfind(" ", 0, MAX_SPOKEN_CHARS)
        text = text[: cut if cut > 0 else MAX_SPOKEN_CHARS]
    text = normalise(text, lang, _protected(lang, phrases_dir))
    for pattern, is_ending in _lexicon_patterns(lang, phrases_dir):
        if is_ending:
            text = pattern.sub(lambda m: entries["-" + m.group(0)].lstrip("-"), text)
        else:
            text = pattern.sub(lambda m: entries[m.group(0)], text)
    # An abbreviation that ends a sentence reaches the lexicon with its stop doubled
    # ("m.fl.." -> "med flera."); a reading that brings its own stop leaves one.
    text = _DOUBLE_STOP.sub(".", text)
    return speak_numbers(fold_marks(text, lang), lang, phrases_dir)


def pronounce_runs(text: str, voice: str, phrases_dir: str | None = None) -> list[tuple[str, str]]:
    """``text`` as said in ``voice`` (:func:`pronounce`), then cut where its script changes,
    each run with the voice that reads it (``which_voice.script_runs``); the reading rules
    see the whole text first, so "٣٤٥ ص." in a Swedish extent is still "345 sidor"."""
    said = " ".join(pronounce(text, voice, phrases_dir).split())
    if not said:
        return []
    return [(run.strip(), lang) for run, lang in script_runs(said, voice) if run.strip()]


@cache
def _protected(lang: str, phrases_dir: str | None) -> frozenset[str]:
    return frozenset(w for w in lexicon(lang, phrases_dir) if not w.startswith("-"))


# --------------------------------------------------------------------------- sentences


def split_sentences(text: str, lang: str, phrases_dir: str | None = None) -> list[str]:
    """Prose as sentences, by the project's one splitter (``hardware.speech.text``) with this
    language's rule for full stops: the same one the reading rules use to keep or drop an
    abbreviation's stop (``kiosk.reading.sentence_rule``), so a sentence the screen shows and
    a pause the voice makes always agree.  Staff's lexicon abbreviations ("t.ex.") never end
    a sentence unless the reading tables say they end a phrase ("m.fl.")."""
    protected = _protected(lang, phrases_dir)
    return speech_text.split_sentences(text, ends=sentence_rule(lang, protected))
