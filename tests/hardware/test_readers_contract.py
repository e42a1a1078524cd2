"""Every registered reader driver honours the ``Reader`` contract.

Parametrised over the entry points, so a newly registered driver is tested without being
named here.  ``TALKCAT_HARDWARE_PORT=/dev/ttyUSB0`` also runs the serial driver against the
real reader on the bench.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from hardware import registry
from tests.hardware.reader_support import Pty, check_contract

DRIVERS = [info.name for info in registry.available(registry.READERS)]
TIMEOUT = 0.2


@pytest.fixture
def target_for(tmp_path) -> Iterator:
    ptys: list[Pty] = []

    def make(name: str) -> str | None:
        if name in ("serial", "rfid"):
            pty = Pty()
            ptys.append(pty)
            return pty.name
        if name == "replay":
            script = tmp_path / "script.txt"
            script.write_text("0 scan 9789129688313\n")
            return str(script)
        if name == "list":
            return "9789129688313"
        if name == "hid":
            # Needs a real input device; test_readers_hid.py runs this contract on a fake
            # evdev device and, where /dev/uinput is writable, on a virtual keyboard.
            pytest.skip("hid: no input device to open here (see test_readers_hid.py)")
        return None  # an outside driver: its default target

    yield make
    for pty in ptys:
        pty.close()


@pytest.mark.parametrize("name", DRIVERS)
def test_reader_contract(name, target_for):
    info = registry.driver(registry.READERS, name)
    for option in info.options:
        assert option.help, f"{name}.{option.name} has no help"
        registry.check_options(name, info.options, {option.name: option.default})
    reader = registry.create(registry.READERS, name, target_for(name), {})
    check_contract(reader)
    reader.open()  # a closed reader can be opened again (that is how replug works)
    reader.close()


@pytest.mark.skipif(not os.environ.get("TALKCAT_HARDWARE_PORT"), reason="no bench reader")
def test_contract_on_the_bench_reader():
    port = os.environ["TALKCAT_HARDWARE_PORT"]
    check_contract(registry.create(registry.READERS, "serial", port, {}))
