"""The contracts between the kiosk and the devices it drives.

Everything the kiosk knows about hardware is in this module.  A driver - ours or a
technician's own package - satisfies one of these Protocols structurally; it never has to
import or subclass anything of ours.  Fakes used in tests are registered drivers that honour
the very same contracts, so ``talkcat run`` can run on them too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, Protocol, runtime_checkable

# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class Option:
    """One configurable setting of a driver, declared so config can be validated up front.

    This one declaration is the whole truth about a setting: ``talkcat drivers`` lists it, the
    TOML section is validated against it (all problems at once) and its default is the value
    the driver receives when the section is silent.  ``type`` is one of ``str``, ``int``,
    ``float``, ``bool`` (or ``dict``/``list`` for a table); ``choices`` restricts the value;
    ``minimum``/``maximum`` bound a number.
    """

    name: str
    type: type
    default: Any
    help: str
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Check:
    """One line a driver's ``check()`` reports to ``talkcat doctor``.

    A driver may offer ``check()`` (a classmethod or staticmethod: nothing is constructed and
    no device is opened) returning an iterable of these - or of plain ``(status, what)`` /
    ``(status, what, fix)`` tuples, so an outside package need not import ours.  ``status``
    is ``OK``, ``WARN`` or ``FAIL``; ``fix`` says what to do about a WARN or FAIL.
    """

    status: Literal["OK", "WARN", "FAIL"]
    what: str
    fix: str = ""

    def line(self) -> str:
        fix = f" -> {self.fix}" if self.fix else ""
        return f"{self.status:<4}  {self.what}{fix}"


# --------------------------------------------------------------------------- readers

KEY_ACTIONS: tuple[str, ...] = (
    "more",
    "repeat",
    "pause",
    "stop",
    "volume-up",
    "volume-down",
    "rate-up",
    "rate-down",
    "language",
    "help",
    "next",
    "previous",
    "magnify-up",
    "magnify-down",
)
"""The keypad actions; the replay driver's ``key ACTION`` lines use the same names."""


@dataclass(frozen=True)
class Frame:
    """One complete read from a reader, framing already removed.

    ``text`` is the payload as the device sent it (not yet normalised: that is the
    catalogue's job).  ``symbology`` is the AIM identifier (``"]E0"``...) when the reader
    sent one, so the normaliser can tell an EAN-13 from a Code 128 that happens to be digits.
    """

    text: str
    raw: bytes = b""
    symbology: str | None = None
    kind: Literal["barcode", "rfid", "typed"] = "barcode"
    # RFID only.  When a tag's ISO 28560-3 basic block was decoded, ``text`` is the primary
    # item identifier (the library's copy barcode, so existing circulation tags work unchanged)
    # and ``uid`` the tag's ISO 15693 UID, a second key to try.  When only the UID was read,
    # ``text`` and ``uid`` are both the UID.  ``part``/``parts`` say "part 2 of 3" of a
    # multi-part item (a box of CDs); both are None for a single-part item or a barcode.
    uid: str | None = None
    part: int | None = None
    parts: int | None = None


@dataclass(frozen=True)
class KeyPress:
    """A keypad action (one of ``KEY_ACTIONS``) or a typed digit/Enter/Backspace."""

    action: str


ReaderEvent = Frame | KeyPress


@runtime_checkable
class Reader(Protocol):
    """A source of scans (and possibly key presses).

    ``read`` blocks for at most ``timeout`` seconds and returns the next event or ``None``.
    It raises ``HardwareError`` when the device is gone; the kiosk then calls ``close`` and,
    after a back-off, ``open`` again - that is how a replugged reader comes back.
    """

    def open(self) -> None: ...

    def read(self, timeout: float) -> ReaderEvent | None: ...

    def close(self) -> None: ...


# --------------------------------------------------------------------------- speech

# The speech settings every engine shares, written once: the config schema, the keys that
# change the rate and the engines themselves all read these.
RATE_MIN = 80
"""Slowest speech rate in words per minute (intelligible, and still a voice)."""
RATE_MAX = 450
"""Fastest speech rate in words per minute (experienced screen-reader users' upper range)."""
RATE_DEFAULT = 160
VOLUME_DEFAULT = 0.5
VOLUME_MAX_DEFAULT = 0.8
"""Ceiling of the volume keys: headphones at full scale can harm hearing."""


@dataclass(frozen=True)
class Audio:
    """A block of mono signed 16-bit little-endian PCM."""

    pcm: bytes
    sample_rate: int

    @property
    def seconds(self) -> float:
        return len(self.pcm) / 2 / self.sample_rate


