"""The visitor's keypad as a pure state machine: key names in, keypad results out.

A standard USB numeric keypad (5 has the nib) is the control surface.  A driver
(``hardware/keypad/pygame_keys.py``, or evdev) reports which physical key went down or up as a
*key name* ("KP_5"); this module decides what that means, with no clock of its own (inject one)
and no I/O, so every rule below is tested without sleeping:

* **NumLock never matters.**  Each physical key has two names, one per NumLock state ("KP_5" and
  "KP_Begin", "KP_1" and "KP_End"...); both are in the default map with the same action, and a
  key's digit in "type an identifier" mode comes from the physical key, not from NumLock.
* **No chords.**  Every key does one thing by itself (EN 301 549 5.9).
* **Hold to repeat, slowly.**  A key held down (the device repeating its key-down, or
  :meth:`Keypad.poll` noticing it is still down) repeats its action at most once per
  ``repeat_interval`` (2 s), and only for actions where repeating helps (volume, rate, browse) -
  EN 301 549 5.7 / Section 508 407.4.
* **Double-press rejection.**  The same key again within ``double_press`` seconds (default
  0.25 s, configurable to 0.5 s and beyond) after it was accepted is ignored: a tremor must not
  skip two books (EN 301 549 5.8).
* **Type an identifier.**  The "type" key (default "+") starts it (the kiosk announces it),
  digits collect, Enter ends with the typed text, Backspace ("-") deletes one digit or, when
  there is none, cancels.  "*" types the ISBN-10 check character X.
* **Staff PIN.**  The "staff" key ("/") starts PIN entry: like typing, except that no result
  carries a digit until Enter, and the PIN's ``repr`` is masked - nothing to speak, show or log
  digit by digit (EN 301 549 5.1.3.8).

Results (:class:`KeypadResult`, ``kind`` below, ``value`` where shown):

=====================  ===================================================================
``<action>``           one of ``hardware.protocols.KEY_ACTIONS`` ("more", "volume-up"...)
``typing-started``     "type an identifier" mode began: announce it
``typing-digit``       value: the digit (or "X") just typed: echo it
``typing-deleted``     value: what remains typed
``typing-warning``     no key for a while: say "press a key for more time" (from ``poll``)
``typing-cancelled``   mode left without an identifier (Backspace on nothing, stop, timeout)
``typed``              value: the identifier, e.g. "9789100563226": look it up
``pin-started``        PIN entry began: say "staff code" (never the digits)
``pin-digit``          a digit was taken (no value): a neutral click at most
``pin-deleted``        one digit removed (no value)
``pin-warning``        as ``typing-warning``
``pin-cancelled``      PIN entry left
``pin-entered``        value: the PIN (masked in repr): check it against the stored hash
=====================  ===================================================================
"""

from __future__ import annotations

import difflib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from hardware.protocols import KEY_ACTIONS, Frame, KeyPress
from kiosk.errors import ConfigError

log = logging.getLogger(__name__)

TYPE = "type"
STAFF = "staff"
MODE_ACTIONS: tuple[str, ...] = (TYPE, STAFF)
"""Keymap actions that are not ``KEY_ACTIONS``: they open a mode instead."""

NONE = "none"
"""A key mapped to "none" does nothing (a technician can switch a key off)."""

# The X11/SDL names of each keypad key, NumLock on and off.  Digits come from here in the
# typing modes, whatever the action map says, because the legend on the key is the digit.
DIGIT_KEYS: Mapping[str, str] = {
    **{f"KP_{d}": str(d) for d in range(10)},
    **{str(d): str(d) for d in range(10)},  # top-row digits, for a full keyboard
    "KP_Insert": "0",
    "KP_End": "1",
    "KP_Down": "2",
    "KP_Next": "3",
    "KP_Page_Down": "3",
    "KP_Left": "4",
    "KP_Begin": "5",
    "KP_Right": "6",
    "KP_Home": "7",
    "KP_Up": "8",
    "KP_Prior": "9",
    "KP_Page_Up": "9",
}


def _both_names(digit: str, action: str) -> dict[str, str]:
    """One action for a digit key under both of its names, so NumLock cannot change it."""
    return {name: action for name, d in DIGIT_KEYS.items() if d == digit and name.startswith("KP")}


DEFAULT_KEYMAP: Mapping[str, str] = {
    **_both_names("5", "more"),  # the key with the nib: the one found first
    **_both_names("0", "repeat"),
    **_both_names("8", "volume-up"),
    **_both_names("2", "volume-down"),
    **_both_names("6", "rate-up"),
    **_both_names("4", "rate-down"),
    **_both_names("9", "language"),
    **_both_names("7", "help"),
    **_both_names("3", "next"),
    **_both_names("1", "previous"),
    "KP_Decimal": "stop",
    "KP_Delete": "stop",
    "KP_Separator": "stop",  # the decimal key on keypads with a comma legend
    "KP_Enter": "pause",
    "KP_Add": TYPE,
    "KP_Divide": STAFF,
    # Outside the typing modes (where they check-digit X and rub out) these two magnify the
    # large print: the low-vision visitor's "volume".
    "KP_Multiply": "magnify-up",
    "KP_Subtract": "magnify-down",
}
"""Default actions of a standard USB numeric keypad (help text: ``help_keys`` phrase)."""

