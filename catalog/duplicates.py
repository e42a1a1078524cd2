"""Two rows with the same id in one import: the later replaces the earlier, and staff hear it.

Re-importing updates a record by its id, so a file that holds one id twice silently keeps
only the last row - a member of staff must be told, with both places.  Remembering every
record an import wrote must not grow with the file (a million-record MARC import), so the
"written already?" test is a bitmap indexed by rowid (an eighth of a byte per record) and
where each record came from is kept in a TEMP table of this import's connection, written in
batches; it is looked up only when the bitmap says "seen".
"""

from __future__ import annotations

import contextlib
import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from catalog.writes import Held

FLUSH = 2000


class WrittenOnce:
    """Where each record written by this import came from; :meth:`check` names the first
    place when a record is written a second time."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._bits = bytearray()
        self._pending: dict[int, tuple[str, str]] = {}
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS import_written"
            " (rowid INTEGER PRIMARY KEY, file TEXT, position TEXT)"
        )
        conn.execute("DELETE FROM temp.import_written")

    def check(self, rowid: int, file: str, position: str) -> tuple[str, str] | None:
        """Note that ``rowid`` came from ``file`` at ``position``; return where it came from
        before in this import, or ``None`` the first time."""
        byte, bit = divmod(rowid, 8)
        if byte >= len(self._bits):
            self._bits.extend(bytes(max(byte + 1 - len(self._bits), 4096)))
        if self._bits[byte] & (1 << bit):
            return self._first(rowid)
        self._bits[byte] |= 1 << bit
        self._pending[rowid] = (file, position)
        if len(self._pending) >= FLUSH:
            self.flush()
        return None

    def places(self, rowids: list[int]) -> dict[int, tuple[str, str]]:
        """:meth:`place` of many rowids at once (one query per few hundred)."""
        out: dict[int, tuple[str, str]] = {}
        lookup = []
        for rowid in rowids:
            byte, bit = divmod(rowid, 8)
            if byte < len(self._bits) and self._bits[byte] & (1 << bit):
                if rowid in self._pending:
                    out[rowid] = self._pending[rowid]
                else:
                    lookup.append(rowid)
        for start in range(0, len(lookup), 500):
            chunk = lookup[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for rowid, file, position in self._conn.execute(
                f"SELECT rowid, file, position FROM temp.import_written WHERE rowid IN ({marks})",
                chunk,
            ):
                out[rowid] = (file, position)
        return out

    def _first(self, rowid: int) -> tuple[str, str] | None:
        if rowid in self._pending:
            return self._pending[rowid]
        row = self._conn.execute(
            "SELECT file, position FROM temp.import_written WHERE rowid = ?", (rowid,)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def flush(self) -> None:
        self._conn.executemany(
            "INSERT OR IGNORE INTO temp.import_written (rowid, file, position) VALUES (?, ?, ?)",
            [(rowid, f, p) for rowid, (f, p) in self._pending.items()],
        )
        self._pending.clear()

    def close(self) -> None:
        self._pending.clear()
        self._bits = bytearray()
        with contextlib.suppress(sqlite3.Error):  # the connection goes with the import anyway
            self._conn.execute("DROP TABLE IF EXISTS temp.import_written")


def where(first: tuple[str, str], file: str) -> str:
    """A place as seen from ``file``: ``line 2``, or ``other.csv: line 2``."""
    return first[1] if first[0] == file else f"{first[0]}: {first[1]}"


def duplicate_reason(first: tuple[str, str], file: str) -> str:
    """The warning for a record written twice: both places, and which one was kept."""
    return f"the same id as {where(first, file)}: this row replaces that one (only one is kept)"


def key_kind(data: str, key: str) -> str:
    """How staff name a key of a record (its JSON text): ``ISBN 978...``, ``barcode 123``.
    Found by searching the JSON text (a key is digits and letters, never escaped), not by
    parsing it: a file where every record shares an ISBN must not parse every record twice."""
    quoted = f'"{key}"'
    for field, name in (("isbns", "ISBN"), ("barcodes", "barcode"), ("rfids", "RFID tag")):
        start = data.find(f'"{field}":[')
        if start != -1 and quoted in data[start : data.find("]", start)]:
            return f"{name} {key}"
    return f"identifier {key}"


def shared_key_reason(what: str, holder: str, place: str) -> str:
    """The warning for a key (``what``: :func:`key_kind`) that two records of this import
    claim: the later one (this one) keeps it."""
    return f"{what} is also on {place} (id {holder}): scanning it now finds this one, not that one"


def moved_reason(what: str, held: Held, now: str | None) -> str:
    """The warning for a key that led to a record or label of the catalogue before this
    import and now leads to this one (``now`` ``None``) or to record ``now``."""
    kind = "shelf label" if held.target == "label" else "record"
    finds = "this one" if now is None else (now or "nothing")
    return (
        f"{what} belonged to {kind} {held.record_id}, already in the catalogue: scanning it"
        f" now finds {finds}, not that one"
    )
