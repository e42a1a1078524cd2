"""Talking-book samples: decoding (``load_sample``) and playing them like speech
(``Speaker.play_audio``), silently and captured through SDL's ``disk`` driver."""

from __future__ import annotations

import array
import itertools
import math
import struct
import wave
from pathlib import Path

import pytest

from hardware.audio import sample as sample_module
from hardware.audio.null import NullOutput
from hardware.audio.pcm import samples
from hardware.audio.sample import load_sample
from hardware.errors import HardwareError
from hardware.protocols import Audio
from hardware.speech.recording import RecordingSynthesizer
from hardware.speech.speaker import Speaker
from tests.hardware.playback_support import Events

RATE = 22050
WAIT = 10.0


def write_tone(
    path: Path,
    seconds: float,
    *,
    rate: int = 44100,
    channels: int = 2,
    frequency: float = 440.0,
    level: int = 12000,
    width: int = 2,
) -> Path:
    """A tone WAV: the same sine in every channel (``width`` 1 is unsigned 8-bit)."""
    frames = bytearray()
    step = 2 * math.pi * frequency / rate
    for i in range(int(seconds * rate)):
        value = int(level * math.sin(step * i))
        if width == 1:
            one = bytes([(value >> 8) + 128])
        elif width == 2:
            one = struct.pack("<h", value)
        else:
            one = (value << (8 * (width - 2))).to_bytes(width, "little", signed=True)
        frames += one * channels
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(bytes(frames))
    return path


def joined(blocks) -> Audio:
    blocks = list(blocks)
    assert blocks and {b.sample_rate for b in blocks} == {RATE}
    return Audio(b"".join(b.pcm for b in blocks), RATE)


def frequency(audio: Audio) -> float:
    data = samples(audio)
    crossings = sum(1 for a, b in itertools.pairwise(data) if (a < 0) != (b < 0))
    return crossings / 2 / audio.seconds


# --------------------------------------------------------------------------- decoding


@pytest.mark.parametrize("pure_python", [False, True], ids=["audioop", "pure-python"])
def test_stereo_44k_wav_becomes_mono_22k_blocks_of_the_same_tone(
    tmp_path, monkeypatch, pure_python
) -> None:
    if pure_python:
        monkeypatch.setattr(sample_module, "audioop", None)  # as on Python 3.13+
    path = write_tone(tmp_path / "sample.wav", 1.0)
    blocks = list(load_sample(path, RATE))
    assert len(blocks) >= 4  # streamed in short blocks, so stop applies at once
    assert all(b.seconds <= sample_module.BLOCK_SECONDS + 0.01 for b in blocks)
    audio = joined(blocks)
    assert audio.seconds == pytest.approx(1.0, abs=0.01)
    assert frequency(audio) == pytest.approx(440, rel=0.02)
    data = samples(audio)
    assert 11000 < max(abs(x) for x in data) <= 12100  # level kept, no clipping
    # No click at the block seams: neighbouring samples of a 440 Hz sine differ by at most
    # level * 2*pi*440/22050 (about 1500).
    assert max(abs(a - b) for a, b in itertools.pairwise(data)) < 1700


@pytest.mark.parametrize("width", [1, 3, 4])
def test_other_sample_widths_and_rates(tmp_path, width) -> None:
    path = write_tone(tmp_path / "s.wav", 0.5, rate=16000, channels=1, width=width)
    audio = joined(load_sample(path, RATE))
    assert audio.seconds == pytest.approx(0.5, abs=0.01)
    assert frequency(audio) == pytest.approx(440, rel=0.03)
    assert max(abs(x) for x in samples(audio)) > 10000


def test_missing_file_is_a_hardware_error_naming_it(tmp_path) -> None:
    missing = tmp_path / "gone.wav"
    with pytest.raises(HardwareError, match=r"gone\.wav.*no such file"):
        load_sample(missing, RATE)
    with pytest.raises(HardwareError, match="not a regular file"):
        load_sample(tmp_path, RATE)


def test_undecodable_file_is_a_hardware_error_naming_it(tmp_path, monkeypatch) -> None:
    import pygame

    junk = tmp_path / "junk.ogg"
    junk.write_bytes(b"this is not audio at all" * 100)
    pygame.mixer.quit()
    with pytest.raises(HardwareError, match=r"junk\.ogg.*mixer.*not open"):
        load_sample(junk, RATE)
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    pygame.mixer.init(frequency=RATE, size=-16, channels=1)
    try:
        with pytest.raises(HardwareError, match=r"junk\.ogg.*cannot be decoded"):
            load_sample(junk, RATE)
    finally:
        pygame.mixer.quit()


