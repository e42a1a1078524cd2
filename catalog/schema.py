"""The catalogue's schema: how a new file is made, and how an older one is brought up to date.

Written with sqlite-utils (on the design card) where it is made for the job: ``table.create``
for the records table, ``add_column`` for a migration that adds columns, and
``enable_fts(..., create_triggers=True)`` so the full-text index is kept in step with the
records by SQLite triggers - no write path can forget it.  Plain SQL stays where sqlite-utils
cannot say it: the three ``WITHOUT ROWID`` tables (``identifiers`` is the kiosk's hot lookup:
one B-tree seek per scan), the full-text table's prefix indexes (version 5; ``enable_fts``
has no option for them), and the first two migrations, kept verbatim because a migration is
history: append, never edit.

Everything here runs inside the caller's ``BEGIN IMMEDIATE`` (sqlite-utils uses savepoints
and avoids ``executescript``'s implicit commit inside a transaction), so a new file or an
upgrade is all or nothing.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from catalog import claims

log = logging.getLogger(__name__)

APPLICATION_ID = 0x54434154  # "TCAT": tells our files from any other SQLite database

SEARCH_COLUMNS = ("search_title", "search_people", "search_series", "search_subjects")
"""The text the full-text index holds, kept on each records row (the index is external
content: it stores no second copy of the text, and the triggers read these columns)."""
TOKENIZE = "unicode61 remove_diacritics 2"
"""Diacritics folded on both sides, so "ostergren" finds "Östergren"."""
PREFIX = "2 3 4"
"""FTS5 prefix indexes: a prefix query of two to four letters ("be", "lin", "lind") reads one
ready-made list of matching rows, lazily, instead of first merging the lists of every term
that starts with it (25 surnames and 100,000 rows for "lind" at a million items: 40-70 ms,
against 0.3 ms).  Longer prefixes have few terms each; a single letter is searched as a whole
word (:mod:`catalog.paged_search`), so no index is kept for it.  Cost, measured: +14 % file
size at a million items, +25 % of the import writer's CPU (95 -> 125 us a record, where
parsing one costs 420)."""


_V1 = """
CREATE TABLE records (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    language TEXT,
    data TEXT NOT NULL
);
CREATE TABLE identifiers (
    key TEXT PRIMARY KEY,
    record_id TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT 'record',
    available INTEGER
) WITHOUT ROWID;
CREATE INDEX identifiers_by_record ON identifiers(record_id);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
"""

_V2 = """
CREATE TABLE labels (id TEXT PRIMARY KEY, text TEXT NOT NULL, lang TEXT) WITHOUT ROWID;
CREATE VIRTUAL TABLE records_fts USING fts5(
    title, authors, series, subjects,
    tokenize = "unicode61 remove_diacritics 2"
);
INSERT INTO records_fts(rowid, title, authors, series, subjects)
    SELECT rowid,
           coalesce(json_extract(data, '$.title'), '') || ' '
               || coalesce(json_extract(data, '$.subtitle'), ''),
           coalesce((SELECT group_concat(value, ' ; ') FROM json_each(data, '$.authors')), '')
               || ' ' || coalesce((SELECT group_concat(value, ' ; ')
                                   FROM json_each(data, '$.narrators')), ''),
           coalesce(json_extract(data, '$.series'), ''),
           coalesce((SELECT group_concat(value, ' ; ') FROM json_each(data, '$.subjects')), '')
    FROM records;
"""

_FILL_SEARCH_COLUMNS = """
UPDATE records SET
    search_title = trim(coalesce(json_extract(data, '$.title'), '') || ' '
        || coalesce(json_extract(data, '$.subtitle'), '') || ' '
        || coalesce(json_extract(data, '$.part'), '')),
    search_people = trim(
        coalesce((SELECT group_concat(value, ' ; ') FROM json_each(data, '$.authors')), '')
        || ' ; '
        || coalesce((SELECT group_concat(value, ' ; ') FROM json_each(data, '$.narrators')), ''),
        ' ;'),
    search_series = coalesce(json_extract(data, '$.series'), ''),
    search_subjects = trim(
        coalesce((SELECT group_concat(value, ' ; ') FROM json_each(data, '$.subjects')), '')
        || ' ; '
        || coalesce((SELECT group_concat(value, ' ; ') FROM json_each(data, '$.genres')), ''),
        ' ;')
