"""Editing the phrase templates and the pronunciation lexicon from the console.

Staff edit the same files the kiosk reads: ``<phrases_dir>/<lang>.toml`` (``[phrases]``) and
``<phrases_dir>/lexicon-<lang>.toml`` (``[words]``), whose entries win over the shipped ones.
A file is validated by the kiosk's own check before it is written, and written by temp file +
rename, so the kiosk never reads half a file and a broken template is never saved.  A "listen"
preview renders a sample record with the edited files from a scratch folder, so nothing
changes until "save".
"""

from __future__ import annotations

import os
import tempfile
from importlib import resources
from pathlib import Path

from kiosk import levels, phrase_files, phrasing
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


def validate(kind: str, lang: str, text: str) -> list[str]:
    """Every reason ``text`` cannot be saved as this file (empty list: it can).

    Exactly the kiosk's own check (``kiosk.phrase_files``, also behind ``config check`` and
    start-up), run on the text written to a scratch file of the right name; the scratch
    path in its messages is replaced by the file's own name.
    """
    name = file_name(kind, lang)
    with tempfile.TemporaryDirectory(prefix="talkcat-phrases-") as folder:
        path = Path(folder) / name
        path.write_text(text, "utf-8")
        try:
            if kind == "phrases":
                phrase_files.check_phrase_file(path, lang)
            else:
                phrase_files.check_lexicon_file(path)
        except phrase_files.PhraseFileError as exc:
            return [problem.replace(str(path), name) for problem in exc.problems]
    return []


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
    for module in (phrasing, levels, phrase_files):
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
