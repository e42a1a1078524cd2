"""The README is part of the contract: its example configuration must be valid as written."""

from __future__ import annotations

import re

from kiosk import config
from tests.support import ROOT


def test_readme_configuration_example_is_valid(tmp_path) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"```toml\n(.*?)```", readme, re.S)
    assert block, "README has no TOML example"
    # The staff hashes are placeholders ("scrypt$..."): a real one comes from 'staff hash'.
    text = re.sub(r'^(pin|card|password)_hash = ".*"$', "", block.group(1), flags=re.M)
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    cfg = config.load(path)
    assert cfg.reader_driver == "serial" and cfg.screen["enabled"] is True
    assert cfg.keypad_keys == {"KP_Add": "type"}


def test_readme_names_the_two_set_up_commands() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "./dev demo" in readme and "./dev test" in readme
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "./dev test" in ci
