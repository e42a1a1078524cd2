"""talkcat drivers / reader-test / doctor."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from hardware import registry
from kiosk.cli import main
from tests.hardware.reader_support import Pty, wait_for

EXAMPLE = Path(__file__).parent / "example_driver"


@pytest.fixture
def runner():
    return CliRunner()


def test_every_technician_command_has_help(runner):
    for name in ("drivers", "reader-test", "doctor"):
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, result.output
        assert len(result.output.splitlines()) > 4
        assert main.get_command(None, name).help


def test_drivers_lists_groups_modules_options(runner):
    result = runner.invoke(main, ["drivers"])
    assert result.exit_code == 0, result.output
    for text in ("talkcat.readers:", "talkcat.speech:", "talkcat.audio:", "talkcat.keypad:",
                 "pygame     hardware.keypad.pygame_keys:PygameKeySource",
                 "serial     hardware.readers.serial:SerialReader",
                 "baudrate = 9600  (int) bits per second", "rfid", "replay", "keyboard"):
        assert text in result.output


def test_drivers_lists_a_plug_in_and_a_broken_driver(runner, tmp_path, monkeypatch):
    info = tmp_path / "broken-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[talkcat.readers]\nbroken = talkcat_gone:R\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(str(EXAMPLE))
    result = runner.invoke(main, ["drivers"])
    assert "echo       talkcat_example_driver:EchoReader" in result.output
    assert "times = 1  (int) how often" in result.output
    assert "BROKEN: ModuleNotFoundError: No module named 'talkcat_gone'" in result.output


def test_plug_in_visible_to_a_subprocess_via_pythonpath():
    env = {**os.environ, "PYTHONPATH": str(EXAMPLE)}
    out = subprocess.run(
        [sys.executable, "-c", "from kiosk.cli import main; main()", "reader-test",
         "--reader", "echo:9789129688313", "--seconds", "5", "--frames", "1"],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )
    assert "frame '9789129688313'" in out.stdout, out.stderr


def test_reader_test_list_driver_shows_frames_and_keys(runner):
    result = runner.invoke(main, ["reader-test", "--reader", "list:]E09789129688313,key:more",
                                  "--seconds", "0.3"])
    assert result.exit_code == 0, result.output
    assert "frame '9789129688313' kind=barcode symbology=]E0" in result.output
    assert "identifier:" in result.output
    assert "key   more" in result.output


def test_reader_test_shows_raw_bytes_frames_and_drops_over_a_pty(runner):
    pty = Pty()
    try:
        writer = threading.Thread(target=lambda: (
            wait_for(lambda: _slave_open(pty)),
            pty.write(_bcc_frame(b"]E09789129688313") + b"\x02999\x03\x00"
                      + _bcc_frame(b"]E473513537")),
        ))
        writer.start()
        result = runner.invoke(main, [
            "reader-test", "--reader", f"serial:{pty.name}", "--option", "framing=stx-etx",
            "--option", "checksum=bcc",
            "--option", "max_frame=64", "--seconds", "10", "--frames", "2",
        ])
        writer.join(10)
    finally:
        pty.close()
    assert result.exit_code == 0, result.output
    assert "raw   02 5d 45 30" in result.output
    assert "|<STX>]E09789129688313<ETX>" in result.output
    assert "frame '9789129688313' kind=barcode symbology=]E0" in result.output
    assert "frame '73513537' kind=barcode symbology=]E4" in result.output
    assert "drop  bad checksum 0x00" in result.output
    assert "2 frame(s)" in result.output


def _bcc_frame(payload: bytes) -> bytes:
    check = 0
    for byte in payload + b"\x03":
        check ^= byte
    return b"\x02" + payload + b"\x03" + bytes([check])


def _slave_open(pty: Pty) -> bool:
    """True once someone opened the slave side in raw mode (pyserial clears ICANON)."""
    import termios

    try:
        fd = os.open(pty.name, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        return not termios.tcgetattr(fd)[3] & termios.ICANON
    finally:
        os.close(fd)


def test_reader_test_errors(runner, tmp_path):
    result = runner.invoke(main, ["reader-test", "--reader", f"serial:{tmp_path}/ttyUSB7"])
    assert result.exit_code == 3
    assert "no such device - is the reader plugged in?" in result.output
    result = runner.invoke(main, ["reader-test", "--reader", "serial:loop://",
                                  "--option", "baud=9600"])
    assert result.exit_code == 2  # a wrong option is a configuration fault (README: exit 2)
    assert "did you mean 'baudrate'" in result.output
    result = runner.invoke(main, ["reader-test", "--reader", "serial:loop://", "--option", "x"])
    assert result.exit_code == 2
    result = runner.invoke(main, ["reader-test", "--reader", "nosuch"])
    assert "no reader driver 'nosuch'" in result.output


def test_an_unknown_driver_exits_2_whatever_the_command(runner, tmp_path):
    """One error edge: the same fault gives the same exit code in reader-test, run, config."""
    toml = tmp_path / "kiosk.toml"
    toml.write_text('[reader]\ndriver = "nosuch"\n')
    for args in (
        ["reader-test", "--reader", "nosuch"],
        ["run", "--reader", "nosuch", "--audio", "none", "--speech", "recording"],
        ["config", "check", str(toml)],
    ):
        result = runner.invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert "no reader driver 'nosuch'" in result.output, (args, result.output)
        assert "Traceback" not in result.output


@pytest.fixture
def quiet_devices(monkeypatch):
    """Speech and audio checks answered without starting eSpeak or the mixer (fast, hermetic)."""
    from hardware.audio.pygame_output import PygameOutput
    from hardware.speech.pyttsx3_engine import Pyttsx3Synthesizer

    monkeypatch.setattr(Pyttsx3Synthesizer, "check", lambda self: "voices sv, en")
    monkeypatch.setattr(PygameOutput, "check", lambda self: "mixer 22050 Hz")


def test_doctor_lines_are_ok_warn_fail_and_catalogue(runner, tmp_path, quiet_devices):
    db = tmp_path / "catalogue.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 3")
        conn.execute("CREATE TABLE t (x)")
    result = runner.invoke(main, ["doctor", "--db", str(db)])
    lines = [line for line in result.output.splitlines() if not line.startswith("talkcat:")]
    assert lines
    assert all(line.split()[0] in ("OK", "WARN", "FAIL") for line in lines), result.output
    assert "speech driver 'pyttsx3': voices sv, en" in result.output
    assert "audio driver 'pygame': mixer 22050 Hz" in result.output
    assert f"OK    catalogue {db}: schema version 3, quick_check ok" in result.output
    if os.geteuid() == 0:
        assert "WARN  running as root" in result.output
    missing = runner.invoke(main, ["doctor", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1
    assert "FAIL  catalogue" in missing.output and "not found" in missing.output


def test_doctor_asks_every_registered_driver_for_its_check(runner, quiet_devices):
    result = runner.invoke(main, ["doctor"])
    for kind in registry.KINDS:
        for info in registry.available(kind.group):
            assert f"{kind.label} '{info.name}'" in result.output, (info.name, result.output)


def test_doctor_runs_a_third_party_check_and_survives_a_broken_one(
    runner, tmp_path, monkeypatch, quiet_devices
):
    info = tmp_path / "broken-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[talkcat.readers]\nbroken = talkcat_gone:R\n")
    (tmp_path / "raising_check.py").write_text(
        "class R:\n    OPTIONS = ()\n"
        "    @staticmethod\n    def check():\n        raise RuntimeError('boom')\n"
    )
    raising = tmp_path / "raising-1.0.dist-info"
    raising.mkdir()
    (raising / "METADATA").write_text("Metadata-Version: 2.1\nName: raising\nVersion: 1.0\n")
    (raising / "entry_points.txt").write_text("[talkcat.speech]\nraising = raising_check:R\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    result = runner.invoke(main, ["doctor"])
    assert "FAIL  reader driver 'broken' is broken: ModuleNotFoundError" in result.output
    assert "FAIL  speech driver 'raising': check() raised RuntimeError: boom" in result.output
    assert "reader driver 'serial'" in result.output  # the others still reported
    assert result.exit_code == 1
    assert "Traceback" not in result.output


def test_a_reader_without_a_device_warns_with_the_fix(monkeypatch, tmp_path):
    from serial.tools import list_ports

    from hardware.readers.hid import HidReader
    from hardware.readers.serial import SerialReader

    monkeypatch.setattr(list_ports, "comports", lambda: [])
    (check,) = SerialReader.check()
    assert check.status == "WARN" and "no serial ports" in check.what and "plug in" in check.fix
    checks = HidReader.check(str(tmp_path / "*kbd*"))
    scanners = [c for c in checks if "input devices" in c.what]
    assert scanners[0].status == "WARN" and "/dev/input/by-id/" in scanners[0].fix
    (tmp_path / "usb-Scanner-event-kbd").write_text("")
    found = [c for c in HidReader.check(str(tmp_path / "*kbd*")) if "input device " in c.what]
    assert found[0].status == "OK" and "usb-Scanner-event-kbd" in found[0].what


def test_doctor_describes_a_catalogue_in_words(runner, tmp_path, quiet_devices):
    """A technician reads counts, not a Python dict ("{'path': ..., 'by_kind': {}}")."""
    source = tmp_path / "books.csv"
    source.write_text("isbn,title\n9789100563226,En bok\n", encoding="utf-8")
    db = tmp_path / "catalogue.db"
    assert runner.invoke(main, ["import", str(source), "--db", str(db)]).exit_code == 0
    result = runner.invoke(main, ["doctor", "--db", str(db)])
    line = next(x for x in result.output.splitlines() if x.startswith(f"OK    catalogue {db}"))
    assert "; records 1, identifiers 1, labels 0, last import 20" in line, line
    assert "{" not in line and "'" not in line, line
