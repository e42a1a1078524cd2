"""Keypad keys from pygame (SDL) key events, for the kiosk window or a headless test.

Why scancodes: SDL's *keycode* for a keypad key changes with NumLock on some platforms (the
"1" key becomes End), while its *scancode* is the physical key.  We name keys from the scancode
whenever SDL gives one, so NumLock can never change what a key does; the keycode is only a
fallback (for events a test posts without a scancode).

Keyboard events only reach an SDL window that has focus; on the kiosk that is the large-print
window (``kiosk/screen.py``).  Without one, ``PygameKeySource(window=True)`` opens a small
window of its own.  With ``SDL_VIDEODRIVER=dummy`` everything works headless: tests post
``pygame.KEYDOWN`` events and read them back.
"""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from hardware.errors import HardwareError
from hardware.keypad import KeyEvent
from hardware.protocols import Check, Option

log = logging.getLogger(__name__)

# USB HID usage ids, which SDL2 uses as scancodes.
SCANCODE_NAMES: dict[int, str] = {
    30: "1", 31: "2", 32: "3", 33: "4", 34: "5", 35: "6", 36: "7", 37: "8", 38: "9", 39: "0",
    40: "Return",
    41: "Escape",
    42: "BackSpace",
    83: "Num_Lock",
    84: "KP_Divide",
    85: "KP_Multiply",
    86: "KP_Subtract",
    87: "KP_Add",
    88: "KP_Enter",
    **{89 + i: f"KP_{i + 1}" for i in range(9)},
    98: "KP_0",
    99: "KP_Decimal",
    133: "KP_Separator",
}  # fmt: skip


def _keycode_names() -> dict[int, str]:
    import pygame

    names = {getattr(pygame, f"K_KP{i}"): f"KP_{i}" for i in range(10)}
    names.update({getattr(pygame, f"K_{i}"): str(i) for i in range(10)})
    names.update(
        {
            pygame.K_KP_PERIOD: "KP_Decimal",
            pygame.K_KP_ENTER: "KP_Enter",
            pygame.K_KP_PLUS: "KP_Add",
            pygame.K_KP_MINUS: "KP_Subtract",
            pygame.K_KP_MULTIPLY: "KP_Multiply",
            pygame.K_KP_DIVIDE: "KP_Divide",
            pygame.K_NUMLOCK: "Num_Lock",
            pygame.K_BACKSPACE: "BackSpace",
            pygame.K_RETURN: "Return",
            pygame.K_ESCAPE: "Escape",
        }
    )
    return names


def translate(event: Any) -> KeyEvent | None:
    """A pygame ``KEYDOWN``/``KEYUP`` event as a ``KeyEvent``; ``None`` for anything else."""
    import pygame

    if event.type not in (pygame.KEYDOWN, pygame.KEYUP):
        return None
    name = SCANCODE_NAMES.get(getattr(event, "scancode", 0) or 0)
    if name is None:
        key = getattr(event, "key", None)
        name = _keycode_names().get(key) if key is not None else None
        if name is None and key is not None:
            name = pygame.key.name(key) or None
    if not name:
        return None
    return KeyEvent(
        name=name,
        down=event.type == pygame.KEYDOWN,
        repeat=bool(getattr(event, "repeat", False)),
    )


class PygameKeySource:
    """Key events from pygame's event queue, one at a time.

    ``read`` must run on the thread that owns the pygame window (SDL's rule); in the kiosk
    that is the loop thread, which calls ``drain`` on each tick.  This source owns pygame's
    event queue: events that are not keys are handed to ``on_other``.
    """

    OPTIONS: tuple[Option, ...] = (
        Option("window", bool, False, "open a small window to receive keys (no screen in use)"),
    )

    def __init__(
        self,
        target: str | None = None,
        *,
        window: bool = False,
        on_other: Callable[[Any], object] | None = None,
    ) -> None:
        self.target = target
        self.window = window
        self.on_other = on_other
        self._pending: deque[KeyEvent] = deque()
        self._opened = False

    def open(self) -> None:
        import pygame

        try:
            pygame.display.init()
            if self.window and pygame.display.get_surface() is None:
                pygame.display.set_mode((200, 100))
                pygame.display.set_caption("Talking Catalogue keypad")
        except pygame.error as exc:
            driver = os.environ.get("SDL_VIDEODRIVER", "default")
            raise HardwareError(
                f"pygame keypad: cannot open the video system ({driver}): {exc} - set"
                " SDL_VIDEODRIVER=dummy for a headless test, or run under the kiosk's display"
            ) from exc
        self._opened = True

    def drain(self) -> list[KeyEvent]:
        """Every key event waiting now, without blocking."""
        import pygame

        if not self._opened:
            raise HardwareError("pygame keypad: read before open()")
        out = list(self._pending)
        self._pending.clear()
        # One queue, taken whole and in order: asking SDL for KEYDOWN and KEYUP separately
        # would return all downs before all ups.  Other events (window, quit) go to
        # ``on_other`` - the large-print screen's ``handle_event`` - or are dropped.
        for event in pygame.event.get():
            key_event = translate(event)
            if key_event is not None:
                out.append(key_event)
            elif self.on_other is not None:
                self.on_other(event)
        return out

    def read(self, timeout: float) -> KeyEvent | None:
        """The next key event, waiting at most ``timeout`` seconds."""
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            if not self._pending:
                self._pending.extend(self.drain())
            if self._pending:
                return self._pending.popleft()
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.005)

    @classmethod
    def key_names(cls) -> set[str]:
        """Every name ``translate`` can give a key: config checks ``[keypad] keys`` against it."""
        import pygame

        names = set(SCANCODE_NAMES.values()) | set(_keycode_names().values())
        names |= {pygame.key.name(getattr(pygame, k)) for k in dir(pygame) if k.startswith("K_")}
        return {n for n in names if n}

    @classmethod
    def check(cls) -> list[Check]:
        """For ``talkcat doctor``: whether SDL's video system (which delivers keys) starts."""
        import pygame

        driver = os.environ.get("SDL_VIDEODRIVER", "default")
        try:
            pygame.display.init()
            used = pygame.display.get_driver()
        except pygame.error as exc:
            return [Check("WARN", f"keys need SDL's video system ({driver}): {exc}",
                          "run the kiosk under its display, or SDL_VIDEODRIVER=dummy to test")]
        return [Check("OK", f"pygame {pygame.version.ver}, SDL video driver {used}")]

    def close(self) -> None:
        self._pending.clear()
        self._opened = False
