"""The import's record writes, a batch at a time (sqlite-utils ``upsert_all``).

``talkcat import`` hands records over one by one in file order; writing them one by one took
three statements per record.  :class:`RecordBatch` keeps up to :data:`BATCH_ROWS` of them and
writes them together (:func:`catalog.writes.put_many`), then counts each as added or updated
and gives the duplicate warning with both places, exactly as one-by-one writing did.  Anything
else that touches the catalogue (a deletion, holdings, a label, the end of a file) flushes the
batch first, so file order is kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from catalog.duplicates import WrittenOnce, duplicate_reason
from catalog.importers import Rejection
from catalog.writes import Prepared, put_many

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
        results = put_many(self._catalog.connection_for_writes(), rows)
        for (prepared, _keys, _off), (file, position, notes), (added, rowid) in zip(
            rows, where, results, strict=True
        ):
            record_id = prepared[0]
            if added:
                report.added += 1
            else:
                report.updated += 1
            report.warnings.extend(Rejection(file, position, record_id, n) for n in notes)
            first = self._seen.check(rowid, file, position)
            if first is not None:
                reason = duplicate_reason(first, file)
                report.warnings.append(Rejection(file, position, record_id, reason))
