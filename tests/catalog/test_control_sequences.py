"""Terminal control sequences in catalogue text: one rule, in every importer.

Catalogue text is spoken and searched.  An escape sequence in it (a colour pasted from a
terminal, a window title or an OSC 52 clipboard write planted by someone) is never content,
so every importer stores the text as a terminal would have shown it: the sequence removed
whole, payload and all; any other control character becomes a space.  The outside tester
found CSI sequences half-removed and OSC ones kept, differently per format.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from catalog.importing import import_files
from catalog.punctuation import plain
from catalog.records import record_to_dict
from catalog.store import Catalog
from tests.catalog.conftest import field, make_record
from tests.catalog.harvest_support import marcxml

HOSTILE_TITLE = "\x1b]0;pwned\x07T\x1b[31mred\u202eevil"
STORED_TITLE = "Tred\u202eevil"  # what a terminal shows; the bidi mark is kept (and escaped)
COLOURED_AUTHOR = "\x1b[1mLindgren, Astrid\x1b[0m"
CLIPBOARD_SUBJECT = "\x1b]52;c;cm0gLXJmIH4=\x1b\\Barnböcker"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("T\x1b[31mred", "Tred"),  # CSI: the colour goes, the letters stay as seen
        ("\x1b]0;pwned\x07Title", "Title"),  # OSC window title ended by BEL: payload gone
        ("\x1b]52;c;ZXZpbA==\x1b\\Title", "Title"),  # OSC 52 clipboard ended by ST
        ("\x9b31mTitle\x9b0m", "Title"),  # 8-bit CSI
        ("\x9d0;x\x9cTitle", "Title"),  # 8-bit OSC and ST
        ("Pot\x1b[01;31m\x1b[Kter\x1b[m\x1b[K", "Potter"),  # grep --color's highlighting
        ("\x1bPq#0;2;0;0;0\x1b\\Sixel", "Sixel"),  # DCS string
        ("\x1b(BMARC-8 leftover", "MARC-8 leftover"),  # a character-set escape
        ("a\x00b\x07c\x7fd\x85e", "a b c d e"),  # lone controls keep words apart
        ("Title\x1b", "Title "),  # a lone ESC at the end
        ("\x1b]0;never ended", "0;never ended"),  # unterminated: only the introducer goes
        ("Tab\tand\nlines\r\n", "Tab\tand\nlines\r\n"),
        ("\u05e9\u05dc\u05d5\u05dd \u200f(2)", "\u05e9\u05dc\u05d5\u05dd \u200f(2)"),
        ("Plain title", "Plain title"),
    ],
)
def test_plain_shows_text_as_a_terminal_would(raw: str, shown: str) -> None:
    assert plain(raw) == shown
    assert plain(shown) == shown  # idempotent


def _csv(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "authors", "subjects", "summary"])
        writer.writerow(["1", HOSTILE_TITLE, COLOURED_AUTHOR, CLIPBOARD_SUBJECT, "a\x00b"])
    return path


def _jsonl(path: Path) -> Path:
    row = {"id": "1", "title": HOSTILE_TITLE, "authors": [COLOURED_AUTHOR],
           "subjects": [CLIPBOARD_SUBJECT], "summary": "a\x00b"}
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    return path


def _extra(subject: str = CLIPBOARD_SUBJECT, summary: str = "a\x00b") -> tuple:
    return (field("650", "a", subject), field("520", "a", summary))


def _mrc(path: Path) -> Path:
    path.write_bytes(make_record("1", HOSTILE_TITLE, author=COLOURED_AUTHOR, extra=_extra()))
    return path


def _xml(path: Path) -> Path:
    """XML 1.0 has no C0 controls (ESC, BEL, NUL): MARCXML can only carry the 8-bit forms."""
    record = marcxml(
        "1", "\x9d0;pwned\x9cT\x9b31mred\u202eevil", author="\x9b1mLindgren, Astrid\x9b0m",
        extra=_extra("\x9d52;c;cm0gLXJmIH4=\x9cBarnböcker", "a\x85b"),
    )
    path.write_bytes(record)
    return path


@pytest.mark.parametrize(
    ("name", "write"), [("t.csv", _csv), ("t.jsonl", _jsonl), ("t.mrc", _mrc), ("t.xml", _xml)]
)
def test_every_importer_stores_text_as_a_terminal_shows_it(
    tmp_path: Path, name: str, write
) -> None:
    source = write(tmp_path / name)
    db = tmp_path / "c.db"
    report = import_files(db, [source])
    assert report.added == 1, list(report.rejected)
    with Catalog.open(db, readonly=True) as catalog:
        [record] = list(catalog.records())
        assert record.title == STORED_TITLE
        assert record.authors == ("Lindgren, Astrid",)
        assert record.subjects == ("Barnböcker",)
        assert record.summary is not None and record.summary.rstrip(".") == "a b"  # MARC ends it
        stored = json.dumps(record_to_dict(record), ensure_ascii=False)
        assert "\x1b" not in stored and "pwned" not in stored and "cm0g" not in stored
        assert [r.id for r in catalog.search("Tred")] == [record.id]  # searched as shown
        assert [r.id for r in catalog.search("Barnböcker")] == [record.id]
