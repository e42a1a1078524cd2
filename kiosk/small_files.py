"""Reading the small text files an operator points the kiosk at, without trusting the path.

``kiosk.toml`` and the staff phrase files are named by people, so the name may be a folder, a
FIFO (which would block start-up forever), ``/dev/zero`` (which never ends) or a huge file by
mistake.  Only a regular file is read, and at most ``limit`` bytes of it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class NotASmallFile(ValueError):
    """The path is not a regular file of at most the allowed size; the message says which."""


def read_small_text(path: Path, limit: int) -> str:
    """The UTF-8 text of ``path``; ``NotASmallFile``, ``OSError`` or ``UnicodeDecodeError``.

    Opened without blocking, so a FIFO is refused instead of waited on; the size is judged
    by reading, not by ``st_size`` (which is 0 for ``/dev/zero`` and for ``/proc`` files).
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotASmallFile(f"{path}: not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise NotASmallFile(f"{path}: larger than {limit} bytes; not a configuration file")
    return data.decode("utf-8")
