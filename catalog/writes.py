"""Writing the catalogue: records, labels and keys, inside the caller's transaction.

The write half of :class:`catalog.store.Catalog` (a mixin, so the catalogue stays one object
with one connection and one lock).  Every method runs inside ``Catalog.transaction()``; the
full-text index follows the records table by itself (its triggers, :mod:`catalog.schema`), so
no write here touches it except :meth:`Writes.clear`.

An import writes its records a batch at a time with sqlite-utils' ``upsert_all``
(:func:`put_many`, driven by :mod:`catalog.batching`): one multi-row statement per hundred
records instead of three statements per record.  :meth:`Writes.put_prepared` (one record,
plain ``sqlite3``) stays for holdings merges and callers that write one record at a time.
Labels and meta rows, a handful per import, go through sqlite-utils' ``upsert`` too.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from catalog import claims
from catalog.damage import is_damage, rebuild_advice
from catalog.duplicates import WrittenOnce
from catalog.errors import CatalogError, translates_sqlite_errors
from catalog.records import Label, Record, record_to_dict
from catalog.schema import database

Prepared = tuple[str, str, str | None, str, tuple[str, str, str, str]]
"""id, kind, language, JSON, and the four search columns: one record ready to write."""


def _fts_values(record: Record) -> tuple[str, str, str, str]:
    """The four search columns (:data:`catalog.schema.SEARCH_COLUMNS`) of a record."""
    # The original script (MARC 880) is searched with the romanisation: "Война" finds the
    # record catalogued "Voĭna i mir", in the same columns (no schema change).
    parts = (record.title, record.subtitle, record.part, record.original_title)
    title = " ".join(t for t in parts if t)
    people = " ; ".join(record.authors + record.narrators + record.original_authors)
    series = record.series or ""
    subjects = " ; ".join(record.subjects + record.genres)
    return title, people, series, subjects


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
"""One encoder for every record: ``json.dumps`` with options builds a new one per call."""


def prepare_record(record: Record) -> Prepared:
    """What :meth:`Catalog.put_prepared` writes: id, kind, language, JSON, full-text values."""
    data = _JSON.encode(record_to_dict(record))
    return record.id, record.kind, record.language, data, _fts_values(record)


@translates_sqlite_errors
class Writes:
    """The write methods of :class:`catalog.store.Catalog`."""

    _conn: sqlite3.Connection
    last_rowid: int
    last_moved: list[Held]
    """Keys the last ``put_*`` took from another record or label (see :func:`claim_keys`)."""

    def clear(self) -> int:
        """Delete every record, label and key (inside the caller's transaction).

        The full-text index is emptied in one step rather than row by row through its delete
        trigger (a million trigger calls for ``--replace`` of a large catalogue): the trigger
        is dropped and made again, inside the same transaction.
        """
        c = self._conn
        count = c.execute("SELECT count(*) FROM records").fetchone()[0]
        trigger = c.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'records_ad'"
        ).fetchone()
        if trigger is not None:
            c.execute("DROP TRIGGER records_ad")
        c.execute("DELETE FROM identifiers")
        c.execute("DELETE FROM claims")
        c.execute("DELETE FROM records")
        c.execute("DELETE FROM labels")
        c.execute("INSERT INTO records_fts (records_fts) VALUES ('delete-all')")
        if trigger is not None:
            c.execute(trigger[0])
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
        record (two bibs with one ISBN) goes to the record written last, and
        :attr:`last_moved` says which keys were taken from whom.
        """
        return self.put_prepared(prepare_record(record), keys, unavailable)

    def put_prepared(
        self,
        prepared: Prepared,
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
                "INSERT INTO records (id, kind, language, data, search_title, search_people,"
                " search_series, search_subjects) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (record_id, kind, language, data, *fts),
            ).lastrowid
        else:
            rowid = row[0]
            c.execute(
                "UPDATE records SET kind = ?, language = ?, data = ?, search_title = ?,"
                " search_people = ?, search_series = ?, search_subjects = ? WHERE rowid = ?",
                (kind, language, data, *fts, rowid),
            )
            c.execute(
                "DELETE FROM identifiers WHERE record_id = ? AND target = 'record'", (record_id,)
            )
        self.last_rowid = rowid
        off = set(unavailable)
        shared = row is not None and claims.any_claims(c)
        if shared:
            claims.forget(c, [record_id])
        self.last_moved = claim_keys(
            c, [(k, record_id, 0 if k in off else None) for k in dict.fromkeys(keys)]
        )
        if shared:
            claims.fall_back(c)  # keys it no longer claims go to a record that does
        return row is None

    def delete_record(self, record_id: str) -> bool:
        """Remove a record and its keys; ``True`` if it existed."""
        c = self._conn
        row = c.execute("SELECT rowid FROM records WHERE id = ?", (record_id,)).fetchone()
        if row is None:
            return False
        c.execute("DELETE FROM identifiers WHERE record_id = ? AND target = 'record'", (record_id,))
        c.execute("DELETE FROM records WHERE rowid = ?", (row[0],))  # its trigger: the index
        if claims.any_claims(c):
            claims.forget(c, [record_id])
            claims.fall_back(c)  # its keys that another record claims lead there now
        return True

    def put_label(self, label: Label, keys: Iterable[str]) -> bool:
        """Insert or replace a label and the keys (tags) that lead to it; ``True`` if new."""
        c = self._conn
        existed = c.execute("SELECT 1 FROM labels WHERE id = ?", (label.id,)).fetchone()
        database(c).table("labels").upsert(
            {"id": label.id, "text": label.text, "lang": label.lang}, pk="id"
        )
        c.execute("DELETE FROM identifiers WHERE record_id = ? AND target = 'label'", (label.id,))
        self.last_moved = claim_keys(
            c, [(k, label.id, None) for k in dict.fromkeys(keys)], target="label"
        )
        return existed is None

    def adopt_legacy_id(self, old: str, new: str) -> bool:
        """Rename the row of record ``old`` to ``new`` (its keys and claims with it) when
        there is no ``new`` yet: a record whose id rule changed (a Koha biblio was its 001,
        is its biblionumber) is updated in place by the next import or harvest, not added
        beside its old copy (:mod:`catalog.importers.identity`).  ``True`` if renamed."""
        c = self._conn
        if c.execute("SELECT 1 FROM records WHERE id = ?", (new,)).fetchone() is not None:
            return False
        if c.execute("UPDATE records SET id = ? WHERE id = ?", (new, old)).rowcount == 0:
            return False
        c.execute(
            "UPDATE identifiers SET record_id = ? WHERE record_id = ? AND target = 'record'",
            (new, old),
        )
        if claims.any_claims(c):
            c.execute("UPDATE OR REPLACE claims SET record_id = ? WHERE record_id = ?", (new, old))
        return True

    def connection_for_writes(self) -> sqlite3.Connection:
        """This writer's connection, for :func:`put_many` inside :meth:`transaction`."""
        return self._conn

    def written_once(self) -> WrittenOnce:
        """A tracker of the records this import writes, on this writer's connection."""
        return WrittenOnce(self._conn)

    def set_meta(self, key: str, value: Any) -> None:
        database(self._conn).table("meta").upsert(
            {"key": key, "value": json.dumps(value, ensure_ascii=False)}, pk="key"
        )


def write_error(path: Path, exc: sqlite3.Error) -> CatalogError:
    """One line for an SQLite error while writing: what happened, and that nothing was lost."""
    text = str(exc)
    if "disk is full" in text or "disk I/O" in text:
        what = f"the disk is full or failing ({text})"
    elif "locked" in text or "busy" in text:
        what = f"another program holds a lock on it ({text})"
    elif is_damage(exc):
        what = f"the catalogue is damaged ({text}); {rebuild_advice(path)}"
    else:
        what = text
    return CatalogError(
        f"{path}: could not write the catalogue: {what}. Nothing was saved; the catalogue is"
        " as it was before"
    )


_IN_CHUNK = 500
"""Ids per ``IN (...)`` query: well under SQLite's 999-parameter floor of older builds."""


def put_many(
    conn: sqlite3.Connection, batch: list[tuple[Prepared, tuple[str, ...], frozenset[str]]]
) -> tuple[list[tuple[bool, int]], list[Shared]]:
    """Write a batch of records with sqlite-utils' ``upsert_all`` (multi-row ``INSERT ... ON
    CONFLICT(id) DO UPDATE``, one statement per few hundred rows instead of three per record);
    return ``(new?, rowid)`` for each entry, in order, and the keys that two records claimed.

    The same result as :meth:`Writes.put_prepared` one by one: a record's old keys are
    dropped and its new ones written, a repeated id in the batch ends as its last entry, and
    a key claimed by two records goes to the one written later.
    """
    ids = [prepared[0] for prepared, _keys, _off in batch]
    unique = list(dict.fromkeys(ids))
    existing = rowids_of(conn, unique)
    database(conn).table("records").upsert_all(
        (
            {
                "id": record_id,
                "kind": kind,
                "language": language,
                "data": data,
                "search_title": fts[0],
                "search_people": fts[1],
                "search_series": fts[2],
                "search_subjects": fts[3],
            }
            for (record_id, kind, language, data, fts), _keys, _off in batch
        ),
        pk="id",
        batch_size=100,
    )
    rewritten = [record_id for record_id in unique if record_id in existing]
    conn.executemany(
        "DELETE FROM identifiers WHERE record_id = ? AND target = 'record'",
        [(record_id,) for record_id in rewritten],
    )
    had_claims = bool(rewritten) and claims.any_claims(conn)
    if had_claims:
        claims.forget(conn, rewritten)
    # The keys as writing the entries one by one leaves them: an entry's keys replace those
    # of its record's earlier entry, and of two records claiming one key the later gets it
    # (each such claim is told, whichever batch the two entries fell in).
    latest: dict[str, int] = {}
    owner: dict[str, int] = {}
    shared: list[Shared] = []
    losers: list[tuple[str, int]] = []  # (key, entry) of a claim a later entry took
    for index, (prepared, keys, _off) in enumerate(batch):
        latest[prepared[0]] = index
        for key in dict.fromkeys(keys):
            before = owner.get(key)
            if before is not None and ids[before] != prepared[0] and latest[ids[before]] == before:
                shared.append(Shared(index, key, before, None))
                losers.append((key, before))
            owner[key] = index
    rows = [
        (key, ids[index], 0 if key in batch[index][2] else None)
        for key, index in owner.items()
        if latest[ids[index]] == index
    ]
    # Kept unless a later entry of the same record replaced the one that claimed the key.
    claims.remember_losers(conn, [
        (key, ids[before], 0 if key in batch[before][2] else None)
        for key, before in losers
        if latest[ids[before]] == before
    ])
    shared.extend(
        Shared(owner[held.key], held.key, None, held) for held in claim_keys(conn, rows)
    )
    if had_claims or shared:
        claims.fall_back(conn)
    rowids = {**existing, **rowids_of(conn, [i for i in unique if i not in existing])}
    out: list[tuple[bool, int]] = []
    written: set[str] = set(existing)
    for record_id in ids:
        out.append((record_id not in written, rowids[record_id]))
        written.add(record_id)
    return out, shared


class Held(NamedTuple):
    """A key that already led somewhere else when a record or label claimed it."""

    key: str
    record_id: str
    target: str
    """``record`` or ``label``: what the key led to before."""


class Shared(NamedTuple):
    """A key of batch entry ``index`` that was also claimed by entry ``earlier`` of the same
    batch, or (``held``) already led to another record or label in the catalogue."""

    index: int
    key: str
    earlier: int | None
    held: Held | None


def claim_keys(
    conn: sqlite3.Connection, rows: list[tuple[str, str, int | None]], target: str = "record"
) -> list[Held]:
    """Write ``(key, record id, available)`` rows; return the keys that led to another record
    or label until now (each one moves to its new holder: the one written last wins).

    Set-based, so a batch costs no more than it did: one ``INSERT OR IGNORE`` over the rows,
    whose change count says whether any key was held already - the common case ends there.
    Only then are the rows' keys looked up (one query per :data:`_IN_CHUNK`) and the held
    ones moved.
    """
    if not rows:
        return []
    insert = (
        "INTO identifiers (key, record_id, target, available) VALUES (?, ?, ?, ?)"
    )
    values = [(key, record_id, target, available) for key, record_id, available in rows]
    written = conn.executemany("INSERT OR IGNORE " + insert, values).rowcount
    if written == len(rows):
        return []
    holders = holders_of(conn, [key for key, _id, _available in rows])
    moved = [v for v in values if holders.get(v[0], (v[1], target)) != (v[1], target)]
    claims.remember(conn, [v[0] for v in moved])  # the records losing them still claim them
    conn.executemany("INSERT OR REPLACE " + insert, moved)
    return [Held(key, *holders[key]) for key, *_rest in moved]


def holders_of(conn: sqlite3.Connection, keys: list[str]) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(keys), _IN_CHUNK):
        chunk = keys[start : start + _IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        for key, record_id, target in conn.execute(
            f"SELECT key, record_id, target FROM identifiers WHERE key IN ({marks})", chunk
        ):
            found[key] = (record_id, target)
    return found


def rowids_of(conn: sqlite3.Connection, ids: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        found.update(
            conn.execute(f"SELECT id, rowid FROM records WHERE id IN ({marks})", chunk).fetchall()
        )
    return found
