"""Identifiers the kiosk could not find, counted, so staff learn what to catalogue or re-tag.

Kept in a small state file of its own (SQLite), never in the catalogue: ``run`` must not
write the catalogue, and a refresh must not lose these counts.  Counts only - no times, no
order of scans - so nothing here can say when a visitor was at the kiosk.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import unicodedata
from pathlib import Path

from catalog.errors import CatalogError, translates_sqlite_errors

log = logging.getLogger(__name__)

MAX_IDENTIFIER = 64
"""Longer text is cut: a noisy line must not grow the file, and nothing real is longer."""


@translates_sqlite_errors
class MissingCounter:
    """``record(text)`` counts one unfound scan; ``counts()`` lists them, most frequent first.

    Safe to use from any thread; several processes may share the file (WAL, busy timeout).
    """

    def __init__(self, state_path: str | Path) -> None:
        self.path = Path(state_path)
        self._lock = threading.Lock()
        self._last_failure: str | None = None
        try:
            self._conn = sqlite3.connect(
                str(self.path), check_same_thread=False, timeout=5.0, isolation_level=None
            )
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS missing"
                " (identifier TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID"
            )
        except sqlite3.Error as exc:
            raise CatalogError(f"{self.path}: cannot open the not-found counter: {exc}") from exc

    @staticmethod
    def _clean(text: str) -> str:
        kept = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))
        return kept.strip()[:MAX_IDENTIFIER]

    def record(self, identifier_text: str) -> None:
        """Count one scan of ``identifier_text`` that the catalogue did not know."""
        key = self._clean(identifier_text)
        if not key:
            return
        with self._lock:
            try:
                self._conn.execute(
                    "INSERT INTO missing (identifier, count) VALUES (?, 1)"
                    " ON CONFLICT(identifier) DO UPDATE SET count = count + 1",
                    (key,),
                )
            except sqlite3.Error as exc:
                # Disk full or made read-only under a running kiosk: counting is a nicety,
                # so the scan is still answered; say it once per kind of failure.
                if str(exc) != self._last_failure:
                    log.warning("%s: unfound scan not counted: %s", self.path, exc)
                self._last_failure = str(exc)
                return
            self._last_failure = None

    def counts(self) -> list[tuple[str, int]]:
        """``(identifier, count)`` pairs, most frequent first, then by identifier."""
        with self._lock:
            try:
                rows = self._conn.execute(
                    "SELECT identifier, count FROM missing ORDER BY count DESC, identifier"
                ).fetchall()
            except sqlite3.Error as exc:
                raise CatalogError(
                    f"{self.path}: cannot read the not-found counter: {exc}"
                ) from exc
        return [(str(i), int(c)) for i, c in rows]

    def clear(self) -> None:
        """Forget every count (after staff have dealt with them)."""
        with self._lock:
            self._conn.execute("DELETE FROM missing")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> MissingCounter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
