"""The transcript: one JSON object per line, the audit trail staff and tests read.

Format (a public contract - extend, never change)::

    {"time": "2026-11-23T13:12:48.123+00:00", "event": "ready"|"speak"|"done"|"stop",
     "text": str | null, "lang": str | null, "item": str | null}

Each line is written and flushed at once, because a monitoring script may be tailing the file
and because a kiosk that loses power should lose at most the line being written.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from pathlib import Path
from typing import IO

EVENTS = ("ready", "speak", "done", "stop")


def now_iso() -> str:
    """Local time with milliseconds and the UTC offset, e.g. ``2026-11-23T14:12:48.123+01:00``."""
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


class Transcript:
    """Appends events; safe to call from the audio thread and the kiosk loop at once."""

    def __init__(self, path: str | Path | None) -> None:
        self._lock = threading.Lock()
        self._file: IO[str] | None = None
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._file = open(path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115

    def write(
        self,
        event: str,
        text: str | None = None,
        lang: str | None = None,
        item: str | None = None,
    ) -> None:
        if event not in EVENTS:
            raise ValueError(f"unknown transcript event {event!r}")
        if self._file is None:
            return
        line = json.dumps(
            {"time": now_iso(), "event": event, "text": text, "lang": lang, "item": item},
            ensure_ascii=False,
        )
        with self._lock:
            self._file.write(line + "\n")
            self._file.flush()

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
