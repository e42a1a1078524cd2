"""RFID: ISO 15693 UIDs and ISO 28560-3 basic blocks built from the published layout."""

from __future__ import annotations

import logging

import pytest

from hardware.readers.rfid import (
    RfidReader,
    TagError,
    crc16_ccitt,
    decode_basic_block,
    frame_from_line,
    parse_rfid_line,
)
from tests.hardware.reader_support import Pty, read_frames

UID = "E004010012345678"


def crc_ccitt_bitwise(data: bytes) -> int:
    """An independent reference: CRC-16/CCITT-FALSE, MSB first, one bit at a time."""
    register = 0xFFFF
    for byte in data:
        for bit in range(7, -1, -1):
            top = (register >> 15) & 1
            register = (register << 1) & 0xFFFF
            if top ^ ((byte >> bit) & 1):
                register ^= 0x1021
    return register


def tag_image(
    item: str,
    *,
    parts: int = 1,
    part: int = 1,
    usage: int = 1,
    version: int = 1,
    country: str = "SE",
    isil: str = "S-UMEA",
    size: int = 32,
    corrupt_crc: bool = False,
) -> bytes:
    """Lay out a basic block as ISO 28560-3 / DS/INF 163 publish it (see rfid.py docstring)."""
    block = bytearray(34)
    block[0] = version << 4 | usage
    block[1] = parts
    block[2] = part
    block[3:19] = item.encode("ascii").ljust(16, b"\0")
    block[21:23] = country.encode("ascii")
    block[23:34] = isil.encode("ascii").ljust(11, b"\0")
    crc = crc_ccitt_bitwise(bytes(block[:19] + block[21:34]))
    if corrupt_crc:
        crc ^= 0x0100
    block[19] = crc & 0xFF  # least significant byte first
    block[20] = crc >> 8
    return bytes(block[:size])


def test_crc_check_values():
    assert crc16_ccitt(b"123456789") == 0x29B1  # the catalogue check value of CRC-16/CCITT-FALSE
    assert crc16_ccitt(b"123456789") == crc_ccitt_bitwise(b"123456789")


def test_a_published_tag_dump_from_another_implementation():
    # A 32-byte tag dump with barcode 11223344, country DE, ISIL 705 and stored CRC 0x3E51,
    # used as a test vector by the libdanrfid project (an independent implementation).
    memory = bytes.fromhex("11010131313232333334340000000000000000513e4445373035000000000000")
    tag = decode_basic_block(memory)
    assert (tag.item_id, tag.country, tag.isil, tag.parts, tag.part) == (
        "11223344", "DE", "705", 1, 1,
    )


@pytest.mark.parametrize("size", [32, 34])
def test_basic_block_decodes(size):
    tag = decode_basic_block(tag_image("3001234567", size=size))
    assert tag.item_id == "3001234567"
    assert (tag.version, tag.usage, tag.country) == (1, 1, "SE")
    assert tag.isil == "S-UMEA"


def test_multi_part_item_says_which_part():
    line = f"{UID} {tag_image('3001234567', parts=3, part=2).hex()}"
    frame = frame_from_line(line, line.encode())
    assert (frame.text, frame.uid, frame.part, frame.parts, frame.kind) == (
        "3001234567", UID, 2, 3, "rfid",
    )


def test_single_part_item_has_no_part_fields():
    frame = frame_from_line(f"{UID}{tag_image('42').hex()}")
    assert (frame.text, frame.part, frame.parts) == ("42", None, None)


def test_bad_crc_is_rejected():
    with pytest.raises(TagError, match="bad CRC"):
        decode_basic_block(tag_image("3001234567", corrupt_crc=True))


def test_blocks_read_byte_reversed_are_recognised():
    image = tag_image("3001234567")
    reversed_blocks = b"".join(image[i : i + 4][::-1] for i in range(0, 32, 4))
    assert decode_basic_block(reversed_blocks).item_id == "3001234567"


def test_patron_card_is_ignored():
    with pytest.raises(TagError, match="patron card"):
        decode_basic_block(tag_image("P123456", usage=8))


def test_blank_tag_falls_back_to_uid():
    frame = frame_from_line(UID + " " + tag_image("").hex())
    assert frame.text == UID


@pytest.mark.parametrize(
    ("line", "uid"),
    [
        ("E004010012345678", UID),
        ("e0:04:01:00:12:34:56:78", UID),
        ("E0 04 01 00 12 34 56 78", UID),
        ("0xE004010012345678", UID),
        ("78563412000104E0", UID),  # least significant byte first
    ],
)
def test_uid_spellings(line, uid):
    assert parse_rfid_line(line) == (uid, None)


@pytest.mark.parametrize("line", ["hello", "E0040100", "E00401001234567", UID + "11"])
def test_not_uid_lines(line):
    with pytest.raises(TagError):
        parse_rfid_line(line)


def test_rfid_reader_over_a_pty(caplog):
    pty = Pty()
    reader = RfidReader(pty.name, baudrate=19200)
    reader.open()
    try:
        good = tag_image("3001234567", parts=2, part=1).hex().upper()
        bad = tag_image("3009999999", corrupt_crc=True).hex()
        with caplog.at_level(logging.WARNING):
            pty.write(f"{UID}\r\nnoise\r\n{UID} {bad}\r\n{UID} ".encode())
            pty.write(f"{good}\r\n".encode())
            frames = read_frames(reader, 2)
        assert [(f.text, f.part, f.parts) for f in frames] == [
            (UID, None, None), ("3001234567", 1, 2),
        ]
        assert "bad CRC" in caplog.text
        assert reader.rejected == 2
    finally:
        reader.close()
        pty.close()
