"""Which language a record is read in: MARC language codes to the voices eSpeak NG has.

A Swedish public library's shelves hold Finnish, Arabic, Persian, Tigrinya, Turkish,
Ukrainian, Polish and Lule Sami books; the bundled eSpeak NG speaks all of these.  The catalogue
stores MARC 008/35-37 and 041 codes (ISO 639-2, bibliographic or terminology form) or, from CSV
and JSON, whatever the export had ("en-US", "sv").  :func:`language_tag` turns any of them into
the BCP 47 tag eSpeak NG names its voices by; :func:`installed_languages` lists the languages
of the voices actually installed, read at run time from the data directory of the eSpeak NG
library the speech engine loads (never a hard-coded guess), and :func:`voice_language` picks
the record's own language when there is a voice for it and the visitor's otherwise.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Collection, Iterable
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

MARC_LANGUAGES: dict[str, str] = {
    # Nordic and Sami
    "swe": "sv", "eng": "en", "fin": "fi", "nor": "nb", "nob": "nb", "nno": "nb", "dan": "da",
    "ice": "is", "isl": "is", "fao": "fo", "kal": "kl", "smj": "smj", "est": "et",
    # Europe
    "ger": "de", "deu": "de", "fre": "fr", "fra": "fr", "spa": "es", "ita": "it", "por": "pt",
    "dut": "nl", "nld": "nl", "pol": "pl", "cze": "cs", "ces": "cs", "slo": "sk", "slk": "sk",
    "slv": "sl", "hun": "hu", "rum": "ro", "ron": "ro", "bul": "bg", "mac": "mk", "mkd": "mk",
    "scc": "sr", "srp": "sr", "scr": "hr", "hrv": "hr", "bos": "bs", "alb": "sq", "sqi": "sq",
    "gre": "el", "ell": "el", "grc": "grc", "lat": "la", "lav": "lv", "lit": "lt", "rus": "ru",
    "ukr": "uk", "bel": "be", "cat": "ca", "baq": "eu", "eus": "eu", "gle": "ga", "gla": "gd",
    "gae": "gd", "wel": "cy", "cym": "cy", "ltz": "lb", "mlt": "mt", "epo": "eo",
    # Middle East, Caucasus, Central Asia
    "ara": "ar", "per": "fa", "fas": "fa", "prs": "fa", "heb": "he", "tur": "tr", "kur": "ku",
    "kmr": "ku", "arm": "hy", "hye": "hy", "geo": "ka", "kat": "ka", "aze": "az", "kaz": "kk",
    "uzb": "uz", "tat": "tt", "kir": "ky", "tuk": "tk", "bak": "ba", "chv": "cv", "uig": "ug",
    # Africa
    "tir": "ti", "amh": "am", "orm": "om", "swa": "sw", "afr": "af", "tsn": "tn",
    # South and East Asia
    "hin": "hi", "urd": "ur", "ben": "bn", "pan": "pa", "tam": "ta", "tel": "te", "mar": "mr",
    "guj": "gu", "kan": "kn", "mal": "ml", "nep": "ne", "sin": "si", "ori": "or", "asm": "as",
    "snd": "sd", "chi": "cmn", "zho": "cmn", "yue": "yue", "jpn": "ja", "kor": "ko",
    "vie": "vi", "tha": "th", "bur": "my", "mya": "my", "ind": "id", "may": "ms", "msa": "ms",
    "mao": "mi", "mri": "mi", "haw": "haw",
}  # fmt: skip
"""MARC language code -> eSpeak NG language tag (a language eSpeak NG may or may not have)."""

NO_LANGUAGE = frozenset({"und", "mul", "zxx", "mis", "|||", "   ", "xxx", "n/a"})
"""MARC's "undetermined", "multiple", "no linguistic content", "miscellaneous" and blanks."""

_TWO_LETTER_ALIASES = {"no": "nb", "nn": "nb", "zh": "cmn", "iw": "he", "in": "id", "ji": "yi"}


