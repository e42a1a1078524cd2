"""The large-print screen, checked from its pixels: render headless, save PNG, measure."""

from __future__ import annotations

import itertools
import os
from collections import Counter
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
pygame = pytest.importorskip("pygame")

from kiosk.screen import (  # noqa: E402
    Screen,
    contrast_ratio,
    required_cap_height_px,
)
from tests.support import ManualClock  # noqa: E402


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(10.0)


@pytest.fixture
def make_screen(clock: ManualClock):
    screens: list[Screen] = []

    def make(**kw) -> Screen:
        kw.setdefault("clock", clock)
        screen = Screen(**kw)
        screens.append(screen)
        return screen

    yield make
    for screen in screens:
        screen.close()


def pixels(path: Path) -> tuple[int, int, list[list[tuple[int, int, int]]]]:
    """The saved PNG loaded back: width, height, rows of RGB."""
    image = pygame.image.load(str(path))
    w, h = image.get_size()
    return w, h, [[tuple(image.get_at((x, y)))[:3] for x in range(w)] for y in range(h)]


def ink_rows(rows, bg) -> list[int]:
    """Row indices holding any pixel that is not the background."""
    return [y for y, row in enumerate(rows) if any(p != bg for p in row)]


def measured(tmp_path: Path, screen: Screen, text: str, name: str = "shot.png"):
    screen.show(text)
    path = tmp_path / name
    screen.save_png(path)
    w, h, rows = pixels(path)
    counts = Counter(p for row in rows for p in row)
    bg = counts.most_common(1)[0][0]
    return w, h, rows, counts, bg


def test_capital_h_height_and_contrast_from_the_pixels(tmp_path: Path, make_screen) -> None:
    screen = make_screen(width=400, height=200, distance_mm=600, dpi=96)
    # Magnified down as far as the visitor can: the floor, never below it.
    screen.magnify(-99)
    _w, _h, rows, counts, bg = measured(tmp_path, screen, "H")
    required = required_cap_height_px(600, 96)
    assert required == 28  # 0.0122 x 600 mm = 7.32 mm at 96 dpi
    ink = ink_rows(rows, bg)
    height = ink[-1] - ink[0] + 1
    assert height >= required
    assert height <= required + 3  # the floor is the smallest size that meets the rule
    # The colours actually painted: background and the solid core of the letter.
    assert bg == (0, 0, 0)
    fg = next(c for c, _n in counts.most_common() if c != bg)
    assert fg == (255, 255, 0)
    assert contrast_ratio(fg, bg) >= 7.0


def test_section_508_floor_for_a_close_screen() -> None:
    # 0.0122 x 300 mm = 3.7 mm, but Section 508 402.4 asks 3/16 inch = 4.8 mm: 18 px at 96 dpi.
    assert required_cap_height_px(300, 96) == 18
    assert required_cap_height_px(1000, 96) == 47


@pytest.mark.parametrize(("distance", "dpi"), [(300, 96), (1000, 96), (600, 160)])
def test_text_size_follows_distance_and_dpi(tmp_path: Path, make_screen, distance, dpi) -> None:
    screen = make_screen(width=900, height=400, distance_mm=distance, dpi=dpi)
    _w, _h, rows, _counts, bg = measured(tmp_path, screen, "H")
    ink = ink_rows(rows, bg)
    assert ink[-1] - ink[0] + 1 >= required_cap_height_px(distance, dpi)


def test_custom_colours_and_too_little_contrast_is_refused(tmp_path: Path, make_screen) -> None:
    screen = make_screen(width=300, height=150, fg=(255, 255, 255), bg=(0, 0, 96))
    _w, _h, _rows, counts, bg = measured(tmp_path, screen, "H")
    assert bg == (0, 0, 96)
    fg = next(c for c, _n in counts.most_common() if c != bg)
    assert contrast_ratio(fg, bg) >= 7.0
    with pytest.raises(ValueError, match="contrast"):
        Screen(fg=(128, 128, 128), bg=(0, 0, 0), window=False)


