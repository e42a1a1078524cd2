"""Frame parsers: pure, incremental, bounded; fuzzed with hypothesis."""

from __future__ import annotations

import itertools
import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.framing import (
    FRAMINGS,
    FixedLengthParser,
    IdleGapParser,
    Shaping,
    StxEtxParser,
    TerminatorParser,
    decode_escapes,
    make_parser,
)
from tests.support import ManualClock


def feed_all(parser, chunks):
    frames = []
    for chunk in chunks:
        frames += parser.feed(chunk)
    return frames


def texts(frames):
    return [f.text for f in frames]


# ------------------------------------------------------------------ terminators


def test_line_accepts_cr_lf_and_crlf_alike():
    parser = TerminatorParser("line")
    frames = parser.feed(b"111\r222\n333\r\n444\r\n")
    assert texts(frames) == ["111", "222", "333", "444"]
    assert frames[2].raw == b"333\r\n"


def test_crlf_split_across_writes_is_one_terminator(caplog):
    parser = TerminatorParser("line")
    on_discard = []
    parser.on_discard = lambda reason, data: on_discard.append(reason)
    assert texts(parser.feed(b"9789129688313\r")) == ["9789129688313"]
    assert parser.feed(b"\n") == []
    assert texts(parser.feed(b"\n0001\r")) == ["0001"]  # a real blank line is also no frame
    assert on_discard == []


def test_frame_split_over_many_writes():
    parser = TerminatorParser("line")
    assert texts(feed_all(parser, [b"97", b"8912", b"96883", b"13", b"\r", b"\n"])) == [
        "9789129688313"
    ]


@pytest.mark.parametrize(
    ("mode", "terminator", "data", "expected"),
    [
        ("cr", b"", b"a1\rb2\r", ["a1", "b2"]),
        ("lf", b"", b"a1\nb2\n", ["a1", "b2"]),
        ("crlf", b"", b"a1\r\nb\r2\r\n", ["a1", "b\r2"]),
        ("tab", b"", b"a1\tb2\t", ["a1", "b2"]),
        ("custom", b"##", b"a1##b2#", ["a1"]),
    ],
)
def test_exact_terminators(mode, terminator, data, expected):
    assert texts(TerminatorParser(mode, terminator).feed(data)) == expected


def test_noise_and_controls_between_frames_are_ignored():
    parser = TerminatorParser("line")
    frames = parser.feed(b"\x00\x07 123 \r\x1b\r\n\x00\x00456\r")
    assert texts(frames) == ["123", "456"]


def test_over_long_line_is_discarded_and_buffer_stays_bounded(caplog):
    parser = TerminatorParser("line", max_frame=32)
    with caplog.at_level(logging.WARNING, logger="hardware.framing"):
        for _ in range(1024):  # 1 MB without a terminator
            assert parser.feed(b"x" * 1024) == []
            assert parser.buffered <= 32 + 2
        frames = parser.feed(b"tail\r12345\r")
    assert texts(frames) == ["12345"]  # the tail of the long line is not a frame
    assert "no terminator within max_frame=32" in caplog.text
    assert caplog.text.count("frame discarded") == 1


def test_long_frame_in_one_write_is_discarded():
    parser = TerminatorParser("line", max_frame=8)
    assert texts(parser.feed(b"123456789\r1234\r")) == ["1234"]
    assert parser.discarded == 1


def test_non_utf8_payload_is_discarded_with_reason():
    reasons = []
    parser = TerminatorParser("line", on_discard=lambda r, d: reasons.append(r))
    assert parser.feed(b"\xff\xfe12\r") == []
    assert "not UTF-8" in reasons[0]


def test_a_discarded_frame_is_logged_by_length_and_hash_never_by_content(caplog):
    """A garbled scan of a library card must not put the card's number in the log."""
    parser = TerminatorParser("line", max_frame=16)
    card = b"29000012345678"
    with caplog.at_level(logging.DEBUG):
        parser.feed(b"\xff" + card + b"\r")  # not UTF-8: wrong baud rate
        parser.feed(card * 3 + b"\r")  # over max_frame
    assert caplog.text.count("frame discarded") == 2
    assert "bytes, sha256 " in caplog.text
    for secret in (b"29000012345678", b"12345678", b"2900"):
        assert secret.decode() not in caplog.text


# ------------------------------------------------------------------ shaping, AIM


