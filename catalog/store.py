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

import functools
import json
import logging
import sqlite3
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from catalog import claims, schema
from catalog.damage import damaged, read_error, unreadable
from catalog.errors import CatalogError, translates_sqlite_errors
from catalog.harvest_book import HarvestBook
from catalog.identifiers import Identifier
from catalog.lock import LOCK_WAIT_S, WriterLock
from catalog.paged_search import fts_query, search_page
from catalog.records import Label, Record, record_from_dict
from catalog.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, database
from catalog.writes import Writes, prepare_record, write_error

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
READ_BUSY_TIMEOUT_MS = 1000
"""Read-only opens (the kiosk) wait less: in WAL mode a reader is only ever blocked by some
other tool's exclusive lock, and a visitor should hear "unavailable" within a second, not
five."""

__all__ = [
    "APPLICATION_ID",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Catalog",
    "fts_query",
    "prepare_record",
]


def _ro_uri(path: Path) -> str:
    return "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"


_T = TypeVar("_T")


def _reads(method: Callable[..., _T]) -> Callable[..., _T]:
    """An SQLite error while reading (a damaged file) becomes one ``CatalogError``."""

    @functools.wraps(method)
    def reading(self: Catalog, *args: Any, **kwargs: Any) -> _T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise read_error(self.path, exc) from exc

    return reading


