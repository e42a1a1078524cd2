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
def test_hardware_never_imports_the_kiosk(path: Path) -> None:
    bad = {m for m in imports_of(path) if m.split(".")[0] == "kiosk"}
    bad |= {m for m in imports_of(path) if m.startswith("catalog") and m != "catalog.errors"}
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_one_error_family() -> None:
    from catalog.errors import CatalogError, InvalidIdentifier, TalkcatError
    from hardware.errors import HardwareError
    from kiosk.errors import ConfigError

    for error in (CatalogError, InvalidIdentifier, HardwareError, ConfigError):
        assert issubclass(error, TalkcatError)
