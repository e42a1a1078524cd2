"""Barcode and RFID readers on a serial line, through pyserial's ``serial_for_url``.

The target goes straight to ``serial.serial_for_url``, so a device path (``/dev/ttyUSB0``,
``/dev/pts/7``, ``/dev/talkcat-reader``) and every pyserial URL (``loop://``,
``socket://host:port``, ``rfc2217://host:port``, ``spy:///dev/ttyUSB0`` for a hexdump of the
traffic, ``hwgrep://0403:6001``) work without code of ours.

Errors become ``HardwareError`` messages a technician can act on; the kiosk's
``ReconnectingReader`` turns them into a retry loop.
"""

from __future__ import annotations

import errno
import logging
import os
import time
from collections import deque
from collections.abc import Callable

import serial

from hardware.errors import HardwareError
from hardware.framing import (
    CHECKSUMS,
    DEFAULT_MAX_FRAME,
    FRAMINGS,
    MAX_FRAME_LIMIT,
    Clock,
    DiscardListener,
    FrameParser,
    Shaping,
    decode_escapes,
    make_parser,
)
from hardware.protocols import Check, Frame, Option

log = logging.getLogger(__name__)

_PARITIES = {
    "none": serial.PARITY_NONE,
    "even": serial.PARITY_EVEN,
    "odd": serial.PARITY_ODD,
    "mark": serial.PARITY_MARK,
    "space": serial.PARITY_SPACE,
}

# The serial-line settings, shared with the RFID reader.
LINE_OPTIONS: tuple[Option, ...] = (
    Option("baudrate", int, 9600, "bits per second, as set on the reader", minimum=50,
           maximum=4_000_000),
    Option("bytesize", int, 8, "data bits", choices=(5, 6, 7, 8)),
    Option("parity", str, "none", "parity bit", choices=tuple(_PARITIES)),
    Option("stopbits", float, 1.0, "stop bits", choices=(1.0, 1.5, 2.0)),
    Option("flow_control", str, "none", "handshake", choices=("none", "xonxoff", "rtscts")),
)

FRAMING_OPTIONS: tuple[Option, ...] = (
    Option(
        "framing", str, "line",
        "how frames end: line = CR, LF or CRLF; cr/lf/crlf/tab exactly that; custom = "
        "'terminator'; stx-etx; fixed = 'frame_length' bytes; idle-gap = 'gap_ms' of silence",
        choices=FRAMINGS,
    ),
    Option("terminator", str, "", "custom terminator, escapes allowed (\\x03, \\r)"),
    Option("checksum", str, "none", "stx-etx check byte after ETX: bcc = XOR, lrc = ISO 1155",
           choices=CHECKSUMS),
    Option("frame_length", int, 0, "bytes per frame for fixed framing", minimum=0,
           maximum=MAX_FRAME_LIMIT),
    Option("gap_ms", int, 50,
           "silence that ends a frame (idle-gap) or drops a partial one (fixed)", minimum=1,
           maximum=60_000),
    Option("max_frame", int, DEFAULT_MAX_FRAME, "longer frames are discarded and logged",
           minimum=1, maximum=MAX_FRAME_LIMIT),
    Option("strip_prefix", str, "", "prefix the reader adds, removed when present"),
    Option("strip_suffix", str, "", "suffix the reader adds, removed when present"),
    Option("symbology_ids", bool, True, "recognise and strip AIM identifiers such as ]E0"),
)


def explain_open_error(target: str, exc: BaseException) -> str:
    """What a technician should read when ``target`` cannot be opened."""
    code = getattr(exc, "errno", None)
    if code in (errno.ENOENT, errno.ENODEV, errno.ENXIO):
        return f"{target}: no such device - is the reader plugged in? (talkcat doctor lists ports)"
    if code in (errno.EACCES, errno.EPERM):
        return (
            f"{target}: permission denied - add the kiosk user to the dialout group "
            "(sudo usermod -aG dialout USER) and log in again"
        )
    if code == errno.EBUSY:
        return f"{target}: busy - another program has the port open (a second kiosk?)"
    if isinstance(exc, ValueError):
        return f"{target}: not a usable port or pyserial URL: {exc}"
    return f"{target}: cannot open: {exc}"


def serial_port_checks() -> list[Check]:
    """Every serial port with its USB ids; WARN with the fix when there is none.

    A reader that is not plugged in is the commonest fault on site, so "no ports" is a WARN
    that says where to look, and a port the kiosk user may not open is a FAIL with the group.
    """
    from serial.tools import list_ports

    ports = sorted(list_ports.comports(), key=lambda p: p.device)
    if not ports:
        return [Check("WARN", "no serial ports found",
                      "plug in the reader; `dmesg | tail` shows whether the kernel saw it")]
    checks = []
    for port in ports:
        ids = f"{port.vid:04x}:{port.pid:04x}" if port.vid is not None else "----:----"
        what = f"serial port {port.device} {ids} {port.description}"
        if os.path.exists(port.device) and not os.access(port.device, os.R_OK | os.W_OK):
            checks.append(Check("FAIL", f"{what}: permission denied",
                                "add the kiosk user to the dialout group and log in again"))
        else:
            checks.append(Check("OK", what))
    return checks


