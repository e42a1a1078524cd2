"""Shared helpers for the catalogue tests: fixture paths and generated MARC records."""

from __future__ import annotations

from pathlib import Path

import pymarc
import pytest
from pymarc import Field, Indicators, Subfield

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT / ".." / "shared" / "data"


@pytest.fixture
def shared() -> Path:
    """``../shared/data``; tests that need the GPL/LGPL files skip cleanly without it."""
    if not SHARED.is_dir():
        pytest.skip("../shared/data is not available")
    return SHARED.resolve()


def make_record(
    control: str | None,
    title: str | None = "A title",
    *,
    isbns: tuple[str, ...] = (),
    author: str | None = "Lindgren, Astrid",
    status: str = "n",
    rtype: str = "a",
    coding: str = "a",
    extra: tuple[Field, ...] = (),
    f008: str | None = None,
) -> bytes:
    """One ISO 2709 record.  ``coding=" "`` writes bytes as given (MARC-8 by hand)."""
    record = pymarc.Record(to_unicode=coding == "a", force_utf8=coding == "a")
    record.leader = pymarc.Leader(f"00000{status}{rtype}m {coding}2200000   4500")
    if control is not None:
        record.add_field(Field(tag="001", data=control))
    record.add_field(Field(tag="008", data=f008 or "240101s2024    sw            000 1 swe d"))
    for isbn in isbns:
        record.add_field(
            Field(tag="020", indicators=Indicators(" ", " "), subfields=[Subfield("a", isbn)])
        )
    if author:
        record.add_field(
            Field(
                tag="100", indicators=Indicators("1", " "), subfields=[Subfield("a", author + ",")]
            )
        )
    if title is not None:
        record.add_field(
            Field(
                tag="245",
                indicators=Indicators("1", "0"),
                subfields=[Subfield("a", title + " /"), Subfield("c", "someone.")],
            )
        )
    for field in extra:
        record.add_field(field)
    if coding != "a":
        record.to_unicode = False
    data = record.as_marc()
    if coding != "a":
        data = data[:9] + b" " + data[10:]
    return data


def field(tag: str, *pairs: str, ind: str = "  ") -> Field:
    """``field("952", "p", "123", "o", "HC")`` - a data field from code/value pairs."""
    subs = [Subfield(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)]
    return Field(tag=tag, indicators=Indicators(ind[0], ind[1]), subfields=subs)