DEFAULT_ENTER: frozenset[str] = frozenset({"KP_Enter", "Return"})
DEFAULT_BACKSPACE: frozenset[str] = frozenset({"KP_Subtract", "BackSpace"})
DEFAULT_CHECK_X: frozenset[str] = frozenset({"KP_Multiply"})
DEFAULT_CANCEL: frozenset[str] = frozenset({"KP_Decimal", "KP_Delete", "KP_Separator", "Escape"})

REPEATABLE: frozenset[str] = frozenset(
    {"volume-up", "volume-down", "rate-up", "rate-down", "next", "previous", "magnify-up",
     "magnify-down"}
)
"""Actions a held key repeats; repeating "more" or "help" would only restart speech."""

KNOWN_KEY_NAMES: frozenset[str] = frozenset(
    {*DIGIT_KEYS, *DEFAULT_KEYMAP, *DEFAULT_ENTER, *DEFAULT_BACKSPACE, *DEFAULT_CHECK_X,
     *DEFAULT_CANCEL, "Num_Lock"}
)
"""Key names the kiosk itself knows; a keypad driver adds its own with ``key_names()``."""
MAX_TYPED = 32  # longer than any identifier; a stuck key must not grow the buffer


@dataclass(frozen=True)
class KeypadResult:
    """What one key press meant.  ``secret`` values never appear in ``repr`` (logs)."""

    kind: str
    value: str | None = None
    secret: bool = False

    def __repr__(self) -> str:
        value = "***" if self.secret and self.value is not None else repr(self.value)
        return f"KeypadResult({self.kind!r}, {value})"

    @property
    def action(self) -> str | None:
        """The ``KEY_ACTIONS`` name when this is a plain action, else ``None``."""
        return self.kind if self.kind in KEY_ACTIONS else None

    def event(self) -> KeyPress | Frame | None:
        """The reader event this stands for: a ``KeyPress`` or a typed ``Frame``.

        Lets the kiosk loop treat the keypad exactly like the replay driver (``key ACTION``)
        and like a scanner (a typed identifier is looked up like a scan).
        """
        if self.action is not None:
            return KeyPress(self.action)
        if self.kind == "typed" and self.value:
            return Frame(text=self.value, kind="typed")
        return None


@dataclass(frozen=True)
class Keymap:
    """Key name -> action, plus the keys with a role in the typing modes."""

    actions: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_KEYMAP))
    enter: frozenset[str] = DEFAULT_ENTER
    backspace: frozenset[str] = DEFAULT_BACKSPACE
    check_x: frozenset[str] = DEFAULT_CHECK_X
    cancel: frozenset[str] = DEFAULT_CANCEL

    @classmethod
    def from_config(cls, keys: Mapping[str, object], *, source: str = "keypad") -> Keymap:
        """The default map with ``keys`` (TOML ``[keypad.keys]``) laid over it.

        Every problem is reported at once as a ``ConfigError`` ("keypad.keys.KP_5: unknown
        action 'mroe' - did you mean 'more'?"), before any device is opened.
        """
        allowed = (*KEY_ACTIONS, *MODE_ACTIONS, NONE)
        actions = dict(DEFAULT_KEYMAP)
        problems = []
        for key, action in keys.items():
            if not isinstance(action, str) or action not in allowed:
                hint = difflib.get_close_matches(str(action), allowed, n=1)
                tip = f" - did you mean {hint[0]!r}?" if hint else ""
                problems.append(
                    f"{source}.keys.{key}: unknown action {action!r}{tip}"
                    f" (allowed: {', '.join(allowed)})"
                )
                continue
            actions[key] = action
            if key in DIGIT_KEYS and key.startswith("KP"):
                # Keep NumLock irrelevant: the key's other name follows.
                for twin, digit in DIGIT_KEYS.items():
                    if digit == DIGIT_KEYS[key] and twin.startswith("KP") and twin not in keys:
                        actions[twin] = action
        if problems:
            raise ConfigError(problems)
        return cls(actions={k: v for k, v in actions.items() if v != NONE})


