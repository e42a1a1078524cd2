"""Large benchmark catalogues, written straight into the real schema.

The kiosk and lookup benchmarks need a catalogue of a million items; loading one through
``talkcat import`` took 100 s of a 5-minute budget and measured nothing (the import rate has
its own benchmark, on real MARC records).  Rows are made by the store's own
:func:`~catalog.store.prepare_record`, so the file is what an import would have written: same
JSON, same full-text rows, same keys.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from catalog.records import Record
from catalog.store import Catalog, prepare_record

BATCH = 10_000


def build(path: Path, records: Iterable[tuple[Record, list[str]]]) -> int:
    """Write ``(record, keys)`` pairs into a new catalogue at ``path``; return how many."""
    Catalog.open(path).close()  # create it with the real schema and header
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    rows: list[tuple[int, str, str, str | None, str]] = []
    keys: list[tuple[str, str]] = []
    fts: list[tuple[int, str, str, str, str]] = []

    def flush() -> None:
        conn.executemany(
            "INSERT INTO records (rowid, id, kind, language, data) VALUES (?, ?, ?, ?, ?)", rows
        )
        conn.executemany("INSERT INTO identifiers (key, record_id) VALUES (?, ?)", keys)
        conn.executemany(
            "INSERT INTO records_fts (rowid, title, authors, series, subjects)"
            " VALUES (?, ?, ?, ?, ?)",
            fts,
        )
        rows.clear()
        keys.clear()
        fts.clear()

    count = 0
    conn.execute("BEGIN")
    for count, (record, record_keys) in enumerate(records, 1):
        record_id, kind, language, data, texts = prepare_record(record)
        rows.append((count, record_id, kind, language, data))
        keys.extend((key, record_id) for key in record_keys)
        fts.append((count, *texts))
        if len(rows) >= BATCH:
            flush()
    flush()
    conn.execute("COMMIT")
    conn.close()
    return count
