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
    # successors of discontinued codes not listed above
    "glg": "gl", "grn": "gn", "ina": "ia", "fry": "fy", "oci": "oc", "khm": "km", "mlg": "mg",
    "glv": "gv", "smo": "sm", "ssw": "ss", "sna": "sn", "sot": "st", "tgk": "tg", "tgl": "tl",
}  # fmt: skip
"""MARC language code -> eSpeak NG language tag (a language eSpeak NG may or may not have)."""

DISCONTINUED: dict[str, str] = {
    "ajm": "spa", "cam": "khm", "esk": "esx", "esp": "epo", "eth": "gez", "far": "fao",
    "fri": "fry", "gae": "gla", "gag": "glg", "gua": "grn", "int": "ina", "iri": "gle",
    "kus": "kos", "lan": "oci", "lap": "smi", "max": "glv", "mla": "mlg", "mol": "rum",
    "sao": "smo", "scc": "srp", "scr": "hrv", "sho": "sna", "snh": "sin", "sso": "sot",
    "swz": "ssw", "tag": "tgl", "taj": "tgk", "tar": "tat", "tru": "chk", "tsw": "tsn",
}  # fmt: skip
"""The MARC Code List for Languages' discontinued codes (Library of Congress) -> the code that
replaced each: still valid in the records catalogued before the change, so a legacy Irish
record (``iri``) is read by the Irish voice, an Esperanto one (``esp``) by the Esperanto one."""

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
    base = DISCONTINUED.get(base, base)
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


def voice_language(
    code: str | None,
    fallback: str,
    installed: Collection[str],
    text: str = "",
    *,
    latin: str | None = None,
) -> str:
    """The language to read a record in: its own if a voice has it; else, when the record
    names no language (or one without a voice), the language ``text``'s script tells
    (:func:`script_language`); else ``fallback``.

    The script decides both ways: a Cyrillic title of a record catalogued Swedish is read by
    the Russian voice, and a Latin-script note ("Diagrs., maps", "Summary (Ru)") or romanised
    title ("V sumasšedših nebesah") of a record catalogued Chinese, Arabic, Hebrew or Russian
    - text with no letter of that language's script - by ``latin`` (a Latin-script voice: the
    visitor's unless the caller knows better), never by a voice that would spell it out."""
    tag = language_tag(code)
    if tag is not None and tag in installed:
        if not text:
            return tag
        told = script_language(text, installed)
        scripts = written_in(tag)
        if told is not None and not written_in(told) & scripts:
            return told
        if scripts and not _has_letter_of(text, scripts) and any(ch.isalpha() for ch in text):
            return latin or fallback
        return tag
    return script_language(text, installed) or fallback if text else fallback


# --------------------------------------------------------------------------- scripts

# (first, last code point, language) of each script whose letters tell the language, for a
# record that names none ("Война и мир" with no 008/041).  Latin is not here: it says nothing.
SCRIPTS: tuple[tuple[int, int, str], ...] = (
    (0x0370, 0x03FF, "el"), (0x1F00, 0x1FFF, "el"),  # Greek (polytonic read as modern)
    (0x0400, 0x052F, "ru"),  # Cyrillic: refined by LETTER_CUES
    (0x0530, 0x058F, "hy"), (0x0590, 0x05FF, "he"),
    (0x0600, 0x06FF, "ar"), (0x0750, 0x077F, "ar"), (0xFB50, 0xFDFF, "ar"),
    (0xFE70, 0xFEFF, "ar"),  # Arabic script: refined by LETTER_CUES
    (0x0900, 0x097F, "hi"), (0x0980, 0x09FF, "bn"), (0x0A00, 0x0A7F, "pa"),
    (0x0A80, 0x0AFF, "gu"), (0x0B00, 0x0B7F, "or"), (0x0B80, 0x0BFF, "ta"),
    (0x0C00, 0x0C7F, "te"), (0x0C80, 0x0CFF, "kn"), (0x0D00, 0x0D7F, "ml"),
    (0x0D80, 0x0DFF, "si"), (0x0E00, 0x0E7F, "th"), (0x1000, 0x109F, "my"),
    (0x10A0, 0x10FF, "ka"), (0x1200, 0x139F, "ti"),  # Ethiopic: refined by LETTER_CUES
    (0x3040, 0x30FF, "ja"), (0x3400, 0x4DBF, "cmn"), (0x4E00, 0x9FFF, "cmn"),
    (0x1100, 0x11FF, "ko"), (0xAC00, 0xD7AF, "ko"),
)  # fmt: skip

_KANA = "".join(chr(c) for c in range(0x3041, 0x30FB))

