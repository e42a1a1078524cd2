"""Keypad drivers: physical keys in, key names out.

A keypad driver only says which key went down or up, by name ("KP_5", "KP_Enter"); what a
key *means* (its action, the typing modes, hold-to-repeat, double-press rejection) is the
kiosk's business (``kiosk/keypad.py``), so a technician can swap the keypad without touching
behaviour, and behaviour is tested without a keypad.

Key names are the X11 keysym names SDL and evdev also use: "KP_0".."KP_9", "KP_Decimal",
"KP_Enter", "KP_Add", "KP_Subtract", "KP_Multiply", "KP_Divide", "Num_Lock", "BackSpace",
"Return", "Escape".  Drivers report a keypad key by its *physical* position, so the name does
not depend on NumLock; the kiosk's key map still accepts the NumLock-off names ("KP_End",
"KP_Begin"...) for drivers that cannot tell.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KeyEvent:
    """One key going down (``down=True``) or up; ``repeat``: the device's own auto-repeat."""

    name: str
    down: bool = True
    repeat: bool = False
