"""The keypad state machine (simulated clock, no sleeps), its pygame driver, earcon policy."""

from __future__ import annotations

import logging
import os

import pytest

from hardware.keypad import KeyEvent
from hardware.protocols import KEY_ACTIONS, Frame, KeyPress
from kiosk import earcon_policy
from kiosk.errors import ConfigError
from kiosk.keypad import (
    DEFAULT_KEYMAP,
    DIGIT_KEYS,
    MODE_ACTIONS,
    Keymap,
    Keypad,
    KeypadResult,
)
from tests.support import ManualClock

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

NUMLOCK_OFF = {
    "0": "KP_Insert",
    "1": "KP_End",
    "2": "KP_Down",
    "3": "KP_Next",
    "4": "KP_Left",
    "5": "KP_Begin",
    "6": "KP_Right",
    "7": "KP_Home",
    "8": "KP_Up",
    "9": "KP_Prior",
}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


def tap(pad: Keypad, clock: ManualClock, key: str, gap: float = 1.0) -> KeypadResult | None:
    """Press and release ``key``, then let ``gap`` seconds pass."""
    result = pad.press(key)
    pad.release(key)
    clock.advance(gap)
    return result


# --------------------------------------------------------------------------- key map


def test_five_is_more_and_numlock_never_matters(clock: ManualClock) -> None:
    pad = Keypad(clock=clock)
    for digit, off_name in NUMLOCK_OFF.items():
        on = tap(pad, clock, f"KP_{digit}")
        off = tap(pad, clock, off_name)
        assert on == off, digit
        assert on is not None and on.kind in KEY_ACTIONS
    assert tap(pad, clock, "KP_5") == KeypadResult("more")
    assert tap(pad, clock, "KP_Begin") == KeypadResult("more")
    assert tap(pad, clock, "KP_0") == KeypadResult("repeat")
    assert tap(pad, clock, "Num_Lock") is None  # NumLock itself does nothing


def test_every_keypad_function_has_a_default_key() -> None:
    assert set(DEFAULT_KEYMAP.values()) == set(KEY_ACTIONS) | set(MODE_ACTIONS)


def test_configured_keymap_overrides_and_keeps_numlock_twins(clock: ManualClock) -> None:
    keymap = Keymap.from_config({"KP_5": "help", "KP_7": "more", "KP_Divide": "none"})
    pad = Keypad(keymap, clock)
    assert tap(pad, clock, "KP_5") == KeypadResult("help")
    assert tap(pad, clock, "KP_Begin") == KeypadResult("help")
    assert tap(pad, clock, "KP_Home") == KeypadResult("more")
    assert tap(pad, clock, "KP_Divide") is None


def test_keymap_errors_are_reported_together_with_a_hint() -> None:
    with pytest.raises(ConfigError) as caught:
        Keymap.from_config({"KP_5": "mroe", "KP_8": "louder"})
    problems = caught.value.problems
    assert len(problems) == 2
    assert "keypad.keys.KP_5: unknown action 'mroe' - did you mean 'more'?" in problems[0]
    assert "KP_8" in problems[1]


def test_results_become_reader_events(clock: ManualClock) -> None:
    pad = Keypad(clock=clock)
    assert tap(pad, clock, "KP_8").event() == KeyPress("volume-up")
    tap(pad, clock, "KP_Add")
    for digit in "123":
        tap(pad, clock, f"KP_{digit}")
    typed = tap(pad, clock, "KP_Enter")
    assert typed.event() == Frame(text="123", kind="typed")
    assert KeypadResult("typing-started").event() is None


# --------------------------------------------------------------------------- timing


