"""Errors raised by drivers.  The CLI turns them into messages and exit codes."""

from __future__ import annotations

from catalog.errors import TalkcatError


class HardwareError(TalkcatError):
    """A device is missing, misconfigured or misbehaving.

    The message names the device and, where one is known, the fix ("/dev/ttyUSB0: permission
    denied - add the kiosk user to the dialout group").
    """
