"""USB barcode scanners that present themselves as keyboards (HID), read through Linux evdev.

Most USB scanners arrive in "keyboard wedge" mode: they *type* the barcode and press Enter.
The ``keyboard`` driver reads that from standard input, which only works while the kiosk's
terminal has focus, and every scan also lands in whatever else has focus.  This driver reads
the scanner's own ``/dev/input/eventN`` node instead and, by default, *grabs* it
(``EVIOCGRAB``), so scans reach the kiosk only - never a desktop, a login prompt or a shell.

Key events carry key *positions*, not characters, so the characters depend on the keyboard
layout the scanner is configured to emulate.  ``KeyAssembler`` turns positions plus
Shift/AltGr/CapsLock state into text with a small table per layout (``us`` and ``sv``, taken
from xkeyboard-config's ``us`` and ``se`` maps; see ``LAYOUTS`` and docs/drivers.md).  It is a
pure class so the mapping is tested without a device.  A key it has no character for is
ignored and counted, never guessed: a wrong character would make a wrong identifier.

``evdev`` is optional (``pip install 'talking-catalogue[hid]'``, Linux only) and imported in
``open``, so ``talkcat drivers`` can list this driver on any machine.
"""

from __future__ import annotations

import errno
import glob
import logging
import re
import select
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from hardware.errors import HardwareError
from hardware.framing import (
    DEFAULT_MAX_FRAME,
    Clock,
    DiscardListener,
    Shaping,
    decode_escapes,
    fingerprint,
)
from hardware.protocols import Frame, Option

log = logging.getLogger(__name__)

# ------------------------------------------------------------------ Linux input event codes
# From <linux/input-event-codes.h>; a stable kernel ABI, spelled out here so the layout tables
# and their tests need no evdev (the tests check them against evdev.ecodes when it is there).

EV_SYN = 0x00
EV_KEY = 0x01
SYN_DROPPED = 3
LED_NUML = 0
LED_CAPSL = 1

KEY_1, KEY_0 = 2, 11
KEY_MINUS, KEY_EQUAL, KEY_TAB = 12, 13, 15
KEY_Q, KEY_E, KEY_P = 16, 18, 25
KEY_LEFTBRACE, KEY_RIGHTBRACE, KEY_ENTER, KEY_LEFTCTRL = 26, 27, 28, 29
KEY_A, KEY_L = 30, 38
KEY_SEMICOLON, KEY_APOSTROPHE, KEY_GRAVE, KEY_LEFTSHIFT, KEY_BACKSLASH = 39, 40, 41, 42, 43
KEY_Z, KEY_M = 44, 50
KEY_COMMA, KEY_DOT, KEY_SLASH, KEY_RIGHTSHIFT = 51, 52, 53, 54
KEY_KPASTERISK, KEY_LEFTALT, KEY_SPACE, KEY_CAPSLOCK = 55, 56, 57, 58
KEY_KP7, KEY_KP8, KEY_KP9, KEY_KPMINUS = 71, 72, 73, 74
KEY_KP4, KEY_KP5, KEY_KP6, KEY_KPPLUS = 75, 76, 77, 78
KEY_KP1, KEY_KP2, KEY_KP3, KEY_KP0, KEY_KPDOT = 79, 80, 81, 82, 83
KEY_102ND = 86
KEY_KPENTER, KEY_RIGHTCTRL, KEY_KPSLASH, KEY_RIGHTALT = 96, 97, 98, 100
KEY_LEFTMETA, KEY_RIGHTMETA = 125, 126

DIGIT_KEYS: tuple[int, ...] = tuple(range(KEY_1, KEY_0 + 1))
_LETTER_ROWS: tuple[tuple[int, str], ...] = ((KEY_Q, "qwertyuiop"), (KEY_A, "asdfghjkl"),
                                             (KEY_Z, "zxcvbnm"))
