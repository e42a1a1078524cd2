"""The ``hid`` reader: layout mapping, line assembly, and the driver over evdev.

The character tables below are written out independently of ``hardware.readers.hid`` (from
xkeyboard-config's ``us`` and ``se`` maps): they play the scanner's firmware, which turns
each character into key presses for the layout it is set to, so a wrong entry on either side
shows up as a mismatch.  The driver is tested against a fake that honours the part of
``evdev.InputDevice`` we use (a real fd for ``select``), and - where ``/dev/uinput`` is
writable - against a real virtual keyboard.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sys
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware import registry
from hardware.errors import HardwareError
from hardware.framing import Shaping
from hardware.protocols import Frame
from hardware.readers import hid
from hardware.readers.hid import (
    DEAD_ACCENTS,
    EV_KEY,
    EV_SYN,
    KEY_CAPSLOCK,
    KEY_ENTER,
    KEY_LEFTCTRL,
    KEY_LEFTSHIFT,
    KEY_RIGHTALT,
    KEY_TAB,
    LAYOUTS,
    LED_CAPSL,
    SYN_DROPPED,
    HidReader,
    KeyAssembler,
)
from hardware.readers.resilient import ReconnectingReader
from tests.hardware.reader_support import check_contract, wait_for

SHIFT, ALTGR = KEY_LEFTSHIFT, KEY_RIGHTALT
LOST = "no such device - is the scanner plugged in?"

# ------------------------------------------------------------------ the "scanner firmware"

_LETTERS = {ch: code for row, first in (("qwertyuiop", 16), ("asdfghjkl", 30), ("zxcvbnm", 44))
            for code, ch in enumerate(row, first)}
_DIGITS = {ch: code for code, ch in enumerate("1234567890", 2)}

# character -> (key code, modifiers held)
FIRMWARE: dict[str, dict[str, tuple[int, tuple[int, ...]]]] = {"us": {}, "sv": {}}
for _layout in FIRMWARE.values():
    _layout.update({ch: (code, ()) for ch, code in _DIGITS.items()})
    _layout.update({ch: (code, ()) for ch, code in _LETTERS.items()})
    _layout.update({ch.upper(): (code, (SHIFT,)) for ch, code in _LETTERS.items()})
    _layout[" "] = (57, ())
    _layout["."] = (52, ())
FIRMWARE["us"].update({
    "-": (12, ()), "+": (13, (SHIFT,)), "*": (9, (SHIFT,)), "/": (53, ()), "$": (5, (SHIFT,)),
    "%": (6, (SHIFT,)), ":": (39, (SHIFT,)), "]": (27, ()), "&": (8, (SHIFT,)),
    "(": (10, (SHIFT,)), "@": (3, (SHIFT,)), '"': (40, (SHIFT,)), "|": (43, (SHIFT,)),
})
FIRMWARE["sv"].update({
    "-": (53, ()), "+": (12, ()), "*": (43, (SHIFT,)), "/": (8, (SHIFT,)), "$": (5, (ALTGR,)),
    "%": (6, (SHIFT,)), ":": (52, (SHIFT,)), "]": (10, (ALTGR,)), "&": (7, (SHIFT,)),
    "(": (9, (SHIFT,)), "@": (3, (ALTGR,)), '"': (3, (SHIFT,)), "|": (86, (ALTGR,)),
    "å": (26, ()), "ä": (40, ()), "ö": (39, ()), "Å": (26, (SHIFT,)), "'": (43, ()),
    "\\": (12, (ALTGR,)), "€": (18, (ALTGR,)), "¤": (5, (SHIFT,)),
})

Key = tuple[int, int]  # (code, value)


def scanned(layout: str, text: str, end: int = KEY_ENTER) -> list[Key]:
    """The key events a scanner set to ``layout`` sends for ``text`` and the terminator."""
    events: list[Key] = []
    for char in text:
        code, mods = FIRMWARE[layout][char]
        events += [(mod, 1) for mod in mods]
        events += [(code, 1), (code, 0)]
        events += [(mod, 0) for mod in reversed(mods)]
    return [*events, (end, 1), (end, 0)]


def feed_all(assembler: KeyAssembler, events: list[Key]) -> list[str]:
    lines = []
    for code, value in events:
        line = assembler.feed(code, value)
        if line is not None:
            lines.append(line)
    return lines


# ------------------------------------------------------------------ layouts and assembly

SAMPLES = [
    "9789129688313",  # EAN-13 / ISBN-13
    "978-91-29-68831-3",  # ISBN with hyphens
    "91-29-68831-X",
    "A123B",  # Codabar with start/stop characters
    "A12-34$5:6/7.8+9B",  # every Codabar punctuation character
    "*CODE39*",  # Code 39 with its start/stop asterisks
    "*CODE-39 $/+%.*",  # every Code 39 punctuation character
    "]E09789129688313",  # AIM symbology identifier in front
    "]C1LIB00123",
]


@pytest.mark.parametrize("layout", ["us", "sv"])
@pytest.mark.parametrize("text", SAMPLES)
def test_scanner_text_comes_back_unchanged(layout, text):
    assert feed_all(KeyAssembler(layout), scanned(layout, text)) == [text]


@pytest.mark.parametrize(
    ("keys", "us", "sv"),
    [
        ([(12, 1)], "-", "+"),  # the key right of 0
        ([(53, 1)], "/", "-"),  # the key left of right Shift
        ([(SHIFT, 1), (9, 1)], "*", "("),  # Shift+8
        ([(SHIFT, 1), (8, 1)], "&", "/"),  # Shift+7
        ([(SHIFT, 1), (3, 1)], "@", '"'),  # Shift+2
        ([(SHIFT, 1), (5, 1)], "$", "¤"),  # Shift+4
        ([(SHIFT, 1), (11, 1)], ")", "="),  # Shift+0
        ([(SHIFT, 1), (43, 1)], "|", "*"),  # Shift + the key left of Enter
        ([(SHIFT, 1), (13, 1)], "+", ""),  # Shift+= ; in sv a dead grave: types nothing alone
        ([(SHIFT, 1), (52, 1)], ">", ":"),
        ([(SHIFT, 1), (39, 1)], ":", "Ö"),
        ([(ALTGR, 1), (5, 1)], "", "$"),  # us has no AltGr: Right Alt is a shortcut
        ([(ALTGR, 1), (3, 1)], "", "@"),
        ([(ALTGR, 1), (10, 1)], "", "]"),
        ([(26, 1), (39, 1), (40, 1)], "[;'", "åöä"),
        ([(55, 1), (74, 1), (78, 1), (98, 1), (83, 1)], "*-+/.", "*-+/,"),  # keypad
    ],
)
def test_same_keys_type_differently_in_us_and_sv(keys, us, sv):
    for layout, expected in (("us", us), ("sv", sv)):
        assert feed_all(KeyAssembler(layout), [*keys, (KEY_ENTER, 1)]) == [expected], layout


def test_aim_prefix_is_kept_by_the_assembler_and_split_off_by_shaping():
    [line] = feed_all(KeyAssembler("sv"), scanned("sv", "]E09789129688313"))
    frame = Shaping().shape(line.encode(), line.encode())
    assert isinstance(frame, Frame)
    assert (frame.text, frame.symbology) == ("9789129688313", "]E0")


def test_key_up_and_autorepeat_never_type():
    assembler = KeyAssembler("us")
    events = [(2, 1), (2, 2), (2, 2), (2, 0), (3, 0), (4, 2), (KEY_ENTER, 2), (KEY_ENTER, 0)]
    assert feed_all(assembler, events) == []
    assert feed_all(assembler, [(KEY_ENTER, 1)]) == ["1"]


def test_shift_held_by_autorepeat_stays_held_until_released():
    events = [(SHIFT, 1), (SHIFT, 2), (30, 1), (SHIFT, 2), (30, 1), (SHIFT, 0), (30, 1),
              (KEY_ENTER, 1)]
    assert feed_all(KeyAssembler("us"), events) == ["AAa"]


def test_unknown_keys_are_ignored_never_guessed():
    assembler = KeyAssembler("us")
    f1, esc, backspace, volume_up, unheard_of = 59, 1, 14, 115, 0x2FF
    events = [(2, 1), (f1, 1), (esc, 1), (3, 1), (backspace, 1), (volume_up, 1),
              (unheard_of, 1), (ALTGR, 1), (4, 1), (ALTGR, 0), (KEY_LEFTCTRL, 1), (46, 1),
              (KEY_LEFTCTRL, 0), (KEY_TAB, 1), (5, 1), (KEY_ENTER, 1)]
    assert feed_all(assembler, events) == ["124"]
    assert assembler.ignored == 8


def test_tab_terminator_ignores_enter():
    assembler = KeyAssembler("us", terminator="tab")
    assert feed_all(assembler, scanned("us", "12345")) == []
    assert feed_all(assembler, [(KEY_TAB, 1)]) == ["12345"]
    assert feed_all(KeyAssembler("sv", terminator="tab"), scanned("sv", "A1-2B", KEY_TAB)) == [
        "A1-2B"
    ]


def test_over_long_line_is_discarded_with_bounded_memory():
    discards: list[tuple[str, bytes]] = []
    assembler = KeyAssembler("us", max_frame=16, on_discard=lambda r, d: discards.append((r, d)))
    peak = 0
    for _ in range(100_000):
        assert assembler.feed(2, 1) is None
        peak = max(peak, assembler.buffered)
    assert peak <= 16
    assert assembler.feed(KEY_ENTER, 1) is None  # the tail of the long line is no identifier
    assert assembler.discarded == 1 and len(discards) == 1
    assert "max_frame=16" in discards[0][0]
    assert feed_all(assembler, scanned("us", "1" * 16)) == ["1" * 16]  # exactly max_frame: kept
    assert feed_all(assembler, scanned("us", "12345")) == ["12345"]


def test_caps_lock_inverts_letters_only():
    assembler = KeyAssembler("sv")
    assembler.caps_lock = True
    events = [(30, 1), (SHIFT, 1), (48, 1), (SHIFT, 0), (2, 1), (26, 1), (12, 1), (KEY_ENTER, 1)]
    assert feed_all(assembler, events) == ["Ab1Å+"]
    assert feed_all(assembler, [(KEY_CAPSLOCK, 1), (KEY_CAPSLOCK, 0), (30, 1), (KEY_ENTER, 1)]) == [
        "a"
    ]


def test_swedish_dead_keys_compose_or_type_the_bare_accent():
    acute, diaeresis_circumflex, space, e, one = 13, 27, 57, 18, 2
    events = [(acute, 1), (e, 1), (diaeresis_circumflex, 1), (space, 1),
              (SHIFT, 1), (diaeresis_circumflex, 1), (SHIFT, 0), (one, 1), (KEY_ENTER, 1)]
    assert feed_all(KeyAssembler("sv"), events) == ["é¨^1"]


def test_drop_line_skips_to_the_next_terminator():
    assembler = KeyAssembler("us")
    feed_all(assembler, scanned("us", "978912")[:-2])
    assembler.drop_line("events lost")
    assert feed_all(assembler, scanned("us", "9688313")) == []  # the tail of a damaged line
    assert feed_all(assembler, scanned("us", "9789129688313")) == ["9789129688313"]
    assert assembler.discarded == 1


def test_layout_tables_hold_single_printable_characters():
    for layout in LAYOUTS.values():
        for code, levels in layout.keys.items():
            for char in levels:
                assert char == "" or (len(char) == 1 and char.isprintable()), (code, levels)


def test_key_codes_match_evdev():
    ecodes = pytest.importorskip("evdev.ecodes", reason="evdev not installed")
    for name in dir(hid):
        if name.startswith(("KEY_", "EV_", "SYN_", "LED_")):
            assert getattr(hid, name) == getattr(ecodes, name), name


@settings(max_examples=300, deadline=None)
@given(
    layout=st.sampled_from(sorted(LAYOUTS)),
    events=st.lists(st.tuples(st.integers(0, 130), st.integers(-1, 3)), max_size=400),
)
def test_any_key_events_give_bounded_lines_of_layout_characters(layout, events):
    assembler = KeyAssembler(layout, max_frame=32)
    typable = {char for levels in LAYOUTS[layout].keys.values() for char in levels if char}
    composed = {unicodedata.normalize("NFC", base + mark) for base in typable
                for mark in DEAD_ACCENTS.values()}
    for code, value in events:
        line = assembler.feed(code, value)
        assert assembler.buffered <= 32
        if line is not None:
            assert len(line) <= 32
            assert set(line) <= typable | {c for c in composed if len(c) == 1}


# ------------------------------------------------------------------ a fake evdev device


@dataclass(frozen=True)
class FakeEvent:
    type: int
    code: int
    value: int


@dataclass(frozen=True)
class FakeInfo:
    vendor: int
    product: int


KEYBOARD_KEYS = list(range(1, 128))


class FakeInputDevice:
    """Honours the part of ``evdev.InputDevice`` the driver uses, with a real fd to select on.

    ``press`` queues events and makes the fd readable, as the kernel does; ``vanish`` makes
    ``read`` fail with ENODEV (and wakes ``select``), as unplugging does.
    """

    def __init__(self, path: str = "/dev/input/event7", name: str = "Fake Barcode Scanner",
                 keys: list[int] | None = None, usb: tuple[int, int] = (0x05E0, 0x1200),
                 leds: list[int] | None = None, busy: bool = False) -> None:
        self.path = path
        self.name = name
        self.info = FakeInfo(*usb)
        self._keys = KEYBOARD_KEYS if keys is None else keys
        self._leds = leds or []
        self._busy = busy
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        self.fd = self._wake_r
        self._events: deque[FakeEvent] = deque()
        self._lock = threading.Lock()
        self.vanished = False
        self.grabbed = False
        self.grabs = 0
        self.ungrabs = 0
        self.closed = False

    def capabilities(self, verbose: bool = False, absinfo: bool = True) -> dict[int, list[int]]:
        return {EV_SYN: [0, 1, 4], EV_KEY: list(self._keys)} if self._keys else {EV_SYN: [0]}

    def leds(self) -> list[int]:
        return list(self._leds)

    def active_keys(self) -> list[int]:
        return []

    def grab(self) -> None:
        if self._busy:
            raise OSError(errno.EBUSY, "Device or resource busy")
        self.grabbed, self.grabs = True, self.grabs + 1

    def ungrab(self) -> None:
        if self.vanished:
            raise OSError(errno.ENODEV, "No such device")
        self.grabbed, self.ungrabs = False, self.ungrabs + 1

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            os.close(self._wake_r)
            os.close(self._wake_w)

    def read(self) -> Iterator[FakeEvent]:
        # A generator like evdev's: its errors surface when iterated, not when called.
        with self._lock:
            with contextlib.suppress(BlockingIOError):
                os.read(self._wake_r, 4096)
            if self.vanished:
                raise OSError(errno.ENODEV, "No such device")
            if not self._events:
                raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
            events = list(self._events)
            self._events.clear()
        yield from events

    # test side
    def press(self, keys: list[Key]) -> None:
        with self._lock:
            for code, value in keys:
                self._events.append(FakeEvent(EV_KEY, code, value))
                self._events.append(FakeEvent(EV_SYN, 0, 0))
            os.write(self._wake_w, b"!")

    def syn_dropped(self) -> None:
        with self._lock:
            self._events.append(FakeEvent(EV_SYN, SYN_DROPPED, 0))
            os.write(self._wake_w, b"!")

    def vanish(self) -> None:
        with self._lock:
            self.vanished = True
            os.write(self._wake_w, b"!")


class Devices:
    """A factory seam: ``/dev/input`` as a dict of fakes (or errors to raise on open)."""

    def __init__(self, *devices: FakeInputDevice) -> None:
        self.nodes: dict[str, FakeInputDevice | OSError] = {d.path: d for d in devices}
        self.opened: list[FakeInputDevice] = []

    def __call__(self, path: str) -> FakeInputDevice:
        node = self.nodes.get(path)
        if node is None:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", path)
        if isinstance(node, OSError):
            raise node
        self.opened.append(node)
        return node

    def list(self) -> list[str]:
        return sorted(self.nodes, key=lambda path: int(path.rpartition("event")[2]))


def make_reader(devices: Devices, target: str = "/dev/input/event7", **options) -> HidReader:
    return HidReader(target, device_factory=devices, list_devices=devices.list, **options)


@pytest.fixture
def fakes() -> Iterator[list[FakeInputDevice]]:
    made: list[FakeInputDevice] = []
    yield made
    for device in made:
        device.close()


@pytest.fixture
def fake(fakes) -> FakeInputDevice:
    device = FakeInputDevice()
    fakes.append(device)
    return device


# ------------------------------------------------------------------ the driver, on the fake


def test_scan_is_read_grabbed_and_ungrabbed_on_close(fake):
    reader = make_reader(Devices(fake), layout="sv")
    reader.open()
    assert fake.grabbed and reader.grabbed
    fake.press(scanned("sv", "]E09789129688313") + scanned("sv", "*CODE-39*"))
    first, second = reader.read(5), reader.read(5)
    assert first == Frame(text="9789129688313", raw=b"]E09789129688313\n", symbology="]E0",
                          kind="barcode")
    assert second is not None and second.text == "*CODE-39*" and second.symbology is None
    reader.close()
    assert not fake.grabbed and fake.ungrabs == 1 and fake.closed
    reader.close()  # idempotent
    assert fake.ungrabs == 1


def test_grab_false_leaves_the_device_shared(fake):
    reader = make_reader(Devices(fake), grab=False)
    reader.open()
    assert fake.grabs == 0 and not reader.grabbed
    fake.press(scanned("us", "A123B"))
    assert reader.read(5).text == "A123B"
    reader.close()
    assert fake.ungrabs == 0 and fake.closed


def test_grab_busy_is_explained_and_the_device_closed(fakes):
    busy = FakeInputDevice(busy=True)
    fakes.append(busy)
    reader = make_reader(Devices(busy))
    with pytest.raises(HardwareError, match="busy - another program has grabbed the scanner"):
        reader.open()
    assert busy.closed


def test_read_honours_its_timeout_and_a_partial_line_waits(fake):
    reader = make_reader(Devices(fake))
    reader.open()
    start = time.monotonic()
    assert reader.read(0.2) is None
    assert 0.15 <= time.monotonic() - start < 1.2
    assert reader.read(0) is None
    fake.press(scanned("us", "9789129688313")[:-2])  # no Enter yet
    start = time.monotonic()
    assert reader.read(0.2) is None
    assert time.monotonic() - start < 1.2
    fake.press([(KEY_ENTER, 1), (KEY_ENTER, 0)])
    assert reader.read(5).text == "9789129688313"
    reader.close()


def test_device_vanishing_raises_no_such_device_and_close_still_works(fake):
    reader = make_reader(Devices(fake))
    reader.open()
    fake.press(scanned("us", "97891")[:-2])
    fake.vanish()
    with pytest.raises(HardwareError, match=re.escape(LOST)):
        reader.read(5)
    reader.close()  # ungrab fails on a vanished device; close must not
    assert fake.closed and fake.ungrabs == 0


def test_replug_through_reconnecting_reader_no_half_line_glued_on(fakes):
    first = FakeInputDevice()
    second = FakeInputDevice()
    fakes += [first, second]
    devices = Devices(first)
    faults: list[str] = []
    recovered = threading.Event()
    reader = ReconnectingReader(make_reader(devices), on_fault=faults.append,
                                on_recover=recovered.set)
    reader.open()
    first.press(scanned("us", "97891")[:-2])  # half a scan, then the cable is pulled
    first.vanish()
    del devices.nodes[first.path]  # the node is gone until the scanner is back
    assert reader.read(0.3) is None
    assert faults and LOST in faults[0]
    devices.nodes[second.path] = second
    assert wait_for(lambda: reader.read(0.05) is None and recovered.is_set(), timeout=5)
    assert second.grabbed
    second.press(scanned("us", "29688313"))
    assert reader.read(5).text == "29688313"
    reader.close()
    assert second.closed


def test_lost_events_discard_the_damaged_line(fake):
    discards: list[str] = []
    reader = make_reader(Devices(fake))
    reader.on_discard = lambda reason, data: discards.append(reason)
    reader.open()
    fake.press(scanned("us", "978912")[:-2])
    fake.syn_dropped()
    fake.press(scanned("us", "9688313") + scanned("us", "9780141036144"))
    assert reader.read(5).text == "9780141036144"
    assert discards and "dropped" in discards[0]
    reader.close()


def test_caps_lock_led_on_is_taken_into_account(fakes):
    # A scanner that sees the CapsLock LED on sends Shift to get lower case.
    device = FakeInputDevice(leds=[LED_CAPSL])
    fakes.append(device)
    reader = make_reader(Devices(device))
    reader.open()
    device.press([(SHIFT, 1), (30, 1), (30, 0), (SHIFT, 0), (48, 1), (48, 0), (KEY_ENTER, 1)])
    assert reader.read(5).text == "aB"
    reader.close()


def test_prefix_suffix_and_over_long_frames(fake):
    reader = make_reader(Devices(fake), strip_prefix="LIB", strip_suffix="X", max_frame=20)
    discards: list[str] = []
    reader.on_discard = lambda reason, data: discards.append(reason)
    reader.open()
    fake.press(scanned("us", "1" * 500) + scanned("us", "LIB00123X"))
    assert reader.read(5).text == "00123"
    assert len(discards) == 1 and "max_frame=20" in discards[0]
    reader.close()


def test_contract_on_the_fake(fakes):
    def plug_in(path: str) -> FakeInputDevice:  # every open gets the device afresh
        device = FakeInputDevice(path)
        device.press(scanned("us", "9789129688313"))
        fakes.append(device)
        return device

    reader = HidReader("/dev/input/event7", device_factory=plug_in)
    check_contract(reader)
    reader.open()
    reader.close()
    assert len(fakes) == 2
    assert all(d.grabs == d.ungrabs == 1 and d.closed for d in fakes)


# ------------------------------------------------------------------ opening, finding, errors


def test_missing_path_and_permission_denied_are_explained():
    devices = Devices()
    devices.nodes["/dev/input/event3"] = PermissionError(errno.EACCES, "Permission denied")
    with pytest.raises(HardwareError, match=re.escape("event9: " + LOST)):
        make_reader(devices, "/dev/input/event9").open()
    with pytest.raises(HardwareError, match="permission denied - add the kiosk user to the input"):
        make_reader(devices, "/dev/input/event3").open()


def test_auto_picks_the_scanner_not_the_keyboard_or_mouse(fakes):
    keyboard = FakeInputDevice("/dev/input/event2", "AT Translated Set 2 keyboard")
    mouse = FakeInputDevice("/dev/input/event3", "Logitech Mouse", keys=[272, 273])
    scanner = FakeInputDevice("/dev/input/event11", "Honeywell Barcode Scanner")
    fakes += [keyboard, mouse, scanner]
    reader = make_reader(Devices(keyboard, mouse, scanner), "auto")
    reader.open()
    assert reader.path == scanner.path and scanner.grabbed
    assert keyboard.closed and mouse.closed and keyboard.grabs == 0
    reader.close()


def test_auto_with_vid_pid_picks_a_scanner_not_named_like_one(fakes):
    keyboard = FakeInputDevice("/dev/input/event2", "Dell Keyboard", usb=(0x413C, 0x2107))
    symbol = FakeInputDevice("/dev/input/event4", "Symbol Technologies", usb=(0x05E0, 0x1200))
    fakes += [keyboard, symbol]
    reader = make_reader(Devices(keyboard, symbol), None, vid_pid="05E0:1200")
    reader.open()
    assert reader.path == symbol.path
    reader.close()


def test_auto_without_a_scanner_lists_what_it_saw(fakes):
    keyboard = FakeInputDevice("/dev/input/event2", "Dell Keyboard", usb=(0x413C, 0x2107))
    fakes.append(keyboard)
    with pytest.raises(HardwareError) as caught:
        make_reader(Devices(keyboard), "auto").open()
    message = str(caught.value)
    assert "is the scanner plugged in?" in message
    assert "/dev/input/event2 'Dell Keyboard' 413c:2107" in message and "vid_pid" in message
    assert keyboard.closed


def test_auto_when_no_device_is_readable_says_which_group():
    devices = Devices()
    devices.nodes["/dev/input/event0"] = PermissionError(errno.EACCES, "Permission denied")
    with pytest.raises(HardwareError, match="input group"):
        make_reader(devices, "auto").open()


def test_without_evdev_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "evdev", None)  # makes ``import evdev`` fail
    with pytest.raises(HardwareError, match=r"pip install 'talking-catalogue\[hid\]'"):
        HidReader("/dev/input/event0").open()


def test_bad_settings_fail_before_any_device_is_touched():
    with pytest.raises(HardwareError, match="vid_pid"):
        HidReader("auto", vid_pid="05e0-1200")
    with pytest.raises(HardwareError, match="max_frame"):
        HidReader("auto", max_frame=0)


def test_registered_with_documented_options():
    info = registry.driver(registry.READERS, "hid")
    options = {option.name: option for option in info.options}
    assert set(options) == {"layout", "grab", "terminator", "vid_pid", "max_frame",
                            "strip_prefix", "strip_suffix", "symbology_ids"}
    assert options["layout"].choices == ("us", "sv")
    assert options["grab"].default is True
    reader = registry.create(registry.READERS, "hid", "/dev/input/event5", {"layout": "sv"})
    assert isinstance(reader, HidReader) and reader.target == "/dev/input/event5"


# ------------------------------------------------------------------ the real path: uinput


def _uinput_unavailable() -> str | None:
    try:
        import evdev  # noqa: F401
    except ImportError:
        return "evdev is not installed (pip install 'talking-catalogue[hid]')"
    if not os.path.exists("/dev/uinput"):
        return "/dev/uinput does not exist (no uinput in this kernel; modprobe uinput)"
    if not os.access("/dev/uinput", os.W_OK):
        return "/dev/uinput is not writable by this user"
    return None


@pytest.fixture
def virtual_scanner() -> Iterator[tuple[Callable[[list[Key]], None], str]]:
    reason = _uinput_unavailable()
    if reason:
        pytest.skip(reason)
    import evdev

    ui = evdev.UInput({evdev.ecodes.EV_KEY: list(range(1, 128))},
                      name="Talkcat Test Barcode Scanner")

    def type_keys(keys: list[Key]) -> None:
        for code, value in keys:
            ui.write(evdev.ecodes.EV_KEY, code, value)
            ui.syn()

    try:
        yield type_keys, ui.device.path
    finally:
        ui.close()


def test_real_virtual_keyboard_read_back_grabbed(virtual_scanner):
    import evdev

    type_keys, path = virtual_scanner
    reader = HidReader(path, layout="sv")
    reader.open()
    observer = evdev.InputDevice(path)  # another program listening to the same scanner
    try:
        type_keys(scanned("sv", "]E09789129688313"))
        frame = reader.read(5)
        assert frame is not None
        assert (frame.text, frame.symbology) == ("9789129688313", "]E0")
        assert observer.read_one() is None  # grabbed: nothing leaked to the other program
        reader.close()
        type_keys(scanned("sv", "1"))
        assert wait_for(lambda: observer.read_one() is not None, timeout=5)  # ungrabbed
    finally:
        observer.close()
        reader.close()
