"""Debounce, and surviving a reader that comes and goes (pty replug, re-pointed symlink)."""

from __future__ import annotations

import os
import threading
import time

import pytest

from hardware.errors import HardwareError
from hardware.protocols import Frame, KeyPress
from hardware.readers.debounce import DebouncedReader
from hardware.readers.resilient import ReconnectingReader
from hardware.readers.serial import SerialReader
from tests.hardware.reader_support import Pty
from tests.support import ManualClock

# ------------------------------------------------------------------ debounce


class ScriptedReader:
    """Returns scripted events, advancing a fake clock before each."""

    def __init__(self, clock: ManualClock, script: list[tuple[float, object]]) -> None:
        self.clock = clock
        self.script = list(script)
        self.opened = self.closed = 0

    def open(self) -> None:
        self.opened += 1

    def close(self) -> None:
        self.closed += 1

    def read(self, timeout: float):
        if not self.script:
            self.clock.advance(timeout)
            return None
        delay, event = self.script.pop(0)
        self.clock.advance(delay)
        return event


def collect(reader, n=50):
    out = []
    for _ in range(n):
        event = reader.read(10)
        if event is None:
            break
        out.append(event)
    return out


def test_finger_resting_on_a_tag_is_one_scan_and_a_retouch_repeats():
    clock = ManualClock()
    tag = Frame("E004", kind="rfid")
    script = [(0.0, tag)] + [(0.1, tag)] * 30  # 3 s of the tag in the field, 10 reads/s
    script += [(0.6, tag)]  # lifted for 0.6 s, touched again
    reader = DebouncedReader(ScriptedReader(clock, script), window=0.5, clock=clock)
    reader.open()
    assert [e.text for e in collect(reader)] == ["E004", "E004"]
    assert reader.suppressed == 30


def test_two_books_in_the_field_are_each_announced_once_and_keys_pass():
    clock = ManualClock()
    a, b = Frame("A"), Frame("B")
    script = [(0.05, x) for x in (a, b) * 10] + [(0.05, KeyPress("more")), (0.05, KeyPress("more"))]
    reader = DebouncedReader(ScriptedReader(clock, script), clock=clock)
    reader.open()
    events = collect(reader)
    assert events == [a, b, KeyPress("more"), KeyPress("more")]


def test_same_identifier_other_kind_and_window_zero():
    clock = ManualClock()
    script = [(0.0, Frame("1")), (0.01, Frame("1", kind="rfid")), (0.01, Frame("1"))]
    events = collect(DebouncedReader(ScriptedReader(clock, list(script)), clock=clock))
    assert [e.kind for e in events] == ["barcode", "rfid"]
    events = collect(DebouncedReader(ScriptedReader(clock, list(script)), window=0, clock=clock))
    assert len(events) == 3


def test_debounce_honours_the_timeout():
    clock = ManualClock()
    script = [(0.1, Frame("1"))] * 100
    reader = DebouncedReader(ScriptedReader(clock, script), clock=clock)
    assert reader.read(1).text == "1"
    start = clock.now
    assert reader.read(1.0) is None
    assert clock.now - start == pytest.approx(1.0, abs=0.11)


# ------------------------------------------------------------------ reconnecting (fake clock)


class FlakyReader:
    """Open fails while ``present`` is False; read raises once ``present`` turns False."""

    def __init__(self) -> None:
        self.present = True
        self.calls: list[str] = []
        self.queue: list[Frame] = []

    def open(self) -> None:
        self.calls.append("open")
        if not self.present:
            raise HardwareError("/dev/ttyUSB0: no such device - is the reader plugged in?")

    def read(self, timeout: float):
        if not self.present:
            raise HardwareError("/dev/ttyUSB0: device disconnected")
        return self.queue.pop(0) if self.queue else None

    def close(self) -> None:
        self.calls.append("close")


def test_fault_reported_once_backoff_capped_and_recovery():
    clock = ManualClock()
    inner = FlakyReader()
    faults, recoveries = [], []
    reader = ReconnectingReader(
        inner, faults.append, lambda: recoveries.append(clock.now), clock=clock, sleep=clock.sleep
    )
    reader.open()
    inner.queue.append(Frame("1"))
    assert reader.read(1).text == "1"
    inner.present = False
    for _ in range(60):  # a minute of absence, read in 1 s slices
        assert reader.read(1.0) is None
    assert faults == ["/dev/ttyUSB0: device disconnected"]
    assert reader.fault == faults[0]
    assert max(clock.slept) <= 1.0 + 1e-9  # back-off capped at a second
    inner.present = True
    returned = clock.now
    inner.queue.append(Frame("2"))
    event = None
    while event is None and clock.now < returned + 5:
        event = reader.read(0.25)
    assert event.text == "2"
    assert recoveries and recoveries[0] - returned <= 2.0
    assert reader.fault is None
    inner.present = False  # a second loss is reported again
    reader.read(0.1)
    assert len(faults) == 2
    reader.close()
    reader.close()
    assert inner.calls[-1] == "close"