_LETTER_CODES = frozenset(
    code for first, row in _LETTER_ROWS for code in range(first, first + len(row))
)
_SHIFT = frozenset({KEY_LEFTSHIFT, KEY_RIGHTSHIFT})
# Keys that turn a key press into a shortcut rather than a character (Ctrl+C is not "c").
_COMMAND = frozenset({KEY_LEFTCTRL, KEY_RIGHTCTRL, KEY_LEFTALT, KEY_LEFTMETA, KEY_RIGHTMETA})
_MODIFIERS = _SHIFT | _COMMAND | {KEY_RIGHTALT}
TERMINATOR_KEYS: dict[str, frozenset[int]] = {
    "enter": frozenset({KEY_ENTER, KEY_KPENTER}),
    "tab": frozenset({KEY_TAB}),
}

# ------------------------------------------------------------------ layouts

# Spacing accent of a dead key -> the combining mark it puts on the next letter.
DEAD_ACCENTS: dict[str, str] = {"´": "\u0301", "`": "\u0300", "¨": "\u0308", "^": "\u0302",
                                "~": "\u0303"}

Levels = tuple[str, str, str]
"""Characters without modifier, with Shift, with AltGr; "" where the layout has none."""


@dataclass(frozen=True)
class Layout:
    """What each key position types in one keyboard layout.

    ``dead`` marks (key, level) pairs that are dead keys: they type nothing themselves and
    put their accent on the next key (a space gives the bare accent).  ``caps`` are the keys
    CapsLock shifts (the letters, including å, ä, ö).  ``altgr`` says whether Right Alt is
    AltGr; in ``us`` it is a plain Alt, so Right Alt + key is a shortcut, not a character.
    """

    name: str
    keys: Mapping[int, Levels]
    caps: frozenset[int]
    altgr: bool
    dead: frozenset[tuple[int, int]] = field(default_factory=frozenset)


def _row(first: int, plain: str, shifted: str, altgr: str = "") -> dict[int, Levels]:
    altgr = altgr.ljust(len(plain))
    return {
        first + i: (plain[i], shifted[i], altgr[i].strip()) for i in range(len(plain))
    }


def _letters() -> dict[int, Levels]:
    keys: dict[int, Levels] = {}
    for first, letters in _LETTER_ROWS:
        keys.update(_row(first, letters, letters.upper()))
    return keys


def _keypad(decimal: str) -> dict[int, Levels]:
    """Keypad keys type the same in both layouts, except the decimal key (`,` in Swedish).

    Scanners in "keypad emulation" mode send these to be layout-independent; they mean digits
    whatever the host's NumLock says, so NumLock is not consulted.
    """
    digits = {KEY_KP0: "0", KEY_KP1: "1", KEY_KP2: "2", KEY_KP3: "3", KEY_KP4: "4",
              KEY_KP5: "5", KEY_KP6: "6", KEY_KP7: "7", KEY_KP8: "8", KEY_KP9: "9",
              KEY_KPASTERISK: "*", KEY_KPMINUS: "-", KEY_KPPLUS: "+", KEY_KPSLASH: "/",
              KEY_KPDOT: decimal}
    return {code: (char, char, "") for code, char in digits.items()}


def _us() -> Layout:
    keys = _letters()
    keys.update(_row(KEY_1, "1234567890-=", "!@#$%^&*()_+"))
    keys.update(_row(KEY_LEFTBRACE, "[]", "{}"))
    keys.update(_row(KEY_SEMICOLON, ";'`", ":\"~"))
    keys[KEY_BACKSLASH] = ("\\", "|", "")
    keys.update(_row(KEY_COMMA, ",./", "<>?"))
    keys[KEY_SPACE] = (" ", " ", "")
    keys[KEY_102ND] = ("<", ">", "")  # the extra ISO key, as xkb's pc105 "us" maps it
    keys.update(_keypad("."))
    return Layout("us", keys, _LETTER_CODES, altgr=False)


