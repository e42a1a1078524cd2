from __future__ import annotations

import json
import re
import threading

import pytest

from kiosk.transcript import Transcript

TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$")


def test_lines_are_complete_json_and_flushed_at_once(tmp_path) -> None:
    path = tmp_path / "t.jsonl"
    transcript = Transcript(path)
    transcript.write("speak", "Pippi Långstrump, av Astrid Lindgren", "sv", "123")
    # Read before close: a monitoring script tailing the file must see the line already.
    line = json.loads(path.read_text("utf-8").splitlines()[0])
    assert line["event"] == "speak"
    assert line["text"] == "Pippi Långstrump, av Astrid Lindgren"
    assert line["item"] == "123"
    assert TIME.match(line["time"]), line["time"]
    transcript.close()


def test_appends_and_keeps_lines_whole_under_threads(tmp_path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text('{"event": "ready"}\n')
    transcript = Transcript(path)

    def writer(n: int) -> None:
        for i in range(200):
            transcript.write("done", f"{n}-{i}", "en", None)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    transcript.close()
    lines = path.read_text().splitlines()
    assert len(lines) == 801
    assert all(json.loads(line)["event"] in {"ready", "done"} for line in lines)


def test_unknown_event_is_a_bug() -> None:
    with pytest.raises(ValueError):
        Transcript(None).write("spoke")


def test_rotates_and_keeps_only_the_configured_days(tmp_path) -> None:
    path = tmp_path / "t.jsonl"
    transcript = Transcript(path, keep_days=2)
    handler = transcript._handler
    assert handler is not None
    first_midnight = handler.rolloverAt
    for day in range(4):
        transcript.write("done", f"day {day}", "sv", None)
        handler.rolloverAt = first_midnight + day * 86400  # type: ignore[attr-defined]
        handler.doRollover()  # what each midnight does
    transcript.write("done", "today", "sv", None)
    transcript.close()
    rotated = sorted(p.name for p in tmp_path.iterdir() if p.name != "t.jsonl")
    assert len(rotated) == 2, rotated
    kept = [json.loads(tmp_path.joinpath(n).read_text())["text"] for n in rotated]
    assert kept == ["day 2", "day 3"]
    assert json.loads(path.read_text().splitlines()[-1])["text"] == "today"


class _OverlapDetector:
    """A stream that notices two writers inside ``write`` at once."""

    def __init__(self, stream) -> None:  # type: ignore[no-untyped-def]
        self.stream = stream
        self.inside = 0
        self.overlaps = 0
        self.guard = threading.Lock()
        self.pause = threading.Event()

    def write(self, data: str) -> int:
        with self.guard:
            self.inside += 1
            self.overlaps += self.inside > 1
        self.pause.wait(0.0002)  # widen the window another writer could enter through
        written = self.stream.write(data)
        with self.guard:
            self.inside -= 1
        return written

    def flush(self) -> None:
        self.stream.flush()

    def close(self) -> None:
        self.stream.close()


def test_writes_from_two_threads_never_overlap(tmp_path) -> None:
    # The speech thread and the loop write at once; the handler's emit must run under one lock.
    transcript = Transcript(tmp_path / "t.jsonl")
    handler = transcript._handler
    assert handler is not None
    detector = _OverlapDetector(handler.stream)  # type: ignore[attr-defined]
    handler.stream = detector  # type: ignore[attr-defined]
    start = threading.Barrier(4)

    def writer(n: int) -> None:
        start.wait()
        for i in range(100):
            transcript.write("speak", f"{n}-{i}", "sv", None)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    transcript.close()
    assert detector.overlaps == 0
    assert len((tmp_path / "t.jsonl").read_text("utf-8").splitlines()) == 400


def test_a_huge_title_is_capped_per_line(tmp_path) -> None:
    from kiosk.transcript import MAX_TEXT

    path = tmp_path / "t.jsonl"
    transcript = Transcript(path)
    title = "Å" * 10_000_000  # a hostile 10 MB title
    transcript.write("speak", title, "sv", "x" * 1_000_000)
    transcript.write("done", title, "sv", "rec-1")
    transcript.write("done", "short", "sv", "rec-2")
    transcript.close()
    assert path.stat().st_size < 3 * (MAX_TEXT * 2 + 1000)  # bytes: Å is two in UTF-8
    first, second, third = (json.loads(x) for x in path.read_text("utf-8").splitlines())
    assert len(first["text"]) == MAX_TEXT and first["text"].endswith("…")
    assert first["text_length"] == 10_000_000
    assert len(first["item"]) <= 200
    assert second["item"] == "rec-1"
    assert third["text"] == "short" and "text_length" not in third
