"""Idle reset with a simulated clock: warn once, then reset once; a key keeps the settings."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kiosk import phrasing
from kiosk.idle import Defaults, IdleTimer
from tests.support import ManualClock


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(50.0)


def run(timer: IdleTimer, clock: ManualClock, until: float, step: float = 0.5, **kw) -> list:
    """Poll every ``step`` seconds up to ``until`` seconds from now; (time, event) pairs."""
    start = clock.now
    out = []
    while clock.now - start < until:
        clock.now += step
        event = timer.poll(**kw)
        if event is not None:
            out.append((round(clock.now - start, 1), event))
    return out


def test_nothing_happens_before_the_first_visitor(clock: ManualClock) -> None:
    timer = IdleTimer(120, 20, clock)
    assert run(timer, clock, 1000, step=1) == []


def test_warns_then_resets_by_default_after_two_minutes(clock: ManualClock) -> None:
    timer = IdleTimer(clock=clock)
    assert timer.timeout == 120
    timer.touch()
    events = run(timer, clock, 300)
    assert events == [(100.0, "warn"), (120.0, "reset")]


def test_a_key_after_the_warning_keeps_the_settings(clock: ManualClock) -> None:
    timer = IdleTimer(120, 20, clock)
    timer.touch()
    assert run(timer, clock, 105) == [(100.0, "warn")]
    assert timer.warned
    assert timer.touch() is True  # answered the warning
    assert not timer.warned
    assert run(timer, clock, 99) == []
    assert run(timer, clock, 30) == [(1.0, "warn"), (21.0, "reset")]
    assert timer.touch() is False  # after a reset there is no warning to answer


def test_a_key_before_the_warning_just_restarts_the_count(clock: ManualClock) -> None:
    timer = IdleTimer(60, 10, clock)
    timer.touch()
    run(timer, clock, 40)
    assert timer.touch() is False
    assert run(timer, clock, 70) == [(50.0, "warn"), (60.0, "reset")]


def test_speech_playing_is_not_idleness(clock: ManualClock) -> None:
    timer = IdleTimer(120, 20, clock)
    timer.touch()
    assert run(timer, clock, 300, busy=True) == []
    assert run(timer, clock, 130) == [(100.0, "warn"), (120.0, "reset")]


def test_no_warning_when_nothing_would_be_lost(clock: ManualClock) -> None:
    timer = IdleTimer(120, 20, clock)
    timer.touch()
    assert run(timer, clock, 200, settings_changed=False) == [(120.0, "reset")]


def test_bad_timings_are_refused(clock: ManualClock) -> None:
    with pytest.raises(ValueError):
        IdleTimer(0, 0, clock)
    with pytest.raises(ValueError):
        IdleTimer(30, 30, clock)


@dataclass
class Session:
    language: str = "sv"
    rate: int = 160
    volume: float = 0.5
    paused: bool = False


def test_defaults_restore_volume_rate_and_language() -> None:
    defaults = Defaults(language="sv", rate=160, volume=0.5)
    session = Session(language="en", rate=300, volume=0.9)
    assert defaults.differs(session)
    assert sorted(defaults.restore(session)) == ["language", "rate", "volume"]
    assert session == Session()
    assert not defaults.differs(session)
    assert defaults.restore(session) == []


def test_warning_text_in_both_languages() -> None:
    assert phrasing.message("idle_warning", "sv").text == (
        "Tryck på valfri tangent för att behålla dina inställningar."
    )
    assert phrasing.message("idle_warning", "en").text == "Press any key to keep your settings."
