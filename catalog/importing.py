"""``talkcat import``: load staff's files into the catalogue, safely.

* **One import is one transaction.**  Everything from every file given is written inside a
  single SQLite transaction, committed only at the end.  A bad file, Ctrl-C or ``kill -9``
  leaves the previous catalogue exactly as it was; the kiosk (reading in WAL mode) keeps
  answering from it throughout and sees the new catalogue the moment the import commits.
* **``replace=True``** empties the catalogue inside that same transaction: a full refresh is
  atomic, never a file swapped under a live connection - except when the file is damaged
  (SQLite cannot write through malformed pages): then the new catalogue is built in a fresh
  file beside it and renamed over it once committed, the damaged file kept
  (:mod:`catalog.damage`).
* **``strict=True``**: any rejected record rolls the whole import back.
* **Re-import updates, never duplicates**: records have stable ids (003+001 for MARC, the
  ``id`` column or the ISBN for CSV/JSON).
* **Streaming**: records are read, mapped and written one at a time, so memory does not grow
  with file size.  Large ISO 2709 files are parsed in a worker process while this process
  writes, using both cores.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, NamedTuple

from catalog import lifeline
from catalog.batching import RecordBatch
from catalog.damage import (
    damage_of,
    damaged,
    forget_damage,
    is_damage,
    is_sqlite,
    known_damage,
    rebuild,
)
from catalog.errors import CatalogError
from catalog.importers import (
    Deletion,
    Entry,
    Holdings,
    Item,
    LabelEntry,
    Notice,
    Rejection,
    csv_json,
    iso2709,
    marcxml,
    text,
)
from catalog.lock import LOCK_WAIT_S, WriterLock
from catalog.spill import Spilled
from catalog.store import Catalog, prepare_record

log = logging.getLogger(__name__)

__all__ = ["ImportReport", "Notice", "Rejection", "apply_item", "detect_format", "import_files"]

Progress = Callable[[int, int], None]
"""Called now and then with (bytes read so far, total bytes of all files)."""

PARALLEL_MIN_BYTES = 4 * 1024 * 1024
"""Below this a worker process costs more to start than it saves."""

BATCH = 400
BATCH_BYTES = 1 << 20
"""A batch also ends at this many bytes: records run to 99,999 bytes, so counting records
alone would let 6 x 400 of them (240 MB) be in flight."""
IN_FLIGHT = 6

MARC_SUFFIXES = {".mrc", ".marc", ".dat", ".iso", ".iso2709", ".ma21", ".out", ".bin"}
XML_SUFFIXES = {".xml", ".marcxml"}
CSV_SUFFIXES = {".csv", ".tsv", ".tab", ".txt"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}


@dataclass
class ImportReport:
    """What an import did.  ``rejected``: records not loaded; ``warnings``: loaded with a part
    left out (an ISBN with a wrong check digit) or notes about a whole file."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    labels: int = 0
    # Lists that keep the first 1,000 in memory and spill the rest to a temporary file, so
    # millions of rejections (500 MB of random bytes) do not grow memory: catalog.spill.
    rejected: Spilled[Rejection] = field(default_factory=Spilled)
    warnings: Spilled[Rejection | Notice] = field(default_factory=Spilled)
    files: list[str] = field(default_factory=list)
    replaced: int = 0
    committed: bool = False
    seconds: float = 0.0
    kept: Path | None = None
    """Where ``replace`` kept a damaged catalogue it rebuilt (``None``: it was not damaged)."""

    @property
    def usable(self) -> int:
        """How many records/labels/deletions took effect (0 means nothing usable loaded)."""
        return self.added + self.updated + self.deleted + self.labels

    def summary(self) -> str:
        state = "" if self.committed else " - NOT SAVED, the catalogue is unchanged"
        replaced = f", {self.replaced} removed by --replace" if self.replaced else ""
        if self.kept is not None:
            replaced = (
                f"; the damaged catalogue was rebuilt in a fresh file, the damaged one kept as"
                f" {self.kept}"
            )
        return (
            f"{self.added} added, {self.updated} updated, {self.deleted} deleted,"
            f" {self.labels} labels, {len(self.rejected)} rejected,"
            f" {len(self.warnings)} warnings{replaced}{state}"
        )


