"""Worker processes that die with the process that started them.

``talkcat import`` parses large ISO 2709 files in worker processes.  When the import is
killed (``kill -9``, SIGTERM, SIGHUP of a closed terminal) nothing in Python runs any more to
stop them: they were found alive hours later, owned by PID 1, blocked writing results to a
pipe nobody reads (about 84 MB each), with multiprocessing's resource tracker beside them.

:func:`die_with_parent` is the workers' initializer.  On Linux it asks the kernel to send
SIGKILL the moment the parent exits (``prctl(PR_SET_PDEATHSIG)``), which covers every way of
dying, ``kill -9`` included.  A parent that died before the worker got that far is caught
by comparing ``getppid()`` with the parent's pid, and a daemon thread keeps comparing on
every platform (the only check where there is no ``prctl``).  Once the workers are gone the
resource tracker sees end-of-file on its pipe, cleans up and exits too.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import sys
import threading

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.5
"""How often the fallback thread looks for its parent (only matters without ``prctl``)."""


def _set_pdeathsig() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):  # no libc / no prctl: the thread below still works
        return False


def _watch(parent: int) -> None:
    stop = threading.Event()
    while not stop.wait(POLL_SECONDS):
        if os.getppid() != parent:
            os._exit(1)


def die_with_parent(parent: int) -> None:
    """Make this (worker) process end when process ``parent`` does; call it first thing."""
    armed = _set_pdeathsig()
    if os.getppid() != parent:  # the parent died before the kernel was asked to tell us
        os._exit(1)
    if not armed:
        log.debug("no PR_SET_PDEATHSIG here: watching the parent from a thread")
    threading.Thread(target=_watch, args=(parent,), name="lifeline", daemon=True).start()
