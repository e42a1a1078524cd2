"""Keyboard layouts of USB scanners in keyboard mode: which key position types which character.

Key events carry key *positions*, not characters, so the characters depend on the layout the
scanner is set to emulate.  One small table per layout (``us`` and ``sv``, taken from
xkeyboard-config's ``us`` and ``se`` maps; see ``LAYOUTS`` and docs/drivers.md).  Pure data
and a pure ``compose`` for dead keys: no device, no evdev.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

# ------------------------------------------------------------------ Linux input event codes
# From <linux/input-event-codes.h>; a stable kernel ABI, spelled out here so the layout tables
# and their tests need no evdev (the tests check them against evdev.ecodes when it is there).

EV_SYN = 0x00
EV_KEY = 0x01
SYN_DROPPED = 3
LED_NUML = 0
LED_CAPSL = 1

KEY_1, KEY_0 = 2, 11
KEY_MINUS, KEY_EQUAL, KEY_TAB = 12, 13, 15
KEY_Q, KEY_E, KEY_P = 16, 18, 25
KEY_LEFTBRACE, KEY_RIGHTBRACE, KEY_ENTER, KEY_LEFTCTRL = 26, 27, 28, 29
KEY_A, KEY_L = 30, 38
KEY_SEMICOLON, KEY_APOSTROPHE, KEY_GRAVE, KEY_LEFTSHIFT, KEY_BACKSLASH = 39, 40, 41, 42, 43
KEY_Z, KEY_M = 44, 50
KEY_COMMA, KEY_DOT, KEY_SLASH, KEY_RIGHTSHIFT = 51, 52, 53, 54
KEY_KPASTERISK, KEY_LEFTALT, KEY_SPACE, KEY_CAPSLOCK = 55, 56, 57, 58
KEY_KP7, KEY_KP8, KEY_KP9, KEY_KPMINUS = 71, 72, 73, 74
KEY_KP4, KEY_KP5, KEY_KP6, KEY_KPPLUS = 75, 76, 77, 78
KEY_KP1, KEY_KP2, KEY_KP3, KEY_KP0, KEY_KPDOT = 79, 80, 81, 82, 83
KEY_102ND = 86
KEY_KPENTER, KEY_RIGHTCTRL, KEY_KPSLASH, KEY_RIGHTALT = 96, 97, 98, 100
KEY_LEFTMETA, KEY_RIGHTMETA = 125, 126

DIGIT_KEYS: tuple[int, ...] = tuple(range(KEY_1, KEY_0 + 1))
_LETTER_ROWS: tuple[tuple[int, str], ...] = ((KEY_Q, "qwertyuiop"), (KEY_A, "asdfghjkl"),
                                             (KEY_Z, "zxcvbnm"))
_LETTER_CODES = frozenset(
    code for first, row in _LETTER_ROWS for code in range(first, first + len(row))
)
SHIFT_KEYS = frozenset({KEY_LEFTSHIFT, KEY_RIGHTSHIFT})
# Keys that turn a key press into a shortcut rather than a character (Ctrl+C is not "c").
COMMAND_KEYS = frozenset({KEY_LEFTCTRL, KEY_RIGHTCTRL, KEY_LEFTALT, KEY_LEFTMETA, KEY_RIGHTMETA})
MODIFIER_KEYS = SHIFT_KEYS | COMMAND_KEYS | {KEY_RIGHTALT}
TERMINATOR_KEYS: dict[str, frozenset[int]] = {
    "enter": frozenset({KEY_ENTER, KEY_KPENTER}),
    "tab": frozenset({KEY_TAB}),
}

# ------------------------------------------------------------------ layouts

# Spacing accent of a dead key -> the combining mark it puts on the next letter.
DEAD_ACCENTS: dict[str, str] = {"´": "\u0301", "`": "\u0300", "¨": "\u0308", "^": "\u0302",
                                "~": "\u0303"}

Levels = tuple[str, str, str]
"""Characters without modifier, with Shift, with AltGr; "" where the layout has none."""


@dataclass(frozen=True)
class Layout:
    """What each key position types in one keyboard layout.

    ``dead`` marks (key, level) pairs that are dead keys: they type nothing themselves and
    put their accent on the next key (a space gives the bare accent).  ``caps`` are the keys
    CapsLock shifts (the letters, including å, ä, ö).  ``altgr`` says whether Right Alt is
    AltGr; in ``us`` it is a plain Alt, so Right Alt + key is a shortcut, not a character.
    """

    name: str
    keys: Mapping[int, Levels]
    caps: frozenset[int]
    altgr: bool
    dead: frozenset[tuple[int, int]] = field(default_factory=frozenset)


def _row(first: int, plain: str, shifted: str, altgr: str = "") -> dict[int, Levels]:
    altgr = altgr.ljust(len(plain))
    return {
        first + i: (plain[i], shifted[i], altgr[i].strip()) for i in range(len(plain))
    }


def _letters() -> dict[int, Levels]:
    keys: dict[int, Levels] = {}
    for first, letters in _LETTER_ROWS:
        keys.update(_row(first, letters, letters.upper()))
    return keys


def _keypad(decimal: str) -> dict[int, Levels]:
    """Keypad keys type the same in both layouts, except the decimal key (`,` in Swedish).

    Scanners in "keypad emulation" mode send these to be layout-independent; they mean digits
    whatever the host's NumLock says, so NumLock is not consulted.
    """
    digits = {KEY_KP0: "0", KEY_KP1: "1", KEY_KP2: "2", KEY_KP3: "3", KEY_KP4: "4",
              KEY_KP5: "5", KEY_KP6: "6", KEY_KP7: "7", KEY_KP8: "8", KEY_KP9: "9",
              KEY_KPASTERISK: "*", KEY_KPMINUS: "-", KEY_KPPLUS: "+", KEY_KPSLASH: "/",
              KEY_KPDOT: decimal}
    return {code: (char, char, "") for code, char in digits.items()}


def _us() -> Layout:
    keys = _letters()
    keys.update(_row(KEY_1, "1234567890-=", "!@#$%^&*()_+"))
    keys.update(_row(KEY_LEFTBRACE, "[]", "{}"))
    keys.update(_row(KEY_SEMICOLON, ";'`", ":\"~"))
    keys[KEY_BACKSLASH] = ("\\", "|", "")
    keys.update(_row(KEY_COMMA, ",./", "<>?"))
    keys[KEY_SPACE] = (" ", " ", "")
    keys[KEY_102ND] = ("<", ">", "")  # the extra ISO key, as xkb's pc105 "us" maps it
    keys.update(_keypad("."))
    return Layout("us", keys, _LETTER_CODES, altgr=False)


def _sv() -> Layout:
    keys = _letters()
    keys[KEY_E] = ("e", "E", "€")
    keys[KEY_M] = ("m", "M", "µ")
    keys.update(_row(KEY_1, "1234567890+", "!\"#¤%&/()=?", "¡@£$€¥{[]}\\"))
    keys[KEY_EQUAL] = ("´", "`", "±")  # dead acute / dead grave
    keys[KEY_LEFTBRACE] = ("å", "Å", "¨")  # AltGr: dead diaeresis
    keys[KEY_RIGHTBRACE] = ("¨", "^", "~")  # all three dead
    keys[KEY_SEMICOLON] = ("ö", "Ö", "ø")
    keys[KEY_APOSTROPHE] = ("ä", "Ä", "æ")
    keys[KEY_GRAVE] = ("§", "½", "¶")
    keys[KEY_BACKSLASH] = ("'", "*", "´")
    keys[KEY_COMMA] = (",", ";", "")
    keys[KEY_DOT] = (".", ":", "·")
    keys[KEY_SLASH] = ("-", "_", "")
    keys[KEY_102ND] = ("<", ">", "|")
    keys[KEY_SPACE] = (" ", " ", " ")
    keys.update(_keypad(","))
    caps = _LETTER_CODES | {KEY_LEFTBRACE, KEY_SEMICOLON, KEY_APOSTROPHE}  # å ö ä
    dead = frozenset({(KEY_EQUAL, 0), (KEY_EQUAL, 1), (KEY_LEFTBRACE, 2), (KEY_RIGHTBRACE, 0),
                      (KEY_RIGHTBRACE, 1), (KEY_RIGHTBRACE, 2)})
    return Layout("sv", keys, caps, altgr=True, dead=dead)


LAYOUTS: dict[str, Layout] = {"us": _us(), "sv": _sv()}


def compose(accent: str, char: str) -> str:
    """Dead key then ``char``: the accented letter, the bare accent for a space, else both.

    "Else both" is what Windows and most scanners' hosts do; nothing typed is thrown away.
    """
    if char == " ":
        return accent
    composed = unicodedata.normalize("NFC", char + DEAD_ACCENTS[accent])
    return composed if len(composed) == 1 else accent + char
