"""The command-line contract: every command documented, config check, staff hashes."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.staff import verify


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


def test_contract_commands_exist() -> None:
    names = {" ".join(path) for path, _ in all_commands(main)}
    assert {"demo", "import", "lookup", "run", "config check", "staff hash"} <= names


@pytest.mark.parametrize("path", [p for p, _ in all_commands(main)], ids=" ".join)
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    command = main
    for part in path:
        command = command.commands[part]  # type: ignore[attr-defined]
    assert command.help and len(command.help.strip()) > 20, f"{path} is undocumented"


def test_config_check_reports_all_problems(tmp_path) -> None:
    bad = tmp_path / "kiosk.toml"
    bad.write_text(
        '[kiosk]\nlanguage = "de"\n[speech]\nvolume = 2\n[staff]\npin_hash = "1234"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["config", "check", str(bad)])
    assert result.exit_code == 2
    for expected in ("kiosk.language", "speech.volume", "staff.pin_hash"):
        assert expected in result.output


def test_config_check_accepts_a_good_file(tmp_path) -> None:
    good = tmp_path / "kiosk.toml"
    good.write_text('[kiosk]\nlanguage = "en"\n[reader]\ndriver = "keyboard"\n', "utf-8")
    result = CliRunner().invoke(main, ["config", "check", str(good)])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output


def test_staff_hash_prints_a_verifiable_hash_and_never_the_pin() -> None:
    result = CliRunner().invoke(main, ["staff", "hash", "--pin"], input="4711\n4711\n")
    assert result.exit_code == 0, result.output
    line = result.stdout.strip().splitlines()[-1]
    key, _, value = line.partition(" = ")
    assert key == "pin_hash"
    assert verify("4711", value.strip('"'))
    assert "4711" not in line


def test_staff_hash_refuses_a_pin_that_cannot_be_typed_on_a_keypad() -> None:
    result = CliRunner().invoke(main, ["staff", "hash", "--pin"], input="abc\nabc\n")
    assert result.exit_code == 2


def test_a_missing_catalogue_is_a_message_not_a_traceback(tmp_path) -> None:
    result = CliRunner().invoke(main, ["search", "Pippi", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
