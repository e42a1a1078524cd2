"""The large-print screen: the words being spoken, big enough to read from where one stands.

For a low-vision visitor the screen shows the same text the voice is saying (the
``Utterance.text``), so the two never disagree.  The numbers come from the standards, not taste:

* **Size** - EN 301 549 5.1.4: the capital H must be at least ``0.0122 x viewing
  distance`` high (7.3 mm at 600 mm); Section 508 402.4 adds a floor of 3/16 inch (4.8 mm).
  The font size is found by measuring the rendered H, using the configured screen DPI to
  turn millimetres into pixels.
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
        self.font = _font_for_cap_height(self.cap_height_px)
        self.line_height = math.ceil(self.font.get_linesize() * line_spacing / 1.2)
        self.margin = max(8, self.cap_height_px)
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
    def lines_per_page(self) -> int:
        # The bottom line is kept for the status, so a state never covers the text.
        usable = self._surface.get_height() - 2 * self.margin - self.line_height
        return max(1, usable // self.line_height)

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
        if self._pending is None and self._status_pending is None:
            return False
        if self.clock() - self._last_change < self.min_interval:
            return False
        if self._pending is not None:
            self.text, self._pending = self._pending, None
            self.lines = self.wrap(self.text)
            self.page = 0
        if self._status_pending is not None:
            self.status, self._status_pending = self._status_pending, None
        self._draw()
        return True

    def show_page(self, page: int) -> None:
        """Show another page of a text too long for one screen (kept until the next text)."""
        self.page = max(0, min(page, self.page_count - 1))
        self._draw()

    def wrap(self, text: str) -> list[str]:
        """Greedy word wrap to the usable width; a word wider than a line is broken."""
        width = self._surface.get_width() - 2 * self.margin
        lines: list[str] = []
        line = ""
        for word in text.split():
            candidate = f"{line} {word}" if line else word
            if self.font.size(candidate)[0] <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while self.font.size(word)[0] > width:
                cut = len(word)
                while cut > 1 and self.font.size(word[:cut])[0] > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        if line:
            lines.append(line)
        return lines

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
        first = self.page * self.lines_per_page
        y = self.margin
        for line in self.lines[first : first + self.lines_per_page]:
            rendered = self.font.render(line, True, self.fg, self.bg)
            self._surface.blit(rendered, (self.margin, y))
            y += self.line_height
        if self.status:
            rendered = self.font.render(self.status, True, self.fg, self.bg)
            bottom = self._surface.get_height() - self.margin - self.line_height
            self._surface.blit(rendered, (self.margin, bottom))
        self._last_change = self.clock()
        self.changes += 1
        self._present()

    def _present(self) -> None:
        if self._window:
            import pygame

            pygame.display.flip()
