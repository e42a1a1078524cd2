"""Playing times as cataloguers and exports write them, to whole minutes - or to nothing.

A talking book's playing time is how a blind visitor chooses it, so a form this module does
not fully understand gives ``None`` (the importer warns and leaves it out), never a part of
it: "1 timme 10 minuter" read as its minutes alone told visitors a 70-minute book lasted 10.

Understood: minutes ("332", 332), ``h:mm`` / ``h:mm:ss`` ("5:32", "1:30:00"), MARC 306
``hhmmss`` ("053200"), ISO 8601 durations (ONIX, Legimus: "PT5H32M", "P0DT5H32M0S") and
hours/minutes/seconds in words in Swedish, English, Finnish, Norwegian, Danish, German,
Dutch, French, Spanish and Italian ("1 timme och 10 minuter", "2 tuntia", "5 t 32 min",
"1 Std. 5 Min.", "1,5 timmar", "1h30", "72'"), with "ca"/"about"/"noin" and the like.

Every pattern is anchored or bounded and runs on at most :data:`CAP` characters.
"""

from __future__ import annotations

import re

CAP = 500

HOURS = frozenset({
    "h", "hr", "hrs", "hour", "hours", "t", "tim", "timme", "timmar", "tuntia", "tunti",
    "tuntí", "time", "timer", "timar", "std", "stunde", "stunden", "u", "uur", "uren",
    "heure", "heures", "hora", "horas", "ora", "ore",
})  # fmt: skip
MINUTES = frozenset({
    "m", "min", "mins", "minut", "minuter", "minute", "minutes", "minuutti", "minuuttia",
    "minutt", "minutter", "minuten", "minuut", "minuto", "minutos", "minuti", "'", "’", "′",
})  # fmt: skip
SECONDS = frozenset({
    "s", "sek", "sec", "secs", "second", "seconds", "sekund", "sekunder", "sekunti",
    "sekuntia", "sekunde", "sekunden", "seconde", "secondes", "segundo", "segundos",
    "secondi", '"', "″",
})  # fmt: skip
_ONE = frozenset({"en", "ett", "one", "an", "a", "ein", "eine", "einer", "yksi", "et", "één"})
_FILLER = frozenset({
    "ca", "c", "cirka", "circa", "approx", "approximately", "about", "omkr", "omkring",
    "ungefär", "ung", "noin", "n", "etwa", "ungefähr", "omtrent", "cerca", "environ", "env",
    "and", "och", "og", "ja", "und", "en", "et", "y", "e", "speltid", "playing", "time",
    "spieldauer", "kesto", "spilletid", "total", "totalt", "yhteensä",
})  # fmt: skip

_CLOCK = re.compile(r"(\d{1,4}):([0-5]?\d)(?::([0-5]\d))?")
_HHMMSS = re.compile(r"(\d\d)([0-5]\d)([0-5]\d)")
_NUM = r"(\d{1,4}(?:[.,]\d{1,2})?)"
_ISO = re.compile(rf"P(?:{_NUM}D)?(?:T(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?", re.IGNORECASE)
_TOKEN = re.compile(r"\d{1,6}(?:[.,]\d)?|[^\W\d_]{1,20}|['’′\"″]|[\s.,;:()\[\]-]{1,20}")


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _rounded(seconds: float) -> int | None:
    """Whole minutes, half a minute up; no time at all is no playing time."""
    minutes = int(seconds / 60 + 0.5)
    return minutes or None


def clock(text: str) -> int | None:
    """``h:mm``, ``h:mm:ss``, ``hhmmss`` (MARC 306) or an ISO 8601 duration, else ``None``."""
    text = text.strip()[:CAP]
    if match := _CLOCK.fullmatch(text):
        h, m, s = (int(g or 0) for g in match.groups())
        return _rounded(h * 3600 + m * 60 + s)
    if match := _HHMMSS.fullmatch(text):
        h, m, s = (int(g) for g in match.groups())
        return _rounded(h * 3600 + m * 60 + s)
    match = _ISO.fullmatch(text)
    if match and any(match.groups()) and not text.upper().endswith("T"):
        d, h, m, s = (_number(g) if g else 0.0 for g in match.groups())
        return _rounded(((d * 24 + h) * 60 + m) * 60 + s)
    return None


def in_words(text: str) -> int | None:
    """Hours, minutes and seconds written out ("1 timme 10 minuter", "ca. 11 hr.",
    "1h30"): every word must be understood and each unit said once, else ``None``."""
    text = text[:CAP].casefold()
    pos, pending, total, seen = 0, None, 0.0, set()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            return None
        token, pos = match.group(), match.end()
        if token[0].isdigit():
            if pending is not None:
                return None
            pending = _number(token)
        elif token.strip(" .,;:()[]-") == "":
            continue
        elif pending is not None and (token in HOURS or token in MINUTES or token in SECONDS):
            unit = "h" if token in HOURS else "m" if token in MINUTES else "s"
            if unit in seen:
                return None
            seen.add(unit)
            total += pending * {"h": 3600, "m": 60, "s": 1}[unit]
            pending = None
        elif token in _ONE and pending is None and _next_is_unit(text, pos):
            pending = 1.0
        elif token in _FILLER and pending is None:
            continue
        else:
            return None
    if pending is not None:
        if seen != {"h"}:  # "1h30": the minutes after the hours; a bare number elsewhere
            return None
        total += pending * 60
    return _rounded(total) if seen else None


def _next_is_unit(text: str, pos: int) -> bool:
    word = re.match(r"\s{0,3}([^\W\d_]{1,20})", text[pos : pos + 30])
    return word is not None and word.group(1) in HOURS | MINUTES


def minutes(text: str) -> int | None:
    """A cell that holds a playing time and nothing else, in any understood form."""
    text = text.strip()[:CAP]
    if text.isdigit() and len(text) != 6:
        return int(text) or None
    return clock(text) or in_words(text)


_HOUR_WORD = "|".join(
    sorted((w for w in HOURS if w.isalpha() and w not in ("t", "u")), key=len, reverse=True)
)
_MIN_WORD = "|".join(
    sorted((w for w in MINUTES if w.isalpha() and w != "m"), key=len, reverse=True)
)
# A duration inside a longer text (300 $a "1 CD (ca 5 tim., 32 min.)"): hours, minutes or
# both, each a number and its word.  Finnish "t" (tuntia) counts only before minutes, since
# "2 t." is also two tomes.
_IN_TEXT = re.compile(
    rf"\d{{1,4}}(?:[.,]\d{{1,2}})?\s{{0,3}}(?:(?:{_HOUR_WORD})\b\.?"
    rf"(?:[\s,]{{0,3}}(?:och |and |ja |og |und |et |y |e )?\d{{1,4}}\s{{0,3}}(?:{_MIN_WORD})\b\.?)?"
    rf"|t\.?\s{{0,3}}\d{{1,4}}\s{{0,3}}(?:{_MIN_WORD})\b\.?"
    rf"|(?:{_MIN_WORD})\b\.?)",
    re.IGNORECASE,
)


def within(text: str) -> int | None:
    """The playing time said inside an extent ("9 CD (11 tim.)", "1 mp3-fil (7 h, 32 min)",
    "8 sound discs (ca. 9 hr., 30 min.)", "ca 8 tuntia"), or ``None``."""
    match = _IN_TEXT.search(text[:CAP])
    return in_words(match.group()) if match else None
