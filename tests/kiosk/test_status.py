"""The visible side of cues: pause, volume and a repeated unreadable scan (EN 301 549 5.1.5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kiosk.visit_support import Visit, build_catalogue


def test_cues_show_on_the_status_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    from kiosk.screen import Screen

    screen = Screen(width=800, height=480, window=False)
    v = Visit(build_catalogue(tmp_path / "c.db"), tmp_path, screen=screen, seconds_per_word=0.5)
    try:
        v.scan("9789100563226")
        v.wait_speak(1)
        v.press("KP_Enter")  # pause
        v.kiosk.tick()
        assert screen.status == "Paus."
        v.clock.advance(1)
        v.press("KP_Enter")  # resume
        v.kiosk.tick()
        assert screen.status == ""
        v.clock.advance(1)
        v.press("KP_2")  # softer: the level, out of the nine steps
        v.kiosk.tick()
        assert screen.status.startswith("Volym ") and screen.status.endswith(" av 9.")
        v.clock.advance(1)
        v.scan("9789100563227")  # unreadable: spoken
        v.wait_speak(2)
        v.clock.advance(1)
        v.scan("9789100563228")  # again, within the interval: a cue only, and its words here
        v.kiosk.tick()
        assert screen.status == "Koden kunde inte läsas. Försök igen."
    finally:
        v.close()
