"""The SIP2 availability driver: Item Information (17/18) over one kept-open connection.

SIP2 (3M Standard Interchange Protocol 2.00) is what every self-service machine speaks to the
library system, so every ILS a library runs (Koha, Evergreen, Alma, Quria, Sierra...) offers
it.  The wire format - fixed and identified fields, the ``AY`` sequence number and ``AZ``
checksum trailer - is the ``pysip2`` codec's job (typed models, strict validation, checksums
verified on decode); this module owns only the conversation:

* **connect** (TCP, or TLS when ``tls = true``), **login** (93 -> 94) with the kiosk's SIP2
  account, **SC status** (99 -> 98) to learn that the server is online;
* **Item Information** (17 -> 18) for each barcode asked, answered in order;
* every request carries a sequence number and checksum; an answer with a checksum must
  verify and an answer with a sequence number must echo ours, or it is refused as garbage;
* the connection is **kept open** between scans and **closed on any error**, so the next
  lookup logs in afresh (the kiosk's worker decides when: it backs off from a dead server);
* every read is bounded in time (the caller's deadline) and in size (:data:`MAX_FRAME`): a
  server that never answers or sends a megabyte costs a timeout or one error, never memory.

The password is sent in the login message and is never logged, shown or put in an error.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import ssl
import threading
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from hardware.availability import (
    Availability,
    AvailabilityError,
    Circulation,
    CopyStatus,
    order_by_location,
    parse_due,
)
from hardware.protocols import Option

log = logging.getLogger(__name__)

MAX_FRAME = 16 * 1024
"""Bytes one answer may take: a real 18 is a few hundred; more is a broken or hostile server."""
MAX_ITEMS = 5
"""Copies asked about per record: enough to say "2 of 3", bounded so one scan stays cheap."""
MAX_TEXT = 200
"""Characters kept of a location or screen message (spoken text must stay short)."""

T = TypeVar("T")


def _sip_now() -> str:
    """SIP2's 18-character transaction date, local time: ``YYYYMMDDZZZZHHMMSS``."""
    now = datetime.now()
    return now.strftime("%Y%m%d") + "    " + now.strftime("%H%M%S")


