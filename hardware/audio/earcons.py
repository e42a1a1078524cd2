"""Short generated cues ("earcons") for the kiosk's non-speech feedback.

Issue 5 asks for cues under 250 ms, between 300 and 3000 Hz, and for errors/faults to be
distinguishable from "accepted".  They are generated rather than shipped as files so there is
nothing to lose or mis-install, and each note has a raised-cosine fade in and out: a tone
that starts or stops at full amplitude is heard as a click.

The shapes follow common auditory-display practice: rising pitch = positive ("accepted"),
falling = negative ("not-found"), a low buzzy double pulse (fundamental plus third harmonic)
= "error", a fast high alternating triple = "fault" (staff-facing, unlike anything else).
"pause" is two short equal mid tones (a steady "hold": no pitch movement, pure, unlike the low
buzzy "error" pair); "resume" is three quick rising steps (a "go on" run, shorter and lower
than "accepted"'s two-note leap), so the two are told apart from each other and from the rest.
"""

from __future__ import annotations

import array
import math
from functools import cache

from hardware.audio.pcm import from_samples
from hardware.protocols import Audio

SAMPLE_RATE = 22050
"""Same rate as eSpeak's output, so earcons and speech share the mixer format."""

_FADE_SECONDS = 0.008
_LEVEL = 0.45  # of full scale: clearly audible under speech, never clipping when mixed

# name -> list of (frequency Hz, seconds, harmonic-3 amount) notes; frequency 0 is a gap.
_SHAPES: dict[str, list[tuple[float, float, float]]] = {
    "accepted": [(880.0, 0.06, 0.0), (0.0, 0.015, 0.0), (1320.0, 0.08, 0.0)],
    "not-found": [(660.0, 0.09, 0.0), (0.0, 0.015, 0.0), (440.0, 0.09, 0.0)],
    "end": [(1040.0, 0.09, 0.0)],
    "volume": [(750.0, 0.10, 0.0)],
    "error": [(330.0, 0.08, 0.35), (0.0, 0.03, 0.0), (330.0, 0.08, 0.35)],
    "pause": [(587.0, 0.07, 0.0), (0.0, 0.05, 0.0), (587.0, 0.07, 0.0)],
    "resume": [
        (523.0, 0.05, 0.0),
        (0.0, 0.012, 0.0),
        (659.0, 0.05, 0.0),
        (0.0, 0.012, 0.0),
        (784.0, 0.07, 0.0),
    ],
    "fault": [
        (1800.0, 0.06, 0.0),
        (0.0, 0.01, 0.0),
        (1200.0, 0.06, 0.0),
        (0.0, 0.01, 0.0),
        (1800.0, 0.06, 0.0),
    ],
}

EARCON_NAMES: tuple[str, ...] = tuple(_SHAPES)


def _note(frequency: float, seconds: float, harmonic: float, rate: int) -> array.array:
    count = int(seconds * rate)
    out = array.array("h", bytes(2 * count))
    if frequency <= 0:
        return out
    fade = max(1, int(_FADE_SECONDS * rate))
    scale = _LEVEL * 32767 / (1.0 + harmonic)
    step = 2 * math.pi * frequency / rate
    for i in range(count):
        envelope = 1.0
        if i < fade:
            envelope = 0.5 - 0.5 * math.cos(math.pi * i / fade)
        elif i >= count - fade:
            envelope = 0.5 - 0.5 * math.cos(math.pi * (count - 1 - i) / fade)
        value = math.sin(step * i) + harmonic * math.sin(3 * step * i)
        out[i] = int(scale * envelope * value)
    return out


@cache
def earcon(name: str, sample_rate: int = SAMPLE_RATE) -> Audio:
    """The cue called ``name`` (one of ``EARCON_NAMES``) as mono 16-bit ``Audio``.

    Cached: each cue is generated once per process (a few milliseconds), so playing one
    costs nothing at the moment a visitor scans.
    """
    try:
        shape = _SHAPES[name]
    except KeyError:
        raise ValueError(f"unknown earcon {name!r}; known: {', '.join(EARCON_NAMES)}") from None
    data = array.array("h")
    for frequency, seconds, harmonic in shape:
        data.extend(_note(frequency, seconds, harmonic, sample_rate))
    return from_samples(data, sample_rate)
