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
import threading
from datetime import datetime
from logging.handlers import TimedRotatingFileHandler
from pathlib import Path

EVENTS = ("ready", "speak", "done", "stop")
MAX_TEXT = 4000
"""Characters of ``text`` kept per line: a long summary fits, a hostile title does not."""
MAX_FIELD = 200
"""Characters of ``item``/``lang`` kept per line."""


def _cap(value: str | None, limit: int) -> str | None:
    if value is None or len(value) <= limit:
        return value
    return value[: limit - 1] + "…"


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
            self._handler = TimedRotatingFileHandler(
                path, when="midnight", backupCount=keep_days, encoding="utf-8"
            )

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