def _short(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return text[:MAX_TEXT] or None


class Sip2Availability:
    """``driver = "sip2"`` in ``[availability]``."""

    OPTIONS: tuple[Option, ...] = (
        Option("host", str, "", "the library system's SIP2 server (name or address)"),
        Option("port", int, 6001, "its SIP2 port"),
        Option("user", str, "", "the kiosk's SIP2 login (CN)"),
        Option("password", str, "", "its SIP2 password (CO); never logged or shown"),
        Option("location", str, "", "the kiosk's location code (CP); its copies are said first"),
        Option("institution", str, "", "institution id (AO) the library system expects"),
        Option("tls", bool, False, "SIP2 over TLS (the server's certificate is verified)"),
        Option("tls_ca", str, "", "a CA file for a server with its own certificate authority"),
        Option("encoding", str, "utf-8", "character set of the server's messages",
               choices=("utf-8", "cp850", "latin-1")),
        Option("max_items", int, MAX_ITEMS, "copies asked about per book"),
    )

    def __init__(
        self,
        target: str | None = None,
        *,
        host: str = "",
        port: int = 6001,
        user: str = "",
        password: str = "",
        location: str = "",
        institution: str = "",
        tls: bool = False,
        tls_ca: str = "",
        encoding: str = "utf-8",
        max_items: int = MAX_ITEMS,
        **_ignored: Any,
    ) -> None:
        if target and not host:
            host, _, port_text = target.partition(":")
            port = int(port_text) if port_text.isdigit() else port
        if not 0 < port < 65536:
            raise AvailabilityError(f"[availability] port {port} is not a TCP port")
        if not host.strip():
            raise AvailabilityError(
                "[availability] host is empty: give the library system's SIP2 host name"
            )
        self.host = host
        self.port = port
        self.user = user
        self._password = password
        self.location = location
        self.institution = institution
        self.tls = tls
        self.tls_ca = tls_ca
        self.encoding = encoding
        self.max_items = max(1, max_items)
        self._sock: socket.socket | None = None
        self._buffer = b""
        self._sequence = 0
        self._lock = threading.Lock()
        self.library_name: str | None = None

    def __repr__(self) -> str:  # never the password
        return f"Sip2Availability({self.host}:{self.port}, user={self.user!r})"

    @property
    def where(self) -> str:
        return f"SIP2 server {self.host}:{self.port}"

    # ------------------------------------------------------------------ the kind's contract

    def lookup(self, barcodes: Sequence[str], deadline: float) -> Availability:
        """Ask about the first ``max_items`` barcodes; copies at ``location`` come first."""
        if not self.host:
            raise AvailabilityError("[availability] host is empty: name the SIP2 server")
        asked = [b for b in dict.fromkeys(barcodes) if b][: self.max_items]
        with self._lock:
            try:
                self._ensure_open(deadline)
                answers = [self._item(barcode, deadline) for barcode in asked]
            except AvailabilityError:
                self._close()
                raise
        # A barcode the library system does not know comes back as status "other" with no
        # title (Koha, Evergreen): that is the catalogue out of step, not a copy off the shelf.
        copies = [c for c in answers if c.status is not Circulation.OTHER or c.title]
        return Availability(order_by_location(copies, self.location), total=len(barcodes))

    def check(self) -> str | tuple[str, str, str]:
        """For ``talkcat doctor``: log in and ask the server's status now."""
        if not self.host:  # installed, not configured here: nothing to be wrong yet
            return ("OK", "installed; no SIP2 server configured on this kiosk",
                    "set [availability] driver = \"sip2\", host, port, user and password")
        with self._lock:
            self._close()
            try:
                self._ensure_open(time.monotonic() + 5.0)
            finally:
                self._close()
        name = f" ({self.library_name})" if self.library_name else ""
        secure = "TLS" if self.tls else "plain TCP"
        return f"{self.where}{name}: logged in as {self.user or '(no user)'}, online, {secure}"

    def close(self) -> None:
        with self._lock:
            self._close()

    # ------------------------------------------------------------------ conversation

    def _ensure_open(self, deadline: float) -> None:
        if self._sock is not None:
            return
        import pysip2

        self._sock = self._connect(deadline)
        self._buffer = b""
        login = pysip2.LoginRequest(
            uid_algorithm="0",
            pwd_algorithm="0",
            login_user_id=self.user,
            login_password=self._password,
            location_code=self.location or None,
        )
        answer = self._exchange(login, pysip2.LoginResponse, deadline)
        if answer.ok != "1":
            raise AvailabilityError(
                f"{self.where} refused the login of user {self.user!r}: check [availability]"
                " user and password and the SIP2 account on the library system"
            )
        status = pysip2.SCStatusRequest(
            status_code="0", max_print_width="000", protocol_version="2.00"
        )
        acs = self._exchange(status, pysip2.ACSStatusResponse, deadline)
        self.library_name = _short(acs.library_name)
        if acs.online_status != "Y":
            message = _short(" ".join(acs.screen_message)) or "no reason given"
            raise AvailabilityError(f"{self.where} says it is offline: {message}")
        log.info("availability: logged in to %s as %s", self.where, self.user)

    def _item(self, barcode: str, deadline: float) -> CopyStatus:
        import pysip2

        request = pysip2.ItemInformationRequest(
            transaction_date=_sip_now(),
            institution_id=self.institution,
            item_identifier=barcode,
        )
        answer = self._exchange(request, pysip2.ItemInformationResponse, deadline)
        if answer.item_identifier != barcode:
            raise AvailabilityError(
                f"{self.where} answered about item {answer.item_identifier[:40]!r}"
                f" when asked about {barcode!r}"
            )
        status = Circulation.from_code(answer.circulation_status)
        return CopyStatus(
            barcode=barcode,
            status=status,
            due=parse_due(answer.due_date) if status.on_loan else None,
            permanent_location=_short(answer.permanent_location),
            current_location=_short(answer.current_location),
            screen_message=_short(" ".join(answer.screen_message)),
            title=_short(answer.title_identifier),
        )

    def _exchange(self, request: Any, expected: type[T], deadline: float) -> T:
        """Send one request, read its answer; one resend when the server asks (96)."""
        import pysip2

        sequence = self._sequence
        self._sequence = (self._sequence + 1) % 10
        try:
            frame = pysip2.encode_message(
                request, sequence_number=sequence, checksum=True, encoding=self.encoding
            )
        except (pysip2.SIP2Error, UnicodeEncodeError) as exc:  # a barcode SIP2 cannot carry
            raise AvailabilityError(f"cannot ask {self.where}: {str(exc)[:120]}") from exc
        for _attempt in range(2):
            self._send(frame, deadline)
            raw = self._receive(deadline)
            try:
                decoded = pysip2.decode_message(raw, encoding=self.encoding)
            except pysip2.SIP2ChecksumError as exc:
                raise AvailabilityError(f"{self.where} sent a wrong checksum") from exc
            except (pysip2.SIP2Error, UnicodeDecodeError, ValueError) as exc:
                raise AvailabilityError(
                    f"{self.where} sent a message that is not SIP2: {str(exc)[:120]}"
                ) from exc
            if isinstance(decoded.message, pysip2.RequestSCResend):
                continue  # our frame arrived damaged: send it once more
            if decoded.sequence_number is not None and decoded.sequence_number != sequence:
                raise AvailabilityError(
                    f"{self.where} answered sequence {decoded.sequence_number}, not {sequence}"
                )
            if not isinstance(decoded.message, expected):
                got = type(decoded.message).__name__
                raise AvailabilityError(f"{self.where} answered {got}, not {expected.__name__}")
            return decoded.message
        raise AvailabilityError(f"{self.where} asked twice for a resend of one message")

    # ------------------------------------------------------------------ the socket

    def _connect(self, deadline: float) -> socket.socket:
        try:
            sock = socket.create_connection((self.host, self.port), _remaining(deadline))
        except OSError as exc:
            raise AvailabilityError(f"{self.where} cannot be reached: {exc}") from exc
        if not self.tls:
            return sock
        try:
            context = ssl.create_default_context(cafile=self.tls_ca or None)
            secure = context.wrap_socket(sock, server_hostname=self.host)
        except (OSError, ssl.SSLError) as exc:
            sock.close()
            raise AvailabilityError(f"{self.where}: TLS failed: {exc}") from exc
        return secure

    def _send(self, frame: bytes, deadline: float) -> None:
        assert self._sock is not None
        try:
            self._sock.settimeout(_remaining(deadline))
            self._sock.sendall(frame)
        except OSError as exc:
            raise AvailabilityError(f"{self.where}: sending failed: {exc}") from exc

    def _receive(self, deadline: float) -> bytes:
        """One CR-terminated frame (a LF after the CR, which some servers add, is dropped)."""
        assert self._sock is not None
        while True:
            self._buffer = self._buffer.lstrip(b"\n")
            end = self._buffer.find(b"\r")
            if end != -1:
                frame, self._buffer = self._buffer[: end + 1], self._buffer[end + 1 :]
                return frame
            if len(self._buffer) > MAX_FRAME:
                raise AvailabilityError(
                    f"{self.where} sent more than {MAX_FRAME} bytes without ending a message"
                )
            try:
                self._sock.settimeout(_remaining(deadline))
                chunk = self._sock.recv(4096)
            except TimeoutError as exc:
                raise AvailabilityError(f"{self.where} did not answer in time") from exc
            except OSError as exc:
                raise AvailabilityError(f"{self.where}: reading failed: {exc}") from exc
            if not chunk:
                raise AvailabilityError(f"{self.where} closed the connection")
            self._buffer += chunk

    def _close(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
            self._sock = None
        self._buffer = b""


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise AvailabilityError("the library system did not answer in time")
    return left
