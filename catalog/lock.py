"""One writer at a time, and the second one is told who the first is.

SQLite lets one writer in and makes the next wait its busy timeout, then fail with "database
is locked" - which says nothing about who holds it or for how long.  So every writable open
(``import``, ``catalog upgrade``, a harvest) first takes an advisory ``flock`` on a small
file beside the catalogue (``catalogue.db.lock``) and writes into it who it is: pid, command
and since when.  A second writer waits for the lock up to a bound (``wait`` seconds), then
stops with one line naming the holder.  The kernel drops the lock when its process ends, even
by ``kill -9``, so there is never a stale lock to clean up; what the file says is only read
while its lock is held.  The kiosk only reads and never takes it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from catalog.errors import CatalogError
from catalog.redact import redact_text

LOCK_WAIT_S = 30.0
"""How long a second writer waits for the first before giving up (``--wait`` changes it)."""
POLL_S = 0.1


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


class WriterLock:
    """The advisory write lock of one catalogue file; :meth:`acquire`, then :meth:`release`."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.path = lock_path(db)
        self._fd: int | None = None

    def acquire(self, wait: float = LOCK_WAIT_S) -> None:
        """Take the lock within ``wait`` seconds or raise ``CatalogError`` naming the holder."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise CatalogError(
                f"{self.db}: cannot create the lock file {self.path}: {exc.strerror}"
            ) from exc
        deadline = time.monotonic() + max(0.0, wait)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _describe(_read(fd))
                    os.close(fd)
                    raise CatalogError(
                        f"{self.db}: busy - {holder} is writing it; waited {wait:g} s."
                        " Try again when it has finished (or give --wait SECONDS)"
                    ) from None
                time.sleep(POLL_S)
            except OSError as exc:
                os.close(fd)
                raise CatalogError(f"{self.db}: cannot lock {self.path}: {exc}") from exc
        self._fd = fd
        info = {
            "pid": os.getpid(),
            # a harvest's URL may carry a password: the next writer is told the command
            # without it
            "command": redact_text(" ".join([Path(sys.argv[0]).name, *sys.argv[1:]]))[:300],
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        with contextlib.suppress(OSError):  # who holds it is a courtesy; the lock is the flock
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(info).encode(), 0)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)  # closing drops the flock


def _read(fd: int) -> dict[str, object]:
    try:
        data = os.pread(fd, 4096, 0)
        info = json.loads(data.decode("utf-8"))
        return info if isinstance(info, dict) else {}
    except (OSError, ValueError):
        return {}


def _describe(info: dict[str, object]) -> str:
    if not info.get("pid"):
        return "another process"
    text = f"process {info['pid']}"
    if info.get("command"):
        text += f" ({redact_text(str(info['command']))})"
    if info.get("since"):
        text += f" since {info['since']}"
    return text
