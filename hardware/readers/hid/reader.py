"""The ``hid`` reader: USB scanners that present themselves as keyboards, read through evdev.

Most USB scanners arrive in "keyboard wedge" mode: they *type* the barcode and press Enter.
The ``keyboard`` driver reads that from standard input, which only works while the kiosk's
terminal has focus, and every scan also lands in whatever else has focus.  This driver reads
the scanner's own ``/dev/input/eventN`` node instead and, by default, *grabs* it
(``EVIOCGRAB``), so scans reach the kiosk only - never a desktop, a login prompt or a shell.

Key events carry key *positions*, not characters: ``layouts.py`` says which position types
which character, and the pure ``assembler.KeyAssembler`` turns key events into lines.  This
module is the device half: finding the scanner, grabbing it, reading its events.

``evdev`` is optional (``pip install 'talking-catalogue[hid]'``, Linux only) and imported in
``open``, so ``talkcat drivers`` can list this driver on any machine.
"""

from __future__ import annotations

import errno
import glob
import logging
import os
import re
import select
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

from hardware.errors import HardwareError
from hardware.framing import (
    DEFAULT_MAX_FRAME,
    MAX_FRAME_LIMIT,
    Clock,
    DiscardListener,
    Shaping,
    decode_escapes,
)
from hardware.protocols import Check, Frame, Option
from hardware.readers.hid.assembler import KeyAssembler
from hardware.readers.hid.layouts import (
    DIGIT_KEYS,
    EV_KEY,
    EV_SYN,
    KEY_ENTER,
    LAYOUTS,
    LED_CAPSL,
    SYN_DROPPED,
    TERMINATOR_KEYS,
)

log = logging.getLogger(__name__)

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
        Option("max_frame", int, DEFAULT_MAX_FRAME, "longer lines are discarded and logged",
               minimum=1, maximum=MAX_FRAME_LIMIT),
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

    @classmethod
    def check(cls, pattern: str = "/dev/input/by-id/*kbd*") -> list[Check]:
        """For ``talkcat doctor``: keyboard-like input devices, evdev, and our access to them."""
        checks: list[Check] = []
        try:
            import evdev  # noqa: F401
        except ImportError:
            checks.append(Check("WARN", "evdev is not installed",
                                "pip install 'talking-catalogue[hid]' (Linux only)"))
        found = sorted(glob.glob(pattern))
        if not found:
            checks.append(Check("WARN", "no keyboard-like input devices",
                                "a USB scanner in keyboard mode appears under /dev/input/by-id/"
                                " when plugged in"))
        for path in found:
            readable = os.access(path, os.R_OK)
            checks.append(Check("OK" if readable else "WARN",
                                f"input device {os.path.basename(path)}",
                                "" if readable else _PERMISSION_FIX))
        return checks

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
