"""Staff access: a card or a PIN opens reload/status/quit; nothing else leaves the kiosk.

Secrets are stored only as salted hashes in ``kiosk.toml``.  A PIN is short, so it is hashed
with scrypt (slow on purpose) and wrong attempts are rate-limited: three wrong PINs lock the
gate for a minute, doubling each time.  A staff card's number is checked on every scan, so its
hash must be cheap: salted SHA-256, which is enough for a number that is printed on the card.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """``scrypt$<salt>$<hash>`` for the config file."""
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode("utf-8"), salt=salt, **_SCRYPT, dklen=32)
    return f"scrypt${_b64(salt)}${_b64(digest)}"


def hash_card(number: str, salt: bytes | None = None) -> str:
    """``sha256$<salt>$<hash>`` for the config file."""
    salt = salt or os.urandom(16)
    digest = hashlib.sha256(salt + number.strip().encode("utf-8")).digest()
    return f"sha256${_b64(salt)}${_b64(digest)}"


def verify(secret: str, stored: str) -> bool:
    """True when ``secret`` matches ``stored`` (either scheme); constant-time compare."""
    try:
        scheme, salt_text, digest_text = stored.split("$")
        salt, digest = _unb64(salt_text), _unb64(digest_text)
    except ValueError:
        return False
    if scheme == "scrypt":
        candidate = hashlib.scrypt(secret.encode("utf-8"), salt=salt, **_SCRYPT, dklen=32)
    elif scheme == "sha256":
        candidate = hashlib.sha256(salt + secret.strip().encode("utf-8")).digest()
    else:
        return False
    return hmac.compare_digest(candidate, digest)


def check_stored_hash(stored: str) -> str | None:
    """A config-validation helper: why ``stored`` is not a usable hash, or None."""
    parts = stored.split("$")
    if len(parts) != 3 or parts[0] not in ("scrypt", "sha256"):
        return "must be a hash made by 'talkcat staff hash' (scrypt$... or sha256$...)"
    try:
        _unb64(parts[1])
        _unb64(parts[2])
    except ValueError:
        return "is not a valid hash (bad base64)"
    return None


@dataclass
class StaffGate:
    """Decides whether a card or PIN opens staff mode; remembers wrong PIN attempts."""

    pin_hash: str | None = None
    card_hash: str | None = None
    max_attempts: int = 3
    lockout: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _failures: int = field(default=0, init=False)
    _locked_until: float = field(default=float("-inf"), init=False)
    _lockouts: int = field(default=0, init=False)

    @property
    def enabled(self) -> bool:
        return bool(self.pin_hash or self.card_hash)

    def is_staff_card(self, identifier: str) -> bool:
        return bool(self.card_hash) and verify(identifier, self.card_hash or "")

    def try_pin(self, pin: str) -> str:
        """``"ok"``, ``"wrong"`` or ``"locked"``; never says how close a guess was."""
        now = self.clock()
        if now < self._locked_until:
            log.warning("staff PIN attempt while locked out")
            return "locked"
        if self.pin_hash and verify(pin, self.pin_hash):
            self._failures = 0
            self._lockouts = 0
            log.info("staff PIN accepted")
            return "ok"
        self._failures += 1
        log.warning("wrong staff PIN (%d in a row)", self._failures)
        if self._failures >= self.max_attempts:
            self._failures = 0
            self._lockouts += 1
            self._locked_until = now + self.lockout * 2 ** (self._lockouts - 1)
            log.warning("staff PIN locked for %.0f s", self._locked_until - now)
            return "locked"
        return "wrong"