def _sv() -> Layout:
    keys = _letters()
    keys[KEY_E] = ("e", "E", "€")
    keys[KEY_M] = ("m", "M", "µ")
    keys.update(_row(KEY_1, "1234567890+", "!\"#¤%&/()=?", "¡@£$€¥{[]}\\"))
    keys[KEY_EQUAL] = ("´", "`", "±")  # dead acute / dead grave
    keys[KEY_LEFTBRACE] = ("å", "Å", "¨")  # AltGr: dead diaeresis
    keys[KEY_RIGHTBRACE] = ("¨", "^", "~")  # all three dead
    keys[KEY_SEMICOLON] = ("ö", "Ö", "ø")
    keys[KEY_APOSTROPHE] = ("ä", "Ä", "æ")
    keys[KEY_GRAVE] = ("§", "½", "¶")
    keys[KEY_BACKSLASH] = ("'", "*", "´")
    keys[KEY_COMMA] = (",", ";", "")
    keys[KEY_DOT] = (".", ":", "·")
    keys[KEY_SLASH] = ("-", "_", "")
    keys[KEY_102ND] = ("<", ">", "|")
    keys[KEY_SPACE] = (" ", " ", " ")
    keys.update(_keypad(","))
    caps = _LETTER_CODES | {KEY_LEFTBRACE, KEY_SEMICOLON, KEY_APOSTROPHE}  # å ö ä
    dead = frozenset({(KEY_EQUAL, 0), (KEY_EQUAL, 1), (KEY_LEFTBRACE, 2), (KEY_RIGHTBRACE, 0),
                      (KEY_RIGHTBRACE, 1), (KEY_RIGHTBRACE, 2)})
    return Layout("sv", keys, caps, altgr=True, dead=dead)


LAYOUTS: dict[str, Layout] = {"us": _us(), "sv": _sv()}


def _compose(accent: str, char: str) -> str:
    """Dead key then ``char``: the accented letter, the bare accent for a space, else both.

    "Else both" is what Windows and most scanners' hosts do; nothing typed is thrown away.
    """
    if char == " ":
        return accent
    composed = unicodedata.normalize("NFC", char + DEAD_ACCENTS[accent])
    return composed if len(composed) == 1 else accent + char


class KeyAssembler:
    """Key events in, complete lines out, for one layout and terminator.

    ``feed(code, value)`` takes an ``EV_KEY`` event (value 1 = press, 0 = release,
    2 = autorepeat) and returns the line when the terminator is pressed, else ``None``.
    Only presses type; releases only matter for modifiers, and autorepeat never types (a
    scanner does not hold keys; a repeat means a stuck key or a dropped release).

    Memory is bounded: a line longer than ``max_frame`` characters is discarded (reported
    through ``on_discard``) and the rest of it, up to its terminator, skipped, so its tail
    cannot pass for an identifier.
    """

    def __init__(
        self,
        layout: str | Layout = "us",
        *,
        terminator: str = "enter",
        max_frame: int = DEFAULT_MAX_FRAME,
        on_discard: DiscardListener | None = None,
    ) -> None:
        if isinstance(layout, str):
            if layout not in LAYOUTS:
                raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
            layout = LAYOUTS[layout]
        if terminator not in TERMINATOR_KEYS:
            raise ValueError(
                f"terminator must be one of {', '.join(TERMINATOR_KEYS)}, not {terminator!r}"
            )
        if max_frame < 1:
            raise ValueError(f"max_frame must be at least 1, not {max_frame}")
        self.layout = layout
        self.terminator = terminator
        self.max_frame = max_frame
        self.on_discard = on_discard
        self.caps_lock = False
        self.discarded = 0  # lines thrown away (too long, events lost)
        self.ignored = 0  # key presses with no character in this layout
        self._terminators = TERMINATOR_KEYS[terminator]
        self._held: set[int] = set()
        self._buf: list[str] = []
        self._dead: str | None = None
        self._skipping = False

    @property
    def buffered(self) -> int:
        """Characters held for the line in progress (never more than ``max_frame``)."""
        return len(self._buf)

    def sync_held(self, keys: Iterable[int]) -> None:
        """Take the modifier state from the device (after lost events, or on open)."""
        self._held = {code for code in keys if code in _MODIFIERS}

    def drop_line(self, reason: str) -> None:
        """Throw away the line in progress and skip to its terminator (events were lost)."""
        if self._buf or not self._skipping:
            self._discard(reason)
        self._skipping = True

    def feed(self, code: int, value: int) -> str | None:
        if code in _MODIFIERS:
            if value == 1:
                self._held.add(code)
            elif value == 0:
                self._held.discard(code)
            return None
        if value != 1:
            return None
        if code == KEY_CAPSLOCK:
            self.caps_lock = not self.caps_lock
            return None
        if code in self._terminators:
            return self._finish()
        if self._held & _COMMAND:
            self._ignore(code, "with Ctrl/Alt/Meta held")
            return None
        text = self._type(code)
        if text is None:
            self._ignore(code, f"no character in layout '{self.layout.name}'")
            return None
        for char in text:
            self._append(char)
        return None

    # -------------------------------------------------------------- internals

    def _type(self, code: int) -> str | None:
        levels = self.layout.keys.get(code)
        if levels is None:
            return None
        shift = bool(self._held & _SHIFT)
        if self.layout.altgr and KEY_RIGHTALT in self._held:
            level = 2
        elif KEY_RIGHTALT in self._held:
            return None  # plain Alt: a shortcut
        else:
            level = 1 if shift != (self.caps_lock and code in self.layout.caps) else 0
        char = levels[level]
        if not char:
            return None
        if (code, level) in self.layout.dead:
            if self._dead is not None:  # two dead keys: the first one typed as itself
                previous, self._dead = self._dead, char
                return previous
            self._dead = char
            return ""
        if self._dead is not None:
            accent, self._dead = self._dead, None
            return _compose(accent, char)
        return char

    def _append(self, char: str) -> None:
        if self._skipping:
            return
        if len(self._buf) >= self.max_frame:
            self._discard(f"longer than max_frame={self.max_frame} characters")
            self._skipping = True
            return
        self._buf.append(char)

    def _finish(self) -> str | None:
        self._dead = None  # a dead key right before Enter types nothing, as on a desktop
        if self._skipping:
            self._skipping = False
            self._buf.clear()
            return None
        line = "".join(self._buf)
        self._buf.clear()
        return line

    def _discard(self, reason: str) -> None:
        self.discarded += 1
        sample = "".join(self._buf[:64]).encode("utf-8")
        self._buf.clear()
        self._dead = None
        log.warning("hid: line discarded: %s: %s", reason, fingerprint(sample))
        if self.on_discard is not None:
            self.on_discard(reason, sample)

    def _ignore(self, code: int, why: str) -> None:
        self.ignored += 1
        log.debug("hid: key code %d ignored (%s)", code, why)


