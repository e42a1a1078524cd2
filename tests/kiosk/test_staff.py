from __future__ import annotations

from kiosk.staff import StaffGate, check_stored_hash, hash_card, hash_pin, verify
from tests.support import ManualClock


def test_pin_hash_is_salted_and_verifies() -> None:
    first, second = hash_pin("4711"), hash_pin("4711")
    assert first != second  # salted
    assert "4711" not in first
    assert verify("4711", first) and verify("4711", second)
    assert not verify("4712", first)
    assert check_stored_hash(first) is None


def test_card_hash_verifies_and_ignores_whitespace() -> None:
    stored = hash_card("S0001234")
    assert verify(" S0001234\r\n", stored)
    assert not verify("S0001235", stored)


def test_garbage_hash_never_verifies() -> None:
    assert not verify("x", "plain-text-pin")
    assert check_stored_hash("1234") is not None


def test_wrong_pins_lock_the_gate_with_growing_lockout() -> None:
    clock = ManualClock()
    gate = StaffGate(pin_hash=hash_pin("2468"), clock=clock, lockout=60)
    assert gate.try_pin("0000") == "wrong"
    assert gate.try_pin("1111") == "wrong"
    assert gate.try_pin("2222") == "locked"
    assert gate.try_pin("2468") == "locked"  # even the right PIN waits
    clock.now += 61
    assert gate.try_pin("2468") == "ok"
    for pin in ("0", "1", "2"):
        gate.try_pin(pin)
    clock.now += 61
    assert gate.try_pin("2468") == "ok"  # counter reset after success: 60 s again
    for pin in ("0", "1", "2"):
        gate.try_pin(pin)
    for pin in ("0", "1", "2"):
        clock.now += 61
        gate.try_pin(pin)
    clock.now += 61
    assert gate.try_pin("2468") == "locked"  # second lockout in a row lasts 120 s
    clock.now += 60
    assert gate.try_pin("2468") == "ok"


def test_staff_card() -> None:
    gate = StaffGate(card_hash=hash_card("STAFF-1"))
    assert gate.enabled
    assert gate.is_staff_card("STAFF-1")
    assert not gate.is_staff_card("9789100563226")
    assert not StaffGate().enabled


def test_new_hashes_store_owasp_equivalent_scrypt_parameters() -> None:
    from kiosk.staff import SCRYPT_COST, needs_upgrade

    stored = hash_pin("4711")
    scheme, params, _salt, _digest = stored.split("$")
    assert scheme == "scrypt"
    cost = dict(item.split("=") for item in params.split(","))
    n, r, p = int(cost["n"]), int(cost["r"]), int(cost["p"])
    # OWASP's password storage cheat sheet: N=2^17, r=8, p=1, or one of its equal-cost
    # settings that trade memory for passes.
    owasp = {(2**17, 8, 1), (2**16, 8, 2), (2**15, 8, 3), (2**14, 8, 5), (2**13, 8, 10)}
    assert (n, r, p) in owasp or n * r * p >= 2**17 * 8
    assert 128 * n * r <= 32 * 1024 * 1024  # memory of one pass inside the kiosk's budget
    assert (n, r, p) == (SCRYPT_COST["n"], SCRYPT_COST["r"], SCRYPT_COST["p"])
    assert not needs_upgrade(stored)


def _legacy_hash(pin: str) -> str:
    """A PIN hash as talkcat wrote it before parameters were stored (n=2^14, r=8, p=1)."""
    import base64
    import hashlib

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")

    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt${b64(salt)}${b64(digest)}"


def test_old_three_part_hash_is_accepted_and_upgraded_on_next_use() -> None:
    from kiosk.staff import needs_upgrade

    legacy = _legacy_hash("2468")
    assert check_stored_hash(legacy) is None and verify("2468", legacy)
    assert needs_upgrade(legacy)
    upgrades: list[tuple[str, str]] = []
    gate = StaffGate(pin_hash=legacy, on_upgrade=lambda old, new: upgrades.append((old, new)))
    assert gate.try_pin("1111") == "wrong"
    assert upgrades == []
    assert gate.try_pin("2468") == "ok"
    assert len(upgrades) == 1 and upgrades[0][0] == legacy
    new = upgrades[0][1]
    assert gate.pin_hash == new and not needs_upgrade(new) and verify("2468", new)
    assert gate.try_pin("2468") == "ok" and len(upgrades) == 1  # upgraded once


def test_upgraded_hash_is_written_back_to_the_config_file(tmp_path) -> None:
    from kiosk.staff import replace_in_config

    legacy = _legacy_hash("2468")
    config = tmp_path / "kiosk.toml"
    config.write_text(f'# staff\n[staff]\npin_hash = "{legacy}"  # keep this comment\n')
    new = hash_pin("2468")
    assert replace_in_config(config, legacy, new)
    text = config.read_text()
    assert legacy not in text and new in text and "# keep this comment" in text
    assert not replace_in_config(config, legacy, new)  # no longer there: untouched


def test_malformed_and_hostile_hashes_are_refused_with_a_reason() -> None:
    good = hash_pin("4711")
    _, _params, salt, digest = good.split("$")
    for bad in (
        f"scrypt$n=1073741824,r=8,p=1${salt}${digest}",  # gigabytes: refused, not attempted
        f"scrypt$n=1000,r=8,p=1${salt}${digest}",  # not a power of two
        f"scrypt$n=16384,r=8${salt}${digest}",  # p missing
        f"scrypt$n=16384,r=8,p=5${salt}$!!!",  # bad base64
        f"scrypt$n=16384,r=8,p=5${salt}${digest[:10]}",  # truncated digest
        "sha256$$",
    ):
        assert check_stored_hash(bad) is not None, bad
        assert not verify("4711", bad)