def test_port_that_never_appeared_does_not_stop_the_kiosk():
    clock = ManualClock()
    inner = FlakyReader()
    inner.present = False
    faults = []
    reader = ReconnectingReader(inner, faults.append, clock=clock, sleep=clock.sleep)
    reader.open()  # does not raise
    assert reader.read(3) is None
    assert len(faults) == 1 and "plugged in" in faults[0]
    assert inner.calls.count("open") >= 3


def test_unexpected_exception_and_broken_callback_are_contained():
    clock = ManualClock()

    class Boom(FlakyReader):
        def read(self, timeout):
            raise OSError(5, "Input/output error")

    calls = []

    def bad_callback(message):
        calls.append(message)
        raise RuntimeError("callback bug")

    reader = ReconnectingReader(Boom(), bad_callback, clock=clock, sleep=clock.sleep)
    reader.open()
    assert reader.read(0.5) is None  # the callback's own exception did not escape
    assert "OSError" in reader.fault
    assert len(calls) == 1 and "Input/output error" in calls[0]  # it really was called


def test_read_before_open_is_a_programming_error():
    with pytest.raises(HardwareError, match="before open"):
        ReconnectingReader(FlakyReader()).read(0)


# ------------------------------------------------------------------ replug on real ptys


def _new_pty_named(name: str, attempts: int = 64) -> Pty | None:
    """A new pty that gets ``name`` again (the kernel hands out the lowest free number)."""
    spare = []
    try:
        for _ in range(attempts):
            pty = Pty()
            if pty.name == name:
                return pty
            spare.append(pty)
        return None
    finally:
        for pty in spare:
            pty.close()


def _read_until(reader, predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        event = reader.read(0.1)
        if predicate(event):
            return event
    return None


def _replug(target_for, make_new_device):
    faults, recovered = [], threading.Event()
    first = Pty()
    devices = [first]
    target = target_for(first)
    inner = SerialReader(target)
    # Every open attempt the reconnecting reader makes, and whether it found the device:
    # "back at the first try once the device is there" is counted in attempts, not seconds
    # (a loaded machine stretches seconds; the back-off cap is proven on a fake clock).
    attempts: list[tuple[bool, bool]] = []  # (device back when it began?, succeeded?)
    back = threading.Event()
    real_open = inner.open

    def counted_open() -> None:
        began_after = back.is_set()
        try:
            real_open()
        except BaseException:
            attempts.append((began_after, False))
            raise
        attempts.append((began_after, True))

    inner.open = counted_open  # type: ignore[method-assign]
    reader = ReconnectingReader(inner, faults.append, recovered.set)
    reader.open()
    try:
        first.write(b"111\r")
        assert _read_until(reader, lambda e: e is not None).text == "111"
        first.close()  # unplugged
        _read_until(reader, lambda e: bool(faults))
        assert len(faults) == 1
        for _ in range(10):
            assert reader.read(0.05) is None  # still running, still quiet
        assert len(faults) == 1
        second = make_new_device(first)
        if second is None:
            pytest.skip("could not get the same pty number back (busy machine)")
        devices.append(second)
        back.set()
        _read_until(reader, lambda e: recovered.is_set())
        assert recovered.is_set()
        # No try failed once the device was back: the first one found it.
        assert not [ok for began_after, ok in attempts if began_after and not ok], attempts
        second.write(b"222\r")
        assert _read_until(reader, lambda e: e is not None).text == "222"
    finally:
        reader.close()
        for device in devices:
            device.close()


def test_replug_pty_closed_and_recreated():
    _replug(lambda pty: pty.name, lambda old: _new_pty_named(old.name))


def test_replug_through_a_repointed_symlink(tmp_path):
    link = tmp_path / "talkcat-reader"

    def point(pty: Pty) -> str:
        tmp = tmp_path / "link.tmp"
        os.symlink(pty.name, tmp)
        os.replace(tmp, link)  # atomic, as udev does
        return str(link)

    def recreate(old: Pty) -> Pty:
        blocker = Pty()  # occupy the old number so the new device gets another name
        try:
            new = Pty()
        finally:
            blocker.close()
        point(new)
        return new

    _replug(point, recreate)