def detect_format(path: Path) -> str:
    """``marc``, ``marcxml``, ``csv`` or ``json``: from the suffix, else from the first bytes."""
    suffix = path.suffix.lower()
    if suffix in MARC_SUFFIXES:
        return "marc"
    if suffix in XML_SUFFIXES:
        return "marcxml"
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix in CSV_SUFFIXES:
        return "csv"
    with open(path, "rb") as handle:
        head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:5].isdigit():
        return "marc"
    if head.startswith(b"<"):
        return "marcxml"
    if head[:1] in (b"[", b"{"):
        return "json"
    return "csv"


def _items(path: Path, fmt: str, handle: BinaryIO) -> Iterator[Item | _Prepared]:
    head = handle.read(16)
    handle.seek(0)
    if (why := text.packed(head, path.name)) is not None:
        return iter([Rejection(str(path), "whole file", None, why)])
    if fmt == "marc":
        if path.stat().st_size >= PARALLEL_MIN_BYTES:
            return _parallel_iso2709(path, handle)
        return iso2709.read_iso2709(path, handle)
    if fmt == "marcxml":
        return marcxml.read_marcxml(path, handle)
    if fmt == "json":
        return csv_json.read_json(path, handle)
    return csv_json.read_csv(path, handle)


class _Prepared(NamedTuple):
    """An ``Entry`` as the parse worker sends it back: already serialised for the store
    (compact to pickle, and the writer has nothing left to do but write)."""

    prepared: tuple[str, str, str | None, str, tuple[str, str, str, str]]
    keys: tuple[str, ...]
    unavailable: tuple[str, ...]
    notes: tuple[str, ...]
    position: str
    replaces: str | None = None


def _compact(item: Item) -> Item | _Prepared:
    if type(item) is Entry:
        return _Prepared(
            prepare_record(item.record),
            tuple(item.keys),
            tuple(item.unavailable),
            tuple(item.notes),
            item.position,
            item.replaces,
        )
    return item


def _parse_batch(file: str, batch: list[tuple[int, int, bytes]]) -> list[Item | _Prepared]:
    """Worker-process side: decode and map a batch of raw records."""
    state: dict[str, bool] = {}
    return [
        _compact(iso2709.parse_piece(piece, number, offset, file, state))
        for number, offset, piece in batch
    ]


def _parallel_iso2709(path: Path, handle: BinaryIO) -> Iterator[Item | _Prepared]:
    """Split records here, parse them in a worker process, yield results in file order.

    Only raw bytes go to the worker and small entries come back; a bounded number of batches
    is in flight, so memory stays flat however large the file.
    """
    file = str(path)
    ctx = multiprocessing.get_context("spawn")
    workers = max(1, min(4, os.cpu_count() or 1))
    # Workers die with this process, however it dies (kill -9 included): catalog.lifeline.
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=ctx,
        initializer=lifeline.die_with_parent,
        initargs=(os.getpid(),),
    ) as pool:
        pending: deque[concurrent.futures.Future[list[Item | _Prepared]]] = deque()
        batch: list[tuple[int, int, bytes]] = []
        size = 0
        try:
            for number, offset, piece in iso2709.iter_pieces(handle):
                batch.append((number, offset, piece))
                size += len(piece)
                if len(batch) >= BATCH or size >= BATCH_BYTES:
                    pending.append(pool.submit(_parse_batch, file, batch))
                    batch, size = [], 0
                    while len(pending) >= IN_FLIGHT:
                        yield from pending.popleft().result()
            if batch:
                pending.append(pool.submit(_parse_batch, file, batch))
            while pending:
                yield from pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def apply_item(
    catalog: Catalog,
    item: Item | _Prepared,
    report: ImportReport,
    batch: RecordBatch,
) -> None:
    """Store or count one item, the one write path of ``import`` and ``harvest``: records go
    into ``batch`` (written a few hundred at a time); anything else flushes it first, so the
    order of the source is kept.  The caller settles ``batch`` (:meth:`RecordBatch.settle`)
    before it commits."""
    if isinstance(item, (_Prepared, Entry)) and item.replaces:
        new = item.record.id if isinstance(item, Entry) else item.prepared[0]
        catalog.adopt_legacy_id(item.replaces, new)  # catalog.importers.identity
    if type(item) is _Prepared:  # a worker's finished row
        batch.add(item.prepared, item.keys, frozenset(item.unavailable), item.notes, item.position)
    elif isinstance(item, Entry):  # an entry parsed here: stored alike, counted alike
        prepared = prepare_record(item.record)
        batch.add(
            prepared, tuple(item.keys), frozenset(item.unavailable), item.notes, item.position
        )
    elif isinstance(item, Rejection):
        report.rejected.append(item)
    elif isinstance(item, Notice):
        report.warnings.append(item)
    else:
        batch.flush()  # what follows reads or changes records written before it
        if isinstance(item, Deletion):
            if catalog.delete_record(item.record_id):
                report.deleted += 1
        elif isinstance(item, Holdings):
            _apply_holdings(catalog, item, report, batch)
        elif isinstance(item, LabelEntry):
            catalog.put_label(item.label, item.keys)
            report.labels += 1
            if catalog.last_moved:
                batch.warn_moved(item.position, item.label.id, {}, catalog.last_moved)


