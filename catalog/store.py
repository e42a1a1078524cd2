"""The catalogue file: one SQLite database, read by the kiosk, written by ``talkcat import``.

Why it looks like this:

* **One indexed query per scan.**  Every key a book or copy can be scanned under (ISBN-13
  digits, barcodes, RFID UIDs...) is a row of ``identifiers(key PRIMARY KEY, record_id)``; the
  record itself is one JSON blob.  A lookup is a primary-key seek plus a join, well under a
  millisecond at a million items.
* **Safe refresh.**  WAL mode, so the kiosk keeps reading the last committed catalogue while an
  import writes; an import is one transaction, so a crash or ``kill -9`` leaves the previous
  catalogue as it was.  ``--replace`` empties and refills inside that same transaction.
* **Cheap, read-only start-up.**  ``Catalog.open(path, readonly=True)`` opens the file with a
  ``mode=ro`` URI (it can never write) and reads only the header: application id and
  ``PRAGMA user_version``.  It refuses an older schema, naming ``talkcat catalog upgrade``;
  writable opens (``import``, ``catalog upgrade``) apply the migrations in :data:`MIGRATIONS`.
* **Usable from any thread.**  The kiosk looks up from its loop thread; the connection is made
  with ``check_same_thread=False`` and every use is serialised by a lock.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
import urllib.parse
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from catalog.duplicates import WrittenOnce
from catalog.errors import CatalogError, translates_sqlite_errors
from catalog.identifiers import Identifier
from catalog.records import Label, Record, record_from_dict, record_to_dict

log = logging.getLogger(__name__)

APPLICATION_ID = 0x54434154  # "TCAT": tells our files from any other SQLite database
BUSY_TIMEOUT_MS = 5000
READ_BUSY_TIMEOUT_MS = 1000
"""Read-only opens (the kiosk) wait less: in WAL mode a reader is only ever blocked by some
other tool's exclusive lock, and a visitor should hear "unavailable" within a second, not
five."""

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

MIGRATIONS: tuple[str, ...] = (_V1, _V2)
"""Schema scripts; version N is the result of applying the first N.  Append, never edit."""

SCHEMA_VERSION = len(MIGRATIONS)


def _ro_uri(path: Path) -> str:
    return "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"


def _fts_values(record: Record) -> tuple[str, str, str, str]:
    title = " ".join(t for t in (record.title, record.subtitle, record.part) if t)
    people = " ; ".join(record.authors + record.narrators)
    series = record.series or ""
    subjects = " ; ".join(record.subjects + record.genres)
    return title, people, series, subjects


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
"""One encoder for every record: ``json.dumps`` with options builds a new one per call."""


def prepare_record(
    record: Record,
) -> tuple[str, str, str | None, str, tuple[str, str, str, str]]:
    """What :meth:`Catalog.put_prepared` writes: id, kind, language, JSON, full-text values."""
    data = _JSON.encode(record_to_dict(record))
    return record.id, record.kind, record.language, data, _fts_values(record)


_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """Turn what a person typed into a safe FTS5 query: every word must match, as a prefix.

    Each word is quoted, so FTS5 syntax in the input (``AND``, ``"``, ``*``, ``:``) is data.
    """
    words = _WORD.findall(text)
    if not words:
        return None
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


@translates_sqlite_errors
class Catalog:
    """An open catalogue file.  Use :meth:`open`; close with :meth:`close` or ``with``."""

    def __init__(self, conn: sqlite3.Connection, path: Path, readonly: bool) -> None:
        self._conn = conn
        self._lock = threading.RLock()
        self.path = path
        self.readonly = readonly
        self.migrated_from: int | None = None
        """Schema version found when a writable open applied migrations (0: new file)."""
        self.last_rowid = 0
        """Rowid of the record the last ``put_*`` wrote (an import tells duplicates by it)."""

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False) -> Catalog:
        """Open a catalogue.  Read-only never writes and refuses an older schema.

        A writable open creates the file when it is absent and applies pending migrations.
        Raises ``CatalogError`` saying what is wrong with the file and what to do.
        """
        path = Path(path)
        if readonly:
            return cls._open_readonly(path)
        return cls._open_writable(path)

    @classmethod
    def _open_readonly(cls, path: Path) -> Catalog:
        if not path.exists():
            raise CatalogError(
                f"{path}: no catalogue file here -"
                f" create one with `talkcat import FILE --db {path}`"
            )
        try:
            conn = sqlite3.connect(
                _ro_uri(path),
                uri=True,
                check_same_thread=False,
                timeout=READ_BUSY_TIMEOUT_MS / 1000,
            )
        except sqlite3.Error as exc:
            raise CatalogError(f"{path}: cannot open the catalogue: {exc}") from exc
        try:
            _app_id, version = cls._header(conn, path)
            if version < SCHEMA_VERSION:
                raise CatalogError(
                    f"{path}: catalogue schema version {version} is older than this program's"
                    f" ({SCHEMA_VERSION}); run `talkcat catalog upgrade --db {path}` first"
                )
        except BaseException:
            conn.close()
            raise
        return cls(conn, path, readonly=True)

    @staticmethod
    def _header(conn: sqlite3.Connection, path: Path) -> tuple[int, int]:
        """Read application id and schema version (two header fields), validating both."""
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise CatalogError(f"{path}: not a readable catalogue file ({exc})") from exc
        if app_id != APPLICATION_ID or version == 0:
            raise CatalogError(
                f"{path}: this is not a Talking Catalogue database"
                f" (application id {app_id:#x}, schema version {version})"
            )
        if version > SCHEMA_VERSION:
            raise CatalogError(
                f"{path}: catalogue schema version {version} was written by a newer Talking"
                f" Catalogue (this one knows up to {SCHEMA_VERSION}); upgrade the program"
            )
        return app_id, version

    @classmethod
    def _open_writable(cls, path: Path) -> Catalog:
        if path.is_dir():
            raise CatalogError(f"{path}: is a directory, expected a catalogue file")
        if not path.parent.exists():
            raise CatalogError(f"{path}: folder {path.parent} does not exist")
        fresh = not path.exists() or path.stat().st_size == 0
        try:
            conn = sqlite3.connect(
                str(path),
                check_same_thread=False,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,  # we issue BEGIN/COMMIT ourselves
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
        except sqlite3.Error as exc:
            raise CatalogError(f"{path}: cannot open the catalogue for writing: {exc}") from exc
        catalog = cls(conn, path, readonly=False)
        try:
            if fresh:
                conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            else:
                cls._header(conn, path)
            catalog.migrated_from = catalog.migrate()[0]
        except BaseException:
            conn.close()
            raise
        return catalog

    def migrate(self) -> tuple[int, int]:
        """Apply pending migrations in one transaction; return (old, new) schema version."""
        with self._lock:
            old = self.schema_version()
            if old == SCHEMA_VERSION:
                return old, old
            if self.readonly:
                raise CatalogError(f"{self.path}: opened read-only, cannot upgrade")
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
                for version in range(old, SCHEMA_VERSION):
                    log.info("%s: migrating schema %d -> %d", self.path, version, version + 1)
                    for statement in _statements(MIGRATIONS[version]):
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            return old, SCHEMA_VERSION

    def schema_version(self) -> int:
        with self._lock:
            return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ reading

    def lookup(self, identifier: Identifier) -> Record | Label | None:
        """The record or label a normalised identifier belongs to, or ``None``.

        When the identifier is the barcode of a withdrawn or lost copy, the record comes back
        with ``available=False`` whatever its other copies say: that copy is not on loan.
        """
        with self._lock:
            row = self._conn.execute(
                "SELECT i.target, i.record_id, i.available, r.data FROM identifiers AS i"
                " LEFT JOIN records AS r ON r.id = i.record_id WHERE i.key = ?",
                (identifier.value,),
            ).fetchone()
            if row is None:
                return None
            target, record_id, available, data = row
            if target == "label":
                return self._label(record_id)
        if data is None:
            log.warning("identifier %s points at missing record %s", identifier.value, record_id)
            return None
        record = record_from_dict(json.loads(data))
        if available == 0 and record.available:
            record = replace(record, available=False)
        return record

    def _label(self, label_id: str) -> Label | None:
        row = self._conn.execute(
            "SELECT id, text, lang FROM labels WHERE id = ?", (label_id,)
        ).fetchone()
        return Label(*row) if row else None

    def get(self, record_id: str) -> Record | None:
        """The record with this catalogue id, or ``None``."""
        with self._lock:
            row = self._conn.execute(
                "SELECT data FROM records WHERE id = ?", (record_id,)
            ).fetchone()
        return record_from_dict(json.loads(row[0])) if row else None

    def get_label(self, label_id: str) -> Label | None:
        with self._lock:
            return self._label(label_id)

    def search(self, text: str, limit: int = 20) -> list[Record]:
        """Records whose title, people, series or subjects contain every word (as a prefix).

        Diacritics are folded on both sides, so "ostergren" finds "Östergren".
        """
        query = fts_query(text)
        if query is None:
            return []
        with self._lock:
            rows = self._conn.execute(
                "SELECT r.data FROM records_fts AS f JOIN records AS r ON r.rowid = f.rowid"
                " WHERE records_fts MATCH ? ORDER BY f.rank LIMIT ?",
                (query, int(limit)),
            ).fetchall()
        return [record_from_dict(json.loads(data)) for (data,) in rows]

    def records(self) -> Iterator[Record]:
        """Every record in catalogue order, streamed (for export)."""
        last = 0
        while True:
            with self._lock:
                rows = self._conn.execute(
                    "SELECT rowid, data FROM records WHERE rowid > ? ORDER BY rowid LIMIT 500",
                    (last,),
                ).fetchall()
            if not rows:
                return
            for rowid, data in rows:
                last = rowid
                yield record_from_dict(json.loads(data))

    def records_with_keys(self) -> Iterator[tuple[Record, list[str]]]:
        """Every record with its keys beyond its ISBNs, barcodes and RFIDs (EANs, ISSNs...),
        so an export can be re-imported without losing a way in."""
        for record in self.records():
            with self._lock:
                keys = [
                    k
                    for (k,) in self._conn.execute(
                        "SELECT key FROM identifiers WHERE record_id = ? AND target = 'record'"
                        " ORDER BY key",
                        (record.id,),
                    )
                ]
            known = set(record.isbns) | set(record.barcodes) | set(record.rfids)
            yield record, [k for k in keys if k not in known]

    def keys_of(self, record_id: str) -> list[str]:
        """Every key leading to this record."""
        with self._lock:
            return [
                k
                for (k,) in self._conn.execute(
                    "SELECT key FROM identifiers WHERE record_id = ? AND target = 'record'",
                    (record_id,),
                )
            ]

    def unavailable_keys_of(self, record_id: str) -> set[str]:
        """Keys of this record's withdrawn or lost copies."""
        with self._lock:
            return {
                k
                for (k,) in self._conn.execute(
                    "SELECT key FROM identifiers WHERE record_id = ? AND target = 'record'"
                    " AND available = 0",
                    (record_id,),
                )
            }

    def labels(self) -> list[tuple[Label, list[str]]]:
        """Every label with the keys that lead to it (for export)."""
        with self._lock:
            rows = self._conn.execute("SELECT id, text, lang FROM labels ORDER BY id").fetchall()
            out = []
            for row in rows:
                keys = [
                    k
                    for (k,) in self._conn.execute(
                        "SELECT key FROM identifiers WHERE record_id = ? AND target = 'label'"
                        " ORDER BY key",
                        (row[0],),
                    )
                ]
                out.append((Label(*row), keys))
        return out

    def stats(self) -> dict[str, Any]:
        """Counts by kind and language, identifiers, labels, last import and schema version."""
        with self._lock:
            c = self._conn
            meta = dict(c.execute("SELECT key, value FROM meta").fetchall())
            return {
                "path": str(self.path),
                "schema_version": self.schema_version(),
                "records": c.execute("SELECT count(*) FROM records").fetchone()[0],
                "identifiers": c.execute("SELECT count(*) FROM identifiers").fetchone()[0],
                "labels": c.execute("SELECT count(*) FROM labels").fetchone()[0],
                "by_kind": dict(
                    c.execute(
                        "SELECT kind, count(*) FROM records GROUP BY kind ORDER BY count(*) DESC"
                    ).fetchall()
                ),
                "by_language": dict(
                    c.execute(
                        "SELECT coalesce(language, '?'), count(*) FROM records"
                        " GROUP BY language ORDER BY count(*) DESC"
                    ).fetchall()
                ),
                "last_import": json.loads(meta["last_import"]) if "last_import" in meta else None,
            }

    def check(self, *, full: bool = False) -> list[str]:
        """``PRAGMA quick_check`` (or ``integrity_check``); an empty list means healthy."""
        pragma = "integrity_check" if full else "quick_check"
        with self._lock:
            try:
                rows = [r[0] for r in self._conn.execute(f"PRAGMA {pragma}")]
            except sqlite3.DatabaseError as exc:
                return [str(exc)]
        return [] if rows == ["ok"] else rows

    # ------------------------------------------------------------------ writing

    @contextmanager
    def transaction(self) -> Iterator[Catalog]:
        """One write transaction: committed on success, rolled back on any exception."""
        if self.readonly:
            raise CatalogError(f"{self.path}: opened read-only")
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def clear(self) -> int:
        """Delete every record, label and key (inside the caller's transaction)."""
        c = self._conn
        count = c.execute("SELECT count(*) FROM records").fetchone()[0]
        c.execute("DELETE FROM identifiers")
        c.execute("DELETE FROM records")
        c.execute("DELETE FROM labels")
        c.execute("DELETE FROM records_fts")
        return int(count)

    def put_record(
        self,
        record: Record,
        keys: Iterable[str],
        unavailable: Iterable[str] = (),
    ) -> bool:
        """Insert or replace a record and its keys; ``True`` if it was new.

        The record's old keys are dropped first, so a barcode moved to another record or an
        ISBN corrected in the source does not leave a stale way in.  A key shared with another
        record (two bibs with one ISBN) goes to the record written last.
        """
        return self.put_prepared(prepare_record(record), keys, unavailable)

    def put_prepared(
        self,
        prepared: tuple[str, str, str | None, str, tuple[str, str, str, str]],
        keys: Iterable[str],
        unavailable: Iterable[str] = (),
    ) -> bool:
        """:meth:`put_record` for a record already serialised by :func:`prepare_record` (an
        import's parse worker does that part, so the writer only writes)."""
        c = self._conn
        record_id, kind, language, data, fts = prepared
        row = c.execute("SELECT rowid FROM records WHERE id = ?", (record_id,)).fetchone()
        if row is None:
            rowid = c.execute(
                "INSERT INTO records (id, kind, language, data) VALUES (?, ?, ?, ?)",
                (record_id, kind, language, data),
            ).lastrowid
        else:
            rowid = row[0]
            c.execute(
                "UPDATE records SET kind = ?, language = ?, data = ? WHERE rowid = ?",
                (kind, language, data, rowid),
            )
            c.execute(
                "DELETE FROM identifiers WHERE record_id = ? AND target = 'record'", (record_id,)
            )
            c.execute("DELETE FROM records_fts WHERE rowid = ?", (rowid,))
        self.last_rowid = rowid
        c.execute(
            "INSERT INTO records_fts (rowid, title, authors, series, subjects)"
            " VALUES (?, ?, ?, ?, ?)",
            (rowid, *fts),
        )
        off = set(unavailable)
        c.executemany(
            "INSERT OR REPLACE INTO identifiers (key, record_id, target, available)"
            " VALUES (?, ?, 'record', ?)",
            [(k, record_id, 0 if k in off else None) for k in dict.fromkeys(keys)],
        )
        return row is None

    def delete_record(self, record_id: str) -> bool:
        """Remove a record and its keys; ``True`` if it existed."""
        c = self._conn
        row = c.execute("SELECT rowid FROM records WHERE id = ?", (record_id,)).fetchone()
        if row is None:
            return False
        c.execute("DELETE FROM identifiers WHERE record_id = ? AND target = 'record'", (record_id,))
        c.execute("DELETE FROM records_fts WHERE rowid = ?", (row[0],))
        c.execute("DELETE FROM records WHERE rowid = ?", (row[0],))
        return True

    def put_label(self, label: Label, keys: Iterable[str]) -> bool:
        """Insert or replace a label and the keys (tags) that lead to it; ``True`` if new."""
        c = self._conn
        existed = c.execute("SELECT 1 FROM labels WHERE id = ?", (label.id,)).fetchone()
        c.execute(
            "INSERT OR REPLACE INTO labels (id, text, lang) VALUES (?, ?, ?)",
            (label.id, label.text, label.lang),
        )
        c.execute("DELETE FROM identifiers WHERE record_id = ? AND target = 'label'", (label.id,))
        c.executemany(
            "INSERT OR REPLACE INTO identifiers (key, record_id, target) VALUES (?, ?, 'label')",
            [(k, label.id) for k in dict.fromkeys(keys)],
        )
        return existed is None

    def written_once(self) -> WrittenOnce:
        """A tracker of the records this import writes, on this writer's connection."""
        return WrittenOnce(self._conn)

    def set_meta(self, key: str, value: Any) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            (key, json.dumps(value, ensure_ascii=False)),
        )


def _statements(script: str) -> list[str]:
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
