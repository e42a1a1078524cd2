"""The large-print screen: the words being spoken, big enough to read from where one stands.

For a low-vision visitor the screen shows the same text the voice is saying (the
``Utterance.text``), so the two never disagree.  The numbers come from the standards, not taste:

* **Size** - EN 301 549 5.1.4: the capital H must be at least ``0.0122 x viewing
  distance`` high (7.3 mm at 600 mm); Section 508 402.4 adds a floor of 3/16 inch (4.8 mm).
  That is the *floor*, found by measuring the rendered H with the configured screen DPI.
  Each text is then drawn as large as it fits the window, wrapped (a short title fills the
  screen, a summary gets smaller letters, never below the floor), and the visitor can
  magnify it further or back (:meth:`Screen.magnify`, reset per visitor like volume).
* **Follows the voice** - a text longer than the screen shows the part with the sentence
  being spoken (:meth:`Screen.follow`), not just its first page.
* **Contrast** - at least 7:1 (WCAG 2 relative luminance, the AAA level), default yellow on
  black (19.6:1).  A configuration below 7:1 is refused.
* **No flashing** - the picture changes at most 3 times a second (WCAG 2.3.1, EN 301 549
  5.1.3.x/9.2.3.1); texts arriving faster wait for :meth:`Screen.refresh`.
* **Stays on** - the last text stays until the next one; the screen saver is disabled.
* **Sans-serif** - pygame's default font (FreeSans), word-wrapped, 1.5 line spacing.
* **Kiosk** - in fullscreen the window ignores close/quit and the keys that leave a
  program (Alt+F4, Alt+Tab, Escape), and grabs the keyboard (issue 7).

Tests render with ``SDL_VIDEODRIVER=dummy`` and measure the saved PNG's pixels.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

Colour = tuple[int, int, int]

MIN_CONTRAST = 7.0
CAP_HEIGHT_RATIO = 0.0122  # EN 301 549 5.1.4: capital H >= 0.0122 x viewing distance
SECTION_508_CAP_MM = 25.4 * 3 / 16  # Section 508 402.4: capital I at least 3/16 inch
MAX_CHANGES_PER_SECOND = 3.0
MM_PER_INCH = 25.4
MAGNIFY_STEP = 1.25  # one key press: a quarter bigger (or smaller)
MAGNIFY_LIMITS = (-4, 6)  # steps below and above "as large as it fits"
_SENTENCE_END_MARKS = ".!?…"


def relative_luminance(colour: Colour) -> float:
    """WCAG 2 relative luminance of an sRGB colour (0 black .. 1 white)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in colour[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: Colour, b: Colour) -> float:
    """WCAG 2 contrast ratio, 1..21."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def required_cap_height_px(distance_mm: float, dpi: float) -> int:
    """Pixels a capital letter needs at ``distance_mm`` on a ``dpi`` screen (rounded up).

    The larger of EN 301 549's 0.0122 x distance and Section 508's fixed 3/16 inch.
    """
    mm = max(CAP_HEIGHT_RATIO * distance_mm, SECTION_508_CAP_MM)
    return math.ceil(mm * dpi / MM_PER_INCH)


def _font_for_cap_height(cap_px: int) -> Any:
    """The smallest default-font size whose rendered H is at least ``cap_px`` high."""
    import pygame

    size = max(8, int(cap_px / 0.72))  # FreeSans' cap height is about 0.72 em
    while True:
        font = pygame.font.Font(None, size)
        _minx, _maxx, miny, maxy, _adv = font.metrics("H")[0]
        if maxy - miny >= cap_px:
            return font
        size += 1


def _size_for_cap_height(cap_px: int) -> int:
    """The point size of :func:`_font_for_cap_height` (the floor of every text)."""
    import pygame

    size = max(8, int(cap_px / 0.72))
    while True:
        _minx, _maxx, miny, maxy, _adv = pygame.font.Font(None, size).metrics("H")[0]
        if maxy - miny >= cap_px:
            return size
        size += 1


class Screen:
    """A pygame window (or, with ``window=False``, an off-screen surface) of large print."""

    def __init__(
        self,
        width: int = 1280,
        height: int = 720,
        distance_mm: float = 600.0,
        dpi: float = 96.0,
        fg: Colour = (255, 255, 0),
        bg: Colour = (0, 0, 0),
        fullscreen: bool = False,
        *,
        window: bool = True,
        clock: Callable[[], float] = time.monotonic,
        line_spacing: float = 1.5,
    ) -> None:
        ratio = contrast_ratio(fg, bg)
        if ratio < MIN_CONTRAST:
            raise ValueError(
                f"screen colours {fg} on {bg} have contrast {ratio:.1f}:1; at least"
                f" {MIN_CONTRAST:.0f}:1 is needed (yellow on black is 19.6:1)"
            )
        import pygame

        self.fg, self.bg = tuple(fg), tuple(bg)
        self.fullscreen = fullscreen
        self.clock = clock
        self.min_interval = 1.0 / MAX_CHANGES_PER_SECOND
        self.cap_height_px = required_cap_height_px(distance_mm, dpi)
        pygame.font.init()
        self.line_spacing = line_spacing
        self._fonts: dict[int, Any] = {}
        self.min_size = _size_for_cap_height(self.cap_height_px)
        self.min_font = self._font(self.min_size)
        """The floor: every text is at least this large; the status line uses it."""
        self.font = self.min_font
        self.size = self.min_size
        self.line_height = self._line_height(self.font)
        self.status_height = self.line_height
        self.margin = max(8, self.cap_height_px)
        self.magnification = 0
        """Key presses of "bigger" minus "smaller" (``MAGNIFY_LIMITS``); 0 = as large as fits."""
        self.first_line = 0
        self._starts: list[int] = []  # index of the first word of each line
        self._pending_first: int | None = None
        self._window = window
        if window:
            if fullscreen:
                # Before the window exists: keep Alt+Tab and friends inside the kiosk.
                os.environ.setdefault("SDL_GRAB_KEYBOARD", "1")
                os.environ.setdefault("SDL_VIDEO_MINIMIZE_ON_FOCUS_LOSS", "0")
            pygame.display.init()
            flags = pygame.FULLSCREEN if fullscreen else 0
            self._surface = pygame.display.set_mode((width, height), flags)
            pygame.display.set_caption("Talking Catalogue")
            pygame.display.set_allow_screensaver(False)
            if fullscreen:
                pygame.event.set_grab(True)
                pygame.mouse.set_visible(False)
        else:
            self._surface = pygame.Surface((width, height))
        self.text = ""
        self.lines: list[str] = []
        self.page = 0
        self.changes = 0  # how many times the picture changed: tests and the flash rule
        self._pending: str | None = None
        self.status = ""
        """A one-line state shown under the text (paused, volume): the visible side of a cue."""
        self._status_pending: str | None = None
        self._last_change = -math.inf
        self._surface.fill(self.bg)
        self._present()

    # ------------------------------------------------------------------ public

    @property
    def surface(self) -> Any:
        """The pygame surface with what is on screen now."""
        return self._surface

    @property
    def text_height(self) -> int:
        """Pixels for the text: the bottom line is kept for the status, so a state never
        covers the text."""
        return max(1, self._surface.get_height() - 2 * self.margin - self.status_height)

    @property
    def lines_per_page(self) -> int:
        return max(1, self.text_height // self.line_height)

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(len(self.lines) / self.lines_per_page))

    def show(self, text: str) -> bool:
        """Show ``text`` (first page) now, or as soon as the flash rule allows.

        Returns whether the picture changed now; otherwise :meth:`refresh` will show it.
        """
        self._pending = " ".join(text.split())
        return self.refresh()

    def set_status(self, text: str | None) -> bool:
        """Show (or with ``None`` clear) the status line, under the same flash rule as text.

        Cues such as the pause tone or a volume step carry information a deaf or
        hard-of-hearing visitor needs too (EN 301 549 5.1.5, 5.6.2): this is where it shows.
        """
        wanted = " ".join((text or "").split())
        if wanted == self.status and self._status_pending is None:
            return False  # nothing to change: no redraw, and nothing against the flash rule
        self._status_pending = wanted
        return self.refresh()

    def refresh(self) -> bool:
        """Draw a text or status that had to wait; call it from the loop's tick."""
        if self._pending is None and self._status_pending is None and self._pending_first is None:
            return False
        if self.clock() - self._last_change < self.min_interval:
            return False
        if self._pending is not None:
            self.text, self._pending = self._pending, None
            self._layout()
            self.page = self.first_line = 0
            self._pending_first = None
        if self._pending_first is not None:
            self.first_line, self._pending_first = self._pending_first, None
            self.page = self.first_line // self.lines_per_page
        if self._status_pending is not None:
            self.status, self._status_pending = self._status_pending, None
        self._draw()
        return True

    def show_page(self, page: int) -> None:
        """Show another page of a text too long for one screen (kept until the next text)."""
        self.page = max(0, min(page, self.page_count - 1))
        self.first_line = self.page * self.lines_per_page
        self._draw()

    def magnify(self, steps: int) -> int:
        """Set the visitor's magnification (``MAGNIFY_LIMITS`` steps of ``MAGNIFY_STEP``
        around "as large as fits") and redraw the text at it; returns the step set."""
        steps = max(MAGNIFY_LIMITS[0], min(MAGNIFY_LIMITS[1], int(steps)))
        if steps != self.magnification:
            self.magnification = steps
            if self._pending is None and self.text:
                self._pending = self.text  # laid out again under the flash rule
                self.refresh()
        return steps

    def follow(self, word: int) -> bool:
        """Keep word number ``word`` of the text (the one being spoken) on screen, with the
        start of its sentence when that fits: for a text longer than the screen."""
        if self._pending is not None or len(self.lines) <= self.lines_per_page:
            return False
        words = self.text.split()
        word = max(0, min(word, len(words) - 1))
        start = word
        while start > 0 and not words[start - 1].endswith(tuple(_SENTENCE_END_MARKS)):
            start -= 1
        line = self._line_of(word)
        first = self._line_of(start)
        if line - first >= self.lines_per_page:  # a sentence longer than the screen
            first = line - self.lines_per_page + 1
        first = max(0, min(first, len(self.lines) - self.lines_per_page))
        if first == self.first_line and self._pending_first is None:
            return False
        self._pending_first = first
        return self.refresh()

    def _line_of(self, word: int) -> int:
        line = 0
        for i, start in enumerate(self._starts):
            if start > word:
                break
            line = i
        return line

    def wrap(self, text: str, font: Any = None) -> list[str]:
        """Greedy word wrap to the usable width; a word wider than a line is broken."""
        return self._wrap(text, font or self.font)[0]

    def _wrap(self, text: str, font: Any) -> tuple[list[str], list[int]]:
        width = self._surface.get_width() - 2 * self.margin
        lines: list[str] = []
        starts: list[int] = []
        line = ""
        for index, word in enumerate(text.split()):
            candidate = f"{line} {word}" if line else word
            if font.size(candidate)[0] <= width:
                if not line:
                    starts.append(index)
                line = candidate
                continue
            if line:
                lines.append(line)
            while font.size(word)[0] > width:
                cut = len(word)
                while cut > 1 and font.size(word[:cut])[0] > width:
                    cut -= 1
                lines.append(word[:cut])
                starts.append(index)
                word = word[cut:]
            line = word
            starts.append(index)
        if line:
            lines.append(line)
        return lines, starts[: len(lines)]

    # ------------------------------------------------------------------ sizing

    def _font(self, size: int) -> Any:
        font = self._fonts.get(size)
        if font is None:
            import pygame

            font = self._fonts[size] = pygame.font.Font(None, size)
        return font

    def _line_height(self, font: Any) -> int:
        return math.ceil(font.get_linesize() * self.line_spacing / 1.2)

    def _fits(self, size: int) -> bool:
        font = self._font(size)
        lines = len(self._wrap(self.text, font)[0])
        return lines * self._line_height(font) <= self.text_height

    def _largest_size(self) -> int:
        """The largest font size one line of which still fits the text area."""
        per_point = self._line_height(self.min_font) / self.min_size
        size = max(self.min_size, int(self.text_height / per_point))
        while size > self.min_size and self._line_height(self._font(size)) > self.text_height:
            size -= 1
        return size

    def _layout(self) -> None:
        """Choose the size (as large as the text fits, times the magnification, never below
        the floor) and wrap the text at it."""
        lo, hi = self.min_size, self._largest_size()
        fit = lo
        if self.text and self._fits(lo):
            low, high = lo, hi
            while low <= high:  # more size never means fewer lines: bisect
                mid = (low + high) // 2
                if self._fits(mid):
                    fit, low = mid, mid + 1
                else:
                    high = mid - 1
        size = round(fit * MAGNIFY_STEP**self.magnification)
        self.size = max(lo, min(hi, size))
        self.font = self._font(self.size)
        self.line_height = self._line_height(self.font)
        self.lines, self._starts = self._wrap(self.text, self.font)

    def handle_event(self, event: Any) -> bool:
        """True when the event was swallowed: in fullscreen nobody closes or leaves the kiosk."""
        import pygame

        if not self.fullscreen:
            return False
        if event.type in (pygame.QUIT, getattr(pygame, "WINDOWCLOSE", -1)):
            log.info("close request ignored: the kiosk runs fullscreen")
            return True
        if event.type in (pygame.KEYDOWN, pygame.KEYUP):
            mods = getattr(event, "mod", 0)
            leaving = event.key in (pygame.K_ESCAPE, pygame.K_F4, pygame.K_TAB)
            if leaving or mods & (pygame.KMOD_ALT | pygame.KMOD_GUI | pygame.KMOD_CTRL):
                return True
        return False

    def save_png(self, path: str | Path) -> None:
        import pygame

        pygame.image.save(self._surface, str(path))

    def close(self) -> None:
        import pygame

        if self._window:
            pygame.display.quit()

    # ------------------------------------------------------------------ drawing

    def _draw(self) -> None:
        self._surface.fill(self.bg)
        first = self.first_line
        y = self.margin
        for line in self.lines[first : first + self.lines_per_page]:
            rendered = self.font.render(line, True, self.fg, self.bg)
            self._surface.blit(rendered, (self.margin, y))
            y += self.line_height
        if self.status:
            rendered = self.min_font.render(self.status, True, self.fg, self.bg)
            bottom = self._surface.get_height() - self.margin - self.status_height
            self._surface.blit(rendered, (self.margin, bottom))
        self._last_change = self.clock()
        self.changes += 1
        self._present()

    def _present(self) -> None:
        if self._window:
            import pygame

            pygame.display.flip()
