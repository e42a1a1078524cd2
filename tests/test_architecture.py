"""The rooms stay apart: data flows one way and nothing below imports the kiosk."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support import ROOT


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules(room: str) -> list[Path]:
    return sorted((ROOT / room).rglob("*.py"))


@pytest.mark.parametrize("path", modules("catalog"), ids=lambda p: p.name)
def test_catalog_imports_neither_hardware_nor_kiosk(path: Path) -> None:
    bad = {m for m in imports_of(path) if m.split(".")[0] in ("hardware", "kiosk")}
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("path", modules("hardware"), ids=lambda p: p.name)
def test_hardware_imports_neither_kiosk_nor_catalog(path: Path) -> None:
    # The error root is in the neutral ``talkcat`` package, so hardware needs no catalog at all.
    bad = {m for m in imports_of(path) if m.split(".")[0] in ("kiosk", "catalog")}
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("path", modules("talkcat"), ids=lambda p: p.name)
def test_the_neutral_package_imports_no_room(path: Path) -> None:
    bad = {m for m in imports_of(path) if m.split(".")[0] in ("kiosk", "catalog", "hardware")}
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_one_error_family() -> None:
    from catalog.errors import CatalogError, InvalidIdentifier
    from catalog.errors import TalkcatError as ReExported
    from hardware.errors import DriverConfigError, HardwareError
    from kiosk.errors import ConfigError
    from talkcat.errors import TalkcatError

    assert ReExported is TalkcatError  # old imports keep working
    for error in (CatalogError, InvalidIdentifier, HardwareError, ConfigError):
        assert issubclass(error, TalkcatError)
    # Each error carries the exit code the README promises for it.
    assert (CatalogError.exit_code, HardwareError.exit_code) == (3, 3)
    assert (InvalidIdentifier.exit_code, ConfigError.exit_code, DriverConfigError.exit_code) == (
        2, 2, 2,
    )


def test_each_room_owns_its_commands() -> None:
    """Staff commands beside the catalogue, technician commands beside the drivers."""
    from catalog import cli as staff_cli
    from hardware import cli as tech_cli
    from kiosk.cli import main

    for name in ("import", "search", "export", "catalog", "missing"):
        assert main.commands[name].callback.__module__ == staff_cli.__name__, name
    for name in ("drivers", "reader-test", "doctor"):
        assert main.commands[name].callback.__module__ == tech_cli.__name__, name


def test_one_error_edge() -> None:
    """Only the root group turns errors into exit codes: no sys.exit or ClickException below."""
    offenders = []
    for room in ("catalog", "hardware"):
        for path in modules(room):
            text = path.read_text("utf-8")
            if "sys.exit(" in text or "ClickException" in text or "SystemExit(" in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders
