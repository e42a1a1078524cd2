"""SerialReader over real pyserial: pseudo-terminal pairs for every framing, and loop://."""

from __future__ import annotations

import errno
import threading

import pytest
import serial

from hardware.errors import HardwareError
from hardware.protocols import Frame
from hardware.readers.serial import SerialReader, explain_open_error
from hardware.registry import create
from tests.hardware.reader_support import Pty, read_frames


@pytest.fixture
def pty():
    device = Pty()
    yield device
    device.close()


def open_reader(pty: Pty, **options) -> SerialReader:
    reader = SerialReader(pty.name, **options)
    reader.open()
    return reader


def _bcc(data: bytes) -> int:
    value = 0
    for b in data:
        value ^= b
    return value


def test_split_and_merged_writes_line_framing(pty):
    reader = open_reader(pty)
    try:
        pty.write(b"97891")
        pty.write(b"29688313\r")
        pty.write(b"\n")
        pty.write(b"9780141036144\r\n]E09789129688313\n111\r")
        frames = read_frames(reader, 4)
        assert [f.text for f in frames] == ["9789129688313", "9780141036144", "9789129688313",
                                            "111"]
        assert frames[2].symbology == "]E0"
        assert all(isinstance(f, Frame) and f.kind == "barcode" for f in frames)
        assert reader.read(0.05) is None  # CR then LF in a later write made no extra frame
    finally:
        reader.close()


@pytest.mark.parametrize(
    ("options", "stream", "expected"),
    [
        ({"framing": "cr"}, b"\x00\x00123\r\n456\r", ["123", "456"]),
        ({"framing": "lf"}, b"123\n\x07\x07456\n", ["123", "456"]),
        ({"framing": "crlf"}, b"123\r\n456\r\n", ["123", "456"]),
        ({"framing": "tab"}, b"123\t456\t", ["123", "456"]),
        ({"framing": "custom", "terminator": r"\x1e"}, b"123\x1e456\x1e", ["123", "456"]),
        ({"framing": "stx-etx"}, b"junk\x02123\x03junk\x02456\x03", ["123", "456"]),
        (
            {"framing": "stx-etx", "checksum": "bcc"},
            b"\x02123\x03" + bytes([_bcc(b"123\x03")]) + b"\x02999\x03\x00"  # bad check
            + b"\x02456\x03" + bytes([_bcc(b"456\x03")]),
            ["123", "456"],
        ),
        (
            {"framing": "stx-etx", "checksum": "lrc"},
            b"\x02123\x03" + bytes([(-sum(b"123\x03")) & 0xFF]),
            ["123"],
        ),
        ({"framing": "fixed", "frame_length": 4, "gap_ms": 2000}, b"12345678", ["1234", "5678"]),
        (
            {"strip_prefix": "PRE", "strip_suffix": "SUF"},
            b"PRE]C0ABC123SUF\r",
            ["ABC123"],
        ),
    ],
    ids=["cr", "lf", "crlf", "tab", "custom", "stx-etx", "bcc", "lrc", "fixed", "prefix"],
)
def test_every_framing_over_a_pty_split_byte_by_byte(pty, options, stream, expected):
    reader = open_reader(pty, **options)
    try:
        for i in range(len(stream)):  # the worst case: one byte per write
            pty.write(stream[i : i + 1])
        assert [f.text for f in read_frames(reader, len(expected))] == expected
        assert reader.read(0.05) is None
    finally:
        reader.close()


def test_idle_gap_framing_over_a_pty(pty):
    reader = open_reader(pty, framing="idle-gap", gap_ms=150)
    try:
        pty.write(b"978912")
        pty.write(b"9688313")
        frames = read_frames(reader, 1)
        assert [f.text for f in frames] == ["9789129688313"]
    finally:
        reader.close()


def test_flood_and_megabyte_line_stay_bounded(pty):
    reader = open_reader(pty, max_frame=64)
    writer = threading.Thread(
        target=pty.write, args=(b"x" * 1_000_000 + b"\r" + b"123\r" * 2000 + b"END\r",)
    )
    writer.start()
    try:
        frames = read_frames(reader, 2001, timeout=20)
        assert frames[0].text == "123"
        assert frames[-1].text == "END"
        assert len(frames) == 2001
        assert reader._parser.buffered <= 66
    finally:
        writer.join(10)
        reader.close()


def test_loop_url():
    reader = create("talkcat.readers", "serial", "loop://", {"baudrate": 115200})
    reader.open()
    try:
        reader._port.write(b"\x1b]E473513537\r\n")
        frame = reader.read(2)
        assert (frame.text, frame.symbology) == ("73513537", "]E4")
        assert reader.read(0.01) is None
    finally:
        reader.close()


def test_missing_device_says_plug_it_in(tmp_path):
    reader = SerialReader(str(tmp_path / "ttyUSB9"))
    with pytest.raises(HardwareError, match="no such device - is the reader plugged in"):
        reader.open()


def test_permission_and_busy_messages():
    denied = serial.SerialException(errno.EACCES, "could not open port: Permission denied")
    assert "dialout" in explain_open_error("/dev/ttyUSB0", denied)
    assert "/dev/ttyUSB0: permission denied" in explain_open_error("/dev/ttyUSB0", denied)
    busy = serial.SerialException(errno.EBUSY, "busy")
    assert "another program" in explain_open_error("/dev/ttyUSB0", busy)


def test_unknown_url_scheme():
    with pytest.raises(HardwareError, match="not a usable port"):
        SerialReader("nonsense://x").open()


def test_vanishing_device_raises_hardware_error(pty):
    reader = open_reader(pty)
    pty.write(b"1\r")
    assert reader.read(2).text == "1"
    pty.close()
    with pytest.raises(HardwareError, match="disconnected"):
        reader.read(2)
    reader.close()
    reader.close()  # idempotent


def test_read_before_open_and_bad_settings(pty):
    with pytest.raises(HardwareError, match="not open"):
        SerialReader(pty.name).read(0)
    with pytest.raises(HardwareError, match="terminator"):
        SerialReader(pty.name, framing="custom")
    with pytest.raises(HardwareError, match="length"):
        SerialReader(pty.name, framing="fixed", frame_length=999)
    with pytest.raises(HardwareError, match="a port is needed"):
        SerialReader(None)


def test_tap_and_discard_hooks(pty):
    reader = open_reader(pty, framing="stx-etx", checksum="bcc")
    seen, discarded = [], []
    reader.tap = seen.append
    reader.on_discard = lambda reason, data: discarded.append(reason)
    try:
        pty.write(b"\x02123\x03\x00")
        for _ in range(50):  # up to 5 s for the bytes to arrive
            assert reader.read(0.1) is None
            if discarded:
                break
        assert b"".join(seen) == b"\x02123\x03\x00"
        assert "bad checksum" in discarded[0]
    finally:
        reader.close()
