"""The kiosk's read-only view of the catalogue, which survives the file coming and going.

Kept apart from the loop because it is about files, not visitors: it opens lazily, reopens
after a failure or when staff swap the file, and checks the file's health in the background.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

from catalog.damage import advice, remember_damage
from catalog.errors import CatalogError
from catalog.identifiers import Identifier
from catalog.records import Label, Record

log = logging.getLogger(__name__)


class CatalogSource:
    """Opens the catalogue read-only on first use, and again after a failure or a swap.

    The kiosk must keep its reader alive when the catalogue file is missing, damaged, busy or
    being replaced; a lookup then reports ``CatalogError`` and a later one tries again.  A
    staff import writes inside SQLite, which an open connection sees at once; but a file
    copied or renamed over the path is a *different* file, and the old connection would go
    on reading the unlinked one for ever.  So every use compares the path's device and inode
    (one ``stat``, a few microseconds) with those of the file that was opened, and reopens
    when they differ or the file has gone.
    """

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._catalog: Any = None
        self._opened_as: tuple[int, int] | None = None
        self.check_thread: threading.Thread | None = None
        self.check_problems: list[str] | None = None
        """Result of the last background check: [] healthy, None not run (or not finished)."""

    def _identity(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)  # type: ignore[arg-type]
        except OSError:
            return None
        return st.st_dev, st.st_ino

    def _open(self) -> Any:
        if self.path is None:
            raise CatalogError("no catalogue configured: give --db or [kiosk] db")
        identity = self._identity()
        if self._catalog is not None and identity != self._opened_as:
            log.warning("catalogue file %s was replaced or removed: reopening", self.path)
            self.close()
        if self._catalog is None:
            from catalog.store import Catalog

            self._catalog = Catalog.open(self.path, readonly=True)
            self._opened_as = identity
            log.info("catalogue %s open (read-only)", self.path)
        return self._catalog

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        catalog = self._open()
        try:
            return getattr(catalog, method)(*args, **kwargs)
        except CatalogError:
            self.close()
            raise
        except Exception as exc:  # sqlite3 errors from a file replaced or damaged under us
            self.close()
            raise CatalogError(f"{self.path}: {exc}") from exc

    def lookup(self, identifier: Identifier) -> Record | Label | None:
        """The catalogue's typed answer: a book, a shelf label or nothing."""
        hit: Record | Label | None = self._call("lookup", identifier)
        return hit

    def search(self, text: str, limit: int = 20) -> list[Record]:
        return self._call("search", text, limit)

    def stats(self) -> dict[str, Any]:
        return self._call("stats")

    def close(self) -> None:
        if self._catalog is not None:
            try:
                self._catalog.close()
            except Exception:
                log.exception("closing the catalogue failed")
            finally:
                self._catalog = None
                self._opened_as = None

    def check_in_background(self) -> threading.Thread | None:
        """Start ``PRAGMA quick_check`` on a connection of its own, off the loop thread.

        It reads every page - seconds on a large catalogue - so it cannot be part of start-up
        nor hold the lookup connection's lock; the verdict goes to the staff-facing log.
        """
        if self.path is None:
            return None
        self.check_problems = None
        thread = threading.Thread(target=self._quick_check, name="catalogue-check", daemon=True)
        thread.start()
        self.check_thread = thread
        return thread

    def _quick_check(self) -> None:
        from catalog.store import Catalog

        try:
            with Catalog.open(self.path, readonly=True) as catalog:  # type: ignore[arg-type]
                problems = catalog.check()
            if problems:  # damage, not a busy file: noted for the staff commands
                remember_damage(Path(self.path), "; ".join(p[:100] for p in problems[:3]))
        except CatalogError as exc:
            problems = [str(exc)]
        except Exception as exc:  # a check must never take the kiosk down
            log.exception("catalogue check could not run")
            problems = [f"{type(exc).__name__}: {exc}"]
        if problems:
            log.error(
                "CATALOGUE CHECK FAILED for %s: %s - scans may go unanswered; run"
                " `talkcat catalog check --db %s`, and %s",
                self.path, "; ".join(p[:300] for p in problems[:5]), self.path,
                advice(Path(self.path)),  # type: ignore[arg-type]
            )
        else:
            log.info("catalogue check: %s passed quick_check", self.path)
        self.check_problems = problems
