"""Large print in a real visit: the magnify keys, their reset, and a long summary followed.

The whole kiosk (visit, announcer, speaker with the recording synthesiser) drives a real
pygame ``Screen`` on SDL's dummy video driver; sizes and lines are read from the screen.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.kiosk.visit_support import Line, Visit, build_catalogue

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
pytest.importorskip("pygame")

from kiosk.screen import MAGNIFY_LIMITS, Screen

TOVE = "9789100563226"
MORKRET = "9789174771107"  # Där ute i mörkret: a Swedish summary of thirteen sentences


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_catalogue(tmp_path_factory.mktemp("large-print") / "catalogue.db")


@pytest.fixture
def visit(db: Path, tmp_path: Path):
    made: list[Visit] = []

    def make(**options) -> Visit:
        screen = Screen(width=800, height=480, window=False)
        v = Visit(db, tmp_path / f"v{len(made)}", screen=screen, **options)
        made.append(v)
        return v

    yield make
    for v in made:
        v.close()


def cap(screen: Screen) -> int:
    _minx, _maxx, miny, maxy, _adv = screen.font.metrics("H")[0]
    return maxy - miny


def to_summary(v: Visit) -> Line:
    """"More" twice: level two, then the summary; returns the summary's ``speak`` line.

    Each level is awaited before the next key: an utterance cut before its first sound is
    never written as ``speak`` (nothing was heard), so counting lines after two quick presses
    would race the audio thread.
    """
    for level in (2, 3):
        v.clock.advance(1)
        v.press("KP_5")
        v.tick()
        line = v.wait_speak(level)
    return line


def test_magnify_keys_change_the_print_and_the_idle_reset_restores_it(visit) -> None:
    v = visit(idle_timeout=120.0, idle_warn=20.0)
    screen = v.kiosk.announcer.screen
    v.scan(TOVE)
    v.wait_quiet()
    v.clock.advance(1)
    v.tick()
    fitted = cap(screen)
    assert fitted > screen.cap_height_px  # a title alone is far above the floor
    v.press("KP_Multiply")  # bigger
    v.press("KP_Multiply")
    v.clock.advance(1)  # past the flash limit: the status line catches up
    v.tick()
    assert v.kiosk.session.magnify == 2 and screen.magnification == 2
    assert cap(screen) > fitted
    assert screen.status == "Textstorlek 7 av 11."  # shown, not spoken
    for _ in range(20):  # held down past the limit: it stops there
        v.press("KP_Subtract")
    v.tick()
    assert v.kiosk.session.magnify == MAGNIFY_LIMITS[0]
    assert cap(screen) >= screen.cap_height_px  # never below EN 301 549's floor
    # The next visitor gets the text as large as it fits again.
    v.wait_quiet()
    v.clock.advance(101.0)
    v.tick()
    v.wait_quiet()
    v.clock.advance(25.0)
    v.tick()
    assert v.kiosk.session.magnify == 0 and screen.magnification == 0
    v.clock.advance(1)
    v.scan(TOVE)
    v.tick()
    assert cap(screen) == fitted


def test_the_summary_being_spoken_stays_on_screen(visit) -> None:
    v = visit(seconds_per_word=0.05)  # about ten seconds of real audio: time to look
    screen = v.kiosk.announcer.screen
    v.scan(MORKRET)
    v.wait_quiet()
    summary = to_summary(v)
    assert screen.text == " ".join(summary.text.split())
    assert screen.page_count > 1 and screen.first_line == 0
    first_page = " ".join(screen.lines[: screen.lines_per_page])
    # Two thirds of the way through at the visitor's rate (the clock is the kiosk's).
    words = len(summary.text.split())
    v.clock.advance(words * 0.66 * 60 / v.kiosk.visit.session.rate)
    v.tick()
    assert v.kiosk.speaking  # still speaking: the screen moved along with it
    assert screen.first_line > 0
    shown = " ".join(screen.lines[screen.first_line : screen.first_line + screen.lines_per_page])
    assert shown != first_page
    # The view starts at a sentence's start.
    before = screen.lines[screen.first_line - 1] if screen.first_line else ""
    assert before.rstrip().endswith((".", "!", "?")) or shown.split()[0][0].isupper()
    v.press("KP_Decimal")  # stop: done for now
    v.wait_quiet()


def test_paused_speech_holds_the_screen_where_it_is(visit) -> None:
    v = visit(seconds_per_word=0.05)
    screen = v.kiosk.announcer.screen
    v.scan(MORKRET)
    v.wait_quiet()
    to_summary(v)
    v.press("KP_Enter", gap=0.2)  # pause at once
    v.tick()
    assert v.kiosk.visit.session.paused
    v.clock.advance(600)  # a long pause moves nothing
    v.tick()
    assert screen.first_line == 0
    v.press("KP_Decimal")
    v.wait_quiet()
