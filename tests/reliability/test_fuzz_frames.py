"""Frame parsers beyond ``hardware/framing.py`` (fuzzed in tests/hardware/test_framing.py):
the RFID line decoder and the replay script parser.  They raise only their own documented
error, with a reason, and never invent an identifier that was not in the input.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from catalog.errors import InvalidIdentifier
from catalog.identifiers import normalise
from hardware.errors import HardwareError
from hardware.readers.replay import parse_script
from hardware.readers.rfid import TagError, basic_block_crc, frame_from_line
from tests.reliability.fuzzing import PROFILE

HEX = st.text(alphabet="0123456789abcdefABCDEF:- ", max_size=120)


def _memory(item_id: bytes, parts: int, part: int, usage: int) -> bytes:
    block = bytearray(34)
    block[0] = 0x10 | usage
    block[1], block[2] = parts, part
    block[3 : 3 + len(item_id)] = item_id[:16]
    crc = basic_block_crc(bytes(block))
    block[19], block[20] = crc & 0xFF, crc >> 8
    return bytes(block)


@PROFILE
@given(line=st.one_of(HEX, st.text(max_size=80)))
def test_rfid_line_never_raises_anything_else_and_never_invents(line: str) -> None:
    try:
        frame = frame_from_line(line)
    except TagError as exc:
        assert str(exc)
        return
    digits = re.sub(r"[^0-9A-Fa-f]", "", line).upper()
    assert frame.uid
    reversed_uid = bytes.fromhex(frame.uid)[::-1].hex().upper()
    assert frame.uid in digits or reversed_uid in digits
    assert frame.text == frame.uid or frame.text.encode("ascii", "replace").hex().upper() in digits


@PROFILE
@given(
    item=st.binary(min_size=0, max_size=16),
    parts=st.integers(0, 255), part=st.integers(0, 255), usage=st.integers(0, 15),
    flips=st.lists(st.tuples(st.integers(0, 33), st.integers(0, 7)), max_size=3),
)
def test_rfid_memory_mutations_are_rejected_or_decoded_faithfully(item, parts, part, usage, flips):
    memory = bytearray(_memory(item, parts, part, usage))
    for at, bit in flips:
        memory[at] ^= 1 << bit
    line = "E004010012345678 " + memory.hex()
    try:
        frame = frame_from_line(line)
    except TagError as exc:
        assert str(exc)
        return
    assert frame.uid == "E004010012345678"
    # A frame's text is the tag's own item id, or the UID for a blank tag: nothing else.
    item_text = bytes(memory[3:19]).split(b"\0", 1)[0].decode("ascii", "replace").strip()
    assert frame.text in (item_text, frame.uid)


@PROFILE
@given(text=st.text(max_size=300))
def test_replay_script_parser_reports_or_parses(text: str) -> None:
    try:
        events = parse_script(text, "fuzz.txt")
    except HardwareError as exc:
        assert "fuzz.txt:" in str(exc)  # every problem names file and line
        return
    for scripted in events:
        assert scripted.delay >= 0
        assert 1 <= scripted.line <= len(text.splitlines())


@PROFILE
@given(text=st.text(max_size=40), symbology=st.sampled_from([None, "]E0", "]C0", "]A0", "]F0"]))
def test_normalise_raises_only_invalid_identifier(text: str, symbology: str | None) -> None:
    """A scan the kiosk cannot use must raise ``InvalidIdentifier`` (it then says "could
    not be read"); any other exception left the visitor with silence.  Superscript digits
    ("978910056³226") used to raise a bare ValueError from the check-digit code."""
    try:
        identifier = normalise(text, symbology)
    except InvalidIdentifier as exc:
        assert str(exc)
        return
    assert identifier.value


def test_superscript_digits_in_a_scan_are_not_a_crash() -> None:
    for text in ("978910056³226", "91-642-200¹-5", "²³¹"):
        try:
            identifier = normalise(text)
        except InvalidIdentifier:
            continue
        # Never an ISBN with a superscript read as a digit: at most an unknown barcode.
        assert identifier.kind == "barcode" and identifier.value == text
