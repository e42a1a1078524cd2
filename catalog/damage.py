"""A damaged catalogue file: telling it, saying what to do, and rebuilding it beside itself.

SQLite cannot run a transaction through malformed pages (emptying the tables reads the very
pages that are damaged), so ``import --replace`` - the fix every tool names for a damaged
catalogue - used to fail with "the file is damaged".  A replace needs nothing of the old
file, so when the old file is damaged the new catalogue is built in a fresh file beside it
(the same folder, so the rename is atomic) and renamed over the path only once that import
has committed, the writer lock held throughout.  The damaged file is kept as
``DB.damaged-<UTC time>`` together with its ``-wal`` (when it holds anything), so nothing is
lost; its ``-wal`` and ``-shm`` are moved away *before* the swap, because SQLite finds a
write-ahead log by name and would otherwise read the old file's log into the new file.  A
running kiosk compares the path's inode before each lookup (:mod:`kiosk.catalog_source`) and
reopens on the new file; until then its open descriptor keeps the old file readable.

Only a file that says it is SQLite (its first sixteen bytes) is taken for a damaged
catalogue: anything else at the path (a MARC file given to ``--db`` by mistake) is not ours
to move, and the tools say to move it away instead.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import stat
import urllib.parse
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from catalog.errors import CatalogError

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
SIDE_FILES = ("-wal", "-shm")
_T = TypeVar("_T")


def rebuild_advice(path: Path) -> str:
    """What to do about a damaged catalogue: a command that works on that very file."""
    return f"rebuild it from your catalogue export: `talkcat import FILE... --db {path} --replace`"


def not_ours_advice(path: Path) -> str:
    """What to do about a file at the catalogue's path that is not SQLite at all."""
    return f"move it away (`mv {path} {path}.old`), then `talkcat import FILE... --db {path}`"


def advice(path: Path) -> str:
    """:func:`rebuild_advice` for an SQLite file, :func:`not_ours_advice` for anything else."""
    return rebuild_advice(path) if is_sqlite(path) else not_ours_advice(path)


def damaged(path: Path, detail: str) -> CatalogError:
    """The one line every command gives for a damaged catalogue (exit 3); the damage is
    remembered beside the file (:func:`remember_damage`)."""
    remember_damage(path, detail)
    return CatalogError(f"{path}: the catalogue is damaged ({detail}); {rebuild_advice(path)}")


# A small write touches a few pages and a count reads an index, so either can succeed on a
# file whose other pages are garbage - "1 added", exit 0, into a file `lookup` refuses
# (hostile3-5).  Reading every page first (quick_check) costs minutes on a large catalogue on
# a busy machine, so damage found once - by any command, the kiosk's start-up check or the
# doctor - is written down beside the file, and the commands that write or report on the
# catalogue read that note: one stat.  It names the file's inode, so a new file at the path
# (a rebuild, a restored copy moved in) is not blamed; `catalog check` writes or clears it.

DAMAGE_NOTE = ".damage-found"


def _note(path: Path) -> Path:
    return Path(f"{path}{DAMAGE_NOTE}")


def remember_damage(path: Path, detail: str) -> None:
    """Note that the catalogue at ``path`` is damaged (best effort: a read-only folder)."""
    try:
        inode = path.stat().st_ino
        found = datetime.now(UTC).isoformat(timespec="seconds")
        _note(path).write_text(f"{inode}\t{found}\t{' '.join(detail.split())[:300]}\n")
    except OSError as exc:
        log.debug("%s: could not note the damage: %s", path, exc)


def forget_damage(path: Path) -> None:
    """The file at ``path`` was checked or rebuilt and is healthy."""
    with contextlib.suppress(OSError):
        _note(path).unlink(missing_ok=True)


def known_damage(path: Path) -> CatalogError | None:
    """The error for a catalogue found damaged before and not rebuilt since, or None."""
    try:
        inode, found, detail = _note(path).read_text().rstrip("\n").split("\t", 2)
        if int(inode) != path.stat().st_ino:
            return None  # another file is at the path now
    except (OSError, ValueError):
        return None
    return CatalogError(
        f"{path}: the catalogue is damaged (found {found}: {detail}); {rebuild_advice(path)}"
        f" - if it was repaired since, `talkcat catalog check --db {path}` clears this"
    )