LETTER_CUES: dict[str, tuple[tuple[str, str, str], ...]] = {
    # script's language -> (letters that mark another language, letters that rule it out,
    # that language), tried in order; the first whose marks outnumber its exclusions wins.
    "ru": (
        ("ў", "", "be"),  # Belarusian short u (Belarusian also writes і)
        ("әғқңөұүһ", "", "kk"),
        ("ієїґ", "", "uk"),  # Ukrainian: і є ї ґ, which Russian never writes
        ("ѓќѕ", "", "mk"),
        ("ђћљњџј", "", "sr"),
    ),
    "ar": (
        ("ٹڈڑںےۓ", "", "ur"),  # Urdu retroflexes and bari ye
        # Persian letters against Arabic-only ones: Persian typed on an Arabic keyboard still
        # writes پ چ ژ گ; Arabic prose writes ة ي ك ى, which Persian keyboards do not.
        ("پچژگکی", "ةيكى", "fa"),
    ),
    "ti": (
        # Amharic writes the glottal a as አ; Tigrinya as ኣ and has ቐ-series letters.
        ("አ", "ኣቐቑቒቓቔቕቖ", "am"),
    ),
    "cmn": ((_KANA, "", "ja"),),  # kanji with kana between them: Japanese
}  # fmt: skip

SCRIPT_SAMPLE = 400
"""Letters looked at: a title's first few hundred tell its script, a megabyte would not more."""


def script_language(text: str, installed: Collection[str]) -> str | None:
    """The language a text's script tells, when most of its letters are in one non-Latin
    script and an installed voice speaks it ("Война и мир" -> "ru", "战争与和平" -> "cmn");
    ``None`` for Latin text, mixed text, or a script no installed voice reads."""
    counts: dict[str, int] = {}
    letters = 0
    for ch in text:
        if not ch.isalpha():
            continue
        letters += 1
        if letters > SCRIPT_SAMPLE:
            break
        point = ord(ch)
        if point < 0x0370:
            continue
        for first, last, lang in SCRIPTS:
            if first <= point <= last:
                counts[lang] = counts.get(lang, 0) + 1
                break
    if not counts:
        return None
    script = max(counts, key=lambda k: counts[k])
    if 2 * counts[script] <= min(letters, SCRIPT_SAMPLE):
        return None  # mostly Latin: "Sprawa Dreyfusa / Дело Дрейфуса" stays the record's
    sample = text[: 4 * SCRIPT_SAMPLE]
    for marks, exclusions, lang in LETTER_CUES.get(script, ()):
        marked = sum(sample.count(ch) for ch in marks)
        excluded = sum(sample.count(ch) for ch in exclusions)
        if marked > excluded and lang in installed:
            return lang
    if script == "ti" and script not in installed and "am" in installed:
        return "am"
    return script if script in installed else None


# Languages written in one non-Latin script only, by the script keys of SCRIPTS they use;
# Serbian (Latin and Cyrillic alike) and Kazakh (moving to Latin) are not here.
_WRITTEN_IN: dict[str, frozenset[str]] = {
    **{lang: frozenset({lang}) for _first, _last, lang in SCRIPTS},
    **{"uk": frozenset({"ru"}), "be": frozenset({"ru"}), "bg": frozenset({"ru"}),
       "mk": frozenset({"ru"}), "ba": frozenset({"ru"}), "cv": frozenset({"ru"}),
       "ky": frozenset({"ru"}), "tt": frozenset({"ru"}), "fa": frozenset({"ar"}),
       "ur": frozenset({"ar"}), "ps": frozenset({"ar"}), "sd": frozenset({"ar"}),
       "ug": frozenset({"ar"}), "am": frozenset({"ti"}), "yue": frozenset({"cmn"}),
       "ja": frozenset({"ja", "cmn"}), "grc": frozenset({"el"}), "mr": frozenset({"hi"}),
       "ne": frozenset({"hi"}), "yi": frozenset({"he"})},
}  # fmt: skip


def written_in(tag: str) -> frozenset[str]:
    """The script keys (of :data:`SCRIPTS`) a language is written in; empty for a language
    written in Latin letters (or in more than one script), whose voice reads Latin text."""
    return _WRITTEN_IN.get(tag, frozenset())


def _has_letter_of(text: str, scripts: frozenset[str]) -> bool:
    for ch in text[: 4 * SCRIPT_SAMPLE]:
        point = ord(ch)
        if point < 0x0370 or not ch.isalpha():
            continue
        for first, last, lang in SCRIPTS:
            if first <= point <= last and lang in scripts:
                return True
    return False


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
