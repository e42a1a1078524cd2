"""What text may reach the speech engine, and how an utterance is cut into pieces.

Two jobs, both on the hot path between a scan and the first sound:

* :func:`clean_text` makes catalogue and scanned text safe for the engine (issue 7): control
  and invisible format characters are removed (eSpeak treats ``\\x01`` as the start of an
  embedded command), ``<`` and ``>`` are replaced by spaces so no markup can ever be switched
  on - pyttsx3 2.99 calls ``espeak_Synth`` without the ``espeakSSML`` flag, and this keeps it
  harmless even if a later version or another engine (SAPI5 parses XML) does -, and the length
  is capped so a runaway record cannot occupy the voice for an hour.
* :func:`plan_chunks` cuts an utterance into sentences, then clauses, then - only when a
  clause is too long - word runs, so the *first* chunk is a few words even for a 200-word text
  without punctuation (that chunk alone decides how soon the visitor hears something: eSpeak
  needs ~0.2 ms per word) and later chunks are longer (fewer seams).  Cuts are only ever made
  between words, and neighbouring short clauses are merged so the engine sees commas itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

MAX_UTTERANCE_CHARS = 5000
"""Cap on the text of one utterance (~800 words, several minutes of speech)."""

FIRST_CHUNK_WORDS = 6
CHUNK_WORDS: tuple[int, ...] = (FIRST_CHUNK_WORDS, 12, 20)
"""Word budget of the 1st, 2nd and every later chunk of an utterance.

Later chunks stay at 20 words (~5 ms of synthesis) because a new scan has to wait for the
chunk being synthesised when it arrives; bigger chunks would buy nothing audible.
"""

# ISO 639-2 codes as the catalogue stores them (MARC 008/041) -> the tags voices use.
_LANG_ALIASES = {
    "swe": "sv", "eng": "en", "fin": "fi", "nor": "nb", "nob": "nb", "nno": "nn",
    "dan": "da", "ger": "de", "deu": "de", "fre": "fr", "fra": "fr", "spa": "es",
    "ita": "it", "pol": "pl", "rus": "ru", "ara": "ar", "per": "fa", "fas": "fa",
    "tur": "tr", "som": "so", "ice": "is", "isl": "is", "est": "et",
}  # fmt: skip

Boundary = Literal["word", "clause", "sentence"]

# C0/C1 controls, DEL, line/paragraph separators and markup brackets become spaces.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029<>]")
# Invisible format characters (soft hyphen, zero-width, bidi overrides, BOM) and lone
# surrogates (which cannot even be encoded for the engine) are dropped.
_INVISIBLE = re.compile(
    "[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]"
)
# Each lookbehind lets a match start only at the first mark of a run, so a run of 5,000
# dots or commas is scanned once, not once from each of its marks (quadratic).
_SENTENCE_END = re.compile(r"(?<![.!?…])[.!?…]+[\"'»”’)\]]*(?=\s)")
_NEXT_CHAR = re.compile(r"\S")
_CLAUSE_END = re.compile(r"(?:(?<![,;:])[,;:]+[\"'»”’)\]]*|\s[–—-])(?=\s)")


@dataclass(frozen=True)
class Chunk:
    """A piece of an utterance synthesised in one engine call.

    ``boundary`` says what ends it, which decides how much of the engine's trailing pause is
    kept; ``sentence_start`` marks where a changed rate may take effect.
    """

    text: str
    lang: str
    boundary: Boundary
    sentence_start: bool


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


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``; initials and short abbreviations ("J.K.", "t.ex.") don't split."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        # The word before the mark and the first character after it, found by looking at
        # those characters only (slicing from ``start`` or to the end made long texts of
        # initials quadratic).
        space = text.rfind(" ", start, match.start())
        before = text[space + 1 if space >= 0 else start : match.start()]
        strong = any(mark in match.group() for mark in "!?…")
        following = _NEXT_CHAR.search(text, end)
        if following is None:
            break
        first = following.group()
        # "J.R.R." / "bl.a." (a dot inside the word) and "Dr." / "J." (two letters or fewer)
        # are abbreviations or initials, not the end of a sentence.
        if not strong and ("." in before or len(before) <= 2):
            continue
        if not (first.isupper() or first.isdigit() or first in "\"'«»“”"):
            continue
        sentences.append(text[start:end].strip())
        start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def split_clauses(sentence: str) -> list[str]:
    """Clauses of one sentence, punctuation kept with the clause it ends."""
    clauses: list[str] = []
    start = 0
    for match in _CLAUSE_END.finditer(sentence):
        piece = sentence[start : match.end()].strip()
        if piece:
            clauses.append(piece)
        start = match.end()
    tail = sentence[start:].strip()
    if tail:
        clauses.append(tail)
    return clauses


def plan_chunks(
    segments: Sequence[tuple[str, str]],
    budgets: Sequence[int] = CHUNK_WORDS,
    limit: int = MAX_UTTERANCE_CHARS,
) -> list[Chunk]:
    """Cut ``[(text, lang), ...]`` into chunks; joined, their words are the cleaned words.

    A chunk never spans two segments (they may differ in language) nor two sentences.
    """
    chunks: list[Chunk] = []
    remaining = limit
    for raw, lang in segments:
        text = clean_text(raw, remaining)
        remaining -= len(text)
        for sentence in split_sentences(text):
            _chunk_sentence(sentence, lang, budgets, chunks)
        if remaining <= 0:
            break
    return chunks


def _chunk_sentence(sentence: str, lang: str, budgets: Sequence[int], chunks: list[Chunk]) -> None:
    """Append the chunks of one sentence: whole clauses merged up to the budget, clauses
    longer than the budget cut between words."""

    def budget() -> int:
        return budgets[min(len(chunks), len(budgets) - 1)]

    def emit(run: list[str], boundary: Boundary) -> None:
        first = not chunks or chunks[-1].boundary == "sentence"
        chunks.append(Chunk(" ".join(run), lang, boundary, first))

    words: list[str] = []
    for clause in split_clauses(sentence):
        clause_words = clause.split()
        if words and len(words) + len(clause_words) > budget():
            emit(words, "clause")
            words = []
        while len(words) + len(clause_words) > budget():
            take = budget() - len(words)
            emit(words + clause_words[:take], "word")
            words, clause_words = [], clause_words[take:]
        words += clause_words
    if words:
        emit(words, "sentence")
