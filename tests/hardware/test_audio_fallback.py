"""``FallbackOutput``: a missing or vanishing device means silent-but-timed audio, then recovery.

Faults are injected two ways: a fake primary that honours the ``AudioOutput`` protocol and whose
"sound card" can be unplugged and plugged back on demand, and the real ``PygameOutput`` on SDL's
``dummy`` driver with ``pygame.mixer.quit()`` forced under it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator

import pytest

from hardware.audio.fallback import FallbackOutput
from hardware.audio.null import NullOutput
from hardware.audio.pygame_output import MIXER_LOCK
from hardware.errors import HardwareError
from hardware.protocols import Audio, AudioOutput, DeviceHealth, PlaybackListener
from tests.hardware.playback_support import RATE, WAIT, Events, blocks_of, tone

FAST = {"retry_initial": 0.02, "retry_max": 0.1, "probe_interval": 0.02}
"""Back-off and probe intervals for tests that wait for recovery (on Events, never sleeps)."""


class Card:
    """The fake sound card several ``FakeOutput`` instances share; unplug/plug on demand."""

    def __init__(self, present: bool = True) -> None:
        self.present = present
        self.outputs: list[FakeOutput] = []
        self.opened = 0

    def unplug(self) -> None:
        self.present = False
        for output in list(self.outputs):
            output.device_lost()

    def plug(self) -> None:
        self.present = True


class FakeOutput:
    """A primary ``AudioOutput`` (not one of our classes) on a ``Card`` that may vanish.

    While the card is present it plays like ``NullOutput`` (real time, silent) and records
    what it played; when the card is unplugged every call raises ``OSError``, a playback in
    progress ends ``stopped``, and ``device_fault`` says so.
    """

    def __init__(self, card: Card, open_gate: threading.Event | None = None) -> None:
        self.card = card
        self._inner = NullOutput()
        self._open_gate = open_gate
        self.played: list[int] = []
        self.earcons = 0
        self.volume = 1.0
        self.closed = False

    def _check(self) -> None:
        if not self.card.present:
            raise OSError("the sound card is gone")

    def open(self) -> None:
        if self._open_gate is not None:
            assert self._open_gate.wait(WAIT)
        self._check()
        self._inner.open()
        self.card.outputs.append(self)
        self.card.opened += 1

    def play(self, blocks: Iterator[Audio], token: int, listener: PlaybackListener) -> None:
        self._check()
        self.played.append(token)

        def checked() -> Iterator[Audio]:
            for block in blocks:
                self._check()  # the card went away between blocks
                yield block

        self._inner.play(checked(), token, listener)

    def device_lost(self) -> None:
        self._inner.stop()  # what a vanished device does to the sound it was playing

    def stop(self) -> None:
        self._check()
        self._inner.stop()

    def pause(self) -> None:
        self._check()
        self._inner.pause()

    def resume(self) -> None:
        self._check()
        self._inner.resume()

    def set_volume(self, volume: float) -> None:
        self._check()
        self.volume = volume

    def earcon(self, audio: Audio) -> None:
        self._check()
        self.earcons += 1

    def device_fault(self) -> str | None:
        return None if self.card.present else "the sound card is gone"

    def close(self) -> None:
        self.closed = True
        if self in self.card.outputs:
            self.card.outputs.remove(self)
        self._inner.close()


class RecordingNull(NullOutput):
    """The silent fallback, remembering how much audio (seconds) it was given per token."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: dict[int, float] = {}

    def play(self, blocks: Iterator[Audio], token: int, listener: PlaybackListener) -> None:
        def counted() -> Iterator[Audio]:
            for block in blocks:
                self.seconds[token] = self.seconds.get(token, 0.0) + block.seconds
                yield block

        super().play(counted(), token, listener)


class Notices:
    """``on_fault``/``on_recover`` recorder that tests can wait on."""

    def __init__(self) -> None:
        self.faults: list[str] = []
        self.recoveries = 0
        self._cond = threading.Condition()

    def fault(self, message: str) -> None:
        with self._cond:
            self.faults.append(message)
            self._cond.notify_all()

    def recover(self) -> None:
        with self._cond:
            self.recoveries += 1
            self._cond.notify_all()

    def wait(self, faults: int = 0, recoveries: int = 0) -> bool:
        with self._cond:
            return self._cond.wait_for(
                lambda: len(self.faults) >= faults and self.recoveries >= recoveries, WAIT
            )


