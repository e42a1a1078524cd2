"""The keyboard, list and replay readers."""

from __future__ import annotations

import io
import os

import pytest

from hardware.errors import HardwareError
from hardware.protocols import Frame, KeyPress
from hardware.readers.fake import ListReader
from hardware.readers.keyboard import KeyboardReader
from hardware.readers.replay import ReplayReader, parse_script
from hardware.registry import create
from tests.support import ManualClock

# ------------------------------------------------------------------ keyboard


def test_keyboard_lines_then_eof_is_idle_not_a_crash():
    stream = io.BytesIO(b"9789129688313\r\n\n]E09780141036144\nlast-without-enter")
    reader = KeyboardReader(stream=stream)
    reader.open()
    frames = [reader.read(5) for _ in range(3)]
    assert [f.text for f in frames] == ["9789129688313", "9780141036144", "last-without-enter"]
    assert frames[1].symbology == "]E0"
    assert frames[0].kind == "typed"
    assert reader.eof.wait(5)
    assert reader.read(0.01) is None
    reader.close()
    reader.close()


def test_keyboard_from_a_pipe_like_stdin():
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as stream:
        reader = KeyboardReader(None, kind="barcode", stream=stream)
        reader.open()
        os.write(write_end, b"12345\n")
        frame = reader.read(5)
        assert (frame.text, frame.kind) == ("12345", "barcode")
        os.close(write_end)
        assert reader.eof.wait(5)
        assert reader.read(0) is None
        reader.close()


def test_keyboard_text_stream_and_long_line():
    reader = KeyboardReader(stream=io.StringIO("x" * 100_000 + "\n42\n"), max_frame=64)
    reader.open()
    assert reader.read(5).text == "42"


def test_keyboard_rejects_a_target():
    with pytest.raises(HardwareError, match="no target"):
        KeyboardReader("/dev/ttyUSB0")


# ------------------------------------------------------------------ list


def test_list_reader_from_spec_records_calls():
    reader = create("talkcat.readers", "list", "9789129688313, key:more ,,E004", {"kind": "rfid"})
    assert reader.calls == []
    reader.open()
    events = [reader.read(0.01) for _ in range(4)]
    assert events[0] == Frame("9789129688313", raw=b"9789129688313", kind="rfid")
    assert events[1] == KeyPress("more")
    assert events[2].text == "E004"
    assert events[3] is None
    reader.close()
    reader.close()
    assert reader.calls == ["open", "close", "close"]
    with pytest.raises(HardwareError, match="not open"):
        reader.read(0)


def test_list_reader_from_python_list_and_repeat():
    reader = ListReader([Frame("a"), "b"], repeat=True)
    reader.open()
    assert [reader.read(0).text for _ in range(5)] == ["a", "b", "a", "b", "a"]


def test_list_reader_interval_spans_short_reads():
    reader = ListReader("a,b", interval=0.05)
    reader.open()
    got = []
    for _ in range(200):
        event = reader.read(0.01)
        if event:
            got.append(event.text)
        if len(got) == 2:
            break
    assert got == ["a", "b"]


def test_list_reader_bad_key():
    with pytest.raises(HardwareError, match="unknown key action 'fly'"):
        ListReader("key:fly")


# ------------------------------------------------------------------ replay

SCRIPT = """\
# a short visit
1.5 scan 9789129688313

0.5 key more
2   rfid E004010012345678
0   scan ]E09780141036144
"""


def test_replay_timing_from_open_with_an_injected_clock(tmp_path):
    path = tmp_path / "visit.txt"
    path.write_text(SCRIPT)
    clock = ManualClock()
    reader = ReplayReader(str(path), clock=clock, sleep=clock.sleep)
    clock.advance(100)  # time before open does not count
    reader.open()
    opened = clock.now
    assert reader.read(1.0) is None  # first event is due 1.5 s after open
    assert clock.now == pytest.approx(opened + 1.0)
    first = reader.read(1.0)
    assert first.text == "9789129688313"
    assert clock.now == pytest.approx(opened + 1.5)
    assert reader.read(5) == KeyPress("more")
    assert clock.now == pytest.approx(opened + 2.0)
    rfid = reader.read(5)
    assert (rfid.text, rfid.kind) == ("E004010012345678", "rfid")
    assert clock.now == pytest.approx(opened + 4.0)
    last = reader.read(5)
    assert (last.text, last.symbology) == ("9780141036144", "]E0")
    assert clock.now == pytest.approx(opened + 4.0)
    assert reader.read(3) is None  # end of file: idle for the timeout, no crash
    assert clock.now == pytest.approx(opened + 7.0)
    reader.close()
    reader.close()


def test_replay_delays_count_from_the_schedule_not_from_slow_reads(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("1 scan a\n1 scan b\n")
    clock = ManualClock()
    reader = ReplayReader(str(path), clock=clock, sleep=clock.sleep)
    reader.open()
    clock.advance(1.9)  # the kiosk was busy speaking
    assert reader.read(0).text == "a"
    assert reader.read(0.05) is None
    clock.advance(0.06)
    assert reader.read(0).text == "b"


def test_replay_real_clock_via_registry(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("0.01 scan 1\n0.01 key stop\n")
    reader = create("talkcat.readers", "replay", str(path), {"speed": 2.0})
    reader.open()
    assert reader.read(5).text == "1"
    assert reader.read(5) == KeyPress("stop")
    assert reader.read(0.01) is None
    reader.close()


def test_replay_malformed_lines_name_file_and_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("1 scan ok\nsoon scan 1\n1 key fly\n1 dance x\n-1 scan 2\n1 scan\n")
    with pytest.raises(HardwareError) as info:
        ReplayReader(str(path))
    message = str(info.value)
    for line in (2, 3, 4, 5, 6):
        assert f"bad.txt:{line}:" in message
    assert "bad.txt:1:" not in message
    assert "unknown key action 'fly'" in message


def test_replay_missing_file():
    with pytest.raises(HardwareError, match=r"replay file /nonexistent/x\.txt: not found"):
        ReplayReader("/nonexistent/x.txt")


def test_parse_script_keeps_identifier_with_spaces():
    (event,) = parse_script("0 scan ISBN 91-29-68831-3\n", "s")
    assert event.event.text == "ISBN 91-29-68831-3"
