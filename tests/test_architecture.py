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


def test_the_kiosk_boots_without_the_other_rooms() -> None:
    """``talkcat run`` must not pay for the harvester, the importers or the console at boot.

    The root mounts those rooms on first need; importing them eagerly took start-up from
    about 0.4 to 1.0 s on the 1,000,000-item benchmark catalogue.
    """
    import subprocess
    import sys

    probe = (
        "import sys; import kiosk.cli; from kiosk.cli import main; "
        "main.get_command(None, 'run'); "
        "print(sorted(m for m in ('catalog.harvest', 'catalog.importing', 'catalog.oai', "
        "'kiosk.console.app', 'catalog.exporting') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    assert out.strip() == "[]"
    # ... and every room is still there the moment anything but the kiosk's own is asked for.
    from kiosk.cli import main

    assert main.get_command(None, "harvest") is not None  # type: ignore[arg-type]
    assert {"import", "harvest", "console", "doctor", "lookup"} <= set(main.commands)


def test_one_error_edge() -> None:
    """Only the root group turns errors into exit codes: no sys.exit or ClickException below."""
    allowed = {
        "kiosk/cli.py",  # fail(): the edge itself
        "kiosk/cli_lookup.py",  # exit 1 is lookup's answer, printed as the spoken sentence
    }
    offenders = []
    for room in ("catalog", "hardware", "kiosk"):
        for path in modules(room):
            text = path.read_text("utf-8")
            if "sys.exit(" in text or "ClickException" in text or "SystemExit(" in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert set(offenders) <= allowed, sorted(set(offenders) - allowed)


# ------------------------------------------------------------------ size and drivers (issue 11)

def _driver_modules() -> set[str]:
    from hardware import registry

    found: set[str] = set()
    for kind in registry.KINDS:
        for info in registry.available(kind.group):
            found.add(info.target.split(":")[0])
    return found


def test_every_driver_kind_is_loaded_through_the_registry() -> None:
    """No room names a driver module: readers, speech, audio and keypad come from entry points."""
    from hardware import registry

    drivers = _driver_modules()
    assert {k.group for k in registry.KINDS} >= {
        "talkcat.readers", "talkcat.speech", "talkcat.audio", "talkcat.keypad",
    }
    assert "hardware.keypad.pygame_keys" in drivers  # the keypad is a driver like the others
    offenders = []
    for path in [*modules("kiosk"), *modules("catalog"), ROOT / "hardware" / "cli.py"]:
        imported = imports_of(path)
        bad = {m for m in imported if m in drivers}
        if bad:
            offenders.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert not offenders, offenders


def test_doctor_names_no_driver_and_asks_each_for_check() -> None:
    """doctor's checks come from the registry's self_check of every registered driver."""
    from hardware import cli, registry

    source = (ROOT / "hardware" / "cli.py").read_text("utf-8")
    doctor = source[source.index("def check_drivers"):]
    for kind in registry.KINDS:
        for info in registry.available(kind.group):
            assert f"'{info.name}'" not in doctor and f'"{info.name}"' not in doctor, info.name
    called: list[str] = []
    real = registry.self_check

    def spy(info, *args, **kwargs):
        called.append(f"{info.group}:{info.name}")
        return []

    registry.self_check = spy
    try:
        list(cli.check_drivers())
    finally:
        registry.self_check = real
    expected = {f"{k.group}:{i.name}" for k in registry.KINDS for i in registry.available(k.group)}
    assert set(called) == expected


def test_speech_defaults_live_once() -> None:
    """volume_max was 0.8 in the config and 1.0 in the kiosk; 80-450 was written four times."""
    from hardware.protocols import RATE_DEFAULT, RATE_MAX, RATE_MIN, VOLUME_MAX_DEFAULT
    from kiosk import config
    from kiosk.visit import VisitSettings

    assert VisitSettings().volume_max == config.Config().speech_volume_max == VOLUME_MAX_DEFAULT
    assert config.SCHEMA["speech"]["volume_max"].default == VOLUME_MAX_DEFAULT
    assert VisitSettings().rate == config.SCHEMA["speech"]["rate"].default == RATE_DEFAULT
    written = []
    for path in [p for room in ("hardware", "kiosk") for p in modules(room)]:
        if path.name == "protocols.py":
            continue
        tree = ast.parse(path.read_text("utf-8"))
        if any(isinstance(n, ast.Constant) and n.value == RATE_MAX for n in ast.walk(tree)):
            written.append(str(path.relative_to(ROOT)))
    assert not written, f"the speech rate limit {RATE_MIN}-{RATE_MAX} written again in {written}"


MAX_LINES = 500


def test_no_module_over_500_lines() -> None:
    too_long = []
    for room in ("catalog", "hardware", "kiosk", "talkcat"):
        for path in modules(room):
            name = str(path.relative_to(ROOT))
            lines = len(path.read_text("utf-8").splitlines())
            if lines > MAX_LINES:
                too_long.append(f"{name}: {lines} lines")
    assert not too_long, f"split these at their seams (at most {MAX_LINES} lines): {too_long}"


# ------------------------------------------------------------------ the test tree (issue 11)


def _test_files() -> list[Path]:
    return sorted(
        p for p in (ROOT / "tests").rglob("*.py")
        if "example_driver" not in p.parts and "__pycache__" not in p.parts
    )


def test_the_test_tree_mirrors_the_rooms_as_packages() -> None:
    folders = {p.parent for p in _test_files()}
    missing = [str(f.relative_to(ROOT)) for f in folders if not (f / "__init__.py").exists()]
    assert not missing, f"not packages: {missing}"
    for room in ("catalog", "hardware", "kiosk"):
        assert (ROOT / "tests" / room / "__init__.py").exists(), room


def test_no_test_imports_another_test_module_or_a_bare_helper() -> None:
    """Helpers live in *_support/rig/fuzzing modules and are imported by their full name."""
    siblings = {p.stem for p in _test_files()}
    offenders = []
    for path in _test_files():
        for module in imports_of(path):
            last = module.rsplit(".", 1)[-1]
            if last.startswith("test_") or module in siblings:
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not offenders, offenders


def test_one_name_per_helper() -> None:
    """A helper is known by one name: no `import X as Y` of our helpers, no `Y = X` aliases."""
    offenders = []
    for path in _test_files():
        tree = ast.parse(path.read_text("utf-8"))
        imported: set[str] = set()
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tests"):
                for alias in node.names:
                    imported.add(alias.asname or alias.name)
                    if alias.asname and alias.asname != alias.name:
                        where = path.relative_to(ROOT)
                        offenders.append(f"{where}: {alias.name} as {alias.asname}")
            elif (isinstance(node, ast.Assign) and isinstance(node.value, ast.Name)
                  and node.value.id in imported):
                offenders.append(f"{path.relative_to(ROOT)}: alias of {node.value.id}")
    assert not offenders, offenders
