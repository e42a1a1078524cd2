"""Earcons: short, in the audible band issue 5 names, click-free, errors distinct."""

from __future__ import annotations

import itertools

import pytest

from hardware.audio.earcons import EARCON_NAMES, earcon
from hardware.audio.pcm import peak, rms, samples


def zero_crossing_frequencies(name: str) -> list[float]:
    """Frequency of each voiced run, estimated from its zero crossings."""
    audio = earcon(name)
    data = samples(audio)
    runs: list[list[int]] = [[]]
    for value in data:
        if value == 0 and runs[-1]:
            runs.append([])
        elif value != 0:
            runs[-1].append(value)
    freqs = []
    for run in runs:
        if len(run) < audio.sample_rate * 0.02:
            continue
        crossings = sum(1 for a, b in itertools.pairwise(run) if (a < 0) != (b < 0))
        freqs.append(crossings / 2 / (len(run) / audio.sample_rate))
    return freqs


@pytest.mark.parametrize("name", EARCON_NAMES)
def test_each_earcon_is_short_audible_and_click_free(name: str) -> None:
    audio = earcon(name)
    assert 0.05 < audio.seconds < 0.25
    assert rms(audio) > 1000
    assert peak(audio) < 32767 * 0.6  # headroom when mixed under speech
    data = samples(audio)
    # Fade in and out: the first and last samples are near zero, no step at either end.
    assert abs(data[0]) < 200 and abs(data[-1]) < 200
    assert max(abs(x) for x in data[:20]) < 2000
    for freq in zero_crossing_frequencies(name):
        # Zero crossings of fundamental + 3rd harmonic read a little above the fundamental.
        assert 300 <= freq <= 3000, (name, freq)


def test_required_names_exist_and_error_sounds_unlike_accepted() -> None:
    assert {"accepted", "not-found", "error", "end", "volume", "fault"} <= set(EARCON_NAMES)
    assert earcon("error").pcm != earcon("accepted").pcm
    assert earcon("fault").pcm != earcon("error").pcm
    accepted = zero_crossing_frequencies("accepted")
    error = zero_crossing_frequencies("error")
    assert accepted[0] < accepted[-1]  # rising
    assert max(error) < min(accepted)  # lower, buzzier


def test_unknown_earcon_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="accepted"):
        earcon("applause")



def notes(name: str) -> list[float]:
    """Frequency of each note, the notes split at gaps of >= 5 ms of silence."""
    audio = earcon(name)
    data = samples(audio)
    gap = int(0.005 * audio.sample_rate)
    found: list[list[int]] = [[]]
    quiet = 0
    for value in data:
        if value == 0:
            quiet += 1
            if quiet == gap and found[-1]:
                found.append([])
            continue
        quiet = 0
        found[-1].append(value)
    freqs = []
    for run in found:
        if len(run) < audio.sample_rate * 0.02:
            continue
        crossings = sum(1 for a, b in itertools.pairwise(run) if (a < 0) != (b < 0))
        freqs.append(crossings / 2 / (len(run) / audio.sample_rate))
    return freqs


def test_pause_and_resume_cues_are_distinct_from_each_other_and_the_rest() -> None:
    assert {"pause", "resume"} <= set(EARCON_NAMES)
    for name in EARCON_NAMES:
        if name not in ("pause", "resume"):
            assert earcon("pause").pcm != earcon(name).pcm
            assert earcon("resume").pcm != earcon(name).pcm
    pause, resume = notes("pause"), notes("resume")
    assert len(pause) == 2 and pause[0] == pytest.approx(pause[1], rel=0.02)  # steady: "held"
    assert len(resume) == 3 and resume[0] < resume[1] < resume[2]  # rising run: "going on"
    # No two cues share a melody (note count and pitches to the nearest 50 Hz).
    melodies = {name: tuple(round(f / 50) for f in notes(name)) for name in EARCON_NAMES}
    assert len(set(melodies.values())) == len(EARCON_NAMES), melodies
    assert min(pause) > 1.5 * max(notes("error"))  # not the low buzzy pair
    assert max(resume) < min(notes("accepted"))  # below "accepted"'s leap