@pytest.fixture
def build():
    made: list[FallbackOutput] = []

    def make(card: Card, **options) -> tuple[FallbackOutput, Notices, RecordingNull]:
        notices = Notices()
        fallback = RecordingNull()
        gate = options.pop("open_gate", None)
        output = FallbackOutput(
            lambda: FakeOutput(card, gate),
            fallback,
            on_fault=notices.fault,
            on_recover=notices.recover,
            **{**FAST, **options},
        )
        output.open()
        made.append(output)
        return output, notices, fallback

    yield make
    for output in made:
        output.close()


def lost_lines(caplog) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.levelno == logging.ERROR
        and "continuing silently" in r.getMessage()
    ]  # fmt: skip


# --------------------------------------------------------------------------- with a fake


def test_it_honours_the_protocols(build) -> None:
    output, _, _ = build(Card())
    assert isinstance(output, AudioOutput)
    assert isinstance(output, DeviceHealth)
    assert output.device_fault() is None


def test_missing_at_start_plays_silently_in_real_time_then_recovers(build, caplog) -> None:
    caplog.set_level(logging.ERROR)
    card = Card(present=False)
    output, notices, fallback = build(card, retry_initial=0.3, retry_max=0.3)
    assert output.primary is None and output.fault == "OSError: the sound card is gone"
    assert notices.faults == ["OSError: the sound card is gone"]
    assert lost_lines(caplog) == [
        "AUDIO UNAVAILABLE, continuing silently: OSError: the sound card is gone"
    ]
    events = Events()
    began = time.monotonic()
    output.play(blocks_of(tone(0.2)), 1, events)
    assert events.wait_for(("finished", 1))
    assert 0.18 <= time.monotonic() - began < 2.0  # timed like real audio
    assert events.items == [("started", 1), ("finished", 1)]
    assert fallback.seconds[1] == pytest.approx(0.2, abs=1e-3)
    card.plug()
    assert notices.wait(recoveries=1)
    assert output.primary is not None and output.fault is None
    output.play(blocks_of(tone(0.05)), 2, events)
    assert events.wait_for(("finished", 2))
    assert output.primary.played == [2]  # type: ignore[attr-defined]
    assert 2 not in fallback.seconds
    assert len(notices.faults) == 1 and notices.recoveries == 1


def test_vanishing_between_utterances_switches_once_and_comes_back(build, caplog) -> None:
    caplog.set_level(logging.ERROR)
    card = Card()
    output, notices, fallback = build(card, retry_initial=0.5, retry_max=0.5)
    first = output.primary
    events = Events()
    output.play(blocks_of(tone(0.05)), 1, events)
    assert events.wait_for(("finished", 1))
    card.present = False  # gone, but nothing has noticed yet
    output.play(blocks_of(tone(0.05)), 2, events)  # the primary refuses: it goes silent
    assert events.wait_for(("finished", 2))
    output.play(blocks_of(tone(0.05)), 3, events)
    assert events.wait_for(("finished", 3))
    assert events.of(2) == events.of(3) == ["started", "finished"]
    assert fallback.seconds == {2: pytest.approx(0.05, abs=1e-3), 3: pytest.approx(0.05, abs=1e-3)}
    assert notices.faults == ["play failed: OSError: the sound card is gone"]
    assert len(lost_lines(caplog)) == 1
    assert "AUDIO DEVICE LOST" in lost_lines(caplog)[0]
    assert first is not None and first.closed  # type: ignore[attr-defined]
    card.plug()
    assert notices.wait(recoveries=1)
    output.play(blocks_of(tone(0.05)), 4, events)
    assert events.wait_for(("finished", 4))
    assert output.primary is not first and output.primary.played == [4]  # type: ignore[union-attr]
    assert len(notices.faults) == 1 and notices.recoveries == 1


def test_vanishing_while_heard_ends_that_utterance_stopped(build) -> None:
    card = Card()
    output, notices, _ = build(card, retry_initial=5.0, retry_max=5.0)
    events = Events()
    output.play(blocks_of(*[tone(0.05)] * 60), 1, events)  # 3 s
    assert events.wait_for(("started", 1))
    card.unplug()
    assert events.wait_for(("stopped", 1))
    assert notices.wait(faults=1)
    output.play(blocks_of(tone(0.05)), 2, events)
    assert events.wait_for(("finished", 2))
    assert events.items == [("started", 1), ("stopped", 1), ("started", 2), ("finished", 2)]
    assert notices.faults == ["the sound card is gone"]


def test_vanishing_before_the_first_sound_replays_it_all_silently(build) -> None:
    card = Card()
    output, notices, fallback = build(card, retry_initial=5.0, retry_max=5.0)
    events = Events()
    release = threading.Event()

    def late() -> Iterator[Audio]:
        release.wait(WAIT)  # the synthesiser is still making the first block
        yield tone(0.1)
        yield tone(0.1)

    output.play(late(), 1, events)
    card.present = False  # the primary pulls the first block, then finds the card gone
    release.set()
    assert events.wait_for(("finished", 1))
    assert events.of(1) == ["started", "finished"]
    # Nothing was heard on the lost device, so every block, the one it pulled too, played
    # (silently, in real time) on the fallback: the transcript's "done" is true.
    assert fallback.seconds[1] == pytest.approx(0.2, abs=1e-3)
    assert notices.faults == ["the sound card is gone"]


