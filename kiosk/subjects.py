"""Which subject headings a visitor hears, and in which voice.

Catalogues give the same subjects in several languages: a Fennica record lists each in Finnish
(ysa, yso/fin) and in Swedish (allars, yso/swe), Libris gives an English book LCSH and sao
terms, Koha's AGROVOC terms come in English, French and Spanish.  Read all of them and the
visitor hears every subject twice, half of them in a voice that cannot say them.  So, from
the language of each heading's vocabulary (``Record.subject_languages``, MARC 6XX $2):

* when some controlled headings are in the visitor's language, those are read, else those in
  the book's own language, else those in the language of the first controlled heading;
* headings of no known vocabulary (uncontrolled terms, names) are always read;
* each heading is read by the voice of its language (the book's language, or its script, when
  the vocabulary does not say), the visitor's when there is no such voice.

The framing word ("Ämnen:") stays in the visitor's language: :func:`kiosk.levels.level_two`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from hardware.speech.voices import language_tag, voice_language
from kiosk.phrasing import clean, natural_name, personal_heading

# (?<!\s): a match starts only where a run of spaces does, so a long run is one scan.
_SUBDIVISION = re.compile(r"(?<!\s)\s*(?:--|—)\s*")


def subject_heading(heading: str) -> str:
    """ "Gruvarbetare--historia" -> "Gruvarbetare, historia": subdivisions read as a list;
    a person ("Strindberg, August, 1849-1912--kritik", as a CSV export writes a 600) said
    as a name: "August Strindberg, kritik".  (MARC 600s are stored said: catalog.importers
    .headings.)"""
    parts = _SUBDIVISION.split(heading or "")
    if personal_heading(parts[0]):
        parts[0] = natural_name(parts[0])
    return clean(", ".join(parts))


def subject_voices(
    headings: Sequence[str],
    codes: Sequence[str],
    record_language: str | None,
    lang: str,
    installed: Collection[str],
) -> list[tuple[str, str]]:
    """``(heading, voice)`` for the headings to read, in catalogue order, without repeats.

    ``codes`` are the headings' vocabulary languages ("swe", "fin", "und"), parallel to
    ``headings``; shorter (or empty, as in a CSV export with no such column) means unknown.
    """
    tags = [language_tag(codes[i]) if i < len(codes) else None for i in range(len(headings))]
    controlled = [tag for tag in tags if tag is not None]
    own = language_tag(record_language)
    preferred = (
        lang if lang in controlled else own if own in controlled else next(iter(controlled), None)
    )
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, (heading, tag) in enumerate(zip(headings, tags, strict=True)):
        key = heading.casefold()
        if not heading or key in seen or (preferred and tag is not None and tag != preferred):
            continue
        seen.add(key)
        code = codes[i] if tag is not None else record_language
        out.append((heading, voice_language(code, lang, installed, heading)))
    return out