@pytest.mark.parametrize(
    ("payload", "text", "symbology"),
    [
        (b"]E09789129688313", "9789129688313", "]E0"),
        (b"]E1978912968831312", "978912968831312", "]E1"),
        (b"]E2978912968831312345", "978912968831312345", "]E2"),
        (b"]E3978912968831312345", "978912968831312345", "]E3"),
        (b"]E473513537", "73513537", "]E4"),
        (b"]A0ABC-123", "ABC-123", "]A0"),
        (b"]C012345678", "12345678", "]C0"),
        (b"]F0A12345B", "A12345B", "]F0"),
        (b"]X0whatever", "whatever", "]X0"),
        (b"9789129688313", "9789129688313", None),
        (b"]E", "]E", None),  # too short to be an identifier: left alone
    ],
)
def test_aim_symbology_identifiers(payload, text, symbology):
    frame = Shaping().shape(payload, payload)
    assert frame.text == text
    assert frame.symbology == symbology


def test_aim_can_be_switched_off():
    frame = Shaping(symbology_ids=False).shape(b"]E0123", b"")
    assert (frame.text, frame.symbology) == ("]E0123", None)


def test_prefix_and_suffix_stripped_before_aim():
    shaping = Shaping(strip_prefix=b"PRE", strip_suffix=b"!")
    frame = shaping.shape(b"PRE]E09789129688313!", b"")
    assert (frame.text, frame.symbology) == ("9789129688313", "]E0")
    assert shaping.shape(b"9789129688313", b"").text == "9789129688313"  # absent: untouched


def test_decode_escapes():
    assert decode_escapes(r"\x03") == b"\x03"
    assert decode_escapes(r"\r\n") == b"\r\n"
    assert decode_escapes("#") == b"#"
    assert decode_escapes(r"a\\b") == b"a\\b"
    assert decode_escapes(r"\xff") == b"\xff"


# ------------------------------------------------------------------ STX/ETX


def _bcc(data: bytes) -> int:
    value = 0
    for b in data:
        value ^= b
    return value


def stx(payload: bytes, check: str = "none") -> bytes:
    body = payload + b"\x03"
    if check == "bcc":
        return b"\x02" + body + bytes([_bcc(body)])
    if check == "lrc":
        return b"\x02" + body + bytes([(-sum(body)) & 0xFF])
    return b"\x02" + body


@pytest.mark.parametrize("check", ["none", "bcc", "lrc"])
def test_stx_etx_with_checks_split_and_merged(check):
    parser = StxEtxParser(check)
    stream = b"noise" + stx(b"111", check) + b"\r\n" + stx(b"]E09789129688313", check)
    frames = feed_all(parser, [stream[i : i + 3] for i in range(0, len(stream), 3)])
    assert texts(frames) == ["111", "9789129688313"]
    assert frames[1].symbology == "]E0"
    assert StxEtxParser(check).feed(stream * 3)[-1].text == "9789129688313"


@pytest.mark.parametrize("check", ["bcc", "lrc"])
def test_stx_etx_bad_checksum_is_discarded(check, caplog):
    good = stx(b"123", check)
    bad = good[:-1] + bytes([good[-1] ^ 0x55])
    parser = StxEtxParser(check)
    with caplog.at_level(logging.WARNING):
        assert texts(parser.feed(bad + good)) == ["123"]
    assert "bad checksum" in caplog.text


def test_stx_restart_and_overflow():
    parser = StxEtxParser(max_frame=16)
    assert texts(parser.feed(b"\x02lost\x02123\x03")) == ["123"]
    parser.feed(b"\x02" + b"y" * 100_000)
    assert parser.buffered <= 17
    assert texts(parser.feed(b"zz\x03\x02456\x03")) == ["456"]


# ------------------------------------------------------------------ fixed, idle gap


def test_fixed_length_with_resync_after_gap():
    clock = ManualClock()
    parser = FixedLengthParser(4, resync_gap=0.1, clock=clock)
    assert texts(parser.feed(b"1234ab")) == ["1234"]
    clock.advance(0.5)  # the rest of "ab.." never came: dropped, not glued to the next frame
    assert texts(parser.feed(b"5678")) == ["5678"]
    assert parser.discarded == 1


