"""Small helpers for mono signed 16-bit PCM (the ``Audio`` of ``hardware.protocols``).

Pure standard library (``array``, ``wave``): numpy is not a dependency of the kiosk, and the
blocks we handle are short (a clause of speech, a 250 ms earcon), so plain loops are fast enough
where they are used at all (the hot path only slices bytes).
"""

from __future__ import annotations

import array
import io
import math
import sys
import wave

from hardware.errors import HardwareError
from hardware.protocols import Audio

_BIG_ENDIAN = sys.byteorder == "big"


def samples(audio: Audio) -> array.array:
    """The samples of ``audio`` as a native-endian ``array('h')``."""
    data = array.array("h")
    data.frombytes(audio.pcm[: len(audio.pcm) // 2 * 2])
    if _BIG_ENDIAN:
        data.byteswap()
    return data


def from_samples(data: array.array, sample_rate: int) -> Audio:
    """Inverse of :func:`samples`."""
    if _BIG_ENDIAN:
        data = array.array("h", data)
        data.byteswap()
    return Audio(pcm=data.tobytes(), sample_rate=sample_rate)


def rms(audio: Audio) -> float:
    """Root mean square of the samples (0 for empty audio), in sample units (0..32768)."""
    data = samples(audio)
    if not data:
        return 0.0
    return math.sqrt(sum(x * x for x in data) / len(data))


def peak(audio: Audio) -> int:
    """Largest absolute sample value."""
    data = samples(audio)
    return max((abs(x) for x in data), default=0)


def leading_silence(audio: Audio, threshold: int = 300) -> float:
    """Seconds before the first sample louder than ``threshold``."""
    data = samples(audio)
    for index, value in enumerate(data):
        if abs(value) > threshold:
            return index / audio.sample_rate
    return audio.seconds


def to_wav(audio: Audio) -> bytes:
    """A complete in-memory WAV file of ``audio``."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(audio.sample_rate)
        writer.writeframes(audio.pcm)
    return buffer.getvalue()


def from_wav(data: bytes) -> Audio:
    """Read a PCM WAV (8 or 16 bit, mono or stereo) into mono 16-bit ``Audio``.

    Engines other than eSpeak (SAPI5, NSSpeech) may write stereo or 8-bit files; the rest of
    the kiosk only ever sees mono 16-bit.
    """
    try:
        with wave.open(io.BytesIO(data), "rb") as reader:
            channels = reader.getnchannels()
            width = reader.getsampwidth()
            rate = reader.getframerate()
            frames = reader.readframes(reader.getnframes())
    except (wave.Error, EOFError) as exc:
        raise HardwareError(f"speech engine wrote an unreadable WAV file: {exc}") from exc
    if width == 2 and channels == 1:
        # The common case (eSpeak): already what we need, no copy through an array.
        return Audio(pcm=frames[: len(frames) // 2 * 2], sample_rate=rate)
    if width == 1:
        converted = array.array("h", ((b - 128) << 8 for b in frames))
    elif width == 2:
        converted = array.array("h")
        converted.frombytes(frames[: len(frames) // 2 * 2])
        if _BIG_ENDIAN:
            converted.byteswap()
    else:
        raise HardwareError(f"speech engine wrote {8 * width}-bit audio; only 8/16-bit is read")
    if channels > 1:
        converted = array.array(
            "h",
            (
                sum(converted[i : i + channels]) // channels
                for i in range(0, len(converted) - channels + 1, channels)
            ),
        )
    return from_samples(converted, rate)


def silence(seconds: float, sample_rate: int) -> Audio:
    """``seconds`` of digital silence."""
    return Audio(pcm=bytes(2 * int(seconds * sample_rate)), sample_rate=sample_rate)
