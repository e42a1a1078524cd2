"""The import's record writes, a batch at a time (sqlite-utils ``upsert_all``).

``talkcat import`` hands records over one by one in file order; writing them one by one took
three statements per record.  :class:`RecordBatch` keeps up to :data:`BATCH_ROWS` of them and
writes them together (:func:`catalog.writes.put_many`), then counts each as added or updated
(a record written twice in one import counts once: it is one record) and gives the duplicate
warning with both places, exactly as one-by-one writing did; and the
warning for a key (ISBN, barcode, RFID tag...) that two records claim, naming the key and the
other record (its place in this import, or that it was in the catalogue before).  Anything
else that touches the catalogue (a deletion, holdings, a label, the end of a file) flushes the
batch first, so file order is kept.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, NamedTuple

from catalog.duplicates import (
    WrittenOnce,
    duplicate_reason,
    key_kind,
    moved_reason,
    shared_key_reason,
)
from catalog.duplicates import where as where_from
from catalog.importers import Rejection
from catalog.spill import Spilled
from catalog.writes import Held, Prepared, Shared, holders_of, put_many, rowids_of

if TYPE_CHECKING:
    from catalog.importing import ImportReport
    from catalog.store import Catalog

BATCH_ROWS = 400


class RecordBatch:
    """Records waiting to be written together; :meth:`flush` writes and counts them."""

    def __init__(
        self, catalog: Catalog, report: ImportReport, seen: WrittenOnce, size: int = BATCH_ROWS
    ) -> None:
        self._size = size
        self._catalog = catalog
        self._report = report
        self._seen = seen
        self._rows: list[tuple[Prepared, tuple[str, ...], frozenset[str]]] = []
        self._where: list[tuple[str, str, tuple[str, ...]]] = []
        self._moves: Spilled[_Move] = Spilled()
        """Keys taken from records or labels of the catalogue before this import, told by
        :meth:`settle` once the import knows who ends up with them."""

    def add(
        self,
        prepared: Prepared,
        keys: tuple[str, ...],
        unavailable: frozenset[str],
        notes: tuple[str, ...],
        position: str,
    ) -> None:
        self._rows.append((prepared, keys, unavailable))
        self._where.append((self._report.files[-1], position, notes))
        if len(self._rows) >= self._size:
            self.flush()

    def flush(self) -> None:
        if not self._rows:
            return
        rows, where = self._rows, self._where
        self._rows, self._where = [], []
        report = self._report
        results, shared = put_many(self._catalog.connection_for_writes(), rows)
        for (prepared, _keys, _off), (file, position, notes), (added, rowid) in zip(
            rows, where, results, strict=True
        ):
            record_id = prepared[0]
            report.warnings.extend(Rejection(file, position, record_id, n) for n in notes)
            first = self._seen.check(rowid, file, position)
            if first is not None:  # one record written twice: counted once, and warned of
                reason = duplicate_reason(first, file)
                report.warnings.append(Rejection(file, position, record_id, reason))
            elif added:
                report.added += 1
            else:
                report.updated += 1
        if shared:
            self._warn_shared(rows, where, shared)

    def _warn_shared(
        self,
        rows: list[tuple[Prepared, tuple[str, ...], frozenset[str]]],
        where: list[tuple[str, str, tuple[str, ...]]],
        shared: list[Shared],
    ) -> None:
        """A warning for each key that two records claimed (rare: only then is anything
        looked up), naming the key, the other record and where it came from."""
        rowids = self._rowids([s.held for s in shared if s.held is not None])
        places = self._seen.places(list(rowids.values()))
        for entry in shared:
            prepared = rows[entry.index][0]
            file, position, _notes = where[entry.index]
            what = key_kind(prepared[3], entry.key)
            if entry.held is not None:
                self._held(file, position, prepared[0], what, entry.held, rowids, places)
            else:
                assert entry.earlier is not None
                place = where_from(where[entry.earlier][:2], file)
                reason = shared_key_reason(what, rows[entry.earlier][0][0], place)
                self._report.warnings.append(Rejection(file, position, prepared[0], reason))

    def warn_moved(
        self, position: str, owner: str, data: dict[str, object], moved: list[Held]
    ) -> None:
        """Warnings for the keys a holdings record or a label (written one at a time) took
        from another record or label."""
        file = self._report.files[-1]
        rowids = self._rowids(moved)
        places = self._seen.places(list(rowids.values()))
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        for held in moved:
            self._held(file, position, owner, key_kind(text, held.key), held, rowids, places)

    def _rowids(self, held: list[Held]) -> dict[str, int]:
        ids = [h.record_id for h in held if h.target == "record"]
        return rowids_of(self._catalog.connection_for_writes(), ids) if ids else {}

    def _held(
        self,
        file: str,
        position: str,
        owner: str,
        what: str,
        held: Held,
        rowids: dict[str, int],
        places: dict[int, tuple[str, str]],
    ) -> None:
        """A key ``owner`` took from ``held``: from a record written earlier in this import,
        a warning now; from the catalogue before it, a warning at :meth:`settle`, and only if
        the key does not go back (a re-import of a file in which two records share a key
        moves it away and back, and only the sharing is news)."""
        label = held.target == "label"
        rowid = None if label else rowids.get(held.record_id)
        first = None if rowid is None else places.get(rowid)
        if first is None:
            self._moves.append(_Move(file, position, owner, what, held))
            return
        reason = shared_key_reason(what, held.record_id, where_from(first, file))
        self._report.warnings.append(Rejection(file, position, owner, reason))

    def settle(self) -> None:
        """Write what is waiting, then warn of each key taken from the catalogue before this
        import that did not go back to its holder (one query per few hundred keys)."""
        self.flush()
        moves, self._moves = self._moves, Spilled()
        conn = self._catalog.connection_for_writes()
        chunk: list[_Move] = []
        for move in [*moves, None]:
            if move is not None:
                chunk.append(move)
                if len(chunk) < 500:
                    continue
            now = holders_of(conn, [m.held.key for m in chunk])
            for m in chunk:
                holder, target = now.get(m.held.key, ("", ""))
                if (holder, target) == (m.held.record_id, m.held.target):
                    continue  # it went back
                reason = moved_reason(m.what, m.held, holder if holder != m.owner else None)
                self._report.warnings.append(Rejection(m.file, m.position, m.owner, reason))
            chunk = []
        moves.close()


class _Move(NamedTuple):
    file: str
    position: str
    owner: str
    what: str
    held: Held
