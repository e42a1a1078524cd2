"""Staff-edited phrase and lexicon files (``[kiosk] phrases_dir``), checked before they are used.

A phrase file is filled in with ``str.format`` on every scan, so a broken one is not a cosmetic
fault: invalid TOML or a non-string value made every scan silent, an unknown placeholder raised
on every scan, and a format spec such as ``{first:>300000000}`` asked for 300 MB per scan.  So a
staff template may use only the placeholders the built-in template of the same key uses - no
format specs, no conversions, no attribute or index access - and a file with any problem is
refused whole, with file, key and reason, and the built-in phrases are used instead.

``config check`` reports these problems (exit 2); ``talkcat run`` logs them at start-up and
keeps serving with the built-in phrases.  ``kiosk.phrasing`` and ``kiosk.levels`` load staff
files only through ``staff_phrases`` / ``staff_words`` here, so the two can never disagree.
"""

from __future__ import annotations

import logging
import os
import re
import string
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from kiosk.small_files import NotASmallFile, read_small_text

log = logging.getLogger(__name__)

LANGUAGES: tuple[str, ...] = ("sv", "en")
MAX_FILE_BYTES = 1_000_000
"""A phrase file is a few kB; anything near this is not one."""
MAX_TEXT = 2_000
"""Longest template or lexicon entry accepted: a visitor hears every word."""


class PhraseFileError(ValueError):
    """A staff phrase or lexicon file that must not be used; ``problems`` says why, per key."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@cache
def builtin_phrases(lang: str) -> dict[str, str]:
    text = resources.files("kiosk").joinpath("phrases", f"{lang}.toml").read_text("utf-8")
    return dict(tomllib.loads(text)["phrases"])


def placeholders(template: str) -> set[str]:
    """The field names of a (trusted, built-in) template."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_problem(text: str) -> str | None:
    """Why ``text`` may not be spoken: a control character (NUL, ESC...), which no word
    holds and which the speech engine would be given as it is ("THE [31m")."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    return (
        f"contains a control character (\\u{ord(found.group()):04x} at position"
        f" {found.start() + 1}); write the text without it"
    )


def template_problem(template: object, allowed: set[str]) -> str | None:
    """Why ``template`` may not be used in place of a built-in with ``allowed`` placeholders."""
    if not isinstance(template, str):
        return f"must be text in quotes, not {type(template).__name__} {template!r}"[:200]
    if len(template) > MAX_TEXT:
        return f"is {len(template)} characters long; at most {MAX_TEXT}"
    if (control := control_problem(template)) is not None:
        return control
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError as exc:  # a lone "{" or "}"
        return f"is not a valid template ({exc}); write {{{{ and }}}} for literal braces"
    allowed_text = ", ".join(f"{{{name}}}" for name in sorted(allowed)) or "none"
    for _, name, spec, conversion in fields:
        if name is None:
            continue
        if spec or conversion:
            shown = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            return (f"placeholder {{{shown[:60]}}} has a format spec or conversion; only plain "
                    f"placeholders are allowed ({allowed_text})")
        if name not in allowed:
            return f"unknown placeholder {{{name[:60]}}}; this phrase may use {allowed_text}"
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(read_small_text(path, MAX_FILE_BYTES))
    except NotASmallFile as exc:
        raise PhraseFileError([str(exc)]) from None
    except UnicodeDecodeError as exc:
        raise PhraseFileError([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) \
            from None
    except tomllib.TOMLDecodeError as exc:
        raise PhraseFileError([f"{path}: not valid TOML: {exc}"]) from None
    except RecursionError:  # tomllib recurses once per level of nesting
        raise PhraseFileError([f"{path}: not valid TOML: nested too deeply"]) from None
    except OSError as exc:
        raise PhraseFileError([f"{path}: cannot be read: {exc.strerror or exc}"]) from None


def check_phrase_file(path: Path, lang: str) -> dict[str, str]:
    """The validated ``[phrases]`` table of one staff file; ``PhraseFileError`` if unusable."""
    data = _read(path)
    table = data.get("phrases", {})
    if not isinstance(table, dict):
        raise PhraseFileError([f"{path}: phrases: must be a [phrases] table"])
    builtin = builtin_phrases(lang)
    problems = []
    for key, template in table.items():
        if key not in builtin:
            problems.append(f"{path}: phrases.{key}: unknown phrase; known: "
                            f"{', '.join(sorted(builtin))}")
            continue
        problem = template_problem(template, placeholders(builtin[key]))
        if problem:
            problems.append(f"{path}: phrases.{key}: {problem}")
    if problems:
        raise PhraseFileError(problems)
    return dict(table)


def check_lexicon_file(path: Path) -> dict[str, str]:
    """The validated ``[words]`` table of one staff lexicon; ``PhraseFileError`` if unusable."""
    data = _read(path)
    words = data.get("words", {})
    if not isinstance(words, dict):
        raise PhraseFileError([f"{path}: words: must be a [words] table"])
    problems = []
    for word, said in words.items():
        if not isinstance(said, str):
            problems.append(f"{path}: words.{word}: must be text in quotes, not "
                            f"{type(said).__name__}")
        elif not word.strip() or len(word) > MAX_TEXT or len(said) > MAX_TEXT:
            problems.append(f"{path}: words.{word[:60]}: empty or longer than {MAX_TEXT}")
        elif (control := control_problem(word) or control_problem(said)) is not None:
            problems.append(f"{path}: words.{word[:60]}: {control}")
    if problems:
        raise PhraseFileError(problems)
    return dict(words)


def problems(phrases_dir: str | None) -> list[str]:
    """Every problem of the staff files in ``phrases_dir`` (for config check and start-up)."""
    if not phrases_dir:
        return []
    folder = Path(phrases_dir)
    if not folder.is_dir():
        return [f"kiosk.phrases_dir: {folder}: no such folder (the built-in phrases are used)"]
    found: list[str] = []
    # A lexicon may exist for any voice language a record is read in ("lexicon-fi.toml").
    lexicons = sorted({f"lexicon-{lang}.toml" for lang in LANGUAGES}
                      | {p.name for p in folder.glob("lexicon-*.toml")})
    checks = [(f"{lang}.toml", lambda p, lang=lang: check_phrase_file(p, lang))
              for lang in LANGUAGES] + [(name, check_lexicon_file) for name in lexicons]
    for name, check in checks:
        path = folder / name
        if not os.path.lexists(path):  # a dangling link is a problem too
            continue
        try:
            check(path)
        except PhraseFileError as exc:
            found += exc.problems
    return found


@cache
def staff_phrases(lang: str, phrases_dir: str | None) -> Mapping[str, str]:
    """The staff's phrases for ``lang``, or nothing if there are none or the file is refused."""
    if not phrases_dir:
        return {}
    path = Path(phrases_dir) / f"{lang}.toml"
    if not os.path.lexists(path):
        return {}
    try:
        return check_phrase_file(path, lang)
    except PhraseFileError as exc:
        for problem in exc.problems:
            log.error("phrase file refused, built-in phrases used: %s", problem)
        return {}


@cache
def staff_words(lang: str, phrases_dir: str | None) -> Mapping[str, str]:
    """The staff's lexicon entries for ``lang``, or nothing if none or the file is refused."""
    if not phrases_dir:
        return {}
    path = Path(phrases_dir) / f"lexicon-{lang}.toml"
    if not os.path.lexists(path):
        return {}
    try:
        return check_lexicon_file(path)
    except PhraseFileError as exc:
        for problem in exc.problems:
            log.error("lexicon file refused, built-in words used: %s", problem)
        return {}