# ------------------------------------------------------------------ finding the scanner

_VID_PID = re.compile(r"^\s*([0-9A-Fa-f]{4}):([0-9A-Fa-f]{4})\s*$")
_SCANNER_WORDS = ("scanner", "barcode", "bar code")


def parse_vid_pid(text: str) -> tuple[int, int] | None:
    """``"05e0:1200"`` -> ``(0x05E0, 0x1200)``; ``""`` -> None; ValueError otherwise."""
    if not text.strip():
        return None
    match = _VID_PID.match(text)
    if match is None:
        raise ValueError(f"vid_pid must be four hex digits, a colon, four hex digits "
                         f"(e.g. 05e0:1200 as lsusb shows it), not {text!r}")
    return int(match.group(1), 16), int(match.group(2), 16)


def types_barcodes(capabilities: Mapping[Any, Sequence[Any]]) -> bool:
    """Whether a device can type a barcode: it has Enter and all ten digit keys."""
    keys = set(capabilities.get(EV_KEY, ()))
    return KEY_ENTER in keys and all(code in keys for code in DIGIT_KEYS)


def looks_like_scanner(
    name: str,
    capabilities: Mapping[Any, Sequence[Any]],
    vendor_product: tuple[int, int] | None = None,
    vid_pid: tuple[int, int] | None = None,
) -> bool:
    """The ``auto`` rule: types barcodes, and is named like a scanner or has ``vid_pid``.

    Every scanner also looks like a keyboard, so the key set alone would pick the kiosk's
    own keyboard and grab it; the name or USB id is what tells them apart.
    """
    if not types_barcodes(capabilities):
        return False
    if vid_pid is not None:
        return vendor_product == vid_pid
    lowered = name.lower()
    return any(word in lowered for word in _SCANNER_WORDS)


