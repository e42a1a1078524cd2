"""RFID finger readers: ISO 15693 tag UIDs, and ISO 28560-3 tag memory where it is returned.

Serial RFID readers for libraries report each tag in the field as a line of hex.  Two line
shapes are understood (separators ``:``, ``-``, spaces, ``,``, ``;`` and a ``0x`` prefix are
ignored, case does not matter):

* ``UID`` - 16 hex digits, the 8-byte ISO 15693 UID (``E004...``; a reader that prints it
  least significant byte first, ``...04E0``, is recognised and turned round);
* ``UID MEMORY`` - the UID followed by at least 32 bytes of user memory (blocks 0..7 and on).

Memory is decoded as the ISO 28560-3 "fixed length" basic block (the Danish/Nordic data
model, DS/INF 163), so the library's circulation tags work unchanged::

    byte 0      version (high nibble) and type of usage (low nibble)
    byte 1      number of parts in the item
    byte 2      ordinal part number
    bytes 3-18  primary item identifier (ASCII, NUL padded)
    bytes 19-20 CRC, least significant byte first
    bytes 21-22 country of the owner library (ISO 3166-1 alpha-2)
    bytes 23-33 ISIL of the owner library (32-byte tags hold only 23-31)

The CRC is CRC-16/CCITT (polynomial 0x1021, preset 0xFFFF, not reflected, no final XOR) over
the 34-byte block without the CRC bytes, a 32-byte tag counted as if padded with NULs.  Some
readers return each 4-byte block byte-reversed; when the CRC fails as read, the reversed order
is tried before the tag is rejected.  A bad CRC is rejected with a logged reason; a patron card
(type of usage 8) is ignored and its number never logged.  The kiosk never writes to a tag.

The resulting ``Frame``: ``kind="rfid"``, ``text`` the primary item identifier (or the UID when
no memory was read or the tag is blank), ``uid`` the UID, ``part``/``parts`` when ``parts > 1``.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from hardware.framing import DEFAULT_MAX_FRAME, MAX_FRAME_LIMIT
from hardware.protocols import Check, Frame, Option
from hardware.readers.serial import LINE_OPTIONS, SerialReader, serial_port_checks

log = logging.getLogger(__name__)

BASIC_BLOCK = 34
MIN_MEMORY = 32
USAGE_PATRON_CARD = 8
_SEPARATORS = re.compile(r"0[xX]|[\s:;,|\-]")
_HEX = re.compile(r"[0-9A-Fa-f]+")


def crc16_ccitt(data: bytes, crc: int = 0xFFFF) -> int:
    """CRC-16/CCITT-FALSE as ISO 28560-3 specifies ("123456789" -> 0x29B1)."""
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def basic_block_crc(block: bytes) -> int:
    """The CRC of a (32- or 34-byte) basic block, skipping bytes 19-20 where it is stored."""
    padded = bytes(block[:BASIC_BLOCK]).ljust(BASIC_BLOCK, b"\0")
    return crc16_ccitt(padded[:19] + padded[21:])


class TagError(ValueError):
    """Tag memory that must not be announced (bad CRC, patron card, not a basic block)."""


@dataclass(frozen=True)
class LibraryTag:
    """The decoded ISO 28560-3 basic block."""

    version: int
    usage: int
    parts: int
    part: int
    item_id: str
    country: str
    isil: str


def _text(field: bytes) -> str:
    return field.split(b"\0", 1)[0].decode("ascii", errors="replace").strip()


def _reverse_blocks(memory: bytes) -> bytes:
    return b"".join(memory[i : i + 4][::-1] for i in range(0, len(memory), 4))


def decode_basic_block(memory: bytes) -> LibraryTag:
    """Decode tag user memory; ``TagError`` with the reason if it must be rejected."""
    if len(memory) < MIN_MEMORY:
        raise TagError(f"tag memory is {len(memory)} bytes, a basic block needs {MIN_MEMORY}")
    for candidate in (memory, _reverse_blocks(memory)):
        stored = candidate[19] | candidate[20] << 8
        if basic_block_crc(candidate) == stored:
            break
    else:
        expected = basic_block_crc(memory)
        raise TagError(f"bad CRC {memory[19] | memory[20] << 8:#06x}, expected {expected:#06x}")
    block = candidate[:BASIC_BLOCK]
    tag = LibraryTag(
        version=block[0] >> 4,
        usage=block[0] & 0x0F,
        parts=block[1],
        part=block[2],
        item_id=_text(block[3:19]),
        country=_text(block[21:23]),
        isil=_text(block[23:34]),
    )
    if tag.usage == USAGE_PATRON_CARD:
        raise TagError("a patron card, not an item (ignored, not logged)")
    return tag


def parse_rfid_line(line: str) -> tuple[str, bytes | None]:
    """``"E0:04:...  11 01 01 ..."`` -> (UID upper-case hex, memory bytes or None)."""
    digits = _SEPARATORS.sub("", line)
    if not digits or not _HEX.fullmatch(digits) or len(digits) % 2:
        raise TagError(f"not a hex UID line: {line[:40]!r}")
    if len(digits) < 16:
        raise TagError(f"UID too short ({len(digits) // 2} bytes, ISO 15693 has 8): {line[:40]!r}")
    uid = digits[:16].upper()
    if not uid.startswith("E0") and uid.endswith("E0"):
        uid = bytes.fromhex(uid)[::-1].hex().upper()  # printed least significant byte first
    rest = digits[16:]
    if not rest:
        return uid, None
    if len(rest) < 2 * MIN_MEMORY:
        raise TagError(f"tag memory after the UID is {len(rest) // 2} bytes, expected >= 32")
    return uid, bytes.fromhex(rest)


def frame_from_line(line: str, raw: bytes = b"") -> Frame:
    """Turn one reader line into an rfid ``Frame``; ``TagError`` if it must be rejected."""
    uid, memory = parse_rfid_line(line)
    if memory is None:
        return Frame(text=uid, raw=raw, kind="rfid", uid=uid)
    tag = decode_basic_block(memory)
    if not tag.item_id:
        return Frame(text=uid, raw=raw, kind="rfid", uid=uid)  # blank (unprogrammed) tag
    multi = tag.parts > 1
    return Frame(
        text=tag.item_id,
        raw=raw,
        kind="rfid",
        uid=uid,
        part=tag.part if multi else None,
        parts=tag.parts if multi else None,
    )


class RfidReader:
    """A serial RFID reader: one line per tag read, as described in the module docstring."""

    OPTIONS: tuple[Option, ...] = (
        *LINE_OPTIONS,
        Option("framing", str, "line", "how lines end", choices=("line", "cr", "lf", "crlf")),
        Option("max_frame", int, DEFAULT_MAX_FRAME, "longer lines are discarded and logged",
               minimum=1, maximum=MAX_FRAME_LIMIT),
    )

    @classmethod
    def check(cls) -> list[Check]:
        """For ``talkcat doctor``: an RFID reader is a serial device; list the ports."""
        return serial_port_checks()

    def __init__(self, target: str | None, **options: object) -> None:
        self._serial = SerialReader(target, symbology_ids=False, **options)  # type: ignore[arg-type]
        self.target = target
        self.rejected = 0

    def __repr__(self) -> str:
        return f"RfidReader({self.target!r})"

    @property
    def tap(self) -> Callable[[bytes], None] | None:
        """Diagnostics hook (raw bytes as they arrive), passed through to the serial line."""
        return self._serial.tap

    @tap.setter
    def tap(self, callback: Callable[[bytes], None] | None) -> None:
        self._serial.tap = callback

    def open(self) -> None:
        self._serial.open()

    def close(self) -> None:
        self._serial.close()

    def read(self, timeout: float) -> Frame | None:
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            frame = self._serial.read(max(0.0, deadline - time.monotonic()))
            if frame is None:
                return None
            try:
                return frame_from_line(frame.text, frame.raw)
            except TagError as exc:
                self.rejected += 1
                log.warning("%s: tag rejected: %s", self.target, exc)
                if time.monotonic() >= deadline:
                    return None
