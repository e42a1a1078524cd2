"""The one catalogue-punctuation cleaner: ISBD leftovers and cataloguers' notes out of text.

A MARC subfield ends with the punctuation that separated it from the next one on a catalogue
card (" /", " :", " ;", ",", "."), and cataloguers write notes to each other inside headings
("[from old catalog]", "[sic]") or supply words in brackets ("[Ljudupptagning]").  None of
that is meant to be heard.  The importers clean every text once with :func:`clean` before it
is stored, and the kiosk runs the same function over whatever reaches it from elsewhere
(labels, records of an older catalogue); there is no second copy of these rules.

Everything here runs on untrusted catalogue text of any length, so it is linear in the input:
the tail is stripped by one backward walk (each character looked at once, a dot judged by the
seven characters before it), and the regular expressions are linear by construction:
:data:`_NOTE` is a bracket followed by a bounded alternation of fixed words - at most a few
dozen steps per "[" - and :data:`_ESCAPES` a fixed introducer and runs of disjoint classes.
``tests/catalog/test_punctuation.py`` proves this by counting work on 1 MB adversarial input.
This module imports nothing from the rest of the project, so any room may use it.
"""

from __future__ import annotations

import re
import unicodedata

ISBD_TAIL = "/:;,=+"
"""Punctuation that only separates fields: always dropped at the end of a text."""

# Every character str.isspace() accepts, for a C-level rstrip() of "whitespace or ISBD".
_SPACES = "".join(chr(c) for c in (*range(0x09, 0x0E), *range(0x1C, 0x21), 0x85, 0xA0, 0x1680,
                                   *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F,
                                   0x3000))  # fmt: skip
_TAIL = ISBD_TAIL + _SPACES
_TAIL_OR_DOT = _TAIL + "."
_ENDS = frozenset(_TAIL_OR_DOT + "]")
_STARTS = frozenset(_SPACES + "[")

# Words whose final dot belongs to them: kept at the end of a text.
_ABBREVIATIONS = frozenset(
    {"etc", "jr", "sr", "inc", "dr", "st", "co", "ltd", "uppl", "s", "p", "bros", "corp",
     "mr", "mrs", "ms", "prof", "jun", "sen", "d", "o", "m", "ca", "bd", "hrsg", "toim",
     "red", "övers", "suom", "ed", "eds", "uitg", "éd", "vol", "no", "nr", "n:o"}
)  # fmt: skip

_BRACKETS = re.compile(r"[\[\]]")

# Cataloguers' notes that are not part of the name or title at all.
_NOTE = re.compile(
    r"\[(?:sic|from old catalog(?:ue)?|pseud\.?|et al\.?|i\.e\.?|!|\?|\.\.\.|…)\]",
    re.IGNORECASE,
)


_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""C0 controls but tab, line feed and carriage return; DEL; the C1 controls."""

_ESCAPES = re.compile(
    "\x1b\\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, erasing ("\x1b[31m")
    "|\x9b[0-?]*[ -/]*[@-~]"  # the same in its 8-bit form
    # OSC, DCS, SOS, PM, APC: a string of no controls, ended by BEL or ST
    "|(?:\x1b[]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x00-\x07\x0e-\x1f\x7f-\x9f]*(?:\x07|\x1b\\\\|\x9c)"
    "|\x1b[ -/]*[0-~]"  # every other escape sequence (character sets, keypad modes)
)
"""ECMA-48 escape sequences, whole.  Each alternative is a fixed introducer and runs of
disjoint classes, and a control string stops at the next control character, so every match
attempt ends where the next one would start: the work is linear in the text."""


def plain(text: str) -> str:
    """``text`` as a terminal would show it: escape sequences (a colour, a window title, an
    OSC 52 clipboard write) removed whole, so neither their letters nor their payload is ever
    stored, spoken or searched - "T\\x1b[31mred" shows, and is stored, as "Tred"; any other
    control character (NUL, BEL, a lone or unfinished ESC, C1) becomes a space, so the words
    on either side stay apart.  Tab and line breaks stay, and so do bidi marks (titles in
    Hebrew or Arabic need them; the command line shows them escaped)."""
    if text.isprintable() or _CONTROLS.search(text) is None:
        return text
    return _CONTROLS.sub(" ", _ESCAPES.sub("", text))


def nfc(text: str) -> str:
    """NFC, cheaply: ASCII is already normalised (most catalogue text)."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _keeps_dot(text: str, dot: int) -> bool:
    """Does the dot at ``text[dot]`` belong to the word before it (an initial, an
    abbreviation, an ellipsis)?  Looks at no more than eight characters."""
    head = text[max(0, dot - 8) : dot]
    if head.endswith(".."):
        return True  # "..." is an ellipsis, not a full stop
    word = head.rsplit(None, 1)[-1] if head.strip() else ""
    word = word.rsplit(".", 1)[-1] if "." in word else word
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "Tolkien, J. R. R."
    return word.lower() in _ABBREVIATIONS


