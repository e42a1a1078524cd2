"""Editing the phrase templates and the pronunciation lexicon from the console.

Staff edit the same files the kiosk reads: ``<phrases_dir>/<lang>.toml`` (``[phrases]``) and
``<phrases_dir>/lexicon-<lang>.toml`` (``[words]``), whose entries win over the shipped ones.
A file is validated before it is written, and written by temp file + rename, so the kiosk
never reads half a file and a broken template is never saved.  A "listen" preview renders a
sample record with the edited files from a scratch folder, so nothing changes until "save".
"""

from __future__ import annotations

import importlib
import os
import string
import tempfile
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from kiosk import levels, phrasing
from kiosk.phrasing import LANGUAGES

KINDS = ("phrases", "lexicon")


def file_name(kind: str, lang: str) -> str:
    return f"{lang}.toml" if kind == "phrases" else f"lexicon-{lang}.toml"


def shipped_text(kind: str, lang: str) -> str:
    return resources.files("kiosk").joinpath("phrases", file_name(kind, lang)).read_text("utf-8")


def current_text(kind: str, lang: str, phrases_dir: str | None) -> tuple[str, bool]:
    """The staff copy when there is one (True), else the shipped file (False)."""
    if phrases_dir:
        path = Path(phrases_dir) / file_name(kind, lang)
        if path.is_file():
            return path.read_text("utf-8"), True
    return shipped_text(kind, lang), False


def _placeholders(template: str) -> list[tuple[str, str, str | None]]:
    """``(field name, format spec, conversion)`` of every placeholder; raises ValueError."""
    return [
        (name, spec or "", conv)
        for _literal, name, spec, conv in string.Formatter().parse(template)
        if name is not None
    ]


def _kiosk_validator() -> Any:
    """The kiosk's own phrase-file validation when this version has one (see config check)."""
    for module_name, attr in (
        ("kiosk.phrasing", "validate_phrase_file"),
        ("kiosk.phrasing", "check_phrase_file"),
        ("kiosk.config", "phrase_file_problems"),
    ):
        try:
            found = getattr(importlib.import_module(module_name), attr, None)
        except ImportError:
            found = None
        if callable(found):
            return found
    return None


def validate(kind: str, lang: str, text: str) -> list[str]:
    """Every reason ``text`` cannot be saved as this file (empty list: it can)."""
    where = file_name(kind, lang)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return [f"{where}: not valid TOML: {exc}"]
    table_name = "phrases" if kind == "phrases" else "words"
    table = data.get(table_name)
    unknown_tables = sorted(set(data) - {table_name})
    problems = [f"{where}: [{t}]: unknown section; the file holds [{table_name}]"
                for t in unknown_tables]
    if not isinstance(table, dict):
        return [*problems, f"{where}: needs a [{table_name}] section"]
    if kind == "lexicon":
        for word, said in table.items():
            if not isinstance(said, str) or not said.strip():
                problems.append(f"{where}: {word!r}: must be the text to say, in quotes")
            elif not word.strip() or word.strip("-") == "":
                problems.append(f"{where}: an empty word cannot be pronounced")
        return problems
    shipped = tomllib.loads(shipped_text("phrases", lang))["phrases"]
    for key, template in table.items():
        if key not in shipped:
            problems.append(f"{where}: {key}: unknown phrase (the kiosk never says it)")
            continue
        if not isinstance(template, str):
            problems.append(f"{where}: {key}: must be text in quotes")
            continue
        allowed = {name for name, _spec, _conv in _placeholders(shipped[key])}
        try:
            found = _placeholders(template)
        except ValueError as exc:
            problems.append(f"{where}: {key}: broken placeholder ({exc}); write {{{{ and }}}}"
                            " for a literal brace")
            continue
        for name, spec, conv in found:
            if spec or conv:
                problems.append(f"{where}: {key}: {{{name}}} must be a bare placeholder, with no"
                                " format specification or conversion")
            elif name not in allowed:
                known = ", ".join(f"{{{a}}}" for a in sorted(allowed)) or "none"
                problems.append(f"{where}: {key}: unknown placeholder {{{name}}}; this phrase"
                                f" knows {known}")
    validator = _kiosk_validator()
    if validator is not None and not problems:
        problems += _run_kiosk_validator(validator, lang, text)
    return problems


def _run_kiosk_validator(validator: Any, lang: str, text: str) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="talkcat-phrases-") as folder:
        path = Path(folder) / f"{lang}.toml"
        path.write_text(text, "utf-8")
        result = validator(path)
    if result is None:
        return []
    if isinstance(result, str):
        return [result]
    return [str(p) for p in result]


def save(kind: str, lang: str, text: str, phrases_dir: str) -> None:
    """Write the file atomically (temp file + rename) and forget cached tables."""
    folder = Path(phrases_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / file_name(kind, lang)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".toml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text if text.endswith("\n") else text + "\n")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    forget_cached_tables()


def forget_cached_tables() -> None:
    """The phrase and lexicon tables are cached per folder; an edit must be heard at once."""
    for module in (phrasing, levels):
        for value in vars(module).values():
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()


def preview_dir(kind: str, lang: str, text: str, phrases_dir: str | None) -> str:
    """A scratch folder holding the staff files with this one edit, for a "listen" preview."""
    folder = tempfile.mkdtemp(prefix="talkcat-preview-")
    for other_kind in KINDS:
        for other_lang in LANGUAGES:
            content, is_staff = current_text(other_kind, other_lang, phrases_dir)
            if is_staff:
                (Path(folder) / file_name(other_kind, other_lang)).write_text(content, "utf-8")
    (Path(folder) / file_name(kind, lang)).write_text(text, "utf-8")
    return folder
