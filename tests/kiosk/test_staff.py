from __future__ import annotations

from kiosk.staff import StaffGate, check_stored_hash, hash_card, hash_pin, verify
from tests.support import ManualClock as Clock


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
    clock = Clock()
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