def _tail_end(text: str) -> int:
    """Where the text ends once the trailing ISBD punctuation, whitespace and full stops
    are gone; stops at the first dot that belongs to its word.  Linear: one C-level rstrip
    finds the junk tail, one backward walk over that tail decides the dots."""
    core = len(text.rstrip(_TAIL_OR_DOT))
    end = len(text)
    i = end
    while i > core:
        i -= 1
        # A dot after a space or ISBD mark ends no word: only a dot after a letter, digit
        # or dot can belong to it (the common case costs one comparison).
        if text[i] == "." and (i == 0 or text[i - 1] not in _TAIL) and _keeps_dot(text, i):
            return i + 1
        end = i
    return end


def _unbalanced(text: str) -> list[int]:
    """Positions of brackets that close nothing or are never closed (one pass)."""
    drop: list[int] = []
    open_at = -1
    for match in _BRACKETS.finditer(text):
        i, char = match.start(), match.group()
        if char == "[":
            if open_at >= 0:
                drop.append(open_at)
            open_at = i
        elif char == "]":
            if open_at >= 0:
                open_at = -1
            else:
                drop.append(i)
    if open_at >= 0:
        drop.append(open_at)
    return drop


def drop_notes(text: str) -> str:
    """``"Title [sic] [from old catalog]"`` -> ``"Title"``; ``"Montfaucon de [Villars"`` ->
    ``"Montfaucon de Villars"``: cataloguers' notes go, and so does a bracket that closes or
    opens nothing.  A balanced ``[...]`` stays: what it holds (a supplied word, a carrier
    tag such as "[Ljudupptagning]") is for the reader of the text to judge, and the kiosk's
    speech rules drop carrier tags."""
    if "[" not in text and "]" not in text:
        return text
    text = _NOTE.sub(" ", text)
    drop = _unbalanced(text)
    if drop:
        ends = [*drop[1:], len(text)]
        pieces = (text[a + 1 : b] for a, b in zip(drop, ends, strict=True))
        text = text[: drop[0]] + "".join(pieces)
    return " ".join(text.split())


def clean(text: str | None, notes: bool = False) -> str | None:
    """Terminal escape sequences and control characters out (:func:`plain`); trailing ISBD
    punctuation (" /", " :", " ;", ",", "=", "+") and a final full stop removed (not the dot
    of an initial or abbreviation), a wholly bracketed text unwrapped; with ``notes``,
    cataloguers' bracketed notes dropped everywhere in the text.  NFC; ``None`` for nothing
    left."""
    if text is None:
        return None
    text = plain(nfc(text))
    if notes:
        text = drop_notes(text)
    if text and text[-1] not in _ENDS and text[0] not in _STARTS:
        return text  # nothing to strip at either end: most catalogue text, at C speed
    text = text.strip()
    for _ in range(3):  # "[Ljudupptagning] ." -> "[Ljudupptagning]" -> "Ljudupptagning"
        if not text:
            break
        text = text[: _tail_end(text)]
        if (
            len(text) > 1
            and text[0] == "["
            and text[-1] == "]"
            and text.find("[", 1) == -1
            and text.find("]", 0, len(text) - 1) == -1
        ):
            text = text[1:-1].strip()
            continue
        break
    return text or None


