"""Talking-book samples (issue 5): a local audio file named in the catalogue, as ``Audio`` blocks.

``load_sample(path, sample_rate)`` checks the file at once - a missing or undecodable file
raises ``HardwareError`` naming the path and the reason, before anything is played - and
returns a lazy iterator of mono 16-bit blocks at ``sample_rate`` for ``Speaker.play_audio``.

* PCM WAV (8/16/24/32-bit integer, any channel count, any rate) is read with the standard
  ``wave`` module and streamed block by block: memory stays bounded for a long sample, and no
  audio device is needed.
* Anything else (OGG Vorbis, MP3, FLAC, float WAV...) is decoded by SDL_mixer through
  ``pygame.mixer.Sound(path)``, which needs the mixer to be initialised (the kiosk's
  ``PygameOutput`` does that); SDL decodes the whole file into memory in the mixer's format,
  which is then converted.  Without a mixer such files are refused with a clear message.

Conversion: channels are averaged to mono, then the rate is converted by linear interpolation
with the position carried across blocks (no clicks at the seams).  ``audioop`` does both in C
where it exists (Python <= 3.12); on 3.13+, where it was removed, a pure-Python path does the
same (about 20 ms per second of audio on the kiosk machine - well ahead of real time).
"""

from __future__ import annotations

import array
import math
import os
import sys
import warnings
import wave
from collections.abc import Iterator
from pathlib import Path

from hardware.errors import HardwareError
from hardware.protocols import Audio

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        import audioop  # removed in Python 3.13
    except ImportError:  # pragma: no cover - depends on the Python version
        audioop = None  # type: ignore[assignment]

BLOCK_SECONDS = 0.25
"""Length of each block handed to the output: short enough that stop/volume apply at once."""

_BIG_ENDIAN = sys.byteorder == "big"


def load_sample(path: str | os.PathLike[str], sample_rate: int) -> Iterator[Audio]:
    """Open ``path`` now and return its audio as lazy mono 16-bit blocks at ``sample_rate``."""
    if sample_rate <= 0:
        raise ValueError("sample_rate must be positive")
    where = Path(path)
    if not where.is_file():
        reason = "no such file" if not where.exists() else "not a regular file"
        raise HardwareError(f"talking-book sample {str(where)!r}: {reason}")
    try:
        with wave.open(str(where), "rb") as reader:
            channels, width, rate = (
                reader.getnchannels(),
                reader.getsampwidth(),
                reader.getframerate(),
            )
    except (wave.Error, EOFError) as exc:
        # Not a PCM WAV: compressed or another container; SDL_mixer may know it.
        return _pygame_blocks(where, sample_rate, f"{type(exc).__name__}: {exc}")
    except OSError as exc:
        raise HardwareError(f"talking-book sample {str(where)!r}: {exc.strerror or exc}") from exc
    if width not in (1, 2, 3, 4) or channels < 1 or rate <= 0:
        raise HardwareError(
            f"talking-book sample {str(where)!r}: unsupported WAV "
            f"({8 * width}-bit, {channels} channel(s), {rate} Hz)"
        )
    return _wav_blocks(where, sample_rate)


# --------------------------------------------------------------------------- decoding


def _wav_blocks(path: Path, sample_rate: int) -> Iterator[Audio]:
    try:
        with wave.open(str(path), "rb") as reader:
            channels, width = reader.getnchannels(), reader.getsampwidth()
            rate = reader.getframerate()
            converter = _Converter(channels, rate, sample_rate)
            frames = max(1, int(BLOCK_SECONDS * rate))
            while data := reader.readframes(frames):
                pcm = converter.convert(_to_16(data, width))
                if pcm:
                    yield Audio(pcm=pcm, sample_rate=sample_rate)
    except (OSError, wave.Error, EOFError) as exc:
        raise HardwareError(f"talking-book sample {str(path)!r}: {exc}") from exc


