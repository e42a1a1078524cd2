"""systemd integration: readiness, watchdog pings, stopping - with no extra dependency.

The notify protocol is one datagram per message to the socket named in ``NOTIFY_SOCKET``.
When the kiosk is not started by systemd the variable is absent and every call is a no-op, so
the loop can call ``ping`` unconditionally.  The watchdog ping comes from the main loop itself:
if the loop hangs, pings stop and systemd restarts the kiosk (``WatchdogSec=`` in the unit).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class Notifier:
    def __init__(
        self,
        environ: dict[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        env = os.environ if environ is None else environ
        self._address = env.get("NOTIFY_SOCKET") or None
        if self._address and self._address.startswith("@"):
            self._address = "\0" + self._address[1:]  # abstract namespace
        usec = env.get("WATCHDOG_USEC")
        # Ping at half the watchdog interval, as sd_watchdog_enabled(3) advises.
        self.interval = int(usec) / 2e6 if usec and usec.isdigit() else None
        self._clock = clock
        self._last_ping = float("-inf")

    @property
    def active(self) -> bool:
        return self._address is not None

    def send(self, message: str) -> None:
        if self._address is None:
            return
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                sock.connect(self._address)
                sock.sendall(message.encode("utf-8"))
        except OSError as exc:
            log.warning("could not notify systemd (%s): %s", message.split("=")[0], exc)

    def ready(self) -> None:
        self.send("READY=1")

    def stopping(self) -> None:
        self.send("STOPPING=1")

    def ping(self) -> None:
        """Send ``WATCHDOG=1`` if half the watchdog interval has passed since the last one."""
        if self.interval is None:
            return
        now = self._clock()
        if now - self._last_ping >= self.interval:
            self._last_ping = now
            self.send("WATCHDOG=1")
