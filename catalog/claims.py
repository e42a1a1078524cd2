"""Keys that two records claim: the one that does not hold the key is remembered.

A key leads to one record (``identifiers``), so of two records with one ISBN (hardback and
paperback bibs, duplicates before a merge) the one written last holds it.  Until this table
the other record's claim was forgotten: when the holder was deleted, or re-catalogued without
that ISBN, the key vanished although the other record still had it, and a visitor scanning
the book heard "not in the catalogue".  ``claims(key, record_id, available)`` keeps each
claim that lost; when a key has no holder any more it falls back to one of them.

Cheap by construction: the table only ever holds shared keys (a handful per thousand records
in real catalogues), every step is one set-based statement over it, and a write of records
that share nothing costs one ``EXISTS`` probe of an empty table.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

SCHEMA = """
CREATE TABLE IF NOT EXISTS claims (
    key TEXT NOT NULL,
    record_id TEXT NOT NULL,
    available INTEGER,
    PRIMARY KEY (key, record_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS claims_by_record ON claims(record_id);
"""

def any_claims(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT EXISTS (SELECT 1 FROM claims)").fetchone()[0] == 1


def remember(conn: sqlite3.Connection, keys: Iterable[str]) -> None:
    """The records holding ``keys`` are about to lose them to another record: keep their
    claims (call before the keys move)."""
    rows = [(key,) for key in keys]
    conn.executemany(
        "INSERT OR REPLACE INTO claims (key, record_id, available)"
        " SELECT key, record_id, available FROM identifiers"
        " WHERE key = ? AND target = 'record'",
        rows,
    )


def remember_losers(conn: sqlite3.Connection, rows: Iterable[tuple[str, str, int | None]]) -> None:
    """``(key, record id, available)`` claims that lost to a record written later."""
    conn.executemany(
        "INSERT OR REPLACE INTO claims (key, record_id, available) VALUES (?, ?, ?)", rows
    )


def forget(conn: sqlite3.Connection, record_ids: Iterable[str]) -> None:
    """These records are rewritten or deleted: their old claims go (a rewrite claims again)."""
    conn.executemany("DELETE FROM claims WHERE record_id = ?", [(i,) for i in record_ids])


def fall_back(conn: sqlite3.Connection) -> int:
    """Each key no record or label holds any more goes to a record that still claims it (the
    first by id, so the outcome does not depend on the order rows were read); returns how
    many keys found a new holder."""
    moved = conn.execute(
        "INSERT INTO identifiers (key, record_id, target, available)"
        " SELECT c.key, c.record_id, 'record', c.available FROM claims AS c"
        " WHERE NOT EXISTS (SELECT 1 FROM identifiers AS i WHERE i.key = c.key)"
        " AND c.record_id = (SELECT min(d.record_id) FROM claims AS d WHERE d.key = c.key)"
    ).rowcount
    if moved:
        conn.execute(
            "DELETE FROM claims WHERE EXISTS (SELECT 1 FROM identifiers AS i"
            " WHERE i.key = claims.key AND i.record_id = claims.record_id"
            " AND i.target = 'record')"
        )
    return int(moved)


_UNHELD = """
SELECT u.rank, count(*) FROM (
    SELECT k.key, min(k.rank) AS rank FROM (
        SELECT j.value AS key, 0 AS rank FROM records AS r, json_each(r.data, '$.isbns') AS j
        UNION ALL
        SELECT j.value, 1 FROM records AS r, json_each(r.data, '$.barcodes') AS j
        UNION ALL
        SELECT j.value, 2 FROM records AS r, json_each(r.data, '$.rfids') AS j
        UNION ALL
        SELECT c.key, 3 FROM claims AS c
    ) AS k
    WHERE NOT EXISTS (SELECT 1 FROM identifiers AS i WHERE i.key = k.key)
    GROUP BY k.key
) AS u GROUP BY u.rank ORDER BY u.rank
"""
UNHELD_KINDS = ("ISBN(s)", "barcode(s)", "RFID tag(s)", "other identifier(s) (EAN, ISSN...)")


def unheld(conn: sqlite3.Connection) -> dict[str, int]:
    """Keys a record claims that lead nowhere (for ``catalog check``), by kind: every key
    kind a staff member scans - the ISBNs, barcodes and RFID tags each record lists (also a
    catalogue written before this table), and every other key ``claims`` keeps (EAN...).
    Each key counted once, under the first kind that lists it; empty when all is well."""
    return {UNHELD_KINDS[rank]: int(count) for rank, count in conn.execute(_UNHELD)}


def migrate(conn: sqlite3.Connection) -> None:
    """Schema version 6: the table, filled from the ISBNs each record lists that another
    record holds or that nobody holds (the second kind is repaired at once)."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute(
        "INSERT OR IGNORE INTO claims (key, record_id, available)"
        " SELECT DISTINCT j.value, r.id, NULL FROM records AS r, json_each(r.data, '$.isbns') AS j"
        " WHERE NOT EXISTS (SELECT 1 FROM identifiers AS i"
        " WHERE i.key = j.value AND i.record_id = r.id AND i.target = 'record')"
    )
    fall_back(conn)
