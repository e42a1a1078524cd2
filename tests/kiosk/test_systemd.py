from __future__ import annotations

import socket

from kiosk.systemd import Notifier
from tests.support import ManualClock


def receive_all(sock: socket.socket) -> list[str]:
    messages = []
    sock.setblocking(False)
    while True:
        try:
            messages.append(sock.recv(256).decode())
        except BlockingIOError:
            return messages


def test_notifies_readiness_and_pings_at_half_the_watchdog_interval(tmp_path) -> None:
    path = str(tmp_path / "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(path)
        clock = ManualClock(0.0)
        notifier = Notifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "10000000"}, clock)
        assert notifier.active and notifier.interval == 5.0
        notifier.ready()
        notifier.ping()
        clock.now = 2.0
        notifier.ping()  # too soon: not sent
        clock.now = 5.0
        notifier.ping()
        notifier.stopping()
        assert receive_all(server) == ["READY=1", "WATCHDOG=1", "WATCHDOG=1", "STOPPING=1"]


def test_without_systemd_everything_is_a_no_op() -> None:
    notifier = Notifier({})
    assert not notifier.active
    notifier.ready()
    notifier.ping()  # must not raise


def test_a_vanished_socket_is_logged_not_raised(tmp_path, caplog) -> None:
    notifier = Notifier({"NOTIFY_SOCKET": str(tmp_path / "gone")})
    notifier.ready()
    assert "could not notify systemd" in caplog.text
