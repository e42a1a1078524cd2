"""The console's own defences: sessions, CSRF tokens, login lockout and response headers.

Why server-side sessions instead of a signed cookie: a session must end after inactivity and at
"log out" for certain, which a self-contained cookie cannot promise (a copied cookie would stay
valid until it expires).  The cookie holds only a random token; everything else stays here.

Every visitor - logged in or not - gets a session with its own CSRF token, so the login form is
protected too (login CSRF); logging in issues a *new* token (no session fixation).  Wrong
passwords go through :class:`kiosk.staff.StaffGate`, so the console locks exactly as the
kiosk's staff PIN does: three wrong in a row lock it for a minute, doubling each time.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kiosk.staff import StaffGate

log = logging.getLogger(__name__)

COOKIE = "talkcat_console"
MAX_SESSIONS = 2000
"""Anonymous sessions are cheap to make; beyond this the least recently used are dropped."""

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "media-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)


@dataclass
class Session:
    token: str
    csrf: str
    last_seen: float
    staff: bool = False
    data: dict[str, Any] = field(default_factory=dict)


class Sessions:
    """Random-token sessions that end after ``idle_seconds`` without a request."""

    def __init__(self, idle_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle_seconds = idle_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._sessions: OrderedDict[str, Session] = OrderedDict()

    def get(self, token: str | None) -> Session | None:
        """The live session for ``token`` (its idle clock restarted), or None."""
        if not token:
            return None
        now = self.clock()
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            if now - session.last_seen > self.idle_seconds:
                del self._sessions[token]
                return None
            session.last_seen = now
            self._sessions.move_to_end(token)
            return session

    def new(self, staff: bool = False) -> Session:
        session = Session(
            token=secrets.token_urlsafe(32),
            csrf=secrets.token_urlsafe(32),
            last_seen=self.clock(),
            staff=staff,
        )
        with self._lock:
            self._sessions[session.token] = session
            while len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
        return session

    def end(self, token: str) -> None:
        with self._lock:
            self._sessions.pop(token, None)

    def __len__(self) -> int:
        return len(self._sessions)


def csrf_ok(session: Session | None, given: str | None) -> bool:
    """Constant-time comparison of the form's token with the session's."""
    if session is None or not given:
        return False
    return hmac.compare_digest(session.csrf.encode(), given.encode())


LOOPBACK = frozenset({"127.0.0.1", "::1"})
MAX_CLIENTS = 1024
"""Client addresses whose wrong attempts are remembered; the oldest is forgotten first."""


def client_address(peer: str | None, forwarded_for: str | None) -> str:
    """Who is logging in: the peer, or - when the peer is the documented reverse proxy on
    this machine - the last address of ``X-Forwarded-For``, the one the proxy itself saw
    (earlier entries are whatever the client chose to send)."""
    peer = peer or "unknown"
    if peer in LOOPBACK and forwarded_for:
        last = forwarded_for.rsplit(",", 1)[-1].strip()
        if last:
            return last[:64]
    return peer


class LoginGate:
    """The staff password, checked with the kiosk PIN's hash and lockout rules, per client.

    A lockout for everyone let anyone who reaches the port keep staff out for ever with one
    wrong password a minute (hostile3-13), so each client address has its own count and
    lockout.  Guessing stays slow: one attempt at a time for the whole console (the hash is
    scrypt), and an address that is locked stays locked whatever password it sends.
    """

    def __init__(self, password_hash: str, clock: Callable[[], float] = time.monotonic) -> None:
        self._hash = password_hash
        self._clock = clock
        self._gates: OrderedDict[str, StaffGate] = OrderedDict()
        self._lock = threading.Lock()

    def _gate(self, client: str) -> StaffGate:
        gate = self._gates.pop(client, None)
        if gate is None:
            gate = StaffGate(pin_hash=self._hash, clock=self._clock, secret="console password")
            while len(self._gates) >= MAX_CLIENTS:
                self._gates.popitem(last=False)
        self._gates[client] = gate  # newest last
        return gate

    def attempt(self, password: str, client: str = "unknown") -> str:
        """``"ok"``, ``"wrong"`` or ``"locked"`` (one attempt at a time: the hash is slow)."""
        with self._lock:
            result = self._gate(client).try_pin(password)
        if result != "ok":
            log.info("console login from %s: %s", client, result)
        return result

    def seconds_locked(self, client: str = "unknown") -> float:
        with self._lock:
            gate = self._gates.get(client)
        until = getattr(gate, "_locked_until", float("-inf"))
        return max(0.0, until - self._clock())


class SecurityHeaders:
    """ASGI middleware: the same protective headers on every response, errors included,
    plus ``Server-Timing`` (the server's own time for the request, read by the benchmark)."""

    def __init__(self, app: Any, *, tls: bool) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", CSP.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        ]
        if tls:
            self.headers.append((b"strict-transport-security", b"max-age=31536000"))

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"server"
                ]
                names = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in self.headers if k not in names]
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                ms = (time.perf_counter() - started) * 1000
                headers.append((b"server-timing", f"app;dur={ms:.2f}".encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
