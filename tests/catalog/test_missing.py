"""The not-found counter: counts only, in its own file, shared between threads/processes."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from catalog.missing import MissingCounter


def test_counts_most_frequent_first(tmp_path: Path) -> None:
    with MissingCounter(tmp_path / "state.db") as counter:
        for text in ["9789100563226", "123", "9789100563226", " 123\r\n", "9789100563226", ""]:
            counter.record(text)
        assert counter.counts() == [("9789100563226", 3), ("123", 2)]
    # Persisted, and reopened by another counter (as `talkcat missing` does).
    with MissingCounter(tmp_path / "state.db") as again:
        assert again.counts()[0] == ("9789100563226", 3)


def test_only_counts_are_stored_no_times(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with MissingCounter(path) as counter:
        counter.record("x" * 500)
    conn = sqlite3.connect(path)
    columns = [row[1] for row in conn.execute("PRAGMA table_info(missing)")]
    (value,) = conn.execute("SELECT identifier FROM missing").fetchone()
    conn.close()
    assert columns == ["identifier", "count"]
    assert len(value) == 64


def test_threads_do_not_lose_counts(tmp_path: Path) -> None:
    counter = MissingCounter(tmp_path / "state.db")
    threads = [
        threading.Thread(target=lambda: [counter.record("42") for _ in range(100)])
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert counter.counts() == [("42", 400)]
    counter.close()