def list_event_nodes(directory: str = "/dev/input") -> list[str]:
    """``/dev/input/eventN`` paths in N order (so ``auto`` is stable across boots)."""

    def number(path: str) -> int:
        digits = re.search(r"(\d+)$", path)
        return int(digits.group(1)) if digits else -1

    return sorted(glob.glob(f"{directory}/event*"), key=number)


# ------------------------------------------------------------------ the reader


class InputDeviceLike(Protocol):
    """The part of ``evdev.InputDevice`` this driver uses (what a test fake must offer).

    Optional extras, used when present: ``info`` (``.vendor``/``.product``), ``leds()`` and
    ``active_keys()``.
    """

    fd: int
    name: str

    def read(self) -> Iterable[Any]: ...

    def grab(self) -> None: ...

    def ungrab(self) -> None: ...

    def close(self) -> None: ...

    def capabilities(self) -> Mapping[Any, Sequence[Any]]: ...


DeviceFactory = Callable[[str], InputDeviceLike]

EVDEV_MISSING = (
    "hid: the evdev package is not installed - pip install 'talking-catalogue[hid]' "
    "(Linux only; on other systems use the keyboard driver)"
)
_PERMISSION_FIX = (
    "add the kiosk user to the input group (sudo usermod -aG input USER, then log in again) "
    "or install the udev rule in docs/operations.md"
)


def explain_open_error(path: str, exc: BaseException) -> str:
    """What a technician should read when an input device cannot be opened."""
    code = getattr(exc, "errno", None)
    if code in (errno.ENOENT, errno.ENODEV, errno.ENXIO):
        return (f"{path}: no such device - is the scanner plugged in? "
                "(ls -l /dev/input/by-id/ lists keyboards and scanners)")
    if code in (errno.EACCES, errno.EPERM):
        return f"{path}: permission denied - {_PERMISSION_FIX}"
    if code in (errno.ENOTTY, errno.EINVAL):
        return (f"{path}: not an evdev input device - expected /dev/input/eventN or "
                "/dev/input/by-id/…-event-kbd")
    return f"{path}: cannot open: {exc}"