class Keypad:
    """The keypad's state: modes, held keys, recent presses.

    Call :meth:`press` on key-down, :meth:`release` on key-up, and :meth:`poll` now and then
    (the kiosk loop's idle tick) for hold-to-repeat and the typing time-out.
    """

    def __init__(
        self,
        keymap: Keymap | None = None,
        clock: Callable[[], float] = time.monotonic,
        *,
        double_press: float = 0.25,
        repeat_interval: float | None = 2.0,
        repeatable: frozenset[str] = REPEATABLE,
        typing_timeout: float = 60.0,
        typing_warn_before: float = 15.0,
    ) -> None:
        if double_press < 0:
            raise ValueError("double_press must be 0 or more seconds")
        if repeat_interval is not None and repeat_interval < 2.0:
            # EN 301 549 5.7: never faster than one repeat per 2 s.
            raise ValueError("repeat_interval must be at least 2.0 seconds (or None: no repeat)")
        self.keymap = keymap or Keymap()
        self.clock = clock
        self.double_press = double_press
        self.repeat_interval = repeat_interval
        self.repeatable = repeatable
        if not 0 <= typing_warn_before < typing_timeout:
            raise ValueError("typing_warn_before must be at least 0 and less than typing_timeout")
        self.typing_timeout = typing_timeout
        self.typing_warn_before = typing_warn_before
        self._mode_warned = False
        self.mode: str | None = None  # None, "typing" or "pin"
        self._buffer = ""
        self._mode_touched = 0.0
        self._accepted: dict[str, float] = {}  # key -> time of its last accepted press
        self._held: dict[str, float] = {}  # key -> time its action last fired while held

    # ------------------------------------------------------------------ events

    def press(self, key: str, *, repeat: bool = False) -> KeypadResult | None:
        """A key went down; ``repeat=True`` when the device repeats a key held down.

        (evdev's value 2, SDL's ``repeat`` flag.)  A plain press of a key we think is still
        down means its release was lost: it counts as a new press, never as a dead key.
        """
        now = self.clock()
        if repeat:
            return self._repeat(key, now) if key in self._held else None
        last = self._accepted.get(key)
        if last is not None and now - last < self.double_press:
            # In PIN entry a digit key's name is the digit: never log it (EN 301 549 5.1.3.8).
            log.debug("double press of %s ignored", "a key" if self.mode == "pin" else key)
            return None
        self._held[key] = now
        result = self._interpret(key, now)
        if result is not None:
            self._accepted[key] = now
        return result

    def release(self, key: str) -> None:
        """A key came up: the next press of it is a new press, not a repeat."""
        self._held.pop(key, None)

    def poll(self) -> KeypadResult | None:
        """Hold-to-repeat for keys still down; warn, then leave, a typing mode left unfinished.

        The warning (``typing-warning``, ``typing_warn_before`` seconds ahead) is the timed
        response alert of Section 508 407.5: any key in the mode gives the visitor more time.
        """
        now = self.clock()
        if self.mode is not None:
            quiet = now - self._mode_touched
            if quiet >= self.typing_timeout:
                return self._leave("cancelled")
            if not self._mode_warned and quiet >= self.typing_timeout - self.typing_warn_before:
                self._mode_warned = True
                return KeypadResult(f"{self.mode}-warning")
        for key in list(self._held):
            result = self._repeat(key, now)
            if result is not None:
                return result
        return None

    def reset(self) -> None:
        """Forget modes and held keys (the idle reset between visitors)."""
        self.mode = None
        self._buffer = ""
        self._held.clear()
        self._accepted.clear()

    # ------------------------------------------------------------------ rules

    def _repeat(self, key: str, now: float) -> KeypadResult | None:
        if self.repeat_interval is None or self.mode is not None:
            return None  # digits are never auto-repeated: "000" must be typed
        action = self.keymap.actions.get(key)
        if action not in self.repeatable:
            return None
        if now - self._held[key] < self.repeat_interval:
            return None
        self._held[key] = now
        return KeypadResult(action)

    def _interpret(self, key: str, now: float) -> KeypadResult | None:
        if self.mode is not None:
            return self._in_mode(key, now)
        action = self.keymap.actions.get(key)
        if action is None:
            log.debug("key %s has no action", key)
            return None
        if action in MODE_ACTIONS:
            self.mode = "typing" if action == TYPE else "pin"
            self._buffer = ""
            self._mode_touched = now
            self._mode_warned = False
            return KeypadResult(f"{self.mode}-started")
        return KeypadResult(action)

    def _in_mode(self, key: str, now: float) -> KeypadResult | None:
        prefix = self.mode
        secret = self.mode == "pin"
        self._mode_touched = now
        self._mode_warned = False
        km = self.keymap
        if key in km.enter:
            if not self._buffer:
                return self._leave("cancelled")
            value = self._buffer
            kind = "pin-entered" if secret else "typed"
            self._leave(None)
            return KeypadResult(kind, value, secret=secret)
        if key in km.backspace:
            if not self._buffer:
                return self._leave("cancelled")
            self._buffer = self._buffer[:-1]
            return KeypadResult(
                f"{prefix}-deleted", None if secret else self._buffer, secret=secret
            )
        if key in km.cancel:
            return self._leave("cancelled")
        char = DIGIT_KEYS.get(key)
        if char is None and key in km.check_x and not secret:
            char = "X"
        if char is None:
            log.debug("key %s ignored while %s", key, self.mode)
            return None
        if len(self._buffer) >= MAX_TYPED:
            return None
        self._buffer += char
        return KeypadResult(f"{prefix}-digit", None if secret else char, secret=secret)

    def _leave(self, how: str | None) -> KeypadResult | None:
        prefix = self.mode
        self.mode = None
        self._buffer = ""
        return KeypadResult(f"{prefix}-{how}") if how else None
