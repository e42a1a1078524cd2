"""A real SIP2 server on loopback for the tests: TCP, the ``pysip2`` codec, and faults on demand.

It speaks the protocol as an ILS does - login (93/94), SC status (99/98), Item Information
(17/18), sequence numbers echoed and checksums on every answer - from a table of items, and
can misbehave the ways real servers do (``fault``):

* ``refuse-login``: answers 94 with ok=0;
* ``silent``: accepts the connection, reads, never answers;
* ``close-after-login``: logs in, then hangs up on the next request;
* ``bad-checksum``: item answers carry a checksum that does not verify;
* ``unknown-fields``: item answers carry fields no standard defines (must be ignored);
* ``huge``: item answers are 1 MB long;
* ``offline``: 98 says the server is offline.

``slow`` delays every item answer by that many seconds.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from dataclasses import dataclass, field
from typing import Any

import pysip2

SIP_DATE = "20261201    120000"


@dataclass
class Item:
    status: str = "03"
    due: str | None = None
    permanent: str | None = None
    current: str | None = None
    title: str = "A book"
    message: str | None = None


@dataclass
class ServerState:
    items: dict[str, Item] = field(default_factory=dict)
    user: str = "kiosk"
    password: str = "s3cret-pw"
    fault: str | None = None
    slow: float = 0.0
    connections: int = 0
    logins: int = 0
    item_requests: int = 0
    seen_sequences: list[int] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        state = self.server.state
        state.connections += 1
        sock: socket.socket = self.request
        buffer = b""
        while True:
            while b"\r" not in buffer:
                try:
                    chunk = sock.recv(4096)
                except OSError:
                    return
                if not chunk:
                    return
                buffer += chunk
            frame, buffer = buffer.split(b"\r", 1)
            if not self._answer(sock, frame + b"\r"):
                return

    def _answer(self, sock: socket.socket, frame: bytes) -> bool:
        state = self.server.state
        decoded = pysip2.decode_message(frame, encoding="utf-8")
        request = decoded.message
        sequence = decoded.sequence_number
        if sequence is not None:
            state.seen_sequences.append(sequence)
        if state.fault == "silent":
            state.release.wait(30)  # a server that accepted and then never says anything
            return False
        response: Any
        if isinstance(request, pysip2.LoginRequest):
            ok = request.login_user_id == state.user and request.login_password == state.password
            ok = ok and state.fault != "refuse-login"
            state.logins += ok
            response = pysip2.LoginResponse(ok="1" if ok else "0")
        elif isinstance(request, pysip2.SCStatusRequest):
            response = pysip2.ACSStatusResponse(
                online_status="N" if state.fault == "offline" else "Y",
                checkin_ok="N", checkout_ok="N", acs_renewal_policy="N",
                status_update_ok="N", offline_ok="N", timeout_period="010",
                retries_allowed="003", date_time_sync=SIP_DATE, protocol_version="2.00",
                institution_id="TEST", library_name="Loopback Library",
                supported_messages="NNNNYYYNNNYNNNNN",
                screen_message=("Closed for maintenance",) if state.fault == "offline" else (),
            )
        elif isinstance(request, pysip2.ItemInformationRequest):
            state.item_requests += 1
            if state.fault == "close-after-login":
                return False
            if state.slow:
                state.release.wait(state.slow)
            return self._item(sock, request.item_identifier, sequence)
        else:
            return False
        sock.sendall(_encode(response, sequence))
        return True

    def _item(self, sock: socket.socket, barcode: str, sequence: int | None) -> bool:
        state = self.server.state
        item = state.items.get(barcode)
        response = pysip2.ItemInformationResponse(
            circulation_status=item.status if item else "01",
            security_marker="00",
            fee_type="01",
            transaction_date=SIP_DATE,
            due_date=item.due if item else None,
            item_identifier=barcode,
            title_identifier=item.title if item else "",
            permanent_location=item.permanent if item else None,
            current_location=item.current if item else None,
            screen_message=(item.message,) if item and item.message else (),
        )
        data = _encode(response, sequence)
        if state.fault == "bad-checksum":
            data = data[:-5] + b"0000\r"
        elif state.fault == "unknown-fields":
            # Vendor fields (Koha's CR/CS, made-up ZZ) before the trailer: to be ignored.
            head = data.partition(b"AY")[0]
            body = head + b"CRcollection code|ZZvendor extension|"
            data = _encode_raw(body, sequence)
        elif state.fault == "huge":
            data = data[:-1].replace(b"AJ", b"AJ" + b"x" * 1_048_576, 1) + b"\r"
        try:
            sock.sendall(data)
        except OSError:
            return False
        return True


def _encode(message: Any, sequence: int | None) -> bytes:
    return pysip2.encode_message(
        message, sequence_number=sequence if sequence is not None else 0, checksum=True,
        encoding="utf-8",
    )


def _encode_raw(body: bytes, sequence: int | None) -> bytes:
    prefix = body + b"AY" + str(sequence or 0).encode() + b"AZ"
    return prefix + pysip2.calculate_checksum(prefix).encode() + b"\r"


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, state: ServerState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state


class Sip2Server:
    """``with Sip2Server(items) as server:`` - ``server.port``, ``server.state``."""

    def __init__(self, items: dict[str, Item] | None = None, **state: Any) -> None:
        self.state = ServerState(items=dict(items or {}), **state)
        self._server = _Server(self.state)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def options(self, **extra: Any) -> dict[str, Any]:
        """``[availability]`` driver options pointing at this server."""
        return {"host": "127.0.0.1", "port": self.port, "user": self.state.user,
                "password": self.state.password, "institution": "TEST", **extra}

    def __enter__(self) -> Sip2Server:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.state.release.set()
        self._server.shutdown()
        self._server.server_close()