@translates_sqlite_errors
class Catalog(Writes, HarvestBook):
    """An open catalogue file.  Use :meth:`open`; close with :meth:`close` or ``with``."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        readonly: bool,
        writer_lock: WriterLock | None = None,
    ) -> None:
        self._conn = conn
        self._writer_lock = writer_lock
        self._lock = threading.RLock()
        self.path = path
        self.readonly = readonly
        self.migrated_from: int | None = None
        """Schema version found when a writable open applied migrations (0: new file)."""
        self.last_rowid = 0
        """Rowid of the record the last ``put_*`` wrote (an import tells duplicates by it)."""
        self.last_moved = []

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        readonly: bool = False,
        wait: float = LOCK_WAIT_S,
        locked: WriterLock | None = None,
    ) -> Catalog:
        """Open a catalogue.  Read-only never writes and refuses an older schema.

        A writable open takes the catalogue's writer lock (:mod:`catalog.lock`; waiting up to
        ``wait`` seconds for another writer, then naming it) - unless the caller holds it
        already (``locked``, from :meth:`lock_for_writing`; it stays the caller's to release)
        - creates the file when it is absent and applies pending migrations.  Raises
        ``CatalogError`` saying what is wrong with the file and what to do.
        """
        path = Path(path)
        if readonly:
            return cls._open_readonly(path)
        return cls._open_writable(path, wait, locked)

    @staticmethod
    def lock_for_writing(path: Path, wait: float = LOCK_WAIT_S) -> WriterLock:
        """The writer lock of the catalogue at ``path``, taken (see :meth:`open`)."""
        if path.is_dir():
            raise CatalogError(f"{path}: is a directory, expected a catalogue file")
        if not path.parent.exists():
            raise CatalogError(f"{path}: folder {path.parent} does not exist")
        writer_lock = WriterLock(path)
        writer_lock.acquire(wait)
        return writer_lock

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
            raise unreadable(path, exc, "not a readable catalogue file") from exc
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
    def _open_writable(cls, path: Path, wait: float, locked: WriterLock | None) -> Catalog:
        writer_lock = cls.lock_for_writing(path, wait) if locked is None else None
        try:
            fresh = not path.exists() or path.stat().st_size == 0
            try:
                conn = sqlite3.connect(
                    str(path),
                    check_same_thread=False,
                    timeout=BUSY_TIMEOUT_MS / 1000,
                    isolation_level=None,  # we issue BEGIN/COMMIT ourselves
                )
            except sqlite3.Error as exc:
                raise CatalogError(f"{path}: cannot open the catalogue for writing: {exc}") from exc
        except BaseException:
            if writer_lock is not None:
                writer_lock.release()
            raise
        catalog = cls(conn, path, readonly=False, writer_lock=writer_lock)
        try:
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=FULL")
            except sqlite3.Error as exc:
                what = "cannot open the catalogue for writing"
                raise unreadable(path, exc, what) from exc
            if not fresh:
                cls._header(conn, path)
            catalog.migrated_from = catalog.migrate()[0]
        except BaseException:
            catalog.close()
            raise
        return catalog

    def migrate(self) -> tuple[int, int]:
        """Create the schema in a new file, or apply pending migrations, in one transaction;
        return (old, new) schema version (old 0: a new file)."""
        with self._lock:
            old = self.schema_version()
            if old == SCHEMA_VERSION:
                return old, old
            if self.readonly:
                raise CatalogError(f"{self.path}: opened read-only, cannot upgrade")
            with self.transaction():
                if old == 0:
                    schema.create(self._conn)
                else:
                    schema.upgrade(self._conn, self.path, old)
            return old, SCHEMA_VERSION

    def schema_version(self) -> int:
        with self._lock:
            return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        """Close the connection and drop the writer lock (idempotent)."""
        with self._lock:
            self._conn.close()
            if self._writer_lock is not None:
                self._writer_lock.release()

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
            try:
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
            except sqlite3.Error as exc:
                raise read_error(self.path, exc) from exc
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

    @_reads
    def get(self, record_id: str) -> Record | None:
        """The record with this catalogue id, or ``None``."""
        with self._lock:
            row = self._conn.execute(
                "SELECT data FROM records WHERE id = ?", (record_id,)
            ).fetchone()
        return record_from_dict(json.loads(row[0])) if row else None

    @_reads
    def ids_ending(self, suffix: str, limit: int = 2) -> list[str]:
        """Record ids that end with ``suffix`` (":r1"): the bibliographic record of a MARC
        holdings record whose 004 came without the 003 its record has.  A scan, so only
        for that rare case."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT id FROM records WHERE substr(id, -?) = ? LIMIT ?",
                (len(suffix), suffix, limit),
            ).fetchall()
        return [row[0] for row in rows]

    @_reads
    def get_label(self, label_id: str) -> Label | None:
        with self._lock:
            return self._label(label_id)

    @_reads
    def search(self, text: str, limit: int = 20) -> list[Record]:
        """Records whose title, people, series or subjects contain every word (as a prefix).

        Diacritics are folded on both sides, so "ostergren" finds "Östergren".  The first page
        of :func:`catalog.paged_search.search_page`: the console's search, bounded in cost.
        """
        return search_page(self, text, 0, limit)[0]

    @_reads
    def search_page(
        self, text: str, offset: int = 0, limit: int = 20
    ) -> tuple[list[Record], int, bool]:
        """``(records, matches, ranked)`` of :func:`catalog.paged_search.search_page`."""
        return search_page(self, text, offset, limit)

    def records(self) -> Iterator[Record]:
        """Every record in catalogue order, streamed (for export) with sqlite-utils'
        ``rows_where``, a page at a time so the lock is never held between pages."""
        table = database(self._conn).table("records")
        last = 0
        while True:
            with self._lock:
                try:
                    rows = list(
                        table.rows_where(
                            "rowid > ?", [last], select="rowid, data", order_by="rowid", limit=500
                        )
                    )
                except sqlite3.Error as exc:
                    raise read_error(self.path, exc) from exc
            if not rows:
                return
            for row in rows:
                last = row["rowid"]
                try:
                    record = record_from_dict(json.loads(row["data"]))
                except (ValueError, TypeError) as exc:
                    raise damaged(self.path, f"record {last}: {exc}") from exc
                yield record

    def records_with_keys(self) -> Iterator[tuple[Record, list[str]]]:
        """Every record with its keys beyond its ISBNs, barcodes and RFIDs (EANs, ISSNs...),
        so an export can be re-imported without losing a way in."""
        for record in self.records():
            keys = self.keys_of(record.id, ordered=True)
            known = set(record.isbns) | set(record.barcodes) | set(record.rfids)
            yield record, [k for k in keys if k not in known]

    @_reads
    def keys_of(self, record_id: str, *, ordered: bool = False) -> list[str]:
        """Every key leading to this record (sorted when ``ordered``)."""
        order = " ORDER BY key" if ordered else ""
        with self._lock:
            return [
                k
                for (k,) in self._conn.execute(
                    "SELECT key FROM identifiers WHERE record_id = ? AND target = 'record'" + order,
                    (record_id,),
                )
            ]

    @_reads
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

    @_reads
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

    @_reads
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
        """``PRAGMA quick_check`` (or ``integrity_check``), then the ISBNs, barcodes, RFID
        tags and other keys records claim that lead nowhere (:mod:`catalog.claims`); an
        empty list means healthy."""
        pragma = "integrity_check" if full else "quick_check"
        with self._lock:
            try:
                rows = [r[0] for r in self._conn.execute(f"PRAGMA {pragma}")]
                if rows == ["ok"]:
                    rows = []
                    if unheld := claims.unheld(self._conn):
                        kinds = ", ".join(f"{n} {kind}" for kind, n in unheld.items())
                        rows.append(
                            f"{kinds} that records list lead to no record (scanning them"
                            " finds nothing): import those records' file again"
                        )
            except sqlite3.DatabaseError as exc:
                return [str(exc)]
        return rows

    # ------------------------------------------------------------------ writing

    @contextmanager
    def transaction(self) -> Iterator[Catalog]:
        """One write transaction: committed on success, rolled back on any exception.

        An SQLite error inside it (disk full, a damaged file, another program's lock) comes
        out as one ``CatalogError`` saying nothing was saved - SQLite may already have rolled
        back by itself, which once made a second traceback ("cannot rollback - no
        transaction is active").
        """
        if self.readonly:
            raise CatalogError(f"{self.path}: opened read-only")
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise write_error(self.path, exc) from exc
            try:
                yield self
                self._conn.execute("COMMIT")
            except BaseException as exc:
                if self._conn.in_transaction:
                    with suppress(sqlite3.Error):
                        self._conn.execute("ROLLBACK")
                cause = exc.__cause__ if isinstance(exc, CatalogError) else exc
                if isinstance(cause, sqlite3.Error):  # raw, or translated without the context
                    raise write_error(self.path, cause) from cause
                raise