def test_double_press_is_rejected_within_the_window(clock: ManualClock) -> None:
    pad = Keypad(clock=clock, double_press=0.25)
    assert tap(pad, clock, "KP_3", gap=0.2) == KeypadResult("next")
    assert tap(pad, clock, "KP_3", gap=0.1) is None  # 0.2 s after: a bounce
    assert tap(pad, clock, "KP_3") == KeypadResult("next")  # 0.3 s after the accepted one
    # Another key is never a double press.
    assert tap(pad, clock, "KP_3", gap=0.05) == KeypadResult("next")
    assert tap(pad, clock, "KP_1", gap=0.05) == KeypadResult("previous")


def test_double_press_window_is_configurable_up_to_half_a_second(clock: ManualClock) -> None:
    pad = Keypad(clock=clock, double_press=0.5)
    assert tap(pad, clock, "KP_5", gap=0.45) == KeypadResult("more")
    assert tap(pad, clock, "KP_5", gap=0.1) is None
    assert tap(pad, clock, "KP_5") == KeypadResult("more")
    off = Keypad(clock=clock, double_press=0.0)
    assert tap(off, clock, "KP_5", gap=0.01) == KeypadResult("more")
    assert tap(off, clock, "KP_5") == KeypadResult("more")


def test_holding_repeats_no_faster_than_every_two_seconds(clock: ManualClock) -> None:
    pad = Keypad(clock=clock)
    assert pad.press("KP_8") == KeypadResult("volume-up")
    fired = []
    # The device auto-repeats 30 times a second for 5 s, and the loop polls too.
    for _ in range(150):
        clock.advance(1 / 30)
        fired.append(pad.press("KP_8", repeat=True))
        fired.append(pad.poll())
    repeats = [r for r in fired if r is not None]
    assert repeats == [KeypadResult("volume-up")] * 2  # at 2 s and 4 s
    pad.release("KP_8")
    clock.advance(5)
    assert pad.poll() is None


def test_holding_a_non_repeating_key_does_it_once(clock: ManualClock) -> None:
    pad = Keypad(clock=clock)
    assert pad.press("KP_5") == KeypadResult("more")
    clock.advance(10)
    assert pad.poll() is None
    assert pad.press("KP_5", repeat=True) is None


def test_lost_release_does_not_kill_a_key(clock: ManualClock) -> None:
    pad = Keypad(clock=clock)
    assert pad.press("KP_5") == KeypadResult("more")
    clock.advance(1)
    assert pad.press("KP_5") == KeypadResult("more")  # no release came between


def test_repeat_faster_than_two_seconds_is_refused(clock: ManualClock) -> None:
    with pytest.raises(ValueError, match=r"2\.0"):
        Keypad(clock=clock, repeat_interval=1.0)
    pad = Keypad(clock=clock, repeat_interval=None)
    pad.press("KP_8")
    clock.advance(10)
    assert pad.poll() is None


# --------------------------------------------------------------------------- typing


def test_type_an_identifier(clock: ManualClock) -> None:
    pad = Keypad(clock=clock)
    assert tap(pad, clock, "KP_Add") == KeypadResult("typing-started")
    echoed = []
    for digit in "9789100563226":
        result = tap(pad, clock, f"KP_{digit}", gap=0.5)
        assert result is not None and result.kind == "typing-digit"
        echoed.append(result.value)
    assert "".join(echoed) == "9789100563226"
    assert tap(pad, clock, "KP_Enter") == KeypadResult("typed", "9789100563226")
    # Back to function keys.
    assert tap(pad, clock, "KP_8") == KeypadResult("volume-up")


def test_typing_with_numlock_off_gives_the_same_digits(clock: ManualClock) -> None:
    pad = Keypad(clock=clock)
    tap(pad, clock, "KP_Add")
    for digit in "0123456789":
        assert tap(pad, clock, NUMLOCK_OFF[digit]).value == digit
    assert tap(pad, clock, "KP_Enter").value == "0123456789"