def test_a_probe_notices_a_device_lost_while_idle(build) -> None:
    card = Card()
    output, notices, _ = build(card, retry_initial=5.0, retry_max=5.0)
    card.present = False
    assert notices.wait(faults=1)
    assert output.primary is None and output.fault == "the sound card is gone"


def test_controls_reach_the_device_in_use_and_a_failing_control_switches(build) -> None:
    card = Card()
    output, notices, fallback = build(card, retry_initial=5.0, retry_max=5.0)
    primary = output.primary
    output.set_volume(0.3)
    assert primary.volume == pytest.approx(0.3) and fallback.volume == pytest.approx(0.3)  # type: ignore[union-attr]
    events = Events()
    output.play(blocks_of(tone(0.2)), 1, events)
    assert events.wait_for(("started", 1))
    output.pause()
    assert not events.wait_for(("finished", 1), timeout=0.4)
    output.resume()
    assert events.wait_for(("finished", 1))
    output.earcon(tone(0.05))
    assert primary.earcons == 1  # type: ignore[union-attr]
    card.present = False
    output.earcon(tone(0.05))  # raises inside: the cue goes to the silent output instead
    assert fallback.earcons_played == 1
    assert notices.faults == ["earcon failed: OSError: the sound card is gone"]
    output.stop()  # harmless now
    output.set_volume(0.9)
    assert fallback.volume == pytest.approx(0.9)
    assert output.volume == pytest.approx(0.9)


def test_stop_and_a_newer_play_end_a_silent_utterance_exactly_once(build) -> None:
    output, _, _ = build(Card(present=False), retry_initial=5.0, retry_max=5.0)
    events = Events()
    output.play(blocks_of(tone(2.0)), 1, events)
    assert events.wait_for(("started", 1))
    output.play(blocks_of(tone(2.0)), 2, events)
    assert events.wait_for(("started", 2))
    output.stop()
    assert events.wait_for(("stopped", 2))
    output.stop()
    assert events.items == [("started", 1), ("stopped", 1), ("started", 2), ("stopped", 2)]


def test_retries_back_off_from_two_to_five_seconds_on_an_injected_clock(build) -> None:
    card = Card(present=False)
    delays: list[float] = []
    steps = threading.Semaphore(0)
    asked = threading.Condition()

    def sleep(seconds: float) -> None:
        with asked:
            delays.append(seconds)
            asked.notify_all()
        steps.acquire(timeout=WAIT)

    def after(count: int) -> bool:
        with asked:
            return asked.wait_for(lambda: len(delays) >= count, WAIT)

    output, notices, _ = build(
        card, retry_initial=2.0, retry_max=5.0, probe_interval=1.0, sleep=sleep
    )
    for waits in range(1, 5):  # four failed attempts after the one at open
        assert after(waits)
        steps.release()
    assert after(5)
    card.plug()
    steps.release()  # the fifth wait ends: this attempt opens the card
    assert notices.wait(recoveries=1)
    assert after(6)
    assert delays == [2.0, 4.0, 5.0, 5.0, 5.0, 1.0]  # then it probes, once a second
    assert output.attempts == 6  # open, then one per back-off
    assert len(notices.faults) == 1
    steps.release(100)


def test_reopening_in_the_background_never_blocks_play(build) -> None:
    card = Card(present=False)
    gate = threading.Event()  # the device's open() hangs until this is set
    gate.set()
    output, notices, _ = build(card, open_gate=gate)
    gate.clear()  # from now on every attempt to open hangs in the background thread
    card.plug()
    events = Events()
    began = time.monotonic()
    output.play(blocks_of(tone(0.05)), 1, events)
    output.stop()
    output.set_volume(0.5)
    output.play(blocks_of(tone(0.05)), 2, events)
    assert time.monotonic() - began < 0.2
    assert events.wait_for(("finished", 2))
    gate.set()
    assert notices.wait(recoveries=1)


def test_play_before_open_is_an_error() -> None:
    output = FallbackOutput(lambda: FakeOutput(Card()))
    with pytest.raises(HardwareError, match="open"):
        output.play(blocks_of(tone(0.1)), 1, Events())


# --------------------------------------------------------------------------- real pygame


