"""Staff access: a card or a PIN opens reload/status/quit; nothing else leaves the kiosk.

Secrets are stored only as salted hashes in ``kiosk.toml``.  A PIN or password is short, so
it is hashed with scrypt (slow on purpose) and wrong attempts are rate-limited: three wrong PINs
lock the gate for a minute, doubling each time.  A staff card's number is checked on every scan,
so its hash must be cheap: salted SHA-256, which is enough for a number printed on the card.

The scrypt cost is OWASP's minimum in work (N=2^17, r=8, p=1 costs the same as N=2^14, r=8,
p=5), spent as five 16 MiB passes rather than one 128 MiB pass so a PIN check fits inside the
kiosk's memory budget.  The parameters travel in the hash string
(``scrypt$n=16384,r=8,p=5$<salt>$<hash>``), so a later cost change leaves old hashes working;
a hash made with weaker parameters (including the old three-part ``scrypt$<salt>$<hash>``) is
still accepted and replaced by a current one the next time its secret is entered.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

SCRYPT_COST: dict[str, int] = {"n": 2**14, "r": 8, "p": 5}
"""Current parameters for new hashes: OWASP's minimum work at 16 MiB of memory."""

_LEGACY_SCRYPT: dict[str, int] = {"n": 2**14, "r": 8, "p": 1}
"""What a three-part ``scrypt$salt$hash`` (before parameters were stored) was made with."""

_MAX_N, _MAX_R, _MAX_P = 2**20, 32, 64
"""Bounds on parameters read from a config file: a typo must not ask for gigabytes."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(secret: str, salt: bytes, cost: dict[str, int]) -> bytes:
    n, r, p = cost["n"], cost["r"], cost["p"]
    # hashlib refuses anything above 32 MiB unless told; the bound above keeps this finite.
    maxmem = 128 * r * (n + p + 2) + 1024 * 1024
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=maxmem,
                          dklen=32)


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """``scrypt$n=…,r=…,p=…$<salt>$<hash>`` for the config file (PINs and passwords)."""
    salt = salt or os.urandom(16)
    digest = _scrypt(pin, salt, SCRYPT_COST)
    params = ",".join(f"{key}={SCRYPT_COST[key]}" for key in ("n", "r", "p"))
    return f"scrypt${params}${_b64(salt)}${_b64(digest)}"


hash_password = hash_pin
"""The console's staff password is hashed exactly as the PIN is."""


def hash_card(number: str, salt: bytes | None = None) -> str:
    """``sha256$<salt>$<hash>`` for the config file."""
    salt = salt or os.urandom(16)
    digest = hashlib.sha256(salt + number.strip().encode("utf-8")).digest()
    return f"sha256${_b64(salt)}${_b64(digest)}"


@dataclass(frozen=True)
class _Parsed:
    scheme: str
    cost: dict[str, int]
    salt: bytes
    digest: bytes


def _parse_cost(text: str) -> dict[str, int]:
    cost: dict[str, int] = {}
    for item in text.split(","):
        key, sep, value = item.partition("=")
        if not sep or key not in ("n", "r", "p") or key in cost or not value.isdigit():
            raise ValueError(f"bad scrypt parameter {item!r}")
        cost[key] = int(value)
    if set(cost) != {"n", "r", "p"}:
        raise ValueError("scrypt parameters need n, r and p")
    n, r, p = cost["n"], cost["r"], cost["p"]
    if n < 2 or n & (n - 1) or n > _MAX_N:
        raise ValueError(f"scrypt n={n} must be a power of two up to {_MAX_N}")
    if not 1 <= r <= _MAX_R or not 1 <= p <= _MAX_P:
        raise ValueError(f"scrypt r={r}, p={p} out of range (r 1-{_MAX_R}, p 1-{_MAX_P})")
    return cost


def _parse(stored: str) -> _Parsed:
    """Split a stored hash; ``ValueError`` says what is wrong with it."""
    parts = stored.split("$")
    if parts[0] == "scrypt" and len(parts) == 4:
        cost = _parse_cost(parts[1])
        salt_text, digest_text = parts[2], parts[3]
    elif parts[0] == "scrypt" and len(parts) == 3:
        cost, salt_text, digest_text = dict(_LEGACY_SCRYPT), parts[1], parts[2]
    elif parts[0] == "sha256" and len(parts) == 3:
        cost, salt_text, digest_text = {}, parts[1], parts[2]
    else:
        raise ValueError("must be a hash made by 'talkcat staff hash' (scrypt$... or sha256$...)")
    try:
        salt, digest = _unb64(salt_text), _unb64(digest_text)
    except (ValueError, TypeError) as exc:
        raise ValueError("is not a valid hash (bad base64)") from exc
    if len(salt) < 8 or len(digest) != 32:
        raise ValueError("is not a valid hash (salt or digest has the wrong length)")
    return _Parsed(parts[0], cost, salt, digest)


