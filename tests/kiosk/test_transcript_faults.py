"""A transcript or log file that stops being writable: one line, never a traceback per line."""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path

import pytest

from kiosk.transcript import DailyFile, Transcript


class FailingStream:
    """A file stream whose writes fail with ENOSPC while ``full`` is set (a full disk)."""

    def __init__(self, real) -> None:
        self.real = real
        self.full = True

    def write(self, text: str) -> int:
        if self.full:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return self.real.write(text)

    def flush(self) -> None:
        if not self.full:
            self.real.flush()

    def close(self) -> None:
        self.real.close()


def test_a_full_disk_is_one_error_line_then_written_again(tmp_path: Path, caplog, capsys) -> None:
    path = tmp_path / "t.jsonl"
    transcript = Transcript(path)
    handler = transcript._handler
    assert isinstance(handler, DailyFile)
    handler.stream = FailingStream(handler.stream)
    with caplog.at_level(logging.WARNING, logger="kiosk.transcript"):
        for _ in range(50):
            transcript.write("speak", "Pippi", "sv", "1")
        handler.stream.full = False
        transcript.write("done", "Pippi", "sv", "1")
    transcript.close()
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors == [f"{path}: CANNOT BE WRITTEN (No space left on device); lines are lost"
                      " until it can"]
    assert any("written again after 50 lost line(s)" in r.getMessage() for r in caplog.records)
    assert path.read_text("utf-8").count('"event": "done"') == 1
    assert "Traceback" not in capsys.readouterr().err  # logging's per-record traceback


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_dev_full_as_the_log_file_does_not_recurse(capsys) -> None:
    handler = DailyFile("/dev/full", keep_days=1)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        for i in range(20):
            logging.getLogger("kiosk.test").error("line %d", i)
    finally:
        root.removeHandler(handler)
        handler.close()
    assert handler.lost >= 20
    assert "Traceback" not in capsys.readouterr().err