class HidReader:
    """A keyboard-emulating USB scanner read from its evdev node, grabbed, layout-mapped.

    ``target`` is an evdev node (``/dev/input/event5``, ``/dev/input/by-id/usb-…-event-kbd``)
    or ``auto`` (also when empty): the first node whose device types barcodes and is named
    like a scanner, or matches ``vid_pid``.  ``device_factory`` and ``list_devices`` are the
    seams tests use to put a fake ``InputDeviceLike`` in place of ``evdev.InputDevice``.
    """

    OPTIONS: tuple[Option, ...] = (
        Option("layout", str, "us",
               "keyboard layout the scanner is set to emulate (scanners ship set to us)",
               choices=tuple(LAYOUTS)),
        Option("grab", bool, True,
               "take the scanner for the kiosk alone, so scans never reach other programs"),
        Option("terminator", str, "enter", "key the scanner sends after each barcode",
               choices=tuple(TERMINATOR_KEYS)),
        Option("vid_pid", str, "",
               "auto target: pick the device with this USB id, e.g. 05e0:1200 (see lsusb)"),
        Option("max_frame", int, DEFAULT_MAX_FRAME, "longer lines are discarded and logged"),
        Option("strip_prefix", str, "", "prefix the scanner adds, removed when present"),
        Option("strip_suffix", str, "", "suffix the scanner adds, removed when present"),
        Option("symbology_ids", bool, True, "recognise and strip AIM identifiers such as ]E0"),
    )
    kind = "barcode"

    def __init__(
        self,
        target: str | None = None,
        *,
        layout: str = "us",
        grab: bool = True,
        terminator: str = "enter",
        vid_pid: str = "",
        max_frame: int = DEFAULT_MAX_FRAME,
        strip_prefix: str = "",
        strip_suffix: str = "",
        symbology_ids: bool = True,
        device_factory: DeviceFactory | None = None,
        list_devices: Callable[[], list[str]] = list_event_nodes,
        clock: Clock = time.monotonic,
    ) -> None:
        self.target = target.strip() if target and target.strip() else "auto"
        try:
            self._vid_pid = parse_vid_pid(vid_pid)
            # Built once now so bad settings fail before any device is touched.
            KeyAssembler(layout, terminator=terminator, max_frame=max_frame)
        except ValueError as exc:
            raise HardwareError(f"hid:{self.target}: {exc}") from exc
        if self._vid_pid is not None and self.target != "auto":
            log.info("hid:%s: vid_pid is only used by the auto target; ignored", self.target)
        self._layout = layout
        self._terminator = terminator
        self._max_frame = max_frame
        self._grab = grab
        self._shaping = Shaping(
            strip_prefix=decode_escapes(strip_prefix),
            strip_suffix=decode_escapes(strip_suffix),
            symbology_ids=symbology_ids,
            kind="barcode",
        )
        self._factory = device_factory
        self._list_devices = list_devices
        self._clock = clock
        self.tap: Callable[[bytes], None] | None = None
        self.on_discard: DiscardListener | None = None
        self.path: str | None = None  # the node actually opened (auto resolves to one)
        self._device: InputDeviceLike | None = None
        self._grabbed = False
        self._assembler = self._new_assembler()
        self._pending: deque[Frame] = deque()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.target!r})"

    @property
    def grabbed(self) -> bool:
        return self._grabbed

    def _new_assembler(self) -> KeyAssembler:
        return KeyAssembler(self._layout, terminator=self._terminator,
                            max_frame=self._max_frame, on_discard=self._discarded)

    def _discarded(self, reason: str, data: bytes) -> None:
        if self.on_discard is not None:
            self.on_discard(reason, data)

    # -------------------------------------------------------------- open / close

    def open(self) -> None:
        if self._device is not None:
            return
        factory = self._factory or _evdev_factory()
        if self.target == "auto":
            device, path = self._find_scanner(factory)
        else:
            path = self.target
            try:
                device = factory(path)
            except OSError as exc:
                raise HardwareError(explain_open_error(path, exc)) from exc
        if self._grab:
            try:
                device.grab()
            except OSError as exc:
                _close_quietly(device, path)
                if exc.errno == errno.EBUSY:
                    raise HardwareError(
                        f"{path}: busy - another program has grabbed the scanner "
                        "(a second kiosk, or a remapping daemon?)"
                    ) from exc
                raise HardwareError(explain_open_error(path, exc)) from exc
            self._grabbed = True
        # A fresh assembler: half a barcode from before an unplug must not glue onto the next.
        self._assembler = self._new_assembler()
        self._sync_state(device)
        self._pending.clear()
        self._device = device
        self.path = path
        log.info("hid: %s open (%r, layout %s, %s)", path, getattr(device, "name", "?"),
                 self._layout, "grabbed" if self._grabbed else "not grabbed")

    def close(self) -> None:
        device, self._device = self._device, None
        if device is None:
            return
        path = self.path or self.target
        if self._grabbed:
            self._grabbed = False
            try:
                device.ungrab()
            except OSError as exc:  # gone already: the kernel dropped the grab with it
                log.debug("hid: %s: ungrab failed: %s", path, exc)
        _close_quietly(device, path)
        log.info("hid: %s closed", path)

    def _find_scanner(self, factory: DeviceFactory) -> tuple[InputDeviceLike, str]:
        keyboards: list[str] = []
        denied: list[str] = []
        for path in self._list_devices():
            try:
                device = factory(path)
            except OSError as exc:
                if getattr(exc, "errno", None) in (errno.EACCES, errno.EPERM):
                    denied.append(path)
                continue  # vanished between listing and opening, or not an input device
            try:
                name = str(getattr(device, "name", ""))
                caps = device.capabilities()
                info = getattr(device, "info", None)
                ids = (info.vendor, info.product) if info is not None else None
                if looks_like_scanner(name, caps, ids, self._vid_pid):
                    log.info("hid: auto chose %s (%r)", path, name)
                    return device, path
                if types_barcodes(caps):
                    usb = f" {ids[0]:04x}:{ids[1]:04x}" if ids else ""
                    keyboards.append(f"{path} '{name}'{usb}")
            except OSError as exc:
                log.debug("hid: %s: cannot inspect: %s", path, exc)
            _close_quietly(device, path)
        if denied:
            raise HardwareError(
                f"hid:auto: permission denied on {len(denied)} input device(s) "
                f"({', '.join(denied[:3])}) - {_PERMISSION_FIX}"
            )
        wanted = (f"with USB id {self._vid_pid[0]:04x}:{self._vid_pid[1]:04x}"
                  if self._vid_pid else "named like a scanner")
        seen = f"; keyboards seen: {'; '.join(keyboards)}" if keyboards else ""
        raise HardwareError(
            f"hid:auto: no such device - is the scanner plugged in? (no input device {wanted}"
            f"{seen}; name it as hid:/dev/input/by-id/… or set vid_pid)"
        )

    def _sync_state(self, device: InputDeviceLike) -> None:
        """CapsLock and held modifiers from the device, so case comes out right.

        Scanners invert Shift when they see the CapsLock LED on, so the host's CapsLock state
        has to be applied here too, or every letter would come out in the wrong case.
        """
        try:
            leds = getattr(device, "leds", None)
            if leds is not None:
                self._assembler.caps_lock = LED_CAPSL in leds()
            active = getattr(device, "active_keys", None)
            if active is not None:
                self._assembler.sync_held(active())
        except OSError as exc:
            log.debug("hid: cannot read LED/key state: %s", exc)

    # -------------------------------------------------------------- reading

    def read(self, timeout: float) -> Frame | None:
        device = self._device
        if device is None:
            raise HardwareError(f"hid:{self.target}: read while the reader is not open")
        deadline = self._clock() + max(0.0, timeout)
        while True:
            if self._pending:
                return self._pending.popleft()
            wait = max(0.0, deadline - self._clock())
            try:
                ready, _, _ = select.select([device.fd], [], [], wait)
            except (OSError, ValueError) as exc:  # fd closed under us
                raise HardwareError(self._lost_message(exc)) from exc
            if not ready:
                return None  # select waited out the time left
            self._drain(device)
            if not self._pending and self._clock() >= deadline:
                return None

    def _drain(self, device: InputDeviceLike) -> None:
        try:
            events = list(device.read())  # evdev's read() is a generator: errors come here
        except BlockingIOError:
            return  # woken without events (another reader of the node took them)
        except OSError as exc:
            raise HardwareError(self._lost_message(exc)) from exc
        for event in events:
            if event.type == EV_KEY:
                line = self._assembler.feed(event.code, event.value)
                if line is not None:
                    self._deliver(line)
            elif event.type == EV_SYN and event.code == SYN_DROPPED:
                # The kernel's queue overflowed: the line in progress has holes in it.
                self._assembler.drop_line("the kernel dropped key events (kiosk too slow?)")
                self._sync_state(device)

    def _deliver(self, line: str) -> None:
        raw = line.encode("utf-8") + (b"\n" if self._terminator == "enter" else b"\t")
        if self.tap is not None:
            self.tap(raw)
        shaped = self._shaping.shape(raw, raw)
        if isinstance(shaped, Frame):
            self._pending.append(shaped)
        elif shaped != "empty":
            self._assembler.discarded += 1
            self._discarded(shaped, raw[:64])

    def _lost_message(self, exc: BaseException) -> str:
        path = self.path or self.target
        if getattr(exc, "errno", None) in (errno.ENODEV, errno.ENOENT, errno.ENXIO):
            return f"{path}: no such device - is the scanner plugged in?"
        return f"{path}: device disconnected or stopped answering ({exc})"


def _evdev_factory() -> DeviceFactory:
    try:
        import evdev  # optional and Linux-only: imported only when a scanner is opened
    except ImportError as exc:
        raise HardwareError(EVDEV_MISSING) from exc
    return evdev.InputDevice  # type: ignore[no-any-return]


def _close_quietly(device: InputDeviceLike, path: str) -> None:
    try:
        device.close()
    except Exception as exc:  # the device may already be gone; closing must not fail
        log.debug("hid: %s: error while closing: %s", path, exc)
