"""Idle reset: the next visitor starts from the same place as the last one did.

After ``timeout`` seconds without a key, scan or speech (default 120 s), volume, rate,
language and verbosity go back to their defaults.  A visitor who is still there - listening,
thinking, looking for the next book - is warned ``warn_before`` seconds earlier ("press any key
to keep your settings") and keeps everything by pressing a key.  The warning is one of the only
two sounds the kiosk makes on its own (the other is a once-only fault notice), so it is said
once per idle spell, and not at all when there is nothing to lose (settings at their defaults):
then the reset happens silently.

Pure logic with an injectable clock; the kiosk loop calls :meth:`IdleTimer.poll` on each tick.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

IdleEvent = Literal["warn", "reset"]


class IdleTimer:
    """Counts the seconds since the visitor last did something."""

    def __init__(
        self,
        timeout: float = 120.0,
        warn_before: float = 20.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if timeout <= 0:
            raise ValueError("timeout must be more than 0 seconds")
        if not 0 <= warn_before < timeout:
            raise ValueError("warn_before must be at least 0 and less than timeout")
        self.timeout = timeout
        self.warn_before = warn_before
        self.clock = clock
        self._last = clock()
        self._warned = False
        self._done = True  # nothing to reset before anybody has used the kiosk

    def touch(self) -> bool:
        """The visitor did something.  True when this answered a warning (settings kept).

        The kiosk may then say "settings kept" instead of acting on that key - or act on it;
        either way the countdown starts again.
        """
        answered = self._warned and not self._done
        self._last = self.clock()
        self._warned = False
        self._done = False
        return answered

    def poll(self, *, busy: bool = False, settings_changed: bool = True) -> IdleEvent | None:
        """``"warn"`` once, then ``"reset"`` once, per idle spell; otherwise ``None``.

        ``busy``: speech is playing (a long summary is not idleness) - counts as activity,
        except while a warning is out: then the speech is the warning itself (any visitor
        action would have answered it through :meth:`touch`), and counting it would restart
        the countdown, forget the warning, and never reset at all.
        ``settings_changed``: False when everything is at its default; no warning is then
        needed and the reset (which still clears the last book) is silent.
        """
        if busy and not self.warned:
            self.touch()
            return None
        if self._done:
            return None
        idle = self.clock() - self._last
        if idle >= self.timeout:
            self._done = True
            return "reset"
        if settings_changed and not self._warned and idle >= self.timeout - self.warn_before:
            self._warned = True
            return "warn"
        return None

    @property
    def warned(self) -> bool:
        """A warning is out and unanswered."""
        return self._warned and not self._done


@dataclass(frozen=True)
class Defaults:
    """The settings a fresh visitor gets; ``restore`` puts them back on a session."""

    language: str = "sv"
    rate: int = 160
    volume: float = 0.5
    verbose: bool = True
    magnify: int = 0  # large-print magnification steps (kiosk.screen)

    def differs(self, session: Any) -> bool:
        """Whether the visitor changed anything worth a warning."""
        return any(
            hasattr(session, name) and getattr(session, name) != value
            for name, value in self._items()
        )

    def restore(self, session: Any) -> list[str]:
        """Reset the session's settings in place; returns the names that changed."""
        changed = []
        for name, value in self._items():
            if hasattr(session, name) and getattr(session, name) != value:
                setattr(session, name, value)
                changed.append(name)
        return changed

    def _items(self) -> list[tuple[str, object]]:
        return [
            ("language", self.language),
            ("rate", self.rate),
            ("volume", self.volume),
            ("verbose", self.verbose),
            ("magnify", self.magnify),
        ]