class Segment(NamedTuple):
    """One piece of an utterance in one language: what the kiosk hands to speech.

    The shape every speaking part of the project agrees on (issue 14):

    * an **utterance** is a sequence of segments, ``[(text, lang), ...]`` - plain
      ``(text, lang)`` tuples are accepted everywhere a ``Segment`` is;
    * ``text`` is what the engine should say, already normalised for reading (abbreviations,
      ordinals, catalogue tags: the kiosk's reading step) and after the staff lexicon - the
      engine only makes it safe (control characters, markup) and never splits or rewrites it;
    * ``lang`` is a language code: ISO 639-1 (``"sv"``, ``"fi"``, ``"se"`` for Northern Sami),
      a tag (``"sv-SE"``) or a MARC/ISO 639-2 code (``"swe"``, ``"smj"``); the engine maps it
      to one of its voices and falls back to the kiosk's default voice when it has none;
    * framing words ("av", "by", levels, availability) are segments in the visitor's language,
      a title or summary a segment in the record's language: split where the language
      changes, nowhere else - consecutive segments of one language are joined by the engine.

    The whole utterance is synthesised in **one pass** (one eSpeak NG SSML document with a
    voice element per language run) and streamed, so a segment boundary sounds like the same
    place in whole-text synthesis: no sentence-final fall, no added pause, unless the text
    itself has a full stop there.  Where the *language* changes, eSpeak NG ends the clause to
    change voice: the visitor hears a short phrase break there (measured 157 ms at 160 wpm,
    a comma's is 175 ms), never a sentence end.
    """

    text: str
    lang: str


Emit = Callable[[Audio], bool]
"""Receives each block of an utterance's audio as it is made; returns False to abort."""


@runtime_checkable
class StreamingSynthesizer(Protocol):
    """A ``Synthesizer`` that can also speak a whole utterance in one streamed pass.

    ``stream`` runs in the calling thread: it synthesises ``segments`` (see :class:`Segment`)
    as one utterance and calls ``emit`` with each block as soon as it exists (the first after
    the first clause or sooner), blocking while ``emit`` blocks; it stops early, without
    error, when ``emit`` returns False.  Raises ``HardwareError`` when the engine fails.
    ``hardware.speech.speaker.Speaker`` prefers ``stream`` when a driver has it and otherwise
    calls ``synthesize`` once per language run.
    """

    def stream(self, segments: Sequence[Segment], rate: int, emit: Emit) -> None: ...


@runtime_checkable
class Synthesizer(Protocol):
    """Turns one short piece of text into audio, in the calling thread.

    Implementations need not be thread-safe: the speech worker owns one instance and calls
    it from a single thread only.  ``rate`` is in words per minute.
    """

    def synthesize(self, text: str, lang: str, rate: int) -> Audio: ...

    def voices(self) -> Mapping[str, str]:
        """Language code -> voice id, for ``talkcat doctor`` and voice selection."""
        ...

    def close(self) -> None: ...


# --------------------------------------------------------------------------- audio out

PlaybackListener = Callable[[Literal["started", "finished", "stopped"], int], None]
"""Called from the audio thread with an event and the ``token`` given to ``play``."""


@runtime_checkable
class AudioOutput(Protocol):
    """Plays a stream of audio blocks; can be stopped at once and its volume changed live.

    ``play`` returns immediately.  ``blocks`` is consumed lazily so the first block plays
    while later ones are still being synthesised.  The listener hears ``started`` when the
    first block is handed to the device, then ``finished`` (played to the end) or
    ``stopped`` (cut off by ``stop`` or by a newer ``play``) exactly once per token.
    """

    def open(self) -> None: ...

    def play(self, blocks: Iterator[Audio], token: int, listener: PlaybackListener) -> None: ...

    def stop(self) -> None: ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def set_volume(self, volume: float) -> None: ...

    def earcon(self, audio: Audio) -> None:
        """Play a short cue without disturbing (or being reported as) speech."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class DeviceHealth(Protocol):
    """Optional extra for an ``AudioOutput`` that can tell when its device has gone.

    ``device_fault`` is cheap, callable from any thread, and returns ``None`` while the device
    works or a one-line reason once it is known to be unusable (the mixer closed under it, a
    write failed).  ``hardware.audio.fallback.FallbackOutput`` polls it to switch to silence
    and back; an output without it is judged only by whether its calls raise.
    """

    def device_fault(self) -> str | None: ...


@dataclass
class DriverInfo:
    """What the registry knows about one entry point, loaded or not."""

    group: str
    name: str
    target: str
    options: tuple[Option, ...] = ()
    error: str | None = None
    factory: Any = field(default=None, repr=False)