def test_backspace_deletes_then_cancels(clock: ManualClock) -> None:
    pad = Keypad(clock=clock)
    tap(pad, clock, "KP_Add")
    tap(pad, clock, "KP_1")
    tap(pad, clock, "KP_2")
    assert tap(pad, clock, "KP_Subtract") == KeypadResult("typing-deleted", "1")
    assert tap(pad, clock, "BackSpace") == KeypadResult("typing-deleted", "")
    assert tap(pad, clock, "KP_Subtract") == KeypadResult("typing-cancelled")
    assert pad.mode is None
    assert tap(pad, clock, "KP_5") == KeypadResult("more")


def test_isbn10_check_x_enter_on_nothing_and_stop_key(clock: ManualClock) -> None:
    pad = Keypad(clock=clock)
    tap(pad, clock, "KP_Add")
    for digit in "091834345":
        tap(pad, clock, f"KP_{digit}")
    assert tap(pad, clock, "KP_Multiply") == KeypadResult("typing-digit", "X")
    assert tap(pad, clock, "KP_Enter") == KeypadResult("typed", "091834345X")
    tap(pad, clock, "KP_Add")
    assert tap(pad, clock, "KP_Enter") == KeypadResult("typing-cancelled")
    tap(pad, clock, "KP_Add")
    tap(pad, clock, "KP_4")
    assert tap(pad, clock, "KP_Decimal") == KeypadResult("typing-cancelled")


def test_unfinished_typing_warns_then_times_out(clock: ManualClock) -> None:
    pad = Keypad(clock=clock, typing_timeout=30, typing_warn_before=10)
    tap(pad, clock, "KP_Add")
    tap(pad, clock, "KP_7", gap=19)
    assert pad.poll() is None
    clock.advance(1)
    assert pad.poll() == KeypadResult("typing-warning")
    assert pad.poll() is None  # once
    # A key gives more time (Section 508 407.5), and re-arms the warning.
    assert tap(pad, clock, "KP_8", gap=20) == KeypadResult("typing-digit", "8")
    assert pad.poll() == KeypadResult("typing-warning")
    clock.advance(10)
    assert pad.poll() == KeypadResult("typing-cancelled")
    assert tap(pad, clock, "KP_7") == KeypadResult("help")


def test_typed_identifier_is_bounded(clock: ManualClock) -> None:
    pad = Keypad(clock=clock, double_press=0)
    tap(pad, clock, "KP_Add")
    for _ in range(100):
        tap(pad, clock, "KP_1", gap=0.01)
    assert len(tap(pad, clock, "KP_Enter").value) == 32


# --------------------------------------------------------------------------- staff PIN


