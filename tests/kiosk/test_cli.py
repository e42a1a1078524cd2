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


@pytest.mark.parametrize(
    "scanned", ["20000000000018", "*20000000000018*", "]C020000000000018", "2000 0000 0000 18"]
)
def test_lookup_with_the_kiosk_config_says_what_the_kiosk_says_for_a_library_card(
    tmp_path, scanned: str
) -> None:
    # Found by an outside tester: lookup said "not in the catalogue" where the kiosk says
    # "this is a library card".  As at the kiosk, the number is never printed.
    from tests.support import FIXTURES

    db = tmp_path / "c.db"
    assert CliRunner().invoke(main, ["import", str(FIXTURES / "libris_bib_28.mrc"),
                                     "--db", str(db)]).exit_code == 0
    phrases = tmp_path / "phrases"
    phrases.mkdir()
    (phrases / "en.toml").write_text(
        '[phrases]\npatron_card = "That is your library card. Scan a book."\n', "utf-8"
    )
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[kiosk]\nphrases_dir = "{phrases}"\n[privacy]\npatron_pattern = "^2\\\\d{{13}}$"\n',
        "utf-8",
    )
    for lang, said in [("sv", "Det här är ett lånekort, inte en bok."),
                       ("en", "That is your library card. Scan a book.")]:
        result = CliRunner().invoke(
            main, ["lookup", scanned, "--db", str(db), "--config", str(config), "--lang", lang]
        )
        assert result.exit_code == 1, result.output
        assert result.stdout == said + "\n"
        assert "0000000" not in result.stdout + result.stderr
    without = CliRunner().invoke(main, ["lookup", "20000000000018", "--db", str(db)])
    assert "lånekort" not in without.stdout  # no config, no pattern: an unknown number
