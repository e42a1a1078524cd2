"""What text may reach the speech engine, and the project's one sentence splitter.

* :func:`clean_text` makes catalogue and scanned text safe for the engine (issue 7): control
  and invisible format characters are removed (eSpeak treats ``\\x01`` as the start of an
  embedded command), ``<`` and ``>`` are replaced by spaces, and the length is capped so a
  runaway record cannot occupy the voice for an hour.  The engine receives SSML, and the
  adapter (``hardware.speech.backend.ssml``) escapes ``&`` and quotes as well: text is read,
  never obeyed.
* :func:`clean_segments` does that for a whole utterance, with one length cap across it.
* :func:`split_sentences` is the one sentence splitter of the project (issue 11): the kiosk
  uses it to show and walk a long summary sentence by sentence.  The engine itself no longer
  splits anything: an utterance is synthesised in one pass (issue 14), so eSpeak decides
  every pause exactly as in whole-text synthesis.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Sequence

MAX_UTTERANCE_CHARS = 5000
"""Cap on the text of one utterance (~800 words, several minutes of speech)."""

# ISO 639-2 codes as the catalogue stores them (MARC 008/041) -> the tags voices use.
_LANG_ALIASES = {
    "swe": "sv", "eng": "en", "fin": "fi", "nor": "nb", "nob": "nb", "nno": "nn",
    "dan": "da", "ger": "de", "deu": "de", "fre": "fr", "fra": "fr", "spa": "es",
    "ita": "it", "pol": "pl", "rus": "ru", "ara": "ar", "per": "fa", "fas": "fa",
    "tur": "tr", "som": "so", "ice": "is", "isl": "is", "est": "et",
}  # fmt: skip

# C0/C1 controls, DEL, line/paragraph separators and markup brackets become spaces.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029<>]")
# Invisible format characters (soft hyphen, zero-width, bidi overrides, BOM) and lone
# surrogates (which cannot even be encoded for the engine) are dropped.
_INVISIBLE = re.compile(
    "[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]"
)
_SENTENCE_END = re.compile(
    # Only the first mark of a run may start a match, and the runs are possessive: a megabyte
    # of "....." is one linear scan, not a quadratic one.
    # What follows is checked in code: a capital of any script, a digit, or a letter of a
    # script without case ("Роман. Т. 1", "حكايات شعبية. ط. 2"), never a lower-case letter.
    r"(?<![.!?…])[.!?…]++[\"'”’»)\]]*+\s+(?=[\"'“”‘«(\[]?[^\W_])"
    # Catalogue summaries pasted from publishers often lose the space: "vildmarken.Isolerad".
    r"|(?<=[a-zåäöæøü]{2}[.!?])(?=[A-ZÅÄÖÆØÜ][a-zåäöæøü])"
)
_CLOSERS = "\"'”’»)]"
_OPENERS = "\"'“”‘«(["


def normalise_lang(lang: str) -> str:
    """``"swe"``/``"sv-SE"``/``"SV"`` -> ``"sv"``; unknown codes pass through lower-cased."""
    code = lang.strip().lower().replace("_", "-")
    base = code.split("-", 1)[0]
    return _LANG_ALIASES.get(base, base)


def clean_text(text: str, limit: int = MAX_UTTERANCE_CHARS) -> str:
    """``text`` in NFC, without control/format characters or markup, cut to ``limit``."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", _CONTROL.sub(" ", text))
    text = " ".join(text.split())
    if len(text) > limit:
        cut = text.rfind(" ", 0, limit + 1)
        text = text[: cut if cut > 0 else limit]
    return text


def clean_segments(
    segments: Sequence[tuple[str, str]], limit: int = MAX_UTTERANCE_CHARS
) -> list[tuple[str, str]]:
    """``[(text, lang), ...]`` cleaned, empty ones dropped, ``limit`` characters in all."""
    cleaned: list[tuple[str, str]] = []
    remaining = limit
    for raw, lang in segments:
        if remaining <= 0:
            break
        text = clean_text(raw, remaining)
        remaining -= len(text) + 1
        if text:
            cleaned.append((text, lang))
    return cleaned


EndsSentence = Callable[[str, str, str], bool]
"""``(text before the word, the word with its full stop, the next word)`` -> whether that full
stop ends a sentence: the language's rule (``kiosk.reading.sentence_rule``)."""

_WINDOW = 80
"""How far back the rule may look for context: a bounded window, so a long run of
abbreviations ("s. s. s. ...") never rescans the text from the sentence's start."""


def split_sentences(
    text: str, abbreviations: Collection[str] = (), ends: EndsSentence | None = None
) -> list[str]:
    """Sentences of ``text``.  A sentence ends at . ! ? or … followed by a capital (of any
    script: "Роман. Т. 1"), a digit or a letter of a script without case ("شعبية. ط. 2"),
    also where a pasted text lost the space ("vildmarken.Isolerad").

    Whether a full stop ends one is the language's decision (``ends``: abbreviations that
    never end a sentence, "fig. 2", "Dr. Watson", and those that may, "m.fl. Se ...").
    Without it: never at initials ("J. R. R.", "J.K."), at words with a dot inside ("bl.a.",
    "t.ex.") or at ``abbreviations`` (lower-case, with their dot: "s.", "uppl.").
    """
    text = " ".join(text.split())
    if not text:
        return []
    known = {a.casefold() for a in abbreviations}
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        mark = match.group()
        if text[match.end() : match.end() + 2].lstrip(_OPENERS)[:1].islower():
            continue  # "Худож. лит.", "s. 45 ff. och": a sentence starts with no small letter
        if "!" not in mark and "?" not in mark and "…" not in mark:
            # The word before the mark, looked for in a bounded window.
            upto = match.start() + (1 if match.group() else 0)  # through the mark
            before, _sep, last = text[max(start, upto - _WINDOW) : upto].rpartition(" ")
            if ends is not None:
                following = text[match.end() : match.end() + _WINDOW].split(" ", 1)[0]
                if not ends(before, last, following):
                    continue
            else:
                core = last.rstrip(".").lstrip(_CLOSERS + "\"'“‘«([")
                if len(core) == 1 and core.isalpha():
                    continue  # an initial: "Astrid A. Lindgren"
                if "." in core or last.casefold() in known:
                    continue  # "J.R.R.", "bl.a.", "uppl."
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences
