"""The transcript: one JSON object per line, the audit trail staff and tests read.

Format (a public contract - extend, never change)::

    {"time": "2026-11-23T13:12:48.123+00:00", "event": "ready"|"speak"|"done"|"stop",
     "text": str | null, "lang": str | null, "item": str | null}

Each line is written and flushed at once, because a monitoring script may be tailing the file
and because a kiosk that loses power should lose at most the line being written.  The file is
rotated at midnight and only ``keep_days`` old files are kept (privacy: a public kiosk keeps
no long history), by the standard library's ``TimedRotatingFileHandler``.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from logging.handlers import TimedRotatingFileHandler
from pathlib import Path

EVENTS = ("ready", "speak", "done", "stop")


def now_iso() -> str:
    """Local time with milliseconds and the UTC offset, e.g. ``2026-11-23T14:12:48.123+01:00``."""
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


class Transcript:
    """Appends events; safe to call from the audio thread and the kiosk loop at once."""

    def __init__(self, path: str | Path | None, keep_days: int = 7) -> None:
        self._handler: logging.Handler | None = None
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
        line = json.dumps(
            {"time": now_iso(), "event": event, "text": text, "lang": lang, "item": item},
            ensure_ascii=False,
        )
        self._handler.emit(logging.makeLogRecord({"msg": line, "levelno": logging.INFO}))

    def close(self) -> None:
        if self._handler is not None:
            self._handler.close()
            self._handler = None