def spoken(text: str | None) -> str:
    """What the kiosk shows and speaks of a catalogue text: :func:`clean` with cataloguers'
    notes dropped, whitespace runs made single, ``""`` for nothing."""
    if not text:
        return ""
    return clean(" ".join(text.split()), notes=True) or ""


_BULLETS = "-•*–—▪·"
_SENTENCE_END = ".!?…"
_WRAP_WIDTH = 60
"""A line shorter than this that is followed by a capitalised one is a heading or an item of
its own, not a hard-wrapped line of prose (those fill the width of the export, 70-80)."""


def paragraphs(texts: list[str | None] | tuple[str | None, ...]) -> str | None:
    """A summary of several paragraphs (several MARC 520 fields, a bulleted list ending each
    item in " --", lines of a CSV cell) as one text in which each paragraph ends with a
    sentence end: joined with commas or spaces they would be one sentence of a minute, with no
    pause for the listener and nothing for sentence-by-sentence skipping to stop at.  One pass
    over the lines, no regular expression: linear on any input."""
    out: list[str] = []
    for text in texts:
        for para in _paragraphs(nfc(text or "")):
            said = " ".join(para.split()).rstrip(" -–—")
            if not said:
                continue
            if said[-1].isalnum() or said[-1] in ")\"'»”’":
                said += "."
            out.append(said)
    return " ".join(out) or None


def _paragraphs(text: str) -> list[str]:
    """Lines grouped into paragraphs: a blank line, a line ending in "--", a bulleted line or
    a short line before a capitalised one ends a paragraph; a hard-wrapped line does not."""
    found: list[str] = []
    current: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        bullet = line[:1] in _BULLETS and line[1:2].isspace()
        if current and (
            not line
            or bullet
            or current[-1].endswith("--")
            or (len(current[-1]) < _WRAP_WIDTH and (line[:1].isupper() or line[:1].isdigit()))
        ):
            found.append(" ".join(current))
            current = []
        if line:
            current.append(line[2:].strip() if bullet else line)
    if current:
        found.append(" ".join(current))
    return found


def title_statement(text: str, subtitle: str | None) -> tuple[str, str | None]:
    """A spreadsheet's title cell holding the whole 245 as ISBD writes it (Alma Analytics
    "Title", Sierra "TITLE"): "Hungerspelen / Suzanne Collins ; översättning: Ylva Stålmarck."
    -> ("Hungerspelen", subtitle).  The statement of responsibility after " / " is not the
    title (the MARC path reads 245 $a and $b only), and " : " before it starts the subtitle
    when the row has none.  A title without " / " is left as it is ("AC/DC", "Re: Joyce")."""
    head, slash, responsibility = text[:_TITLE_CHARS].partition(" / ")
    # A row with its own subtitle column (this project's export) has its title alone, and a
    # statement of responsibility starts with a name or a role word, never a number: "نتائج
    # التعداد ... لعام ٧٣ / ١٩٧٤م" (Koha) is one title, and an export must import as it was.
    if not slash or not head.strip() or subtitle or not responsibility.lstrip()[:1].isalpha():
        return text, subtitle
    title, colon, rest = head.partition(" : ")
    if colon and title.strip() and rest.strip():
        return title.strip(), rest.strip()
    return head.strip(), subtitle


_TITLE_CHARS = 2000
"""Characters of a title cell looked at for " / " (a 245 is a line or two)."""
