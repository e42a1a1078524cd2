"""The language of each subject heading, from its vocabulary (MARC 6XX $2 / second indicator),
kept through import and export so the kiosk can read a subject in its own voice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from catalog.importers.describe import subject_language
from catalog.importers.fields import MarcField, MarcRecord
from catalog.importers.mapping import record_from_marc
from catalog.store import Catalog
from kiosk.cli import main


@pytest.mark.parametrize(
    ("ind2", "source", "code"),
    [
        ("7", "sao", "swe"), ("7", "yso/fin", "fin"), ("7", "yso/swe", "swe"), ("7", "ysa", "fin"),
        ("7", "allars", "swe"), ("7", "gmgpc//swe", "swe"), ("7", "agrovocf", "fre"),
        ("7", "agrovocs", "spa"), ("7", "BNB", "eng"), ("7", "gnd", "ger"), ("7", "bibbi", "nob"),
        ("0", None, "eng"), ("2", None, "eng"), ("6", None, "fre"), ("4", None, "und"),
        (" ", None, "und"), ("7", "someonesown", "und"),
    ],
)  # fmt: skip
def test_vocabulary_to_language(ind2: str, source: str | None, code: str) -> None:
    subfields = [("a", "Term")] + ([("2", source)] if source else [])
    assert subject_language(MarcField("650", " ", ind2, subfields)) == code


def _record(*subjects: tuple[str, str, str | None]) -> MarcRecord:
    fields = [MarcField("001", data="1"), MarcField("245", "1", "0", [("a", "Titel")])]
    for ind2, term, source in subjects:
        subfields = [("a", term)] + ([("2", source)] if source else [])
        fields.append(MarcField("650", " ", ind2, subfields))
    return MarcRecord("00000nam a2200000 a 4500", fields)


def test_a_term_in_two_vocabularies_is_kept_once_for_each_language() -> None:
    record = record_from_marc(
        _record(("7", "historia", "ysa"), ("7", "historia", "allars"), ("7", "historia", "ysa"),
                ("4", "Egna ord", None))
    )  # fmt: skip
    assert record.subjects == ("historia", "historia", "Egna ord")
    assert record.subject_languages == ("fin", "swe", "und")
    # Nothing known: nothing stored (a million records stay small).
    assert record_from_marc(_record(("4", "Ord", None))).subject_languages == ()


def test_csv_and_json_take_one_language_for_all_or_one_each(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "title": "A", "subjects": "x; y", "subject_language": "sv"},
        {"id": "b", "title": "B", "subjects": ["x", "y", "z"], "subject_languages": ["fin", "swe"]},
        {"id": "c", "title": "C", "subjects": "x", "subject_languages": "???"},
    ]
    source = tmp_path / "r.json"
    source.write_text(json.dumps(rows), encoding="utf-8")
    db = tmp_path / "c.db"
    result = CliRunner().invoke(main, ["import", str(source), "--db", str(db)])
    assert result.exit_code == 0, result.output
    with Catalog.open(db, readonly=True) as catalog:
        got = {r.id: r.subject_languages for r in catalog.records()}
    assert got == {"a": ("swe", "swe"), "b": ("fin", "swe", "und"), "c": ()}