def test_a_format_wave_cannot_read_is_decoded_by_the_pygame_mixer(tmp_path, monkeypatch) -> None:
    import pygame

    # 32-bit float WAV: the ``wave`` module refuses it (format 3), SDL_mixer reads it.
    rate, seconds = 44100, 0.5
    values = array.array(
        "f", (0.4 * math.sin(2 * math.pi * 440 * i / rate) for i in range(int(rate * seconds)))
    )
    stereo = array.array("f", (v for v in values for _ in range(2))).tobytes()
    header = b"RIFF" + struct.pack("<I", 36 + len(stereo)) + b"WAVE"
    header += b"fmt " + struct.pack("<IHHIIHH", 16, 3, 2, rate, rate * 8, 8, 32)
    path = tmp_path / "float.wav"
    path.write_bytes(header + b"data" + struct.pack("<I", len(stereo)) + stereo)
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    pygame.mixer.quit()
    pygame.mixer.init(frequency=RATE, size=-16, channels=1)
    try:
        audio = joined(load_sample(path, RATE))
    finally:
        pygame.mixer.quit()
    assert audio.seconds == pytest.approx(seconds, abs=0.02)
    assert frequency(audio) == pytest.approx(440, rel=0.03)
    assert max(abs(x) for x in samples(audio)) > 10000


# --------------------------------------------------------------------------- playing


@pytest.fixture
def speaker():
    made = []

    def build(output=None) -> tuple[Speaker, NullOutput]:
        output = output or NullOutput()
        output.open()
        made.append(Speaker(RecordingSynthesizer(seconds_per_word=0.05), output))
        return made[-1], output

    yield build
    for one in made:
        one.close()


def test_a_sample_plays_to_its_end_in_real_time(tmp_path, speaker) -> None:
    import time

    spk, _ = speaker()
    events = Events()
    path = write_tone(tmp_path / "s.wav", 0.5)
    began = time.monotonic()
    spk.play_audio(1, load_sample(path, RATE), events)
    assert events.wait_for(("finished", 1))
    assert time.monotonic() - began >= 0.45
    assert events.items == [("started", 1), ("finished", 1)]


def test_a_sample_is_stopped_paused_and_cut_off_like_speech(tmp_path, speaker) -> None:
    spk, output = speaker()
    events = Events()
    path = write_tone(tmp_path / "long.wav", 5.0)
    spk.say(1, [("Mer om boken.", "sv")], events)
    assert events.wait_for(("started", 1))
    spk.play_audio(2, load_sample(path, RATE), events)  # cuts the speech off
    assert events.wait_for(("started", 2))
    spk.pause()
    assert output.paused
    assert not events.wait_for(("finished", 2), timeout=0.3)
    spk.resume()
    spk.set_volume(0.2)
    assert output.volume == pytest.approx(0.2)
    spk.stop()
    assert events.wait_for(("stopped", 2))
    spk.play_audio(3, load_sample(path, RATE), events)
    assert events.wait_for(("started", 3))
    spk.say(4, [("Nästa bok.", "sv")], events)  # a new scan cuts the sample off
    assert events.wait_for(("finished", 4))
    assert events.items == [
        ("started", 1), ("stopped", 1),
        ("started", 2), ("stopped", 2),
        ("started", 3), ("stopped", 3),
        ("started", 4), ("finished", 4),
    ]  # fmt: skip


def test_a_sample_failing_part_way_ends_stopped(tmp_path, speaker) -> None:
    spk, _ = speaker()
    events = Events()

    def broken():
        yield Audio(bytes(2 * RATE // 10), RATE)
        raise HardwareError("the file was truncated")

    spk.play_audio(1, broken(), events)
    assert events.wait_for(("stopped", 1))
    assert events.of(1) == ["started", "stopped"]
    spk.say(2, [("Hej.", "sv")], events)
    assert events.wait_for(("finished", 2))


def test_a_sample_after_close_reports_stopped(tmp_path, speaker) -> None:
    spk, _ = speaker()
    spk.close()
    events = Events()
    spk.play_audio(1, iter([Audio(bytes(200), RATE)]), events)
    assert events.wait_for(("stopped", 1))


def test_a_sample_through_pygame_is_heard_whole_and_at_length(tmp_path, capture) -> None:
    from hardware.audio.pygame_output import PygameOutput

    path = write_tone(tmp_path / "s.wav", 1.0, level=16000)
    output = PygameOutput()
    output.open()
    spk = Speaker(RecordingSynthesizer(), output, volume=1.0)
    events = Events()
    spk.play_audio(1, load_sample(path, RATE), events)
    assert events.wait_for(("finished", 1))
    spk.close()
    played = samples(Audio(capture(), RATE))
    loud = [i for i, x in enumerate(played) if abs(x) > 2000]
    assert loud, "nothing was heard"
    heard = Audio(array.array("h", played[loud[0] : loud[-1] + 1]).tobytes(), RATE)
    assert heard.seconds == pytest.approx(1.0, abs=0.03)  # the whole sample, nothing more
    assert frequency(heard) == pytest.approx(440, rel=0.03)
    assert 15000 < max(abs(x) for x in played) <= 16500


def test_a_sample_through_pygame_stops_mid_way(tmp_path, capture) -> None:
    from hardware.audio.pygame_output import PygameOutput

    path = write_tone(tmp_path / "s.wav", 4.0, level=16000)
    output = PygameOutput()
    output.open()
    spk = Speaker(RecordingSynthesizer(), output, volume=1.0)
    events = Events()
    spk.play_audio(1, load_sample(path, RATE), events)
    assert events.wait_for(("started", 1))
    spk.stop()
    assert events.wait_for(("stopped", 1))
    spk.close()
    played = samples(Audio(capture(), RATE))
    heard = sum(1 for x in played if abs(x) > 2000) / RATE
    assert heard < 2.0  # cut off well before the 4 s sample's end