def test_long_text_wraps_inside_the_screen(tmp_path: Path, make_screen) -> None:
    screen = make_screen(width=500, height=400)
    text = "Gruvarbetets historia ur ett genusperspektiv, av Lena Abrahamsson. Talbok."
    w, _h, rows, _counts, bg = measured(tmp_path, screen, text)
    assert len(screen.lines) >= 3
    assert " ".join(screen.lines) == text
    columns = [x for row in rows for x, p in enumerate(row) if p != bg]
    assert min(columns) >= screen.margin - 2
    assert max(columns) <= w - screen.margin
    # Separate bands of ink, one per line.
    ink = ink_rows(rows, bg)
    bands = 1 + sum(1 for a, b in itertools.pairwise(ink) if b - a > 1)
    assert bands == len(screen.lines)


def test_word_longer_than_a_line_is_broken(make_screen) -> None:
    screen = make_screen(width=200, height=200)
    lines = screen.wrap("9789100563226978910056322697891005632269")
    assert len(lines) > 1
    assert "".join(lines) == "9789100563226978910056322697891005632269"
    assert all(screen.font.size(line)[0] <= 200 - 2 * screen.margin for line in lines)


def test_never_changes_more_than_three_times_a_second(make_screen, clock: ManualClock) -> None:
    screen = make_screen(width=300, height=150)
    start = screen.changes
    for i in range(30):  # a scan every 33 ms for a second
        screen.show(f"Bok {i}")
        screen.refresh()
        clock.now += 1 / 30
    assert screen.changes - start <= 3
    clock.now += 1
    assert screen.refresh() is True
    assert screen.text == "Bok 29"  # the newest text wins once allowed


def test_picture_stays_while_speech_runs(tmp_path: Path, make_screen, clock: ManualClock) -> None:
    screen = make_screen(width=300, height=150)
    screen.show("Ondskan")
    screen.save_png(tmp_path / "a.png")
    for _ in range(100):
        clock.now += 1
        assert screen.refresh() is False
    screen.save_png(tmp_path / "b.png")
    assert pixels(tmp_path / "a.png")[2] == pixels(tmp_path / "b.png")[2]
    assert any(p != (0, 0, 0) for row in pixels(tmp_path / "b.png")[2] for p in row)


def test_fullscreen_ignores_quit_and_leaving_keys(make_screen) -> None:
    screen = make_screen(width=320, height=240, fullscreen=True)
    assert screen.handle_event(pygame.event.Event(pygame.QUIT))
    alt_f4 = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_F4, mod=pygame.KMOD_LALT)
    alt_tab = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_TAB, mod=pygame.KMOD_LALT)
    escape = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0)
    assert screen.handle_event(alt_f4)
    assert screen.handle_event(alt_tab)
    assert screen.handle_event(escape)
    keypad_five = pygame.event.Event(pygame.KEYDOWN, key=pygame.K_KP5, mod=0)
    assert not screen.handle_event(keypad_five)


def test_windowed_mode_lets_a_close_through(make_screen) -> None:
    screen = make_screen(width=320, height=240)
    assert not screen.handle_event(pygame.event.Event(pygame.QUIT))


def test_long_text_pages(make_screen) -> None:
    screen = make_screen(width=400, height=160)
    screen.show(" ".join(["Sju bröder"] * 40))
    assert screen.page_count > 1
    screen.show_page(1)
    assert screen.page == 1
    screen.show_page(99)
    assert screen.page == screen.page_count - 1


def test_status_line_shows_a_cue_under_the_text(monkeypatch, tmp_path) -> None:
    """Pause and volume are cues for the ear; the status line is their side for the eye."""
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")

    from kiosk.screen import Screen

    now = [0.0]
    screen = Screen(width=800, height=480, window=False, clock=lambda: now[0])
    screen.show("Pippi Långstrump")
    now[0] += 1
    assert screen.set_status("Paused.")
    bottom = screen.surface.get_height() - screen.margin - screen.line_height
    band = {
        tuple(screen.surface.get_at((x, y)))[:3]
        for x in range(0, 400, 2)
        for y in range(bottom, bottom + screen.line_height, 2)
    }
    assert screen.fg in band  # text pixels in the status row
    assert screen.text == "Pippi Långstrump"  # the text stays
    now[0] += 1
    assert screen.set_status(None) and screen.status == ""
    assert not screen.set_status(None)  # no change, no redraw


