"""Technician commands: drivers, reader-test, doctor - the hardware room's own CLI.

They answer the questions asked on site: which drivers are installed (and which are broken),
what exactly the reader sends and why a scan is not recognised, and what on this machine is
missing.  They live beside the drivers (as sqlite-utils keeps its CLI beside its library) and
the root ``talkcat`` group in ``kiosk.cli`` mounts them with ``register``.  ``hardware`` may not
import ``catalog``, so what needs the catalogue - naming the identifier a frame holds, checking
a catalogue file - is handed in by the root as plain callables.  Errors are raised, never
turned into exit codes here: the root does that in one place.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import click

from hardware import registry
from hardware.protocols import Check, DriverInfo, Frame, KeyPress
from talkcat.errors import NotFound

Identify = Callable[[str, "str | None"], tuple[str, str]]
"""``(text, symbology) -> (kind, value)``; raises ``ValueError`` saying why it is invalid."""
CatalogueCheck = Callable[[Path], Iterable[tuple[str, str, str]]]
"""``db -> (status, what, fix)`` lines for ``doctor --db``."""
DriverSettings = Callable[[Path], dict[str, tuple[str, "str | None", dict[str, object]]]]
"""``kiosk.toml -> {group: (driver name, target, options)}`` for ``doctor --config``: each
configured driver is checked with its own section (a SIP2 server, a named serial port)."""


@dataclass
class _Hooks:
    identify: Identify | None = None
    catalogue_check: CatalogueCheck | None = None
    driver_settings: DriverSettings | None = None


_hooks = _Hooks()


def register(
    group: click.Group,
    *,
    identify: Identify | None = None,
    catalogue_check: CatalogueCheck | None = None,
    driver_settings: DriverSettings | None = None,
) -> None:
    """Attach the technician commands to the ``talkcat`` group.

    ``identify`` lets ``reader-test`` show the normalised identifier of each frame and
    ``catalogue_check`` lets ``doctor --db`` check a catalogue; both come from the root, which
    may import the catalogue where this room may not.
    """
    _hooks.identify = identify
    _hooks.catalogue_check = catalogue_check
    _hooks.driver_settings = driver_settings
    group.add_command(drivers)
    group.add_command(reader_test)
    group.add_command(doctor)


# --------------------------------------------------------------------------- drivers


def _describe_option(option: object) -> str:
    name = getattr(option, "name", "?")
    kind = getattr(getattr(option, "type", None), "__name__", "?")
    default = getattr(option, "default", None)
    choices = getattr(option, "choices", None)
    allowed = f"; one of {', '.join(map(str, choices))}" if choices else ""
    return f"{name} = {default!r}  ({kind}{allowed}) {getattr(option, 'help', '')}".rstrip()


def _describe_driver(info: DriverInfo) -> list[str]:
    if info.error is not None:
        return [f"  {info.name:<10} {info.target}", f"      BROKEN: {info.error}"]
    lines = [f"  {info.name:<10} {info.target}"]
    lines += [f"      {_describe_option(option)}" for option in info.options]
    return lines


@click.command()
def drivers() -> None:
    """List every installed driver of every kind with its options and defaults.

    Drivers come from the entry-point groups of each kind (talkcat.readers, talkcat.speech,
    talkcat.audio, talkcat.keypad, ...); a driver that fails to load is shown with the reason.
    """
    for group in registry.GROUPS:
        click.echo(f"{group}:")
        infos = registry.available(group)
        if not infos:
            click.echo("  (none installed)")
        for info in infos:
            for line in _describe_driver(info):
                click.echo(line)


# --------------------------------------------------------------------------- reader-test


def _parse_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    result: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected key=value, got {pair!r}", param_hint="--option")
        result[key.strip()] = value
    return result


def build_reader(spec: str, pairs: tuple[str, ...]) -> object:
    """``DRIVER[:TARGET]`` plus ``key=value`` texts -> a reader (``HardwareError`` if not)."""
    name, target = registry.parse_spec(spec)
    info = registry.driver(registry.READERS, name)
    options = registry.coerce_option_text(info.options, _parse_pairs(pairs))
    return registry.create(registry.READERS, name, target, options)


def _printable(data: bytes) -> str:
    names = {0x02: "<STX>", 0x03: "<ETX>", 0x0D: "<CR>", 0x0A: "<LF>", 0x09: "<TAB>"}
    return "".join(
        names.get(b, chr(b) if 0x20 <= b < 0x7F else f"<{b:02x}>") for b in data
    )


def _describe_identifier(frame: Frame) -> str:
    if _hooks.identify is None:
        return "identifier: (catalogue normaliser not available)"
    try:
        kind, value = _hooks.identify(frame.text, frame.symbology)
    except ValueError as exc:  # InvalidIdentifier is a ValueError
        return f"identifier: INVALID - {exc}"
    return f"identifier: {kind} {value}"


@click.command("reader-test")
@click.option("--reader", "spec", required=True, metavar="DRIVER[:TARGET]",
              help="e.g. serial:/dev/ttyUSB0, serial:socket://host:4000, keyboard, "
                   "rfid:/dev/ttyACM0")
@click.option("--option", "pairs", multiple=True, metavar="KEY=VALUE",
              help="driver option, repeatable (talkcat drivers lists them)")
@click.option("--seconds", type=float, default=30.0, show_default=True,
              help="how long to listen; 0 listens until Ctrl-C")
@click.option("--frames", "max_frames", type=int, default=0,
              help="stop after this many frames (0: no limit)")
def reader_test(spec: str, pairs: tuple[str, ...], seconds: float, max_frames: int) -> None:
    """Show live what a reader sends: raw bytes (hex and text), frames, symbology, identifier.

    Scan a few items and compare: no raw bytes at all means wiring, port or baud rate;
    bytes but no frames means framing (try --option framing=cr or stx-etx); a frame with
    an INVALID identifier means the label or the reader's symbology settings.
    """
    reader = build_reader(spec, pairs)  # unknown driver or bad option: exit 2 from the root
    if hasattr(reader, "tap"):
        reader.tap = lambda data: click.echo(f"raw   {data.hex(' ')}  |{_printable(data)}|")
    if hasattr(reader, "on_discard"):
        reader.on_discard = lambda reason, data: click.echo(
            f"drop  {reason}: |{_printable(data)}|"
        )
    reader.open()  # type: ignore[attr-defined]  # a missing device: exit 3 from the root
    click.echo(f"listening on {spec} " + (f"for {seconds:g} s" if seconds else "until Ctrl-C"))
    count = 0
    deadline = time.monotonic() + seconds if seconds > 0 else float("inf")
    try:
        while time.monotonic() < deadline:
            remaining = deadline - time.monotonic()
            event = reader.read(min(0.25, max(0.0, remaining)))  # type: ignore[attr-defined]
            if isinstance(event, KeyPress):
                click.echo(f"key   {event.action}")
            elif isinstance(event, Frame):
                count += 1
                extra = ""
                if event.uid and event.uid != event.text:
                    extra += f" uid={event.uid}"
                if event.parts:
                    extra += f" part {event.part} of {event.parts}"
                click.echo(
                    f"frame {event.text!r} kind={event.kind} "
                    f"symbology={event.symbology or '-'}{extra}"
                )
                click.echo(f"      {_describe_identifier(event)}")
                if max_frames and count >= max_frames:
                    break
    except KeyboardInterrupt:
        pass
    finally:
        reader.close()  # type: ignore[attr-defined]
    click.echo(f"{count} frame(s)")


# --------------------------------------------------------------------------- doctor


def check_user() -> Iterator[Check]:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        yield Check("WARN", "running as root",
                    "a kiosk should run as its own user in groups dialout/input "
                    "(see docs/operations.md)")
    else:
        yield Check("OK", "not running as root")


def check_drivers(
    configured: dict[str, tuple[str, str | None, dict[str, object]]] | None = None,
) -> Iterator[Check]:
    """Every registered driver of every kind, asked for its own ``check()``.

    No driver is named here: what a serial reader, a speech engine or a third party's
    availability source checks is that driver's business (``hardware.registry.self_check``).
    A driver chosen in ``configured`` (``doctor --config``) is checked with its own options.
    """
    configured = configured or {}
    for kind in registry.KINDS:
        infos = registry.available(kind.group)
        if not infos:
            yield Check("WARN", f"{kind.group}: no {kind.label} installed",
                        "reinstall talking-catalogue, or the package that provides it")
        for info in infos:
            name, target, options = configured.get(kind.group, ("", None, {}))
            if name == info.name:
                yield from registry.self_check(info, target, options)
            else:
                yield from registry.self_check(info)


def doctor_checks(
    db: Path | None = None,
    catalogue_check: CatalogueCheck | None = None,
    configured: dict[str, tuple[str, str | None, dict[str, object]]] | None = None,
) -> Iterator[Check]:
    """Every line of ``talkcat doctor [--db DB] [--config FILE]``, in order (the staff
    console's dashboard shows the same lines); ``catalogue_check`` defaults to the one the
    root installed, ``configured`` are the drivers chosen in the config file."""

    def drivers_checked() -> Iterator[Check]:
        return check_drivers(configured)

    drivers_checked.__name__ = "check_drivers"
    for check in (check_user, drivers_checked):
        try:
            results = list(check())
        except Exception as exc:  # a broken check must not hide the others
            results = [Check("FAIL", f"{check.__name__}: {type(exc).__name__}: {exc}")]
        yield from results
    if db is not None:
        catalogue_check = catalogue_check or _hooks.catalogue_check
        if catalogue_check is None:
            yield Check("WARN", f"catalogue {db}: no catalogue check installed")
        else:
            yield from (Check(*line) for line in catalogue_check(db))


@click.command()
@click.option("--db", type=click.Path(path_type=Path), help="also check this catalogue file")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="kiosk.toml: check each configured driver with its own section")
def doctor(db: Path | None, config_path: Path | None) -> None:
    """Check this machine: the user, then every installed driver's own check, then a catalogue.

    Every registered driver - readers (serial ports, scanners), speech (voices), audio (the
    sound device), keypad, availability (the library system's SIP2 server, with --config),
    and any third-party driver - is asked for its own check().  Each line is OK, WARN or FAIL
    with the fix; the exit code is 1 if anything FAILed.  Passwords are never shown.
    """
    configured = {}
    if config_path is not None and _hooks.driver_settings is not None:
        configured = _hooks.driver_settings(config_path)  # a bad file raises: exit 2
    failed = False
    for result in doctor_checks(db, configured=configured):
        failed |= result.status == "FAIL"
        click.echo(result.line())
    if failed:
        raise NotFound("doctor: at least one check FAILed (see the FAIL lines above)")
