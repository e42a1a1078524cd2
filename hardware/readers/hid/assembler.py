"""Key events in, complete lines out: the pure half of the ``hid`` reader.

``KeyAssembler`` turns key positions plus Shift/AltGr/CapsLock state into text for one
layout (``hardware.readers.hid.layouts``).  It is pure - no device, no evdev, no clock - so the
mapping is tested exhaustively without hardware.  A key it has no character for is ignored and
counted, never guessed: a wrong character would make a wrong identifier.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from hardware.framing import DEFAULT_MAX_FRAME, DiscardListener, fingerprint
from hardware.readers.hid.layouts import (
    COMMAND_KEYS,
    KEY_CAPSLOCK,
    KEY_RIGHTALT,
    LAYOUTS,
    MODIFIER_KEYS,
    SHIFT_KEYS,
    TERMINATOR_KEYS,
    Layout,
    compose,
)

log = logging.getLogger(__name__)


class KeyAssembler:
    """Key events in, complete lines out, for one layout and terminator.

    ``feed(code, value)`` takes an ``EV_KEY`` event (value 1 = press, 0 = release,
    2 = autorepeat) and returns the line when the terminator is pressed, else ``None``.
    Only presses type; releases only matter for modifiers, and autorepeat never types (a
    scanner does not hold keys; a repeat means a stuck key or a dropped release).

    Memory is bounded: a line longer than ``max_frame`` characters is discarded (reported
    through ``on_discard``) and the rest of it, up to its terminator, skipped, so its tail
    cannot pass for an identifier.
    """

    def __init__(
        self,
        layout: str | Layout = "us",
        *,
        terminator: str = "enter",
        max_frame: int = DEFAULT_MAX_FRAME,
        on_discard: DiscardListener | None = None,
    ) -> None:
        if isinstance(layout, str):
            if layout not in LAYOUTS:
                raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
            layout = LAYOUTS[layout]
        if terminator not in TERMINATOR_KEYS:
            raise ValueError(
                f"terminator must be one of {', '.join(TERMINATOR_KEYS)}, not {terminator!r}"
            )
        if max_frame < 1:
            raise ValueError(f"max_frame must be at least 1, not {max_frame}")
        self.layout = layout
        self.terminator = terminator
        self.max_frame = max_frame
        self.on_discard = on_discard
        self.caps_lock = False
        self.discarded = 0  # lines thrown away (too long, events lost)
        self.ignored = 0  # key presses with no character in this layout
        self._terminators = TERMINATOR_KEYS[terminator]
        self._held: set[int] = set()
        self._buf: list[str] = []
        self._dead: str | None = None
        self._skipping = False

    @property
    def buffered(self) -> int:
        """Characters held for the line in progress (never more than ``max_frame``)."""
        return len(self._buf)

    def sync_held(self, keys: Iterable[int]) -> None:
        """Take the modifier state from the device (after lost events, or on open)."""
        self._held = {code for code in keys if code in MODIFIER_KEYS}

    def drop_line(self, reason: str) -> None:
        """Throw away the line in progress and skip to its terminator (events were lost)."""
        if self._buf or not self._skipping:
            self._discard(reason)
        self._skipping = True

    def feed(self, code: int, value: int) -> str | None:
        if code in MODIFIER_KEYS:
            if value == 1:
                self._held.add(code)
            elif value == 0:
                self._held.discard(code)
            return None
        if value != 1:
            return None
        if code == KEY_CAPSLOCK:
            self.caps_lock = not self.caps_lock
            return None
        if code in self._terminators:
            return self._finish()
        if self._held & COMMAND_KEYS:
            self._ignore(code, "with Ctrl/Alt/Meta held")
            return None
        text = self._type(code)
        if text is None:
            self._ignore(code, f"no character in layout '{self.layout.name}'")
            return None
        for char in text:
            self._append(char)
        return None

    # -------------------------------------------------------------- internals

    def _type(self, code: int) -> str | None:
        levels = self.layout.keys.get(code)
        if levels is None:
            return None
        shift = bool(self._held & SHIFT_KEYS)
        if self.layout.altgr and KEY_RIGHTALT in self._held:
            level = 2
        elif KEY_RIGHTALT in self._held:
            return None  # plain Alt: a shortcut
        else:
            level = 1 if shift != (self.caps_lock and code in self.layout.caps) else 0
        char = levels[level]
        if not char:
            return None
        if (code, level) in self.layout.dead:
            if self._dead is not None:  # two dead keys: the first one typed as itself
                previous, self._dead = self._dead, char
                return previous
            self._dead = char
            return ""
        if self._dead is not None:
            accent, self._dead = self._dead, None
            return compose(accent, char)
        return char

    def _append(self, char: str) -> None:
        if self._skipping:
            return
        if len(self._buf) >= self.max_frame:
            self._discard(f"longer than max_frame={self.max_frame} characters")
            self._skipping = True
            return
        self._buf.append(char)

    def _finish(self) -> str | None:
        self._dead = None  # a dead key right before Enter types nothing, as on a desktop
        if self._skipping:
            self._skipping = False
            self._buf.clear()
            return None
        line = "".join(self._buf)
        self._buf.clear()
        return line

    def _discard(self, reason: str) -> None:
        self.discarded += 1
        sample = "".join(self._buf[:64]).encode("utf-8")
        self._buf.clear()
        self._dead = None
        log.warning("hid: line discarded: %s: %s", reason, fingerprint(sample))
        if self.on_discard is not None:
            self.on_discard(reason, sample)

    def _ignore(self, code: int, why: str) -> None:
        self.ignored += 1
        log.debug("hid: key code %d ignored (%s)", code, why)