def test_idle_gap_ends_frames_by_silence():
    clock = ManualClock()
    parser = IdleGapParser(0.05, clock=clock)
    assert parser.feed(b"97891") == []
    clock.advance(0.01)
    assert parser.feed(b"29688313") == []
    assert parser.deadline() == pytest.approx(clock.now + 0.05)
    clock.advance(0.049)
    assert parser.poll() == []
    clock.advance(0.002)
    assert texts(parser.poll()) == ["9789129688313"]
    assert parser.deadline() is None
    parser.feed(b"111")
    clock.advance(1)
    assert texts(parser.feed(b"222")) == ["111"]  # late data completes the previous frame


def test_idle_gap_stuck_reader_bounded():
    clock = ManualClock()
    parser = IdleGapParser(0.05, max_frame=64, clock=clock)
    for _ in range(1000):
        parser.feed(b"z" * 1000)
        clock.advance(0.001)
        assert parser.buffered <= 64
    clock.advance(1)
    assert parser.poll() == []  # the over-long burst is not a frame
    parser.feed(b"42")
    clock.advance(1)
    assert texts(parser.poll()) == ["42"]


def test_make_parser_rejects_inconsistent_settings():
    with pytest.raises(ValueError, match="terminator"):
        make_parser("custom")
    with pytest.raises(ValueError, match="length"):
        make_parser("fixed", length=0)
    with pytest.raises(ValueError, match="unknown framing"):
        make_parser("smoke-signals")


# ------------------------------------------------------------------ fuzzing

PARSER_SPECS = [
    {"framing": f}
    for f in FRAMINGS
    if f not in ("custom", "fixed")
] + [
    {"framing": "custom", "terminator": b"#"},
    {"framing": "fixed", "length": 13},
    {"framing": "stx-etx", "checksum": "bcc"},
    {"framing": "stx-etx", "checksum": "lrc"},
]
MAX = 40


@pytest.mark.parametrize("spec", PARSER_SPECS, ids=lambda s: "-".join(map(str, s.values())))
@settings(max_examples=150, deadline=None)
@given(
    chunks=st.lists(
        st.tuples(st.binary(max_size=120), st.floats(min_value=0, max_value=0.2)), max_size=25
    )
)
def test_fuzz_never_raises_never_invents_bounded(spec, chunks):
    clock = ManualClock()
    parser = make_parser(max_frame=MAX, clock=clock, **spec)
    data = b"".join(chunk for chunk, _ in chunks)
    frames = []
    for chunk, pause in chunks:
        frames += parser.feed(chunk)
        assert parser.buffered <= MAX + 2
        clock.advance(pause)
        frames += parser.poll()
    clock.advance(10)
    frames += parser.poll()
    for frame in frames:
        assert frame.raw in data  # the frame came from the input...
        assert frame.text.encode("utf-8") in frame.raw  # ...and its text from the frame
        assert frame.text == frame.text.strip()
        assert len(frame.text.encode()) <= MAX


identifiers = st.lists(st.from_regex(r"[0-9A-Z]{1,20}", fullmatch=True), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(ids=identifiers, terminators=st.data(), cuts=st.lists(st.integers(0, 300), max_size=10))
def test_fuzz_line_framing_finds_every_frame_however_split(ids, terminators, cuts):
    stream = b"".join(
        i.encode() + terminators.draw(st.sampled_from([b"\r", b"\n", b"\r\n"])) for i in ids
    )
    bounds = sorted({c % (len(stream) + 1) for c in cuts} | {0, len(stream)})
    parser = TerminatorParser("line", max_frame=MAX)
    frames = feed_all(parser, [stream[a:b] for a, b in itertools.pairwise(bounds)])
    assert texts(frames) == ids


@settings(max_examples=150, deadline=None)
@given(ids=identifiers, noise=st.lists(st.binary(max_size=10), max_size=8), data=st.data())
def test_fuzz_stx_etx_finds_frames_among_noise(ids, noise, data):
    check = data.draw(st.sampled_from(["none", "bcc", "lrc"]))
    noise_clean = [n.replace(b"\x02", b"") for n in noise]
    stream = b"".join(
        (noise_clean[k] if k < len(noise_clean) else b"") + stx(i.encode(), check)
        for k, i in enumerate(ids)
    )
    parser = StxEtxParser(check, max_frame=MAX)
    cut = data.draw(st.integers(0, len(stream)))
    assert texts(feed_all(parser, [stream[:cut], stream[cut:]])) == ids