def verify(secret: str, stored: str) -> bool:
    """True when ``secret`` matches ``stored`` (either scheme); constant-time compare."""
    try:
        parsed = _parse(stored)
    except ValueError:
        return False
    if parsed.scheme == "scrypt":
        candidate = _scrypt(secret, parsed.salt, parsed.cost)
    else:
        candidate = hashlib.sha256(parsed.salt + secret.strip().encode("utf-8")).digest()
    return hmac.compare_digest(candidate, parsed.digest)


def needs_upgrade(stored: str) -> bool:
    """True for a scrypt hash cheaper than :data:`SCRYPT_COST` (to be replaced on next use)."""
    try:
        parsed = _parse(stored)
    except ValueError:
        return False
    if parsed.scheme != "scrypt":
        return False
    work = parsed.cost["n"] * parsed.cost["r"] * parsed.cost["p"]
    return work < SCRYPT_COST["n"] * SCRYPT_COST["r"] * SCRYPT_COST["p"]


_B64 = re.compile(r"^[A-Za-z0-9_-]+$")


def check_stored_hash(stored: str, kind: str | None = None) -> str | None:
    """A config-validation helper: why ``stored`` is not a usable hash, or None.

    Strict, because a malformed hash does not fail loudly later - it just never matches, and
    staff are locked out of a kiosk they cannot reach without a shell.  ``kind`` ``"pin"``
    also refuses the cheap card scheme: a PIN hashed with one SHA-256 is guessed in seconds.
    """
    try:
        parsed = _parse(stored)
    except ValueError as exc:
        return str(exc)
    if kind == "pin" and parsed.scheme != "scrypt":
        return ("a PIN must be hashed with scrypt (make one with 'talkcat staff hash --pin'),"
                f" not {parsed.scheme}")
    # base64 decoding skips stray characters; a hash with any was typed or pasted wrong.
    if not all(_B64.match(text) for text in stored.split("$")[-2:]):
        return "is not a valid hash: salt or hash is not URL-safe base64"
    return None


def replace_in_config(path: str | Path, old: str, new: str) -> bool:
    """Swap the stored hash ``old`` for ``new`` in the config file, atomically.

    The hash is random text found exactly once, so a plain replacement keeps the file's
    comments and layout, which a TOML round trip would not.  False (and the file untouched)
    when it is not writable or does not hold ``old`` exactly once.
    """
    target = Path(path)
    try:
        text = target.read_text(encoding="utf-8")
        if text.count(old) != 1:
            return False
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_text(text.replace(old, new), encoding="utf-8")
        os.chmod(tmp, target.stat().st_mode & 0o7777)
        os.replace(tmp, target)
    except OSError as exc:
        log.warning("%s: could not store the upgraded staff hash: %s", target, exc)
        return False
    return True


@dataclass
class StaffGate:
    """Decides whether a card or PIN opens staff mode; remembers wrong PIN attempts."""

    pin_hash: str | None = None
    card_hash: str | None = None
    max_attempts: int = 3
    lockout: float = 60.0
    clock: Callable[[], float] = time.monotonic
    on_upgrade: Callable[[str, str], None] | None = None
    """Called with (old, new) when a correct PIN was stored with weaker scrypt parameters."""
    secret: str = "staff PIN"
    """What is being checked, for the log: the console's gate says "console password"."""
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
            log.warning("%s attempt while locked out", self.secret)
            return "locked"
        if self.pin_hash and verify(pin, self.pin_hash):
            self._failures = 0
            self._lockouts = 0
            log.info("%s accepted", self.secret)
            if needs_upgrade(self.pin_hash):
                old, self.pin_hash = self.pin_hash, hash_pin(pin)
                log.warning("%s hash upgraded to the current scrypt cost", self.secret)
                if self.on_upgrade is not None:
                    self.on_upgrade(old, self.pin_hash)
            return "ok"
        self._failures += 1
        log.warning("wrong %s (%d in a row)", self.secret, self._failures)
        if self._failures >= self.max_attempts:
            self._failures = 0
            self._lockouts += 1
            self._locked_until = now + self.lockout * 2 ** (self._lockouts - 1)
            log.warning("%s locked for %.0f s", self.secret, self._locked_until - now)
            return "locked"
        return "wrong"
