"""Listening to PCM: the silent runs a listener hears as pauses, and whole-text synthesis by
eSpeak NG as the reference to compare the kiosk's output with."""

from __future__ import annotations

import array

from hardware.speech import backend

RATE = 22050


def pauses(pcm: bytes, minimum: float = 0.03, threshold: int = 64) -> list[float]:
    """Lengths of the silent runs of at least ``minimum`` s inside ``pcm`` (not its ends)."""
    data = array.array("h", pcm)
    runs: list[float] = []
    start = None
    first = next((i for i, x in enumerate(data) if abs(x) > threshold), len(data))
    last = max((i for i, x in enumerate(data) if abs(x) > threshold), default=0)
    for i in range(first, last + 1):
        quiet = abs(data[i]) <= threshold
        if quiet and start is None:
            start = i
        elif not quiet and start is not None:
            if (i - start) / RATE >= minimum:
                runs.append((i - start) / RATE)
            start = None
    return runs


def whole_text(text: str, rate: int, voice: str = "gmq/sv") -> bytes:
    """``text`` synthesised whole by eSpeak NG in one pass: the reference a listener hears."""
    blocks: list[bytes] = []
    backend.EspeakNG.instance().synthesize(
        backend.ssml([(text, voice)]), voice, rate, lambda pcm: blocks.append(pcm) or True
    )
    return b"".join(blocks)
