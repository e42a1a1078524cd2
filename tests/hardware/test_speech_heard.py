"""What the visitor hears, on captured PCM (SDL's ``disk`` driver): issue 14's acceptance.

The kiosk's output is compared with whole-text synthesis of the same text by the same
eSpeak NG voice (``hardware.speech.backend`` directly, one pass, nothing in between).
"""

from __future__ import annotations

import array
import threading

import pytest

from hardware.audio.earcons import earcon
from hardware.audio.fallback import FallbackOutput
from hardware.audio.pygame_output import PygameOutput
from hardware.protocols import Audio
from hardware.speech.pyttsx3_engine import Pyttsx3Synthesizer
from hardware.speech.speaker import Speaker
from tests.hardware.heard_support import RATE, pauses, whole_text
from tests.hardware.playback_support import Events

LONG = (
    "Romanen skildrar en familj i norra Sverige under tre generationer och hur kriget "
    "förändrar deras liv och deras gård vid älven där de bott sedan artonhundratalet, "
    "berättad med värme och humor av en av våra mest lästa författare"
)


def test_the_kiosk_adds_no_pause_that_whole_text_synthesis_lacks(capture) -> None:
    output = PygameOutput()
    output.open()
    speaker = Speaker(Pyttsx3Synthesizer(), output, rate=400, volume=1.0)
    events = Events()
    try:
        speaker.say(1, [(LONG, "sv")], events)
        assert events.wait_for(("finished", 1), timeout=60)
    finally:
        speaker.close()
    heard = capture()
    reference = whole_text(LONG, 400)
    assert max(abs(x) for x in array.array("h", heard)) > 5000  # speech was really played
    extra = len(pauses(heard)) - len(pauses(reference))
    assert extra <= 0, (pauses(heard), pauses(reference))
    # Nothing lost either: as much voiced audio as the reference, give or take a buffer.
    voiced = sum(1 for x in array.array("h", heard) if abs(x) > 64)
    expected = sum(1 for x in array.array("h", reference) if abs(x) > 64)
    assert abs(voiced - expected) < 0.02 * expected


