"""The staff menu a card or PIN opens at the kiosk: reload, status, quit - nothing else.

Apart from the visit because it is not the visitor's: it has its own few keys and words,
and whatever key is not one of them leaves the menu.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from catalog.errors import CatalogError
from kiosk.catalog_source import CatalogSource
from kiosk.staff import StaffGate

log = logging.getLogger(__name__)

Say = Callable[..., object]
"""``say(phrase_key, **values)``: speak a phrase-table message (not remembered for repeat)."""


class StaffMenu:
    """Open after a staff card or the right PIN; ``active`` until a key leaves it."""

    def __init__(
        self,
        gate: StaffGate,
        catalog: CatalogSource,
        say: Say,
        *,
        reader_connected: Callable[[], bool],
        phrase: Callable[[str], str],
        stop: Callable[[], None],
    ) -> None:
        self.gate = gate
        self.catalog = catalog
        self.say = say
        self.reader_connected = reader_connected
        self.phrase = phrase
        self.stop = stop
        self.active = False

    def check_pin(self, pin: str) -> None:
        if not self.gate.pin_hash:
            self.say("staff_wrong")
            return
        verdict = self.gate.try_pin(pin)
        if verdict == "ok":
            self.enter()
        else:
            self.say(f"staff_{verdict}")

    def enter(self) -> None:
        self.active = True
        self.say("staff_menu")

    def key(self, action: str) -> None:
        """One keypad action while the menu is open."""
        self.active = action in ("more", "repeat")
        if action == "more":
            log.warning("staff: catalogue reload")
            self.catalog.close()
            self.say("staff_reloaded")
        elif action == "repeat":
            try:
                items = str(self.catalog.stats().get("records", "?"))
            except CatalogError:
                items = "0"
            reader = self.phrase("reader_ok" if self.reader_connected() else "reader_lost")
            self.say("staff_status", items=items, reader=reader.rstrip("."))
        elif action == "stop":
            log.warning("staff: quit")
            self.say("staff_quit")
            self.stop()
        else:
            self.say("staff_left")