# --------------------------------------------------------------------------- as large as fits


def cap_height(font) -> int:
    _minx, _maxx, miny, maxy, _adv = font.metrics("H")[0]
    return maxy - miny


SUMMARY = " ".join(
    f"Mening nummer {i} handlar om en pojke och hans hund som går genom skogen." for i in range(40)
)


def test_a_short_title_fills_the_screen(tmp_path: Path, make_screen) -> None:
    screen = make_screen(width=1280, height=720, distance_mm=600, dpi=96)
    _w, h, rows, _counts, bg = measured(tmp_path, screen, "Ondskan, av Jan Guillou, talbok")
    floor = required_cap_height_px(600, 96)
    assert cap_height(screen.font) >= 2 * floor  # much larger than the minimum
    assert len(screen.lines) * screen.line_height <= screen.text_height  # and all of it shows
    assert " ".join(screen.lines) == "Ondskan, av Jan Guillou, talbok"
    ink = ink_rows(rows, bg)
    assert ink[-1] - ink[0] > h / 3  # the text takes the screen, not a line at the top
    # One size bigger would no longer fit: it is as large as fits, not merely large.
    assert not screen._fits(screen.size + 1)


def test_a_long_summary_is_wrapped_at_the_floor_and_paged(make_screen) -> None:
    screen = make_screen(width=800, height=480, distance_mm=600, dpi=96)
    screen.show(SUMMARY)
    assert screen.font is screen.min_font  # it cannot be larger and still fit
    assert cap_height(screen.font) >= required_cap_height_px(600, 96)
    assert screen.page_count > 1
    assert " ".join(screen.lines) == SUMMARY


def test_the_sentence_being_spoken_stays_on_screen(make_screen, clock: ManualClock) -> None:
    screen = make_screen(width=800, height=480)
    screen.show(SUMMARY)
    words = SUMMARY.split()
    first_visible = " ".join(screen.lines[: screen.lines_per_page])
    target = words.index("30")  # "Mening nummer 30 ...": far past the first page
    assert "nummer 30 " not in first_visible
    clock.now += 1
    assert screen.follow(target + 3)  # a word in the middle of sentence 30
    shown = " ".join(screen.lines[screen.first_line : screen.first_line + screen.lines_per_page])
    assert "Mening nummer 30 handlar om en pojke" in shown  # the sentence, from its start
    # Following within what is shown does not redraw (no flashing while reading on).
    changes = screen.changes
    clock.now += 1
    assert not screen.follow(target + 4)
    assert screen.changes == changes


def test_magnify_bigger_and_smaller_and_never_below_the_floor(
    make_screen, clock: ManualClock
) -> None:
    screen = make_screen(width=800, height=480)
    screen.show("Pippi Långstrump går ombord, av Astrid Lindgren")
    fitted = cap_height(screen.font)
    clock.now += 1
    assert screen.magnify(2) == 2
    assert cap_height(screen.font) > fitted
    # Larger than fits: the text wraps (a word wider than the screen is broken) and pages.
    shown = "".join(screen.lines).replace(" ", "")
    assert shown == "Pippi Långstrump går ombord, av Astrid Lindgren".replace(" ", "")
    clock.now += 1
    screen.magnify(-99)
    assert screen.magnification == -4
    assert cap_height(screen.font) >= required_cap_height_px(600, 96)
    assert cap_height(screen.font) < fitted
    clock.now += 1
    screen.magnify(0)
    assert cap_height(screen.font) == fitted
    # A new text keeps the visitor's magnification.
    clock.now += 1
    screen.magnify(1)
    clock.now += 1
    screen.show("Bröderna Lejonhjärta")
    big = cap_height(screen.font)
    clock.now += 1
    screen.magnify(0)
    assert cap_height(screen.font) < big
