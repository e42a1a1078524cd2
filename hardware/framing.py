"""Incremental frame parsers: bytes in, complete frames out, the rest kept for later.

Readers deliver bytes in whatever chunks the serial driver hands over: half a frame, three
frames at once, noise from a loose connector.  A parser is fed chunk by chunk and returns the
frames that became complete; it keeps at most ``max_frame`` (plus a few framing) bytes, so a
stuck reader or a 1 MB line cannot grow memory.  Parsers do no I/O and never raise on input.

Every payload then goes through ``Shaping``: surrounding control characters and whitespace
are dropped, a configured prefix/suffix is stripped, and an AIM symbology identifier
(ISO/IEC 15424: ``]`` + code character + modifier, e.g. ``]E0`` for EAN-13) is removed from
the text and kept in ``Frame.symbology`` so the catalogue can tell an EAN-13 from a Code 128
that happens to be digits.  The text is never otherwise changed: a parser never invents an
identifier.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from hardware.protocols import Frame

log = logging.getLogger(__name__)

STX = 0x02
ETX = 0x03
DEFAULT_MAX_FRAME = 256
MAX_FRAME_LIMIT = 65_536
"""Largest `max_frame` a configuration may ask for: buffers stay bounded whatever it says."""

Clock = Callable[[], float]
DiscardListener = Callable[[str, bytes], None]
"""Called with a reason and (at most the first 64 bytes of) the discarded bytes."""

TERMINATORS: dict[str, bytes] = {"cr": b"\r", "lf": b"\n", "crlf": b"\r\n", "tab": b"\t"}
CHECKSUMS = ("none", "bcc", "lrc")

_AIM = re.compile(r"\]([A-Za-z])([0-9A-Za-z])")
# C0 controls, space and DEL: what a reader may put around a payload, never part of one.
_EDGE = bytes(range(0x21)) + b"\x7f"


def fingerprint(data: str | bytes) -> str:
    """Length and a short hash of scanned bytes, for logs.

    Any frame may be a visitor's library card, and the hardware cannot know which, so raw
    payloads are never logged at any level; the fingerprint still lets a technician see that
    the same bad frame repeats.
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    return f"{len(raw)} bytes, sha256 {hashlib.sha256(raw).hexdigest()[:12]}"


class FrameParser(Protocol):
    """What the serial reader needs from a framing."""

    def feed(self, data: bytes) -> list[Frame]:
        """Add bytes; return the frames they completed."""
        ...

    def poll(self) -> list[Frame]:
        """Let time pass without data (idle-gap framing completes frames this way)."""
        ...

    def deadline(self) -> float | None:
        """Clock time at which ``poll`` may complete a frame, or None if nothing is pending."""
        ...

    @property
    def buffered(self) -> int:
        """Bytes held back waiting for the rest of a frame (bounded by ``max_frame``)."""
        ...


@dataclass(frozen=True)
class Shaping:
    """How a payload becomes a ``Frame``; the same for every framing."""

    strip_prefix: bytes = b""
    strip_suffix: bytes = b""
    symbology_ids: bool = True
    kind: Literal["barcode", "rfid", "typed"] = "barcode"

    def shape(self, payload: bytes, raw: bytes) -> Frame | str:
        """A Frame, or the reason the payload is not one (empty, not UTF-8 text)."""
        body = payload.strip(_EDGE)
        if self.strip_prefix and body.startswith(self.strip_prefix):
            body = body[len(self.strip_prefix) :]
        if self.strip_suffix and body.endswith(self.strip_suffix):
            body = body[: -len(self.strip_suffix)]
        body = body.strip(_EDGE)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return "not UTF-8 text (wrong baud rate or parity?)"
        symbology = None
        if self.symbology_ids:
            match = _AIM.match(text)
            if match:
                symbology = match.group(0)
                text = text[match.end() :].strip()
        if not text:
            return "empty"
        return Frame(text=text, raw=bytes(raw), symbology=symbology, kind=self.kind)


