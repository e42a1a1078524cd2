"""The other rooms' commands, mounted into the root ``talkcat`` group on first need.

The root (``kiosk.cli``) owns the visitor's commands; staff commands live in ``catalog.cli``
and ``catalog.cli_harvest``, technician commands in ``hardware.cli``, ``lookup`` in
``kiosk.cli_lookup`` and the console's in ``kiosk.console.command``.  Importing them is most of
the CLI's start-up (the harvester's HTTP client, the importers, the web console), so the root
mounts them only when a command other than its own is asked for, or ``--help`` lists them.
The callbacks below are what the technician and harvest commands may not import themselves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click


def _identify(text: str, symbology: str | None) -> tuple[str, str]:
    """``reader-test``'s view of a frame: the catalogue's own normaliser, as a scan uses it."""
    from catalog.identifiers import normalise

    identifier = normalise(text, symbology)
    return identifier.kind, identifier.value


def _harvest_settings(
    path: Path | None, overrides: Any
) -> tuple[dict[str, Any], str | None]:
    """``talkcat harvest``'s settings, through the one configuration schema."""
    from kiosk import config

    cfg = config.load(path, overrides)
    return dict(cfg.harvest), cfg.db


def _driver_settings(path: Path) -> dict[str, tuple[str, str | None, dict[str, Any]]]:
    """``doctor --config``: each section's chosen driver with its validated options."""
    from kiosk import config

    cfg = config.load(path)
    return {c.group: (c.name, c.target, dict(c.options)) for c in cfg.drivers.values()}


def mount(main: click.Group) -> None:
    """Add every room's commands to ``main`` (the root calls this on first need)."""
    # Each room owns its commands; the root only mounts them (and hands the technician
    # commands what they may not import themselves).
    from catalog import cli as staff_cli
    from catalog import cli_harvest
    from hardware import cli as tech_cli
    from kiosk import cli_lookup
    from kiosk.console import command as console_command

    staff_cli.register(main)
    cli_harvest.register(main, load_settings=_harvest_settings)
    tech_cli.register(main, identify=_identify, catalogue_check=cli_lookup.catalogue_check,
                      driver_settings=_driver_settings)
    main.add_command(cli_lookup.lookup)
    console_command.register(main)  # the staff web console wires the kiosk's parts: kiosk room