def test_pin_digits_are_never_revealed(
    clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    pad = Keypad(clock=clock)
    assert tap(pad, clock, "KP_Divide") == KeypadResult("pin-started")
    results = [tap(pad, clock, f"KP_{d}") for d in "4711"]
    assert all(r is not None and r.kind == "pin-digit" and r.value is None for r in results)
    assert tap(pad, clock, "KP_Subtract") == KeypadResult("pin-deleted", None, secret=True)
    tap(pad, clock, "KP_9")
    entered = tap(pad, clock, "KP_Enter")
    assert entered.kind == "pin-entered"
    assert entered.value == "4719"
    assert "4719" not in repr(entered) and "***" in repr(entered)
    assert entered.event() is None  # a PIN is never looked up or spoken as a scan
    assert "4719" not in caplog.text and "471" not in caplog.text


def test_pin_mode_gives_no_check_x(clock: ManualClock) -> None:
    pad = Keypad(clock=clock)
    tap(pad, clock, "KP_Divide")
    assert tap(pad, clock, "KP_Multiply") is None
    assert tap(pad, clock, "Escape") == KeypadResult("pin-cancelled")


def test_reset_leaves_modes(clock: ManualClock) -> None:
    pad = Keypad(clock=clock)
    tap(pad, clock, "KP_Divide")
    tap(pad, clock, "KP_1")
    pad.reset()
    assert pad.mode is None
    assert tap(pad, clock, "KP_1") == KeypadResult("previous")


# --------------------------------------------------------------------------- pygame driver


@pytest.fixture
def pygame_keys():
    pygame = pytest.importorskip("pygame")
    from hardware.keypad.pygame_keys import PygameKeySource

    source = PygameKeySource(window=True)
    source.open()
    pygame.event.clear()
    yield pygame, source
    source.close()
    pygame.display.quit()


def post(pygame, kind: int, key: int, scancode: int = 0) -> None:
    pygame.event.post(pygame.event.Event(kind, key=key, scancode=scancode, mod=0, unicode=""))


def test_pygame_driver_names_keys_by_physical_position(pygame_keys) -> None:
    pygame, source = pygame_keys
    post(pygame, pygame.KEYDOWN, pygame.K_KP5, scancode=93)
    post(pygame, pygame.KEYUP, pygame.K_KP5, scancode=93)
    # NumLock off: SDL may report the "1" key's keycode as End; the scancode is still KP 1.
    post(pygame, pygame.KEYDOWN, pygame.K_END, scancode=89)
    # A posted event without a scancode falls back to the keycode.
    post(pygame, pygame.KEYDOWN, pygame.K_KP_ENTER)
    events = [source.read(0.5) for _ in range(4)]
    assert events == [
        KeyEvent("KP_5", down=True),
        KeyEvent("KP_5", down=False),
        KeyEvent("KP_1", down=True),
        KeyEvent("KP_Enter", down=True),
    ]
    assert source.read(0.01) is None


def test_pygame_driver_into_the_keypad(pygame_keys, clock: ManualClock) -> None:
    pygame, source = pygame_keys
    pad = Keypad(clock=clock)
    for key, scancode in [(pygame.K_KP_PLUS, 87), (pygame.K_KP4, 92), (pygame.K_KP2, 90)]:
        post(pygame, pygame.KEYDOWN, key, scancode)
        post(pygame, pygame.KEYUP, key, scancode)
    post(pygame, pygame.KEYDOWN, pygame.K_KP_ENTER, 88)
    results = []
    for event in source.drain():
        if event.down:
            results.append(pad.press(event.name, repeat=event.repeat))
            clock.advance(1)
        else:
            pad.release(event.name)
    assert results[-1] == KeypadResult("typed", "42")
    # Window events go to the screen's handler, not to the keypad.
    others = []
    source.on_other = others.append
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    assert source.drain() == []
    assert [e.type for e in others] == [pygame.QUIT]


# --------------------------------------------------------------------------- earcon policy


@pytest.mark.parametrize("outcome", sorted(earcon_policy.OUTCOME_EARCONS))
def test_earcon_never_delays_speech(outcome: str) -> None:
    alone = earcon_policy.plan(outcome, speech_follows=False)
    assert alone.earcon == earcon_policy.OUTCOME_EARCONS[outcome]
    assert alone.mode == "alone"
    assert earcon_policy.plan(outcome, speech_follows=True, can_mix=True).mode == "under"
    left_out = earcon_policy.plan(outcome, speech_follows=True, can_mix=False)
    assert left_out == earcon_policy.EarconPlan(None, "none")


def test_earcon_names_exist_in_the_audio_driver() -> None:
    earcons = pytest.importorskip("hardware.audio.earcons")
    assert set(earcon_policy.OUTCOME_EARCONS.values()) <= set(earcons.EARCON_NAMES)
    with pytest.raises(ValueError, match="unknown outcome"):
        earcon_policy.plan("beep", speech_follows=False)


def test_digit_keys_cover_both_numlock_states() -> None:
    for digit in "0123456789":
        names = {n for n, d in DIGIT_KEYS.items() if d == digit and n.startswith("KP")}
        assert f"KP_{digit}" in names and NUMLOCK_OFF[digit] in names
        assert len({DEFAULT_KEYMAP[n] for n in names}) == 1
