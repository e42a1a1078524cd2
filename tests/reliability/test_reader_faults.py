"""The reader misbehaves: replugged 100 times, floods, a 1 MB line, noise, long silence.

A real ``SerialReader`` on a pseudo-terminal inside the ``ReconnectingReader`` that ``run``
uses, feeding the real kiosk loop.  Memory is judged by its bounds - the framer's buffer, the
loop's event queue - which is what a flood would otherwise grow.
"""

from __future__ import annotations

import os
import random
import threading
import time
from pathlib import Path

import pytest

from hardware.framing import DEFAULT_MAX_FRAME, IdleGapParser
from hardware.protocols import Frame
from hardware.readers.resilient import ReconnectingReader
from hardware.readers.serial import SerialReader
from kiosk.events import EventQueue
from tests.hardware.reader_support import Pty, wait_for
from tests.reliability.rig import (
    GUILLOU,
    GUILLOU_ISBN,
    INVALID,
    TOVE,
    TOVE_ISBN,
    KioskRig,
    PushReader,
    make_catalogue,
)
from tests.support import ManualClock


class WatchedSerialReader(SerialReader):
    """A ``SerialReader`` that notes the largest framer buffer seen after each chunk."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.max_buffered = 0
        self.bytes_in = 0
        self.tap = self._watch

    def read(self, timeout: float):  # type: ignore[no-untyped-def]
        event = super().read(timeout)
        self.max_buffered = max(self.max_buffered, self._parser.buffered)
        return event

    def _watch(self, data: bytes) -> None:
        self.bytes_in += len(data)
        self.max_buffered = max(self.max_buffered, self._parser.buffered)


def serial_kiosk(tmp_path: Path, target: str, **kiosk_options: object):  # type: ignore[no-untyped-def]
    serial = WatchedSerialReader(target)
    reader = ReconnectingReader(serial, initial_backoff=0.01, max_backoff=0.05)
    rig = KioskRig(
        reader, make_catalogue(tmp_path / "c.db"), tmp_path / "t.jsonl",
        kiosk_options=dict(kiosk_options),
    )
    reader.on_fault = rig.kiosk.report_fault
    reader.on_recover = rig.kiosk.report_recovered
    return rig, reader, serial


def _point(link: Path, pty: Pty) -> None:
    tmp = link.with_name(link.name + ".tmp")
    os.symlink(pty.name, tmp)
    os.replace(tmp, link)  # atomic, as udev re-points /dev/talkcat-reader


def test_a_hundred_replugs_and_the_kiosk_resumes_each_time(tmp_path: Path) -> None:
    link = tmp_path / "talkcat-reader"
    device = Pty()
    _point(link, device)
    rig, reader, _ = serial_kiosk(tmp_path, str(link))
    try:
        with rig:
            for cycle in range(1, 101):
                # Unplug: the old device vanishes, udev points the name at the new one.
                new = Pty()
                _point(link, new)
                device.close()
                device = new
                assert wait_for(lambda c=cycle: reader.faults >= c and reader.connected, 30), (
                    f"cycle {cycle}: the reader did not come back"
                )
                isbn, text = (TOVE_ISBN, TOVE) if cycle % 2 else (GUILLOU_ISBN, GUILLOU)
                device.write(isbn.encode() + b"\r\n")
                rig.wait_spoken(text, count=(cycle + 1) // 2)
    finally:
        device.close()
    assert reader.faults == 100
    spoken = [t for t in rig.spoken() if t in (TOVE, GUILLOU)]
    assert spoken == [TOVE, GUILLOU] * 50
    assert not rig.errors


def _flood(pty: Pty, frames: list[bytes], rate: float, stop: threading.Event) -> int:
    """Write ``frames`` at ``rate`` per second (in 10 ms batches); returns how many went."""
    started = time.monotonic()
    sent = 0
    while sent < len(frames) and not stop.is_set():
        due = min(len(frames), int((time.monotonic() - started) * rate) + 1)
        if due > sent:
            pty.write(b"".join(frames[sent:due]))
            sent = due
        stop.wait(0.01)
    return sent


@pytest.mark.parametrize(
    "seconds", [2, pytest.param(10, marks=pytest.mark.soak, id="10s-soak")], ids=str
)
def test_flood_at_ten_thousand_frames_a_second_stays_bounded(
    tmp_path: Path, seconds: int
) -> None:
    device = Pty()
    rig, _, serial = serial_kiosk(tmp_path, device.name)
    rng = random.Random(7)
    choices = [TOVE_ISBN.encode(), b"9789100563227", b"12345", GUILLOU_ISBN.encode()[:-1]]
    # 10,000 frames a second as the issue asks: 2 s in the default run, the full 10 s in soak.
    frames = [rng.choice(choices) + b"\r\n" for _ in range(10_000 * seconds)]
    said: list[str] = []
    try:
        with rig:
            original = rig.kiosk.visit.say

            def spy(utterance, **kwargs):  # type: ignore[no-untyped-def]
                said.append(utterance.text)
                original(utterance, **kwargs)

            rig.kiosk.visit.say = spy  # type: ignore[method-assign]
            stop = threading.Event()
            sent = _flood(device, frames, 10_000, stop)
            # After the flood, one good scan: it is the one the visitor hears.
            device.write(b"\r\n" + GUILLOU_ISBN.encode() + b"\r\n")
            rig.wait_spoken(GUILLOU)
            events = rig.kiosk.events
    finally:
        device.close()
    assert sent == len(frames)
    assert serial.bytes_in >= sum(map(len, frames))
    assert serial.max_buffered <= DEFAULT_MAX_FRAME + 2
    assert isinstance(events, EventQueue)
    assert events.high_water <= events.limit
    # Words for unreadable codes at most once per error_interval (5 s).
    assert 1 <= said.count(INVALID) <= seconds // 5 + 2
    assert not rig.errors


def test_one_megabyte_line_then_a_good_scan(tmp_path: Path) -> None:
    device = Pty()
    rig, _, serial = serial_kiosk(tmp_path, device.name)
    try:
        with rig:
            line = b"7" * 1_000_000 + b"\r\n" + TOVE_ISBN.encode() + b"\r\n"
            writer = threading.Thread(target=device.write, args=(line,))
            writer.start()
            rig.wait_spoken(TOVE, timeout=60)
            writer.join(30)
    finally:
        device.close()
    assert serial.bytes_in >= 1_000_000
    assert serial.max_buffered <= DEFAULT_MAX_FRAME + 2
    assert serial._parser.discarded >= 1  # reported, not silently eaten
    assert rig.spoken() == [TOVE]


def test_binary_noise_then_valid_frames_are_still_spoken(tmp_path: Path) -> None:
    device = Pty()
    rig, _, serial = serial_kiosk(tmp_path, device.name)
    noise = random.Random(11).randbytes(256 * 1024)
    try:
        with rig:
            writer = threading.Thread(
                target=device.write,
                args=(noise + b"\r\n" + TOVE_ISBN.encode() + b"\r\n",),
            )
            writer.start()
            rig.wait_spoken(TOVE, timeout=60)
            writer.join(30)
            device.write(GUILLOU_ISBN.encode() + b"\r")
            rig.wait_spoken(GUILLOU)
    finally:
        device.close()
    assert serial.max_buffered <= DEFAULT_MAX_FRAME + 2
    assert rig.spoken()[-2:] == [TOVE, GUILLOU]
    assert not rig.errors


def test_event_queue_keeps_newest_scans_and_every_marker() -> None:
    from kiosk.events import Marker as _Marker

    events = EventQueue(limit=8)
    events.put(_Marker("ready"))
    for i in range(1000):
        events.put(Frame(text=str(i), raw=b""))
    events.put(_Marker("fault", "gone"))
    held = [events.get_nowait() for _ in range(events.qsize())]
    assert len(held) <= 8 and events.high_water <= 8
    assert held[0] == _Marker("ready") and held[-1] == _Marker("fault", "gone")
    assert [f.text for f in held[1:-1]] == [str(i) for i in range(994, 1000)]
    assert events.dropped == 1000 - 6


class QuietReader(PushReader):
    """A device that says nothing: each read waits out its timeout on the simulated clock."""

    def __init__(self, clock: ManualClock) -> None:
        super().__init__()
        self._clock = clock

    def read(self, timeout: float):  # type: ignore[no-untyped-def]
        self._clock.sleep(timeout)
        return None


def test_long_silence_on_a_simulated_clock(tmp_path: Path) -> None:
    """Two simulated hours of nothing: no fault, no invented frame, no growth; then a scan."""
    clock = ManualClock()
    # The framer: an idle-gap parser polled through the silence invents nothing.
    parser = IdleGapParser(gap=0.05, clock=clock)
    for _ in range(7200):
        clock.advance(1.0)
        assert parser.poll() == []
    assert parser.buffered == 0 and parser.deadline() is None
    # The reconnect wrapper: a quiet reader is a healthy one, never "lost".
    quiet = QuietReader(clock)
    wrapper = ReconnectingReader(quiet, clock=clock, sleep=clock.sleep)
    wrapper.open()
    for _ in range(7200):
        assert wrapper.read(1.0) is None
    assert clock.now >= 1000.0 + 2 * 7200
    assert wrapper.faults == 0 and quiet.calls == ["open"]
    # The kiosk loop's timers through the silence (idle reset once), then a scan speaks.
    rig = KioskRig(PushReader(), make_catalogue(tmp_path / "c.db"), tmp_path / "t.jsonl",
                   kiosk_options={"clock": clock})
    kiosk = rig.kiosk
    kiosk.handle(Frame(text=TOVE_ISBN, raw=TOVE_ISBN.encode()))
    rig.wait_done(TOVE)
    for _ in range(7200):
        clock.advance(1.0)
        kiosk.tick()
    assert kiosk.session.last is None  # the idle reset forgot the last visitor's book
    assert kiosk.events.qsize() == 0
    kiosk.handle(Frame(text=GUILLOU_ISBN, raw=GUILLOU_ISBN.encode()))
    rig.wait_done(GUILLOU)
    rig.speaker.close()
    rig.transcript.close()
    assert rig.spoken() == [TOVE, GUILLOU]


@pytest.mark.parametrize("interval", [5.0, 30.0])
def test_error_words_are_rate_limited_on_a_simulated_clock(tmp_path: Path, interval: float) -> None:
    clock = ManualClock()
    rig = KioskRig(PushReader(), make_catalogue(tmp_path / "c.db"), tmp_path / "t.jsonl",
                   kiosk_options={"clock": clock, "error_interval": interval})
    said: list[str] = []
    original = rig.kiosk.visit.say
    rig.kiosk.visit.say = lambda u, **kw: (said.append(u.text), original(u, **kw))  # type: ignore[method-assign]
    # 600 unreadable scans over 60 simulated seconds (ten a second).
    for _ in range(600):
        rig.kiosk.handle(Frame(text="9789100563227", raw=b""))
        clock.advance(0.1)
    rig.speaker.close()
    rig.transcript.close()
    assert said.count(INVALID) == int(60 / interval)
    assert rig.output.names().count("error") == 600 - int(60 / interval)  # a cue every time
