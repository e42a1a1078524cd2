"""The transcript: one JSON object per line, the audit trail staff and tests read.

Format (a public contract - extend, never change)::

    {"time": "2026-11-23T13:12:48.123+00:00", "event": "ready"|"speak"|"done"|"stop",
     "text": str | null, "lang": str | null, "item": str | null}

Each line is written and flushed at once, because a monitoring script may be tailing the file
and because a kiosk that loses power should lose at most the line being written.  The file is
rotated at midnight and only ``keep_days`` old files are kept (privacy: a public kiosk keeps
no long history), by the standard library's ``TimedRotatingFileHandler``.

Two threads write it - the speech worker (``speak``/``done``/``stop`` at the moment audio
starts and ends) and the loop (``ready``) - so every write and the close take one lock, the
transcript's own; the handler's ``emit`` is only ever called under it (rotation included).

What one line stores is capped: ``text`` keeps its first :data:`MAX_TEXT` characters and ends
in "…", and the line then also says ``"text_length"`` (the full length), so a 10 MB title in a
hostile record costs a few kilobytes per scan, not 20 MB.  ``item`` and ``lang`` are capped
the same way (they are short in any real catalogue).
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from datetime import datetime
from logging.handlers import TimedRotatingFileHandler
from pathlib import Path

log = logging.getLogger(__name__)

EVENTS = ("ready", "speak", "done", "stop")
MAX_TEXT = 4000
"""Characters of ``text`` kept per line: a long summary fits, a hostile title does not."""
MAX_FIELD = 200
"""Characters of ``item``/``lang`` kept per line."""


def _cap(value: str | None, limit: int) -> str | None:
    if value is None or len(value) <= limit:
        return value
    return value[: limit - 1] + "…"


class DailyFile(TimedRotatingFileHandler):
    """A file rotated at midnight whose write failures are one log line, not a traceback each.

    ``logging`` reports a failed write (disk full, ``/dev/full``, the file's disk unmounted)
    by printing a traceback per record to standard error - one per transcript line or log
    message, for as long as the fault lasts.  Here the first failure is one ERROR line naming
    the file and the reason, the lines meanwhile are counted as lost, and the first write that
    succeeds again says so.  Used for the transcript and for ``[kiosk] log``.
    """

    def __init__(self, path: str | Path, keep_days: int) -> None:
        super().__init__(path, when="midnight", backupCount=keep_days, encoding="utf-8")
        self.failing: str | None = None
        self.lost = 0

    def emit(self, record: logging.LogRecord) -> None:
        lost = self.lost
        super().emit(record)  # calls handleError on failure
        if self.failing is not None and self.lost == lost:
            count, self.failing, self.lost = self.lost, None, 0  # before logging: may be us
            log.warning("%s: written again after %d lost line(s)", self.baseFilename, count)

    def handleError(self, record: logging.LogRecord) -> None:
        self.lost += 1
        if self.failing is None:
            exc = sys.exc_info()[1]
            self.failing = getattr(exc, "strerror", None) or str(exc)
            # Set before logging: if this handler is the log file, the record comes back here
            # and is only counted.
            log.error("%s: CANNOT BE WRITTEN (%s); lines are lost until it can",
                      self.baseFilename, self.failing)

    def close(self) -> None:
        try:
            super().close()
        except OSError as exc:  # the last flush failed: say so, do not crash the shutdown
            log.error("%s: last lines not written: %s", self.baseFilename, exc.strerror or exc)


def now_iso() -> str:
    """Local time with milliseconds and the UTC offset, e.g. ``2026-11-23T14:12:48.123+01:00``."""
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


class Transcript:
    """Appends events; safe to call from the audio thread and the kiosk loop at once."""

    def __init__(self, path: str | Path | None, keep_days: int = 7) -> None:
        self._handler: logging.Handler | None = None
        self._lock = threading.Lock()
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            # The handler brings thread safety, flush-per-line and rotation in one piece.
            self._handler = DailyFile(path, keep_days)

    def write(
        self,
        event: str,
        text: str | None = None,
        lang: str | None = None,
        item: str | None = None,
    ) -> None:
        if event not in EVENTS:
            raise ValueError(f"unknown transcript event {event!r}")
        if self._handler is None:
            return
        entry: dict[str, object] = {
            "time": now_iso(),
            "event": event,
            "text": _cap(text, MAX_TEXT),
            "lang": _cap(lang, MAX_FIELD),
            "item": _cap(item, MAX_FIELD),
        }
        if text is not None and len(text) > MAX_TEXT:
            entry["text_length"] = len(text)
        line = json.dumps(entry, ensure_ascii=False)
        record = logging.makeLogRecord({"msg": line, "levelno": logging.INFO})
        with self._lock:
            if self._handler is not None:  # closed meanwhile by the other thread
                self._handler.emit(record)

    def close(self) -> None:
        with self._lock:
            if self._handler is not None:
                self._handler.close()
                self._handler = None
