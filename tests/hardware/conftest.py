"""Fixtures shared by the hardware tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest


@pytest.fixture
def capture(monkeypatch, tmp_path) -> Iterator[Callable[[], bytes]]:
    """pygame on SDL's ``disk`` driver: everything mixed is written to a raw file."""
    import pygame

    pygame.mixer.quit()
    path = tmp_path / "played.raw"
    monkeypatch.setenv("SDL_AUDIODRIVER", "disk")
    monkeypatch.setenv("SDL_DISKAUDIOFILE", str(path))

    def read() -> bytes:
        pygame.mixer.quit()  # flushes and closes the file
        return path.read_bytes()

    yield read
    pygame.mixer.quit()


@pytest.fixture
def sdl_dummy(monkeypatch):
    """pygame on SDL's ``dummy`` audio driver; yields ``monkeypatch`` to switch drivers."""
    import pygame

    pygame.mixer.quit()
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    yield monkeypatch
    pygame.mixer.quit()