class SerialReader:
    """A reader on a serial port: framing, prefix/suffix and AIM stripping, bounded buffers.

    ``read`` returns one ``Frame`` or ``None`` within ``timeout``; it raises ``HardwareError``
    when the device vanishes.  ``tap`` (raw bytes as they arrive) and ``on_discard`` (reason,
    bytes) are optional diagnostics hooks used by ``talkcat reader-test``.
    """

    OPTIONS: tuple[Option, ...] = LINE_OPTIONS + FRAMING_OPTIONS
    kind = "barcode"

    def __init__(
        self,
        target: str | None,
        *,
        baudrate: int = 9600,
        bytesize: int = 8,
        parity: str = "none",
        stopbits: float = 1.0,
        flow_control: str = "none",
        framing: str = "line",
        terminator: str = "",
        checksum: str = "none",
        frame_length: int = 0,
        gap_ms: int = 50,
        max_frame: int = DEFAULT_MAX_FRAME,
        strip_prefix: str = "",
        strip_suffix: str = "",
        symbology_ids: bool = True,
        clock: Clock = time.monotonic,
    ) -> None:
        if not target:
            raise HardwareError(
                f"{type(self).__name__}: a port is needed, e.g. serial:/dev/ttyUSB0 or serial:loop://"
            )
        self.target = target
        problems = []
        if baudrate <= 0:
            problems.append(f"baudrate must be positive, not {baudrate}")
        if parity not in _PARITIES:
            problems.append(f"parity must be one of {', '.join(_PARITIES)}, not {parity!r}")
        if problems:
            raise HardwareError(f"{target}: " + "; ".join(problems))
        self._port_settings = {
            "baudrate": baudrate,
            "bytesize": bytesize,
            "parity": _PARITIES[parity],
            "stopbits": stopbits,
            "xonxoff": flow_control == "xonxoff",
            "rtscts": flow_control == "rtscts",
        }
        self._framing = {
            "framing": framing,
            "terminator": decode_escapes(terminator),
            "checksum": checksum,
            "length": frame_length,
            "gap": gap_ms / 1000,
            "max_frame": max_frame,
            "shaping": Shaping(
                strip_prefix=decode_escapes(strip_prefix),
                strip_suffix=decode_escapes(strip_suffix),
                symbology_ids=symbology_ids,
                kind=self.kind,  # type: ignore[arg-type]
            ),
        }
        self._clock = clock
        self.tap: Callable[[bytes], None] | None = None
        self.on_discard: DiscardListener | None = None
        self._parser = self._new_parser()  # also validates the framing settings now
        self._port: serial.SerialBase | None = None
        self._pending: deque[Frame] = deque()

    @classmethod
    def check(cls) -> list[Check]:
        """For ``talkcat doctor``: the serial ports here, and whether the kiosk may use them."""
        return serial_port_checks()

    def _new_parser(self) -> FrameParser:
        try:
            return make_parser(
                clock=self._clock, on_discard=self._discarded, **self._framing  # type: ignore[arg-type]
            )
        except ValueError as exc:
            raise HardwareError(f"{self.target}: {exc}") from exc

    def _discarded(self, reason: str, data: bytes) -> None:
        if self.on_discard is not None:
            self.on_discard(reason, data)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.target!r})"

    def open(self) -> None:
        if self._port is not None:
            return
        try:
            port = serial.serial_for_url(self.target, timeout=0, **self._port_settings)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise HardwareError(explain_open_error(self.target, exc)) from exc
        # A fresh parser: half a frame from before an unplug must not glue onto the next one.
        self._parser = self._new_parser()
        self._pending.clear()
        self._port = port
        log.info("%s: open (%s)", self.target, self._port_settings)

    def close(self) -> None:
        port, self._port = self._port, None
        if port is None:
            return
        try:
            port.close()
        except Exception as exc:  # the device may already be gone; closing must not fail
            log.debug("%s: error while closing: %s", self.target, exc)
        log.info("%s: closed", self.target)

    def read(self, timeout: float) -> Frame | None:
        port = self._port
        if port is None:
            raise HardwareError(f"{self.target}: read while the reader is not open")
        deadline = self._clock() + max(0.0, timeout)
        while True:
            if self._pending:
                return self._pending.popleft()
            self._pending.extend(self._parser.poll())
            if self._pending:
                continue
            now = self._clock()
            if now >= deadline:
                return None
            wait = deadline - now
            frame_due = self._parser.deadline()
            if frame_due is not None:
                wait = min(wait, max(0.001, frame_due - now))
            data = self._read_some(port, wait)
            if data:
                if self.tap is not None:
                    self.tap(data)
                self._pending.extend(self._parser.feed(data))

    def _read_some(self, port: serial.SerialBase, wait: float) -> bytes:
        try:
            port.timeout = wait
            data = port.read(1)
            if data:
                waiting = port.in_waiting
                if waiting:
                    data += port.read(waiting)
            return bytes(data)
        except Exception as exc:  # pyserial raises SerialException, OSError, termios.error...
            raise HardwareError(
                f"{self.target}: device disconnected or stopped answering ({exc})"
            ) from exc