def language_tag(code: str | None) -> str | None:
    """``"swe"``, ``"sv"``, ``"sv-FI"``, ``"SWE "`` -> ``"sv"``; ``None`` for none/unknown form."""
    if not code:
        return None
    raw = code.strip().lower().replace("_", "-")
    if not raw or raw in NO_LANGUAGE:
        return None
    base = raw.split("-", 1)[0]
    if base in MARC_LANGUAGES:
        return MARC_LANGUAGES[base]
    if len(base) == 2 and base.isalpha():
        return _TWO_LETTER_ALIASES.get(base, base)
    if len(base) == 3 and base.isalpha():
        return base  # eSpeak NG names a few voices by three letters ("smj", "grc")
    return None


def data_path() -> Path | None:
    """The ``espeak-ng-data`` directory of the library the speech engine uses."""
    candidates: list[str] = []
    if os.environ.get("ESPEAK_DATA_PATH"):
        candidates.append(os.environ["ESPEAK_DATA_PATH"])
    try:
        import espeakng_loader

        candidates.append(espeakng_loader.get_data_path())
    except Exception:  # the wheel is optional: a system eSpeak NG may be used instead
        log.debug("espeakng-loader not importable; trying system eSpeak NG data")
    candidates += [
        "/usr/lib/x86_64-linux-gnu/espeak-ng-data",
        "/usr/lib/aarch64-linux-gnu/espeak-ng-data",
        "/usr/share/espeak-ng-data",
    ]
    for candidate in candidates:
        path = Path(candidate)
        if path.name != "espeak-ng-data" and (path / "espeak-ng-data").is_dir():
            path = path / "espeak-ng-data"
        if (path / "lang").is_dir():
            return path
    return None


@cache
def installed_languages(root: str | None = None) -> frozenset[str]:
    """Language tags of the installed eSpeak NG voices ("sv", "fi", "smj", "en-gb", ...).

    Read from the voice files of the data directory (what ``espeak_ListVoices`` reads), so no
    speech engine has to be started - ``talkcat lookup`` and ``doctor`` stay cheap - and a
    voice is counted only when its pronunciation dictionary is there too.
    """
    path = Path(root) if root else data_path()
    if path is None:
        log.warning("no eSpeak NG data directory found: records are read in the kiosk's language")
        return frozenset()
    tags: set[str] = set()
    for voice in (path / "lang").rglob("*"):
        if not voice.is_file():
            continue
        try:
            lines = voice.read_text("utf-8", errors="replace").splitlines()[:40]
        except OSError:
            continue
        for line in lines:
            words = line.split()
            if len(words) >= 2 and words[0] == "language":
                tags.add(words[1].lower())
    dicts = {p.name[: -len("_dict")] for p in path.glob("*_dict")}
    return frozenset(t for t in tags if _dictionary(t) in dicts or not dicts)


def _dictionary(tag: str) -> str:
    base = tag.split("-", 1)[0]
    return {"nb": "no", "cmn": "cmn", "hbs": "hr", "fa-latn": "fa"}.get(base, base)


def voice_language(code: str | None, fallback: str, installed: Collection[str]) -> str:
    """The language to read a record in: its own if a voice has it, else ``fallback``."""
    tag = language_tag(code)
    if tag is None:
        return fallback
    if tag in installed:
        return tag
    return fallback


def missing_voices(codes: Iterable[str | None], installed: Collection[str]) -> dict[str, int]:
    """Catalogue language codes (with their record counts) that no installed voice speaks.

    ``codes`` may repeat; "undetermined" and blank codes are not languages and are skipped.
    """
    missing: dict[str, int] = {}
    for code in codes:
        tag = language_tag(code)
        if tag is None or tag in installed:
            continue
        key = (code or "").strip().lower()
        missing[key] = missing.get(key, 0) + 1
    return missing