"""


_V3 = """
CREATE TABLE harvest_state (source TEXT PRIMARY KEY, state TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE harvested (
    source TEXT NOT NULL,
    oai_id TEXT NOT NULL,
    record_id TEXT NOT NULL,
    run INTEGER NOT NULL,
    PRIMARY KEY (source, oai_id)
) WITHOUT ROWID;
"""
"""OAI-PMH harvesting (:mod:`catalog.harvest`): per repository and set, where the last run got
to (JSON); and which record each OAI identifier became, so a deleted header can remove it."""


def _v4(db: Database) -> None:
    """The search text moves onto the records rows; the index becomes external content,
    kept in step by sqlite-utils' triggers instead of by every write path."""
    records = db.table("records")
    for column in SEARCH_COLUMNS:
        records.add_column(column, str, not_null_default="")
    db.execute(_FILL_SEARCH_COLUMNS)
    db.execute("DROP TABLE records_fts")
    records.enable_fts(SEARCH_COLUMNS, tokenize=TOKENIZE, create_triggers=True)


def _v5(db: Database) -> None:
    """The full-text index gets prefix indexes (:data:`PREFIX`).  FTS5 fixes them when the
    table is made, so it is made again; it is external content, so ``rebuild`` re-reads the
    search columns, and sqlite-utils' triggers on ``records`` name it and stay as they are."""
    columns = ", ".join(SEARCH_COLUMNS)
    db.execute("DROP TABLE records_fts")
    db.execute(
        f"CREATE VIRTUAL TABLE records_fts USING FTS5 ({columns},"
        f" tokenize='{TOKENIZE}', prefix='{PREFIX}', content=records)"
    )
    db.execute("INSERT INTO records_fts(records_fts) VALUES ('rebuild')")


def _v6(db: Database) -> None:
    """Claims that lost a shared key are kept, so the key falls back when its holder goes
    (:mod:`catalog.claims`)."""
    claims.migrate(db.conn)


Migration = str | Callable[[Database], None]
MIGRATIONS: tuple[Migration, ...] = (_V1, _V2, _V3, _v4, _v5, _v6)
"""Version N is the result of applying the first N.  Append, never edit."""

SCHEMA_VERSION = len(MIGRATIONS)


def database(conn: sqlite3.Connection) -> Database:
    """sqlite-utils' view of one of our connections (no plugins; trigger semantics as
    SQLite's default, so ``INSERT OR REPLACE`` on ``identifiers`` fires nothing new)."""
    return Database(conn, recursive_triggers=False, execute_plugins=False)


def create(conn: sqlite3.Connection) -> None:
    """The current schema in an empty file (inside the caller's transaction)."""
    db = database(conn)
    db.table("records").create(
        {
            "rowid": int,
            "id": str,
            "kind": str,
            "language": str,
            "data": str,
            **dict.fromkeys(SEARCH_COLUMNS, str),
        },
        pk="rowid",
        not_null={"id", "kind", "data", *SEARCH_COLUMNS},
        defaults=dict.fromkeys(SEARCH_COLUMNS, ""),
    )
    db.table("records").create_index(["id"], index_name="records_by_id", unique=True)
    for statement in statements(_V1):  # the WITHOUT ROWID tables, as version 1 made them
        if not statement.startswith("CREATE TABLE records "):
            conn.execute(statement)
    conn.execute(statements(_V2)[0])  # labels
    for statement in statements(_V3):  # harvest state
        conn.execute(statement)
    db.table("records").enable_fts(SEARCH_COLUMNS, tokenize=TOKENIZE, create_triggers=True)
    _v5(db)  # the index as version 5 makes it (empty: costs nothing)
    claims.migrate(conn)
    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def upgrade(conn: sqlite3.Connection, path: Path, old: int) -> None:
    """Apply migrations ``old``+1 .. current (inside the caller's transaction)."""
    db = database(conn)
    for version in range(old, SCHEMA_VERSION):
        log.info("%s: migrating schema %d -> %d", path, version, version + 1)
        step = MIGRATIONS[version]
        if isinstance(step, str):
            for statement in statements(step):
                conn.execute(statement)
        else:
            step(db)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def statements(script: str) -> list[str]:
    """Split a migration script into statements (``sqlite3.complete_statement`` aware)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