def _pygame_blocks(path: Path, sample_rate: int, wav_error: str) -> Iterator[Audio]:
    import pygame

    from hardware.audio.pygame_output import MIXER_LOCK

    with MIXER_LOCK:
        spec = pygame.mixer.get_init()
        if spec is None:
            raise HardwareError(
                f"talking-book sample {str(path)!r}: not a PCM WAV ({wav_error}), and other "
                "formats are decoded by the pygame mixer, which is not open (--audio none?)"
            )
        try:
            raw = pygame.mixer.Sound(str(path)).get_raw()
        except (pygame.error, OSError) as exc:
            raise HardwareError(
                f"talking-book sample {str(path)!r}: cannot be decoded ({exc})"
            ) from exc
    rate, size, channels = spec
    if size != -16:
        raise HardwareError(
            f"talking-book sample {str(path)!r}: the mixer runs at {size}-bit; only signed "
            "16-bit is converted"
        )
    return _raw_blocks(raw, channels, rate, sample_rate)


def _raw_blocks(raw: bytes, channels: int, rate: int, sample_rate: int) -> Iterator[Audio]:
    converter = _Converter(channels, rate, sample_rate)
    step = max(1, int(BLOCK_SECONDS * rate)) * 2 * channels
    for start in range(0, len(raw), step):
        pcm = converter.convert(raw[start : start + step])
        if pcm:
            yield Audio(pcm=pcm, sample_rate=sample_rate)


def _to_16(data: bytes, width: int) -> bytes:
    """Little-endian ``width``-byte PCM (8-bit unsigned, else signed) as signed 16-bit."""
    if width == 2:
        return data[: len(data) // 2 * 2]
    count = len(data) // width
    out = bytearray(2 * count)
    if width == 1:
        # Unsigned 8-bit: flip the sign bit and use it as the high byte.
        out[1::2] = data[:count].translate(bytes((b ^ 0x80) for b in range(256)))
    else:
        # 24/32-bit signed: keep the two most significant bytes (a plain truncation).
        out[0::2] = data[width - 2 : count * width : width]
        out[1::2] = data[width - 1 : count * width : width]
    return bytes(out)


class _Converter:
    """Little-endian 16-bit interleaved PCM -> mono at another rate, block after block."""

    def __init__(self, channels: int, rate: int, out_rate: int) -> None:
        self.channels = channels
        self.rate = rate
        self.out_rate = out_rate
        self._state: object = None  # audioop.ratecv's
        self._position = 0.0  # pure Python: next output sample's position in input samples
        self._previous: int | None = None  # last input sample of the previous block

    def convert(self, pcm: bytes) -> bytes:
        frame = 2 * self.channels
        pcm = pcm[: len(pcm) // frame * frame]
        if not pcm:
            return b""
        if audioop is not None and not _BIG_ENDIAN:
            mono = pcm if self.channels == 1 else self._mono_audioop(pcm)
            if self.rate == self.out_rate:
                return mono
            out, self._state = audioop.ratecv(mono, 2, 1, self.rate, self.out_rate, self._state)
            return out
        data = array.array("h")
        data.frombytes(pcm)
        if _BIG_ENDIAN:
            data.byteswap()
        if self.channels > 1:
            n = self.channels
            data = array.array(
                "h", (sum(data[i : i + n]) // n for i in range(0, len(data), n))
            )
        if self.rate != self.out_rate:
            data = self._resample(data)
        if _BIG_ENDIAN:
            data.byteswap()
        return data.tobytes()

    def _mono_audioop(self, pcm: bytes) -> bytes:
        if self.channels == 2:
            return audioop.tomono(pcm, 2, 0.5, 0.5)
        data = array.array("h")
        data.frombytes(pcm)
        n = self.channels
        return array.array(
            "h", (sum(data[i : i + n]) // n for i in range(0, len(data), n))
        ).tobytes()

    def _resample(self, data: array.array) -> array.array:
        """Linear interpolation; ``_position`` and ``_previous`` carry over between blocks."""
        step = self.rate / self.out_rate
        if not data:
            return data
        if self._previous is None:
            source = data
            offset = 0
        else:
            source = array.array("h", [self._previous])
            source.extend(data)
            offset = 1  # position 0 of this block is index 1 of ``source``
        out = array.array("h")
        position = self._position
        last = len(data) - 1
        while position < last:  # both neighbours exist (index -1 is the previous block's)
            base = math.floor(position)
            a = source[base + offset]
            b = source[base + offset + 1]
            out.append(round(a + (b - a) * (position - base)))
            position += step
        self._position = position - len(data)
        self._previous = data[-1]
        return out