def is_damage(exc: BaseException | None) -> bool:
    """Does this SQLite error mean the file is damaged (not busy, not a full disk)?"""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    text = str(exc)
    return "malformed" in text or "not a database" in text or "corrupt" in text


def is_sqlite(path: Path) -> bool:
    """Does the file at ``path`` begin as every SQLite database does?"""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def damage_of(path: Path) -> str | None:
    """What ``PRAGMA quick_check`` finds wrong with an SQLite file at ``path``, or ``None``:
    healthy, absent, empty, not SQLite at all, or not readable for another reason (busy),
    which the ordinary open then reports.  Reads every page once (seconds on a large file)."""
    if not path.is_file() or path.stat().st_size == 0 or not is_sqlite(path):
        return None
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=5)
        try:
            rows = [row[0] for row in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return str(exc) if is_damage(exc) else None
    if rows == ["ok"]:
        return None
    detail = "; ".join(" ".join(str(row).split()) for row in rows[:3])  # one line
    return detail if len(detail) <= 200 else detail[:199] + "…"


def read_error(path: Path, exc: sqlite3.Error) -> CatalogError:
    """One line for an SQLite error while reading: the file, what SQLite said, what to do."""
    if is_damage(exc):
        return damaged(path, str(exc))
    return CatalogError(
        f"{path}: cannot read the catalogue ({exc}); check it with"
        f" `talkcat catalog check --db {path}` and re-import if it is damaged"
    )


def unreadable(path: Path, exc: sqlite3.Error, what: str) -> CatalogError:
    """A file SQLite cannot read as a database: damaged (it says it is SQLite), not ours at
    all, or unreadable for another reason - each with what to do."""
    if is_damage(exc) and is_sqlite(path):
        return damaged(path, str(exc))
    if is_damage(exc):
        return CatalogError(f"{path}: not a catalogue file ({exc}); {not_ours_advice(path)}")
    return CatalogError(f"{path}: {what}: {exc}")


def rebuild(path: Path, build: Callable[[Path], tuple[_T, bool]]) -> tuple[_T, Path | None]:
    """Build a new catalogue with ``build(fresh_path)`` (which returns its result and whether
    it committed) and swap it in for the damaged file at ``path``; return the result and
    where the damaged file was kept (``None``: nothing committed, nothing changed).

    The caller holds the catalogue's writer lock.  A fresh file left by a rebuild that was
    killed is removed first; one that fails is removed, and the damaged file stays.
    """
    for stale in path.parent.glob(f"{path.name}.rebuild-*"):
        _remove(stale)
    fresh = path.with_name(f"{path.name}.rebuild-{os.getpid()}")
    try:
        result, committed = build(fresh)
        if not committed:
            return result, None
        _settle(fresh)
        kept = path.with_name(f"{path.name}.damaged-{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
        _swap(path, fresh, kept)
        log.warning("%s was damaged: rebuilt, the damaged file kept as %s", path, kept)
        return result, kept
    finally:
        _remove(fresh)


def _settle(fresh: Path) -> None:
    """Everything of the fresh file in the file itself: its write-ahead log checkpointed and
    gone, so the rename carries the whole catalogue (a log is found by name)."""
    wal = Path(f"{fresh}-wal")
    if wal.exists() and wal.stat().st_size:
        conn = sqlite3.connect(str(fresh))
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    if wal.exists() and wal.stat().st_size:
        raise CatalogError(f"{fresh}: its write-ahead log could not be checkpointed")
    for suffix in SIDE_FILES:
        Path(f"{fresh}{suffix}").unlink(missing_ok=True)


def _swap(path: Path, fresh: Path, kept: Path) -> None:
    with contextlib.suppress(OSError):
        os.chmod(fresh, stat.S_IMODE(path.stat().st_mode))
    try:
        os.link(path, kept)  # the damaged file stays at the path until the rename below
    except OSError:
        os.replace(path, kept)  # no hard links here (FAT): a moment without a file
    wal, shm = (Path(f"{path}{suffix}") for suffix in SIDE_FILES)
    if wal.exists() and wal.stat().st_size:
        os.replace(wal, Path(f"{kept}-wal"))  # frames of the damaged file: kept with it
    wal.unlink(missing_ok=True)
    shm.unlink(missing_ok=True)  # only an index of that log, rebuilt from it when opened
    os.replace(fresh, path)
    with contextlib.suppress(OSError):
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def _remove(path: Path) -> None:
    for suffix in ("", *SIDE_FILES):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
