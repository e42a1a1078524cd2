"""Helpers for tests of ``talkcat lookup --spoken``: a catalogue imported from JSON Lines
records, and the ``(voice, text)`` segments the engine would be given."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from kiosk.cli import main


def build_catalogue(folder: Path, records: list[dict[str, Any]]) -> Path:
    """``records`` written as JSON Lines and imported by ``talkcat import``."""
    source = folder / "records.jsonl"
    source.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8"
    )
    path = folder / "catalogue.db"
    result = CliRunner().invoke(main, ["import", str(source), "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


def spoken(db: Path, identifier: str, *args: str) -> list[tuple[str, str]]:
    result = CliRunner().invoke(
        main, ["lookup", identifier, "--db", str(db), "--spoken", *args]
    )
    assert result.exit_code == 0, result.output
    pairs = []
    for line in result.stdout.splitlines():
        lang, tab, text = line.partition("\t")
        assert tab and lang and text.strip(), line
        pairs.append((lang, text))
    return pairs


def said(pairs: list[tuple[str, str]]) -> str:
    return " ".join(text for _lang, text in pairs)