def _apply_holdings(
    catalog: Catalog, item: Holdings, report: ImportReport, batch: RecordBatch
) -> None:
    """Merge a holdings record's copies into its bibliographic record (already loaded, in
    this import or an earlier one): barcodes become keys, locations are added."""
    file = report.files[-1]
    record = catalog.get(item.record_id)
    why = ""
    source, _colon, bib = item.record_id.partition(":")
    if record is None and source == "marc":
        # 004 without 003: the record whose own 001 it names, whatever its 003 ("SE-TEST:r1").
        found = catalog.ids_ending(f":{bib}")
        record = catalog.get(found[0]) if len(found) == 1 else None
        why = (
            f"holdings for record {bib!r} (004, with no 003 to say whose): the catalogue has"
            f" {' and '.join(found)}; give the holdings record its bibliographic record's 003"
            if found
            else ""
        )
    if record is None:
        report.rejected.append(
            Rejection(
                file,
                item.position,
                item.record_id,
                why
                or "holdings for a record that is not in the catalogue: import the"
                " bibliographic records first (same command, earlier in the list)",
            )
        )
        return
    copies = item.copies
    keys = catalog.keys_of(record.id)
    unavailable = catalog.unavailable_keys_of(record.id) | set(copies.unavailable)
    merged = replace(
        record,
        barcodes=tuple(dict.fromkeys(record.barcodes + tuple(copies.barcodes))),
        locations=tuple(dict.fromkeys(record.locations + tuple(copies.locations))),
        available=record.available or copies.any_available,
    )
    catalog.put_record(merged, [*keys, *copies.keys], unavailable)
    report.updated += 1
    if catalog.last_moved:
        data = {"barcodes": list(merged.barcodes), "rfids": list(merged.rfids)}
        batch.warn_moved(item.position, record.id, data, catalog.last_moved)
    for note in item.notes:
        report.warnings.append(Rejection(file, item.position, item.record_id, note))


