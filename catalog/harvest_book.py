"""The catalogue's harvest bookkeeping: where each repository's harvest got to, and which
record each OAI identifier became.

A mixin of :class:`catalog.store.Catalog`, like :mod:`catalog.writes`, so the harvest talks to
the catalogue through public methods on the one connection and lock the store owns, rather
than through its private connection.  The tables are :data:`catalog.schema._V3`'s
``harvest_state`` (one JSON document per repository and set) and ``harvested``.  The writing
methods run inside the caller's ``Catalog.transaction()``, so a page's records and the point
it reached are committed together.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Mapping
from typing import Any

from catalog.errors import translates_sqlite_errors

_IN_CHUNK = 500
"""OAI identifiers per ``IN (...)`` query: well under SQLite's 999-parameter floor."""

_GONE = (
    "SELECT id FROM records WHERE id NOT IN"
    " (SELECT record_id FROM harvested WHERE source = ? AND run = ?)"
    " AND id NOT IN (SELECT record_id FROM harvested WHERE source <> ?)"
)
"""The records a full run (source, run) did not see, that no other source holds."""


@translates_sqlite_errors
class HarvestBook:
    """The harvest methods of :class:`catalog.store.Catalog`."""

    _conn: sqlite3.Connection
    _lock: threading.RLock
    delete_record: Callable[[str], bool]  # catalog.writes.Writes.delete_record

    def harvest_states(self) -> list[dict[str, Any]]:
        """Every repository's (and set's) harvest state, ordered by source: for ``catalog
        stats`` and ``doctor``, on a read-only catalogue too."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT state FROM harvest_state ORDER BY source"
            ).fetchall()
        return [json.loads(raw) for (raw,) in rows]

    def harvest_state(self, source: str) -> dict[str, Any]:
        """One source's state (empty when it was never harvested)."""
        with self._lock:
            row = self._conn.execute(
                "SELECT state FROM harvest_state WHERE source = ?", (source,)
            ).fetchone()
        return json.loads(row[0]) if row else {}

    def save_harvest_state(self, source: str, state: Mapping[str, Any]) -> None:
        """Store ``state`` for ``source`` (inside the caller's transaction)."""
        self._conn.execute(
            "INSERT OR REPLACE INTO harvest_state (source, state) VALUES (?, ?)",
            (source, json.dumps(state, ensure_ascii=False)),
        )

    def move_harvest_source(
        self, old: str, new: str, fix: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> bool:
        """Move ``old``'s state (passed through ``fix``) and identifiers to the key ``new``,
        unless ``new`` has its own state already; either way ``old`` is gone after (inside
        the caller's transaction).  ``secure_delete`` overwrites the rows taken out, so the
        old key - a URL with a password - is not left readable in the file's free pages."""
        with self._lock:
            row = self._conn.execute(
                "SELECT state FROM harvest_state WHERE source = ?", (old,)
            ).fetchone()
            if row is None:
                return False
            (secure,) = self._conn.execute("PRAGMA secure_delete").fetchone()
            self._conn.execute("PRAGMA secure_delete = ON")
            exists = self._conn.execute(
                "SELECT 1 FROM harvest_state WHERE source = ?", (new,)
            ).fetchone()
            if not exists:
                self.save_harvest_state(new, fix(json.loads(row[0])))
                self._conn.execute(
                    "UPDATE OR IGNORE harvested SET source = ? WHERE source = ?", (new, old)
                )
            self._conn.execute("DELETE FROM harvested WHERE source = ?", (old,))
            self._conn.execute("DELETE FROM harvest_state WHERE source = ?", (old,))
            self._conn.execute(f"PRAGMA secure_delete = {int(secure)}")
        return True

    def harvested_ids(self, source: str, oai_ids: list[str]) -> dict[str, str]:
        """Which record each of these OAI identifiers became, in one query per 500."""
        found: dict[str, str] = {}
        with self._lock:
            for at in range(0, len(oai_ids), _IN_CHUNK):
                chunk = oai_ids[at : at + _IN_CHUNK]
                marks = ",".join("?" * len(chunk))
                found.update(
                    self._conn.execute(
                        "SELECT oai_id, record_id FROM harvested"
                        f" WHERE source = ? AND oai_id IN ({marks})",
                        (source, *chunk),
                    ).fetchall()
                )
        return found

    def note_harvested(self, source: str, run: int, mapped: Mapping[str, str | None]) -> None:
        """Record what a page did to ``source``'s identifiers: ``oai_id -> record id`` seen in
        ``run``, or ``None`` for one the repository deleted (inside the caller's
        transaction)."""
        self._conn.execute(
            "DELETE FROM harvested WHERE source = ?"
            " AND oai_id IN (SELECT value FROM json_each(?))",
            (source, json.dumps([k for k, v in mapped.items() if v is None])),
        )
        self._conn.executemany(
            "INSERT OR REPLACE INTO harvested (source, oai_id, record_id, run)"
            " VALUES (?, ?, ?, ?)",
            [(source, k, v, run) for k, v in mapped.items() if v is not None],
        )

    def emptied_by(self, source: str, run: int) -> int:
        """How many records a full ``run`` of ``source`` that saw no record at all would
        remove (0 when it saw one): a repository answering "no records" by mistake (a renamed
        set, an index being rebuilt) must not empty the catalogue (hostile3-9)."""
        with self._lock:
            seen = self._conn.execute(
                "SELECT 1 FROM harvested WHERE source = ? AND run = ? LIMIT 1", (source, run)
            ).fetchone()
            if seen:
                return 0
            return int(
                self._conn.execute(
                    f"SELECT count(*) FROM ({_GONE})", (source, run, source)
                ).fetchone()[0]
            )

    def remove_unharvested(self, source: str, run: int) -> int:
        """After a full run of ``source``: remove the records it no longer has (not seen in
        ``run``, and not harvested from another repository or set); return how many.  Shelf
        labels, which no repository holds, are not records and stay."""
        gone = [r[0] for r in self._conn.execute(_GONE, (source, run, source)).fetchall()]
        for record_id in gone:
            self.delete_record(record_id)
        self._conn.execute("DELETE FROM harvested WHERE source = ? AND run <> ?", (source, run))
        return len(gone)
