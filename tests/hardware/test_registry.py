"""The driver registry: entry points, broken drivers listed, options validated all at once."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from hardware import registry
from hardware.errors import HardwareError
from hardware.protocols import Option
from hardware.readers.serial import SerialReader

EXAMPLE = Path(__file__).parent / "example_driver"


def add_dist(root: Path, name: str, entry_points: str) -> None:
    """Make a distribution visible to importlib.metadata without installing it."""
    info = root / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(textwrap.dedent(entry_points))


@pytest.fixture
def example_driver(monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLE))
    yield EXAMPLE


def test_our_readers_are_registered_like_anyone_elses():
    infos = {i.name: i for i in registry.available(registry.READERS)}
    assert {"serial", "keyboard", "replay", "list", "rfid"} <= set(infos)
    serial = infos["serial"]
    assert serial.error is None
    assert serial.target == "hardware.readers.serial:SerialReader"
    assert serial.factory is SerialReader
    assert {o.name for o in serial.options} >= {"baudrate", "parity", "framing", "max_frame"}


def test_a_broken_driver_is_listed_with_its_error_never_hidden(tmp_path, monkeypatch):
    add_dist(tmp_path, "broken_driver", """
        [talkcat.readers]
        broken = talkcat_no_such_module:Reader
    """)
    monkeypatch.syspath_prepend(str(tmp_path))
    infos = {i.name: i for i in registry.available(registry.READERS)}
    assert "ModuleNotFoundError" in infos["broken"].error
    assert infos["serial"].error is None
    with pytest.raises(HardwareError, match=r"'broken'.*is broken: ModuleNotFoundError"):
        registry.create(registry.READERS, "broken", None, {})


def test_unknown_driver_suggests_a_name():
    with pytest.raises(HardwareError, match="no reader driver 'serail' - did you mean 'serial'"):
        registry.create(registry.READERS, "serail", "/dev/ttyUSB0", {})


def test_all_option_problems_at_once():
    with pytest.raises(registry.DriverOptionsError) as info:
        registry.create(
            registry.READERS,
            "serial",
            "loop://",
            {"baud": 9600, "parity": "e", "bytesize": "8", "symbology_ids": 1, "framing": "line"},
        )
    error = info.value
    assert [key for key, _ in error.problems] == ["baud", "parity", "bytesize", "symbology_ids"]
    text = str(error)
    assert (
        "reader driver 'serial': option 'baud': unknown option - did you mean 'baudrate'?" in text
    )
    assert "'e' is not allowed; choose one of: 'none', 'even', 'odd', 'mark', 'space'" in text
    assert "option 'bytesize': expected whole number, got str '8'" in text
    assert "option 'symbology_ids': expected true/false, got int 1" in text
    assert isinstance(error, HardwareError)


def test_defaults_applied_and_int_widened_to_float():
    checked = registry.check_options(
        "x", SerialReader.OPTIONS, {"stopbits": 2, "baudrate": 19200}
    )
    assert checked["stopbits"] == 2.0 and isinstance(checked["stopbits"], float)
    assert checked["baudrate"] == 19200
    assert checked["framing"] == "line"
    with pytest.raises(registry.DriverOptionsError, match="expected whole number, got bool"):
        registry.check_options("x", SerialReader.OPTIONS, {"baudrate": True})


def test_create_passes_target_and_options():
    reader = registry.create(registry.READERS, "serial", "loop://", {"baudrate": 19200})
    assert isinstance(reader, SerialReader)
    assert reader.target == "loop://"
    assert reader._port_settings["baudrate"] == 19200


def test_constructor_failure_names_the_driver(tmp_path, monkeypatch):
    (tmp_path / "talkcat_fussy.py").write_text(textwrap.dedent("""
        class Fussy:
            OPTIONS = ()
            def __init__(self, target):
                raise RuntimeError("needs calibration")
    """))
    add_dist(tmp_path, "fussy", "[talkcat.readers]\nfussy = talkcat_fussy:Fussy\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(HardwareError, match="reader driver 'fussy': could not be created: "
                                            "RuntimeError: needs calibration"):
        registry.create(registry.READERS, "fussy", None, {})


def test_options_need_not_be_our_class(tmp_path, monkeypatch):
    (tmp_path / "talkcat_duck.py").write_text(textwrap.dedent("""
        from collections import namedtuple
        Opt = namedtuple("Opt", "name type default help choices")
        class Duck:
            OPTIONS = (Opt("speed", int, 3, "how fast", (1, 3)),)
            def __init__(self, target, speed):
                self.speed = speed
    """))
    add_dist(tmp_path, "duck", "[talkcat.readers]\nduck = talkcat_duck:Duck\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert registry.create(registry.READERS, "duck", None, {}).speed == 3
    with pytest.raises(HardwareError, match="choose one of: 1, 3"):
        registry.create(registry.READERS, "duck", None, {"speed": 2})


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("serial:/dev/ttyUSB0", ("serial", "/dev/ttyUSB0")),
        ("serial:socket://host:1234", ("serial", "socket://host:1234")),
        ("serial:rfc2217://10.0.0.5:2217", ("serial", "rfc2217://10.0.0.5:2217")),
        ("keyboard", ("keyboard", None)),
        ("keyboard:", ("keyboard", None)),
        (" replay:visit.txt ", ("replay", "visit.txt")),
        ("serial:COM3", ("serial", "COM3")),
    ],
)
def test_parse_spec(spec, expected):
    assert registry.parse_spec(spec) == expected


def test_parse_spec_mistakes():
    with pytest.raises(HardwareError, match="did you mean 'serial:/dev/ttyUSB0'"):
        registry.parse_spec("/dev/ttyUSB0")
    with pytest.raises(HardwareError, match="driver name is needed"):
        registry.parse_spec(":x")


def test_coerce_option_text():
    options = (
        Option("n", int, 1, ""), Option("f", float, 1.0, ""), Option("b", bool, False, ""),
        Option("s", str, "", ""),
    )
    assert registry.coerce_option_text(
        options, {"n": "0x10", "f": "2.5", "b": "yes", "s": "42", "zz": "1"}
    ) == {"n": 16, "f": 2.5, "b": True, "s": "42", "zz": "1"}
    assert registry.coerce_option_text(options, {"n": "many"}) == {"n": "many"}


def test_plug_in_driver_is_found_and_created(example_driver):
    infos = {i.name: i for i in registry.available(registry.READERS)}
    assert infos["echo"].target == "talkcat_example_driver:EchoReader"
    assert [o.name for o in infos["echo"].options] == ["kind", "times"]
    reader = registry.create(registry.READERS, "echo", "9789129688313", {"times": 2})
    reader.open()
    assert [reader.read(0).text for _ in range(2)] == ["9789129688313"] * 2
    assert reader.read(0.01) is None
    reader.close()


def test_every_group_lists(tmp_path):
    for group in registry.GROUPS:
        for info in registry.available(group):
            assert info.group == group
            assert info.error is not None or info.factory is not None


def test_every_driver_of_every_kind_declares_its_defaults_once():
    """A constructor default that disagrees with the declared Option would make a driver
    behave differently when built directly than when configured: they must be the same."""
    import inspect

    for kind in registry.KINDS:
        for info in registry.available(kind.group):
            assert info.error is None, (info.name, info.error)
            params = inspect.signature(info.factory).parameters
            takes_any = any(p.kind == p.VAR_KEYWORD for p in params.values())
            for option in info.options:
                assert option.help.strip(), (info.name, option.name)
                param = params.get(option.name)
                assert param is not None or takes_any, (info.name, option.name)
                if param is not None and param.default is not inspect.Parameter.empty:
                    assert param.default == option.default, (info.name, option.name)