def import_files(
    db_path: str | Path,
    paths: Sequence[str | Path] | Iterable[str | Path],
    *,
    replace: bool = False,
    strict: bool = False,
    progress: Progress | None = None,
    wait: float = LOCK_WAIT_S,
) -> ImportReport:
    """Load ``paths`` into the catalogue at ``db_path`` (created if absent) in one transaction.

    Returns the report; nothing is saved when ``strict`` and something was rejected (the
    report then has ``committed=False``).  With ``replace``, a damaged catalogue file is
    rebuilt in a fresh file and swapped in (:mod:`catalog.damage`; ``report.kept`` names
    where the damaged file went).  Raises ``FileNotFoundError`` for an input file missing or
    not a regular file (a FIFO, a device) before anything is written, ``CatalogError`` when
    the catalogue cannot be opened (another writer holding it for more than ``wait`` seconds:
    the message names it) or written (disk full: the message says nothing was saved).
    """
    started = time.monotonic()
    files = [Path(p) for p in paths]
    for path in files:
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file to import")
        if not path.is_file():  # a FIFO or a device would be read for ever, or block
            raise FileNotFoundError(
                f"{path}: not a regular file (a folder, a device or a pipe): import a file"
            )
    db = Path(db_path)
    known = None if replace else known_damage(db)
    if known is not None:
        raise known
    lock = Catalog.lock_for_writing(db, wait)
    try:

        def into(target: Path, emptied: bool) -> ImportReport:
            return _import(target, files, lock, replace=emptied, strict=strict, progress=progress)

        report: ImportReport | None = None
        damage = damage_of(db) if replace else None
        if damage is None:
            try:
                report = into(db, replace)
            except CatalogError as exc:  # damage quick_check did not see, met while writing
                if not (replace and is_damage(exc.__cause__) and is_sqlite(db)):
                    raise
                damage = str(exc.__cause__)
        if report is None:
            log.warning("%s is damaged (%s): building the new catalogue beside it", db, damage)
            report, kept = rebuild(db, lambda fresh: _committed(into(fresh, False)))
            report.kept = kept
        if replace and report.committed:
            forget_damage(db)
    finally:
        lock.release()
    report.seconds = time.monotonic() - started
    return report


def _committed(report: ImportReport) -> tuple[ImportReport, bool]:
    return report, report.committed


def _import(
    db: Path,
    files: list[Path],
    lock: WriterLock,
    *,
    replace: bool,
    strict: bool,
    progress: Progress | None,
) -> ImportReport:
    """:func:`import_files` into the catalogue file ``db``, whose writer lock is held."""
    total = sum(p.stat().st_size for p in files)
    report = ImportReport()
    catalog = Catalog.open(db, locked=lock)
    try:
        done_before = 0
        batch = RecordBatch(catalog, report, catalog.written_once())
        with catalog.transaction():
            if replace:
                report.replaced = catalog.clear()
            for path in files:
                report.files.append(str(path))
                fmt = detect_format(path)
                log.info("importing %s as %s", path, fmt)
                with open(path, "rb") as handle:
                    for count, item in enumerate(_items(path, fmt, handle), 1):
                        apply_item(catalog, item, report, batch)
                        if progress is not None and count % 200 == 0:
                            progress(done_before + _tell(handle), total)
                batch.flush()
                done_before += path.stat().st_size
                if progress is not None:
                    progress(done_before, total)
            batch.settle()
            if strict and report.rejected:
                raise _StrictAbort
            catalog.set_meta(
                "last_import",
                {
                    "time": datetime.now(UTC).isoformat(timespec="seconds"),
                    "files": [Path(f).name for f in report.files],
                    "added": report.added,
                    "updated": report.updated,
                    "deleted": report.deleted,
                    "rejected": len(report.rejected),
                    "replace": replace,
                },
            )
        report.committed = True
    except _StrictAbort:
        log.warning("strict import: %d rejected, rolled back", len(report.rejected))
    finally:
        catalog.close()
    return report


def _tell(handle: BinaryIO) -> int:
    try:
        return handle.tell()
    except (OSError, ValueError):
        return 0


class _StrictAbort(Exception):
    """Raised inside the transaction to roll a strict import back."""


def upgrade(db_path: str | Path) -> tuple[int, int]:
    """Apply pending schema migrations; return (old version, new version).  A damaged file
    is reported (``CatalogError``), never called up to date."""
    path = Path(db_path)
    if not path.exists():
        raise CatalogError(f"{path}: no catalogue file here to upgrade")
    damage = damage_of(path)
    if damage is not None:
        raise damaged(path, damage)
    with Catalog.open(path) as catalog:
        return int(catalog.migrated_from or 0), catalog.schema_version()
