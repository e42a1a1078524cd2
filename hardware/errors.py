"""Errors raised by drivers.  The CLI turns them into messages and exit codes."""

from __future__ import annotations

from talkcat.errors import EXIT_INVALID, TalkcatError

__all__ = ["DriverConfigError", "HardwareError", "TalkcatError"]


class HardwareError(TalkcatError):
    """A device is missing, misconfigured or misbehaving: exit 3.

    The message names the device and, where one is known, the fix ("/dev/ttyUSB0: permission
    denied - add the kiosk user to the dialout group").
    """


class DriverConfigError(HardwareError):
    """A driver is unknown or broken, or its options are wrong: a configuration fault, exit 2.

    Still a ``HardwareError`` (code catching that keeps working); the code differs because
    nothing was plugged in wrong - the text of the configuration or command line was.
    """

    exit_code = EXIT_INVALID