def pygame_fallback(notices: Notices) -> FallbackOutput:
    from hardware.audio.pygame_output import PygameOutput

    output = FallbackOutput(
        PygameOutput, NullOutput(), on_fault=notices.fault, on_recover=notices.recover, **FAST
    )
    output.open()
    return output


def test_pygame_mixer_quit_under_it_mid_utterance_then_recovery(sdl_dummy, caplog) -> None:
    import pygame

    from hardware.audio.pygame_output import PygameOutput

    caplog.set_level(logging.ERROR)
    notices = Notices()
    output = pygame_fallback(notices)
    try:
        assert isinstance(output.primary, PygameOutput)
        events = Events()
        output.play(blocks_of(tone(3.0)), 1, events)
        assert events.wait_for(("started", 1))
        sdl_dummy.setenv("SDL_AUDIODRIVER", "no-such-audio-driver")  # stays gone for now
        with MIXER_LOCK:  # (pygame segfaults if the mixer is quit during a channel call)
            pygame.mixer.quit()  # the device vanishes under the output
        assert events.wait_for(("stopped", 1))
        assert notices.wait(faults=1)
        assert "audio device lost" in notices.faults[0]
        assert any("AUDIO DEVICE LOST" in line for line in lost_lines(caplog))
        output.play(blocks_of(tone(0.1)), 2, events)  # silent, but timed and reported
        assert events.wait_for(("finished", 2))
        assert output.primary is None and output.attempts >= 2  # retried, and failed
        sdl_dummy.setenv("SDL_AUDIODRIVER", "dummy")  # the device is back
        assert notices.wait(recoveries=1)
        assert pygame.mixer.get_init() is not None
        output.play(blocks_of(tone(0.1)), 3, events)
        assert events.wait_for(("finished", 3))
        assert isinstance(output.primary, PygameOutput) and output.primary.device_fault() is None
        assert events.items == [
            ("started", 1), ("stopped", 1),
            ("started", 2), ("finished", 2),
            ("started", 3), ("finished", 3),
        ]  # fmt: skip
        assert len(notices.faults) == 1 and notices.recoveries == 1
    finally:
        output.close()


def test_pygame_mixer_quit_between_utterances_keeps_the_next_one(sdl_dummy) -> None:
    import pygame

    notices = Notices()
    output = pygame_fallback(notices)
    try:
        events = Events()
        output.play(blocks_of(tone(0.05)), 1, events)
        assert events.wait_for(("finished", 1))
        output.earcon(tone(0.05))
        with MIXER_LOCK:
            pygame.mixer.quit()
        output.earcon(tone(0.05))  # no crash: a lost mixer refuses, the fallback takes it
        output.play(blocks_of(tone(0.1)), 2, events)
        assert events.wait_for(("finished", 2))
        assert events.of(2) == ["started", "finished"]
        assert notices.wait(faults=1, recoveries=1)  # dummy comes straight back
    finally:
        output.close()


def test_pygame_missing_at_start_then_it_appears(sdl_dummy, caplog) -> None:
    import pygame

    caplog.set_level(logging.ERROR)
    sdl_dummy.setenv("SDL_AUDIODRIVER", "no-such-audio-driver")
    notices = Notices()
    output = pygame_fallback(notices)
    try:
        assert output.primary is None
        assert any("AUDIO UNAVAILABLE, continuing silently" in x for x in lost_lines(caplog))
        assert "--audio none" in notices.faults[0]
        events = Events()
        output.play(blocks_of(tone(0.1)), 1, events)
        assert events.wait_for(("finished", 1))
        sdl_dummy.setenv("SDL_AUDIODRIVER", "dummy")
        assert notices.wait(recoveries=1)
        assert pygame.mixer.get_init() == (RATE, -16, 1)
    finally:
        output.close()


def test_pygame_output_reports_its_own_loss_and_refuses_safely(sdl_dummy) -> None:
    """Without the wrapper: after ``mixer.quit`` the output raises instead of crashing."""
    import pygame

    from hardware.audio.pygame_output import PygameOutput

    output = PygameOutput()
    output.open()
    assert output.device_fault() is None
    with MIXER_LOCK:
        pygame.mixer.quit()
    assert "no longer initialised" in (output.device_fault() or "")
    with pytest.raises(HardwareError, match="no longer initialised"):
        output.play(blocks_of(tone(0.1)), 1, Events())
    with pytest.raises(HardwareError):
        output.earcon(tone(0.05))
    output.set_volume(0.5)
    output.pause()
    output.resume()
    output.stop()
    output.close()
    output.open()  # opening again starts afresh
    assert output.device_fault() is None
    events = Events()
    output.play(blocks_of(tone(0.05)), 2, events)
    assert events.wait_for(("finished", 2))
    output.close()
