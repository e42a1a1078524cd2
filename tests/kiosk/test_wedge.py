"""A barcode scanner in keyboard-wedge mode typing into the kiosk's pygame window.

Real pygame key events (SDL's dummy video driver) go through the real key source and the real
loop; the scanner types main-keyboard digits and Return, which no keypad function uses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kiosk.visit_support import Visit, build_catalogue

TOVE_SV = "Anteckningar från en ö, av Tove Jansson och Tuulikki Pietilä"


@pytest.fixture
def pygame_keys(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    import pygame

    from hardware.keypad.pygame_keys import PygameKeySource

    source = PygameKeySource(window=True)
    source.open()
    yield pygame, source
    source.close()
    pygame.display.quit()


def type_line(pygame, text: str) -> None:
    """What a wedge scanner does: one key down and up per character, then Return."""
    for char in text:
        key = pygame.key.key_code(char)
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, scancode=0, mod=0))
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, scancode=0, mod=0))
    for kind in (pygame.KEYDOWN, pygame.KEYUP):
        pygame.event.post(pygame.event.Event(kind, key=pygame.K_RETURN, scancode=0, mod=0))


def test_a_wedge_scanner_in_the_window_is_a_reader(pygame_keys, tmp_path: Path) -> None:
    pygame, source = pygame_keys
    v = Visit(build_catalogue(tmp_path / "c.db"), tmp_path, keys=source)
    try:
        type_line(pygame, "9789100563226")
        v.kiosk.tick()  # the loop drains the window's events on its own thread
        assert v.wait_speak(1).text == TOVE_SV
        # The keypad keeps its meaning next to the scanner: KP_0 is "repeat".
        v.press("KP_0")
        assert v.wait_speak(2).text == TOVE_SV
    finally:
        v.close()


def test_a_stuck_wedge_line_is_bounded(pygame_keys, tmp_path: Path) -> None:
    _, source = pygame_keys
    v = Visit(build_catalogue(tmp_path / "c.db"), tmp_path, keys=source)
    try:
        for _ in range(500):
            v.kiosk.on_raw_key("7")
        assert len(v.kiosk.visit.wedge) <= 64
    finally:
        v.close()
