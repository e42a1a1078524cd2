"""Which voice reads a piece of a record: the catalogued language, the script, the prose.

Three sources of evidence, in order of trust:

1. **The script** of the text.  A voice handed text with no letter of its script spells it out
   or guesses, so script decides both ways (``hardware.speech.voices.voice_language``): a
   Cyrillic title goes to the Russian voice whatever the record says, and a Latin-script note
   or romanised title of a record catalogued Chinese, Arabic, Hebrew or Russian goes to a
   Latin-script voice - English when the text is evidently English ("Contents also in En.",
   "War and peace"), else the visitor's.
2. **The catalogued language** (MARC 008/35-37, 041, CSV/JSON ``language``).  A record that
   states its language keeps that voice for its title *and its summary*: German, Italian,
   Dutch, Norwegian or Danish prose is never handed to the English, Swedish or Finnish voice
   because it happens to contain "in", "om" or "se".
3. **Function words** of the prose (:func:`guess_language`, Swedish, English and Finnish, the
   languages whose notes a Swedish/Finnish library writes).  Used when no language is
   catalogued, and - with strong evidence only - over a catalogued Latin-script language
   that is not their kin (an English book's Swedish note: a Libris record catalogued ``eng``
   with a BTJ summary in Swedish; LC's English summary of a Spanish film), never Swedish over
   Norwegian or Danish, which share its function words.  URLs and e-mail addresses are not
   words (".se", "@umea.se"), a marker counts once however often it occurs, and no two short
   words decide.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from hardware.speech.voices import (
    SCRIPTS,
    installed_languages,
    language_tag,
    script_language,
    voice_language,
    written_in,
)
from kiosk.phrasing import LANGUAGES
from kiosk.reading.tables import words

# Function words of each language, without those the other languages of a Nordic library
# write as often: "se" (Swedish "see", Italian, Spanish), "on" (English), "in" (German,
# Dutch, Italian), "en" (Danish, Norwegian, Dutch) are no evidence of anything.
_MARKERS: Mapping[str, frozenset[str]] = {
    "sv": frozenset(words("och att det som är för med på av till om den har inte hon jag ett")),
    "en": frozenset(words("the and of to is that it with for was his her as by are this")),
    "fi": frozenset(words("ja että ei hän oli kun mutta tai joka myös ovat tämä kirja sen hänen")),
}

_NOT_WORDS = re.compile(
    r"\S+@\S+|\b(?:https?://|www\.)\S+|\b[\w.-]+\.(?:se|fi|no|dk|com|org|net|nu|eu)\b\S*",
    re.IGNORECASE,
)

_KIN: Mapping[str, frozenset[str]] = {
    "sv": frozenset(words("nb nn no da fo is")),
    "fi": frozenset(words("et smj se krl")),
    "en": frozenset(words("sco")),
}
"""Languages that write the guesser's function words as their own: Norwegian and Danish prose
has "det som med på av om den har" in it, so it is never taken for Swedish."""

GUESS_MIN_MARKERS = 3
"""Different function words a guess needs when no language is catalogued."""

OVERRIDE_MIN_MARKERS = 5
"""Different function words (and three times the catalogued language's own) it takes to read
prose in Swedish, English or Finnish when the record states another language."""


def _scores(text: str) -> dict[str, int]:
    seen = set(re.findall(r"\w+", _NOT_WORDS.sub(" ", text).casefold()))
    return {
        lang: len(seen & markers)
        for lang, markers in _MARKERS.items()
        if lang in LANGUAGES or lang in installed_languages()
    }


def guess_language(text: str, default: str, *, least: int = GUESS_MIN_MARKERS) -> str:
    """Swedish, English or Finnish prose, by its distinct function words; ``default`` if
    unsure (fewer than ``least`` markers, or another language has half as many) or if no
    installed voice speaks the language guessed."""
    scores = _scores(text)
    if not scores:
        return default
    best = max(scores, key=lambda k: scores[k])
    others = [v for k, v in scores.items() if k != best]
    if scores[best] >= least and all(scores[best] >= 2 * v for v in others):
        return best
    return default


def latin_voice(text: str, visitor: str) -> str:
    """The voice for Latin-script text of a record in a non-Latin-script language: English
    when it has an English function word and no Swedish or Finnish one, else the visitor's."""
    scores = _scores(text)
    if scores.get("en", 0) and not any(v for k, v in scores.items() if k != "en"):
        return "en"
    return visitor


def voice_for(record: Any, lang: str, text: str | None = None) -> str:
    """The voice for the book's own words: its language when eSpeak NG has a voice for it
    and the text is in that language's script (``hardware.speech.voices``); for a record that
    names none, the language the script of ``text`` (the title unless given) tells - "Война
    и мир" is not Swedish; else the visitor's."""
    if text is None:
        text = getattr(record, "title", None) or ""
    code = getattr(record, "language", None)
    tag = language_tag(code)
    latin = latin_voice(text, lang) if tag and written_in(tag) and text else None
    return voice_language(code, lang, installed_languages(), text, latin=latin)


# The word that names an edition tells the statement's language when the record names none:
# Fennica's "3. p." is "kolmas painos" in the Finnish voice, never a Swedish page count
# ("tredje sidor").  Only words one language owns: "ed." and "utg." are several languages'.
_EDITION_LANGUAGE: Mapping[str, str] = {
    "p": "fi", "painos": "fi", "uppl": "sv", "upplagan": "sv", "upplaga": "sv",
    "aufl": "de", "auflage": "de", "udg": "da", "udgave": "da", "oppl": "nb", "opplag": "nb",
    "utgave": "nb", "utgåva": "sv", "utgåvan": "sv", "éd": "fr", "édition": "fr",
    "edición": "es", "edizione": "it",
}  # fmt: skip


def edition_voice(record: Any, lang: str, edition: str) -> str:
    """The voice for an edition statement: :func:`voice_for`, or - for a record that names
    no language - the language its edition word belongs to, when there is a voice for it."""
    voice = voice_for(record, lang, edition)
    if language_tag(getattr(record, "language", None)) is not None or written_in(voice):
        return voice
    for word in re.findall(r"[^\W\d_]+", edition[:200].casefold()):
        found = _EDITION_LANGUAGE.get(word)
        if found is not None:
            return found if found in installed_languages() else voice
    return voice


def prose_voice(record: Any, lang: str, text: str) -> str:
    """The voice for a summary or note: :func:`voice_for`, then the function-word guess when
    no language is catalogued (or the catalogued one has no voice), or when the prose is
    overwhelmingly Swedish, English or Finnish and the catalogued language is another Latin-
    script language that is not their kin."""
    voice = voice_for(record, lang, text)
    tag = language_tag(getattr(record, "language", None))
    if tag is None or tag not in installed_languages():
        return guess_language(text, voice) if not written_in(voice) else voice
    if voice != tag or written_in(tag):
        return voice
    scores = _scores(text)
    best = guess_language(text, tag, least=OVERRIDE_MIN_MARKERS)
    if best != tag and tag not in _KIN.get(best, ()) and scores[best] >= 3 * scores.get(tag, 0):
        return best
    return tag


def parallel_voice(record: Any, lang: str, part: str) -> str:
    """The voice for a parallel title ("战争与和平 = War and peace"): by script as any title;
    a Latin one is by definition in another language than the title proper, so two function
    words of English, Swedish or Finnish tell it ("Harry Potter and the philosopher's stone")."""
    voice = voice_for(record, lang, part)
    return voice if written_in(voice) else guess_language(part, voice, least=2)


def in_own_script(record: Any, text: str | None) -> bool:
    """Whether ``text`` (a MARC 880 original-script title or name) is in the script of the
    record's language and a voice reads it: then it is said instead of the romanisation
    ("Война и мир" rather than "Voĭna i mir", which the Russian voice cannot read)."""
    tag = language_tag(getattr(record, "language", None))
    if not text or tag is None or tag not in installed_languages() or not written_in(tag):
        return False
    told = script_language(text, installed_languages())
    return told is not None and bool(written_in(told) & written_in(tag))


def names_voice(text: str, lang: str) -> str:
    """The voice for people's names: the visitor's, unless the names are written in a script
    whose voice is installed ("托尔斯泰", "Лев Толстой" from MARC 880)."""
    return script_language(text, installed_languages()) or lang


def _script_of(word: str) -> str | None:
    """The script key (of ``SCRIPTS``) most of a word's letters are in; "" for Latin letters,
    ``None`` for a word with no letter ("1989", "–")."""
    counts: dict[str, int] = {}
    for ch in word:
        if not ch.isalpha():
            continue
        point, key = ord(ch), ""
        if point >= 0x0370:
            key = next((k for first, last, k in SCRIPTS if first <= point <= last), "")
        counts[key] = counts.get(key, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def script_runs(text: str, voice: str) -> list[tuple[str, str]]:
    """``text`` cut where its script changes, each run with the voice that reads it.

    A voice handed letters of another script names each one ("Cyrillic Ve, Cyrillic O, ..."
    - 29 seconds for two Russian titles inside a Swedish summary, 13 letter names for a
    publisher "Альфред А. Кнопф" after "Utgiven 1989 av").  So a run of words in a script
    the voice does not read goes to the voice of that script when one is installed; words
    without letters (years, dashes) stay with the run around them.  A voice of a non-Latin
    script keeps its whole text: eSpeak NG reads Latin words in it as their own language.
    """
    if text.isascii() or written_in(voice):
        return [(text, voice)]
    runs: list[list[str]] = []  # [script key, text]
    for part in re.split(r"(\s+)", text):
        key = _script_of(part) if part.strip() else None
        if runs and (key is None or key == runs[-1][0]):
            runs[-1][1] += part
        else:
            runs.append([key or "", part])
    if len(runs) == 1 and runs[0][0] == "":
        return [(text, voice)]
    installed = installed_languages()
    out: list[tuple[str, str]] = []
    for key, run in runs:
        lang = (script_language(run, installed) if key else None) or voice
        if out and out[-1][1] == lang:
            out[-1] = (out[-1][0] + run, lang)
        else:
            out.append((run, lang))
    return out
