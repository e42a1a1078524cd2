"""What the console knows between requests: its settings and the figures it keeps fresh.

Figures that are slow to get at a million items (counts by kind, the doctor's checks, which
start a speech engine and open the sound device) are computed in the background and cached;
a page shows the cached figure and its age, so the dashboard answers in milliseconds while the
numbers stay at most a minute old.  The catalogue's counts are recomputed only when the file
changed (SQLite's ``data_version`` moves when another connection commits).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from catalog.errors import CatalogError
from catalog.harvest import last_harvest
from catalog.missing import MissingCounter
from catalog.store import Catalog

log = logging.getLogger(__name__)

HEALTH_INTERVAL = 300.0
"""Seconds between runs of the doctor's checks (its catalogue quick_check reads every page)."""


@dataclass(frozen=True)
class Settings:
    """The console's configuration, from ``kiosk.toml`` and the command line."""

    db: Path
    password_hash: str
    host: str = "127.0.0.1"
    port: int = 8080
    language: str = "sv"
    phrases_dir: str | None = None
    missing_state: str | None = None
    transcript: str | None = None
    speech_engine: str = "pyttsx3"
    speech_rate: int = 160
    verbose: bool = True
    max_upload_bytes: int = 512 * 1024 * 1024
    tls_cert: str | None = None
    tls_key: str | None = None
    session_minutes: int = 15
    work_dir: Path | None = None
    """Where uploads and reports are kept while the console runs (a private temp folder)."""

    @property
    def tls(self) -> bool:
        return bool(self.tls_cert and self.tls_key)


@dataclass
class HealthLine:
    status: str  # OK, WARN, FAIL
    what: str
    fix: str = ""


class Health:
    """The doctor's checks, re-run in the background every ``interval`` seconds."""

    def __init__(self, run: Callable[[], list[HealthLine]], interval: float = HEALTH_INTERVAL):
        self._run = run
        self.interval = interval
        self.lines: list[HealthLine] = []
        self.checked_at: float | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="console-health", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def refresh_now(self) -> None:
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                lines = self._run()
            except Exception as exc:  # a broken check must not end the loop
                lines = [HealthLine("FAIL", f"health checks: {type(exc).__name__}: {exc}")]
            with self._lock:
                self.lines, self.checked_at = lines, time.time()
            self._wake.wait(self.interval)
            self._wake.clear()

    def snapshot(self) -> tuple[list[HealthLine], float | None]:
        with self._lock:
            return list(self.lines), self.checked_at

    def counts(self) -> dict[str, int]:
        lines, _ = self.snapshot()
        return {s: sum(1 for line in lines if line.status == s) for s in ("OK", "WARN", "FAIL")}


class CatalogueFigures:
    """``Catalog.stats()`` and the last harvest, cached until the catalogue file changes."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._version: tuple[int, int, int] | None = None
        self._stats: dict[str, Any] | None = None
        self.error: str | None = None
        self._refreshing = False

    def _data_version(self) -> tuple[int, int, int] | None:
        try:
            st = self.db.stat()
        except OSError:
            return None
        try:
            if self._conn is None:
                self._conn = sqlite3.connect(
                    f"file:{self.db}?mode=ro", uri=True, check_same_thread=False, timeout=1
                )
            version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error:
            self._conn = None
            return None
        return st.st_ino, st.st_dev, int(version)

    def get(self) -> dict[str, Any] | None:
        """The figures (possibly a moment old while a recount runs), or None if unreadable."""
        with self._lock:
            version = self._data_version()
            fresh = version is not None and version == self._version
            if fresh or (self._stats is not None and self._refreshing):
                return self._stats
            if self._stats is not None and version is not None:
                self._refreshing = True  # serve the old figures, recount in the background
                threading.Thread(target=self._recount, args=(version,), daemon=True).start()
                return self._stats
        self._recount(version)
        return self._stats

    def _recount(self, version: tuple[int, int, int] | None) -> None:
        try:
            with Catalog.open(self.db, readonly=True) as catalog:
                stats = catalog.stats()
                stats["last_harvest"] = last_harvest(catalog)
            error = None
        except CatalogError as exc:
            stats, error = None, str(exc)
        with self._lock:
            self._stats, self.error, self._version = stats, error, version
            self._refreshing = False


def event_age(info: Any) -> float | None:
    """Seconds since an import/harvest record's ``time`` (ISO 8601), or None."""
    if not isinstance(info, dict):
        return None
    stamp = info.get("time") or info.get("finished") or info.get("at")
    if not isinstance(stamp, str):
        return None
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.astimezone()
    return max(0.0, time.time() - when.timestamp())


class ScansToday:
    """Scans answered today, counted from the transcript (no visitor data is kept here).

    The transcript has no "scan" event, so a scan is a ``speak`` event for a record or label
    (an ``item``) that differs from the previous one, or the "not found" message.
    """

    def __init__(self, transcript: str | None, not_found_texts: set[str]) -> None:
        self.path = Path(transcript) if transcript else None
        self.not_found = not_found_texts
        self._key: tuple[int, float, str] | None = None
        self._value = 0
        self._lock = threading.Lock()

    def count(self) -> int | None:
        if self.path is None:
            return None
        try:
            st = self.path.stat()
        except OSError:
            return 0
        today = date.today().isoformat()
        key = (st.st_size, st.st_mtime, today)
        with self._lock:
            if key != self._key:
                self._value, self._key = self._count(today), key
            return self._value

    def _count(self, today: str) -> int:
        count, last_item = 0, None
        assert self.path is not None
        try:
            with open(self.path, encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    if not line.startswith('{"time": "' + today):
                        continue
                    try:
                        event = json.loads(line)
                    except ValueError:
                        continue
                    if event.get("event") != "speak":
                        continue
                    item = event.get("item")
                    new_item = bool(item) and item != last_item
                    if new_item or (not item and event.get("text") in self.not_found):
                        count += 1
                    last_item = item or last_item
        except OSError:
            return 0
        return count


def missing_counts(state: str | None, limit: int | None = None) -> list[tuple[str, int]] | None:
    """The not-found counts, most scanned first; None when no state file is configured."""
    if not state:
        return None
    if not Path(state).exists():
        return []
    try:
        with MissingCounter(state) as counter:
            counts = counter.counts()
    except CatalogError as exc:
        log.warning("not-found state %s unreadable: %s", state, exc)
        return []
    return counts[:limit] if limit else counts


@dataclass
class Flash:
    """A one-time message for the next page (after a redirect)."""

    text: str
    kind: str = "status"  # status or alert
    extra: dict[str, Any] = field(default_factory=dict)