class _Complaints:
    """Log discards at most once a second per reason, so a flood cannot flood the log."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._last: dict[str, float] = {}
        self._suppressed: dict[str, int] = {}

    def report(self, reason: str, sample: bytes) -> None:
        now = self._clock()
        last = self._last.get(reason)
        if last is not None and now - last < 1.0:
            self._suppressed[reason] = self._suppressed.get(reason, 0) + 1
            return
        extra = self._suppressed.pop(reason, 0)
        more = f" ({extra} more since last report)" if extra else ""
        log.warning("frame discarded: %s: %s%s", reason, fingerprint(sample), more)
        self._last[reason] = now


class _Parser:
    """Shared bookkeeping: shaping, the size bound and discard reporting."""

    def __init__(
        self,
        *,
        max_frame: int = DEFAULT_MAX_FRAME,
        shaping: Shaping | None = None,
        clock: Clock = time.monotonic,
        on_discard: DiscardListener | None = None,
    ) -> None:
        if max_frame < 1:
            raise ValueError(f"max_frame must be at least 1, not {max_frame}")
        self.max_frame = max_frame
        self.shaping = shaping or Shaping()
        self.on_discard = on_discard
        self.discarded = 0
        self._clock = clock
        self._complaints = _Complaints(clock)
        self._buf = bytearray()

    @property
    def buffered(self) -> int:
        return len(self._buf)

    def poll(self) -> list[Frame]:
        return []

    def deadline(self) -> float | None:
        return None

    def _discard(self, reason: str, data: bytes) -> None:
        self.discarded += 1
        self._complaints.report(reason, data)
        if self.on_discard is not None:
            self.on_discard(reason, bytes(data[:64]))

    def _complete(self, payload: bytes, raw: bytes, out: list[Frame]) -> None:
        if len(payload) > self.max_frame:
            self._discard(f"longer than max_frame={self.max_frame} bytes", raw)
            return
        shaped = self.shaping.shape(payload, raw)
        if isinstance(shaped, Frame):
            out.append(shaped)
        elif shaped != "empty":  # empty lines (a lone CR, a blank Enter) are not worth a log
            self._discard(shaped, raw)


class TerminatorParser(_Parser):
    """Frames end with a terminator.

    ``mode`` ``"line"`` (the default for readers) accepts CR, LF and CRLF alike; a CR at the
    end of one write followed by LF at the start of the next is one terminator, not an extra
    empty frame.  ``"cr"``, ``"lf"``, ``"crlf"``, ``"tab"`` or ``"custom"`` with
    ``terminator`` bytes demand exactly that terminator.
    """

    def __init__(self, mode: str = "line", terminator: bytes = b"", **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        if mode == "line":
            self._pattern = re.compile(rb"\r\n?|\n")
            self._term_len = 2
        else:
            term = terminator if mode == "custom" else TERMINATORS.get(mode, b"")
            if not term:
                raise ValueError(f"framing '{mode}' needs a terminator")
            self._pattern = re.compile(re.escape(term))
            self._term_len = len(term)
        self._line_mode = mode == "line"
        self._after_cr = False  # line mode: last write ended with CR, a leading LF is its pair
        self._skipping = False  # inside an over-long frame: drop bytes up to its terminator

    def feed(self, data: bytes) -> list[Frame]:
        out: list[Frame] = []
        if not data:
            return out
        if self._after_cr and data[:1] == b"\n":
            data = data[1:]
        self._after_cr = False
        self._buf += data
        buf = self._buf
        start = 0
        while True:
            match = self._pattern.search(buf, start)
            if match is None:
                break
            if self._skipping:
                self._skipping = False  # the tail of the over-long frame, already reported
            else:
                self._complete(bytes(buf[start : match.start()]), bytes(buf[start : match.end()]),
                               out)
            start = match.end()
            if self._line_mode and match.group() == b"\r" and start == len(buf):
                self._after_cr = True
        del buf[:start]
        # Keep the bound: a frame that cannot fit is dropped now, and its tail on arrival.
        # (A partial multi-byte terminator at the end is kept so it can still match.)
        if len(buf) > self.max_frame + self._term_len:
            if not self._skipping:
                self._discard(f"no terminator within max_frame={self.max_frame} bytes", buf)
            self._skipping = True
            keep = self._term_len - 1
            del buf[: len(buf) - keep]
        return out


def _bcc(data: bytes) -> int:
    value = 0
    for byte in data:
        value ^= byte
    return value


def _lrc(data: bytes) -> int:
    return (-sum(data)) & 0xFF


_CHECKS: dict[str, Callable[[bytes], int]] = {"bcc": _bcc, "lrc": _lrc}


class StxEtxParser(_Parser):
    """``STX payload ETX [check]``: bytes outside a frame are noise and ignored.

    ``checksum`` ``"bcc"`` is the XOR of payload and ETX (the usual "block check character");
    ``"lrc"`` the two's complement of their 8-bit sum (ISO 1155).  STX is not included in
    either, as in most reader manuals.  A frame with a bad check is discarded and logged.
    A new STX before ETX restarts the frame (the reader lost and regained sync).
    """

    _marks = re.compile(rb"[\x02\x03]")

    def __init__(self, checksum: str = "none", **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        if checksum not in CHECKSUMS:
            raise ValueError(f"checksum must be one of {', '.join(CHECKSUMS)}, not {checksum!r}")
        self._check = _CHECKS.get(checksum)

    def feed(self, data: bytes) -> list[Frame]:
        out: list[Frame] = []
        buf = self._buf
        buf += data
        while buf:
            if buf[0] != STX:
                start = buf.find(STX)
                if start < 0:
                    buf.clear()  # noise between frames
                    break
                del buf[:start]
            match = self._marks.search(buf, 1)
            if match is None:
                if len(buf) - 1 > self.max_frame:
                    self._discard(f"no ETX within max_frame={self.max_frame} bytes", buf)
                    buf.clear()
                break
            if buf[match.start()] == STX:
                self._discard("STX before ETX (frame restarted)", buf[: match.start()])
                del buf[: match.start()]
                continue
            etx = match.start()
            end = etx + 1 + (1 if self._check else 0)
            if len(buf) < end:
                break  # the check byte is still on its way
            raw = bytes(buf[:end])
            del buf[:end]
            if self._check is not None:
                expected = self._check(raw[1 : etx + 1])
                if raw[-1] != expected:
                    self._discard(f"bad checksum {raw[-1]:#04x}, expected {expected:#04x}", raw)
                    continue
            self._complete(raw[1:etx], raw, out)
        return out


class FixedLengthParser(_Parser):
    """Every ``length`` bytes are a frame.

    A partial frame followed by ``resync_gap`` seconds of silence is dropped when new bytes
    arrive, so one lost byte does not shift every later frame.
    """

    def __init__(self, length: int, resync_gap: float | None = 0.05, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        if not 1 <= length <= self.max_frame:
            raise ValueError(f"frame length must be 1..max_frame ({self.max_frame}), not {length}")
        self.length = length
        self.resync_gap = resync_gap
        self._last = 0.0

    def feed(self, data: bytes) -> list[Frame]:
        out: list[Frame] = []
        now = self._clock()
        buf = self._buf
        if buf and self.resync_gap is not None and now - self._last >= self.resync_gap:
            self._discard(f"incomplete frame ({len(buf)} of {self.length} bytes)", buf)
            buf.clear()
        if data:
            self._last = now
        buf += data
        full = len(buf) - len(buf) % self.length
        for start in range(0, full, self.length):
            chunk = bytes(buf[start : start + self.length])
            self._complete(chunk, chunk, out)
        del buf[:full]
        return out


class IdleGapParser(_Parser):
    """A frame ends after ``gap`` seconds without bytes (readers that send no terminator).

    Driven by the injected clock: ``feed`` stamps arrivals, ``poll`` completes the frame once
    the silence is long enough, ``deadline`` tells the reader how long it may block.
    """

    def __init__(self, gap: float = 0.05, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        if gap <= 0:
            raise ValueError(f"gap must be positive, not {gap}")
        self.gap = gap
        self._last = 0.0
        self._skipping = False

    def _flush(self, out: list[Frame]) -> None:
        if self._buf and not self._skipping:
            payload = bytes(self._buf)
            self._complete(payload, payload, out)
        self._buf.clear()
        self._skipping = False

    def feed(self, data: bytes) -> list[Frame]:
        out: list[Frame] = []
        now = self._clock()
        if (self._buf or self._skipping) and now - self._last >= self.gap:
            self._flush(out)
        if not data:
            return out
        self._last = now
        if self._skipping:
            return out
        self._buf += data
        if len(self._buf) > self.max_frame:
            self._discard(f"no pause within max_frame={self.max_frame} bytes", self._buf)
            self._buf.clear()
            self._skipping = True
        return out

    def poll(self) -> list[Frame]:
        out: list[Frame] = []
        if (self._buf or self._skipping) and self._clock() - self._last >= self.gap:
            self._flush(out)
        return out

    def deadline(self) -> float | None:
        if self._buf or self._skipping:
            return self._last + self.gap
        return None


FRAMINGS: tuple[str, ...] = ("line", "cr", "lf", "crlf", "tab", "custom", "stx-etx", "fixed",
                             "idle-gap")


def make_parser(
    framing: str = "line",
    *,
    terminator: bytes = b"",
    checksum: str = "none",
    length: int = 0,
    gap: float = 0.05,
    max_frame: int = DEFAULT_MAX_FRAME,
    shaping: Shaping | None = None,
    clock: Clock = time.monotonic,
    on_discard: DiscardListener | None = None,
) -> FrameParser:
    """Build the parser for a framing name (one of ``FRAMINGS``); ValueError if inconsistent."""
    common: dict[str, object] = {
        "max_frame": max_frame, "shaping": shaping, "clock": clock, "on_discard": on_discard,
    }
    if framing in ("line", "custom", *TERMINATORS):
        return TerminatorParser(framing, terminator, **common)
    if framing == "stx-etx":
        return StxEtxParser(checksum, **common)
    if framing == "fixed":
        return FixedLengthParser(length, resync_gap=gap, **common)
    if framing == "idle-gap":
        return IdleGapParser(gap, **common)
    raise ValueError(f"unknown framing {framing!r}; choose one of: {', '.join(FRAMINGS)}")


_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|[rnt0\\e])")
_SIMPLE = {"r": "\r", "n": "\n", "t": "\t", "0": "\0", "\\": "\\", "e": "\x1b"}


def decode_escapes(text: str) -> bytes:
    r"""``"\x03"``, ``"\r\n"`` written in TOML or on a command line -> the bytes they mean.

    TOML 1.0 has no ``\x`` escape, so technicians would otherwise have to write ``\u0003``.
    """

    out = bytearray()
    pos = 0
    for match in _ESCAPE.finditer(text):
        out += text[pos : match.start()].encode("utf-8")
        code = match.group(1)
        out += bytes([int(code[1:], 16)]) if code[0] == "x" else _SIMPLE[code].encode("ascii")
        pos = match.end()
    out += text[pos:].encode("utf-8")
    return bytes(out)