def test_a_long_utterance_on_a_fast_device_clock_ends_done_without_a_fault(
    capture, monkeypatch
) -> None:
    # 512 frames are 23.2 ms at 22050 Hz; a 20 ms delay per buffer makes the device's clock
    # run 16 % fast: 8 s of audio are consumed in under 7 s of wall-clock time.
    monkeypatch.setenv("SDL_DISKAUDIODELAY", "20")
    output = PygameOutput()
    output.open()
    step = 2 * 0.5 * RATE
    tone = array.array("h", (int(3000 * ((i // 25) % 2 * 2 - 1)) for i in range(8 * RATE)))
    pcm = tone.tobytes()
    blocks = (Audio(pcm[i : i + int(step)], RATE) for i in range(0, len(pcm), int(step)))
    events = Events()
    output.play(blocks, 1, events)
    assert events.wait_for(("finished", 1), timeout=30)
    assert events.of(1) == ["started", "finished"]
    assert output.device_fault() is None
    output.close()


def test_long_speech_through_the_fallback_on_a_fast_clock_ends_done_and_stays_aloud(
    capture, monkeypatch
) -> None:
    """The kiosk's own stack - speaker, fallback wrapper, pygame - on a device 16 % fast: the
    utterance ends ``finished`` (the transcript's ``done``), and the wrapper never switches
    to the silent fallback, where the kiosk's fault message would then have gone unheard."""
    monkeypatch.setenv("SDL_DISKAUDIODELAY", "20")
    faults: list[str] = []
    output = FallbackOutput(PygameOutput, on_fault=faults.append)
    output.open()
    speaker = Speaker(Pyttsx3Synthesizer(), output, rate=300, volume=1.0)
    events = Events()
    try:
        speaker.say(1, [(LONG + ". " + LONG + ".", "sv")], events)
        assert events.wait_for_end(1, timeout=90)
        assert events.of(1) == ["started", "finished"]
        assert faults == [] and output.primary is not None
    finally:
        speaker.close()
    heard = array.array("h", capture())
    assert len(heard) > 8 * RATE  # the whole utterance was mixed (about 9 s at 300 wpm)


def test_a_cue_with_speech_is_ducked_under_it_and_the_mix_never_clips(capture) -> None:
    output = PygameOutput()
    output.open()
    output.set_volume(1.0)  # volume_max 1.0: the loudest a visitor can choose
    speech = Audio(whole_text("Finns inte i katalogen. Pappa packade paketen.", 160), RATE)
    cue = earcon("not-found")
    events = Events()
    output.earcon(cue)  # as the kiosk does: the cue, then at once the words
    output.play(iter([speech]), 1, events)
    assert events.wait_for(("finished", 1), timeout=30)
    output.earcon(cue)  # and a cue while speech plays: under it from its first sample
    output.close()
    mixed = array.array("h", capture())
    assert max(abs(x) for x in mixed) < 32767  # SDL saturates: a full-scale sample is a clip
    # The cue alone peaks at 0.45 of full scale; mixed with speech it never stands above it.
    assert max(abs(x) for x in mixed) <= max(abs(x) for x in array.array("h", speech.pcm)) + (
        0.45 * 32767 * 0.3 + 200
    )


pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
_ = threading


def _tone(seconds: float, level: int = 16000, frequency: float = 440.0) -> Audio:
    import math

    step = 2 * math.pi * frequency / RATE
    data = array.array("h", (int(level * math.sin(step * i)) for i in range(int(seconds * RATE))))
    return Audio(data.tobytes(), RATE)


def _blocks(audio: Audio, seconds: float = 0.5):  # type: ignore[no-untyped-def]
    size = 2 * int(seconds * RATE)
    for start in range(0, len(audio.pcm), size):
        yield Audio(audio.pcm[start : start + size], RATE)


def _edges(data: array.array) -> list[tuple[int, int]]:
    """(index, direction) of every switch between sound and digital silence (>= 2 ms)."""
    edges = []
    quiet_run = 0
    sounding = False
    for index, value in enumerate(data):
        if value == 0:
            quiet_run += 1
            if sounding and quiet_run >= int(0.002 * RATE):
                edges.append((index - quiet_run + 1, -1))
                sounding = False
        else:
            if not sounding:
                edges.append((index, +1))
                sounding = True
            quiet_run = 0
    return edges


def _assert_faded(data: array.array, index: int, direction: int) -> None:
    """Around a switch at ``index``: the last (or first) samples are tiny, and the level
    goes from full to nothing within 5 ms (plus a sample)."""
    limit = 328  # -40 dBFS
    window = int(0.0055 * RATE)
    if direction < 0:
        assert abs(data[index - 1]) <= limit, data[index - 8 : index]
        before = data[index - window - 200 : index - window]
        assert max(abs(x) for x in before) > 10000  # full level 5 ms before the end
    else:
        assert abs(data[index]) <= limit, data[index : index + 8]
        after = data[index + window : index + window + 200]
        assert max(abs(x) for x in after) > 10000


def test_stop_barge_in_and_pause_fade_within_5_ms_with_no_step_at_the_cut(capture) -> None:
    output = PygameOutput()
    output.open()
    output.set_volume(1.0)
    events = Events()
    output.play(_blocks(_tone(3.0)), 1, events)
    assert events.wait_for(("started", 1))
    threading.Event().wait(0.3)  # some tone is heard (not a sync: any moment will do)
    output.pause()
    threading.Event().wait(0.3)
    output.resume()
    threading.Event().wait(0.3)
    # Barge-in by something that starts with 0.2 s of digital silence (as speech nearly
    # does), so the old utterance's end can be seen on its own.
    newer = Audio(bytes(2 * int(0.2 * RATE)) + _tone(3.0, frequency=660.0).pcm, RATE)
    output.play(_blocks(newer), 2, events)
    assert events.wait_for(("started", 2))
    threading.Event().wait(0.5)
    output.stop()
    assert events.wait_for(("stopped", 2))
    threading.Event().wait(0.2)  # let the device consume the faded buffer before closing
    output.close()
    data = array.array("h", capture())
    edges = _edges(data)
    # on; off (pause); on (resume); off (barge-in); on (the newer tone's own start); off (stop)
    assert [d for _, d in edges] == [+1, -1, +1, -1, +1, -1], edges
    for index, direction in edges[1:4] + edges[5:]:
        _assert_faded(data, index, direction)


def test_three_barge_ins_in_a_row_leave_the_newest_playing_to_its_end(capture) -> None:
    """A finger sweeping along a shelf: the third utterance lands on the channel the first
    is still fading out on.  The delayed halt of that fade must not cut the newest one
    (it did, through a ``Channel`` identity check, and read as a lost device)."""
    output = PygameOutput()
    output.open()
    events = Events()
    for token in (1, 2, 3):
        output.play(iter([_tone(1.0)]), token, events)  # one block each: nothing to re-queue
        assert events.wait_for(("started", token))
    assert events.wait_for(("finished", 3), timeout=10)
    assert events.of(3) == ["started", "finished"]
    assert events.of(1)[-1] == events.of(2)[-1] == "stopped"
    assert output.device_fault() is None
    output.close()
