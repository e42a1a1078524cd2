"""The root ``talkcat`` command: the public contract staff scripts and monitoring rely on.

Exit codes (extend, never change): 0 success; 1 not found / nothing usable; 2 invalid input,
invalid identifier or bad configuration; 3 a catalogue or device could not be opened.

Each room owns its commands - staff commands in ``catalog.cli``, technician commands in
``hardware.cli``, the visitor's (``run``, ``demo``, ``config``, ``staff``) here and
``lookup`` in ``kiosk.cli_lookup`` -
and this group mounts them.  Library code and commands raise the project's errors
(``talkcat.errors``); ``_Talkcat.invoke`` is the one place that turns them into a message and
an exit code, so the same fault exits the same way whatever command met it.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import click

from catalog.errors import CatalogError
from hardware.errors import HardwareError
from kiosk import terminal
from kiosk.errors import ConfigError
from kiosk.phrasing import LANGUAGES
from talkcat.errors import (
    EXIT_INVALID,
    EXIT_NOT_FOUND,
    EXIT_UNAVAILABLE,
    InvalidInput,
    TalkcatError,
)

log = logging.getLogger("talkcat")

__all__ = ["EXIT_INVALID", "EXIT_NOT_FOUND", "EXIT_UNAVAILABLE", "fail", "main", "serve"]


class _Talkcat(click.Group):
    """The one error edge: the project's errors become one line and their own exit code.

    The other rooms' commands are mounted on first need (``kiosk.rooms``), not at import:
    ``talkcat run`` on a kiosk's boot never loads the harvester's HTTP client, the importers
    or the console, which took start-up from about 0.4 to 1.0 s.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._rooms_mounted = False
        self._own: dict[str, click.Command] = {}
        super().__init__(*args, **kwargs)

    @property  # type: ignore[override]
    def commands(self) -> dict[str, click.Command]:
        if not self._rooms_mounted:
            self._rooms_mounted = True
            from kiosk import rooms

            rooms.mount(self)
        return self._own

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._own = dict(value)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        self._own[name or cmd.name or ""] = cmd

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._own.get(cmd_name) or self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TalkcatError as exc:
            fail(exc.describe(), exc.exit_code)


# color: not click's ANSI stripping off a pipe (a path shown unlike itself): terminal escapes
_CONTEXT = {"help_option_names": ["-h", "--help"], "color": True}
@click.group(cls=_Talkcat, context_settings=_CONTEXT)
@click.version_option(package_name="talking-catalogue")
@click.option("-v", "--verbose", count=True, help="More log detail (-vv for debug).")
def main(verbose: int) -> None:
    """Talking Catalogue: scan a book, hear its title and author.

    Visitors scan; staff load the catalogue with 'import'; technicians connect readers and
    check them with 'drivers', 'doctor' and 'reader-test'.
    """
    terminal.install()  # before logging, so log lines are filtered too
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def fail(message: str, code: int) -> None:
    """Print ``message`` on standard error and exit with ``code``."""
    click.echo(f"talkcat: {message}", err=True)
    sys.exit(code)


# ---------------------------------------------------------------------------- run
# (``lookup`` lives in kiosk/cli_lookup.py and is mounted with the rooms: kiosk/rooms.py.)


def _build_speaker(cfg: Any, faults: Any) -> Any:
    """Speech engine + audio output, each the driver its section chose, with its options.

    A missing or vanishing sound device never stops the kiosk: the output falls back to
    silence (so the transcript stays truthful), says so loudly in the log, and retries.
    """
    from hardware import registry
    from hardware.audio.fallback import FallbackOutput
    from hardware.speech.speaker import Speaker

    speech, audio = cfg.drivers["speech"], cfg.drivers["audio"]

    def make_speech() -> Any:
        return speech.create()

    def make_audio() -> Any:
        return audio.create()

    if audio.name == "none":
        output = make_audio()
    else:
        first = [make_audio()]  # a wrong driver name is a configuration error: raise now
        output = FallbackOutput(
            lambda: first.pop() if first else make_audio(),
            registry.create(registry.AUDIO, "none", None),  # the silence it falls back to
            on_fault=faults.report_audio_fault,
            on_recover=faults.report_audio_recovered,
        )
    output.open()
    return Speaker(
        make_speech(),
        output,
        rate=cfg.speech_rate,
        volume=cfg.speech_volume,
        factory=make_speech,  # a hung or crashed engine is replaced by a fresh one
    )


def _build_reader(cfg: Any, kiosk_faults: Any) -> Any:
    from hardware.readers.debounce import DebouncedReader
    from hardware.readers.resilient import ReconnectingReader

    reader = cfg.drivers["reader"].create()
    if hasattr(reader, "on_discard"):  # garbled or over-long frames: "could not read"
        reader.on_discard = kiosk_faults.report_unreadable
    # Reconnect inside, debounce outside: a tag held still stays one scan across a replug.
    reader = ReconnectingReader(
        reader, on_fault=kiosk_faults.report_fault, on_recover=kiosk_faults.report_recovered
    )
    return DebouncedReader(reader, window=cfg.reader_debounce) if cfg.reader_debounce else reader


def _build_screen(cfg: Any) -> Any:
    """The large-print window, or None; a machine with no display runs without it, loudly."""
    if not cfg.screen.get("enabled"):
        return None
    from kiosk.screen import Screen

    sc = cfg.screen
    try:
        return Screen(
            sc["width"], sc["height"], sc["distance_mm"], sc["dpi"],
            tuple(sc["fg"]), tuple(sc["bg"]), sc["fullscreen"],
        )
    except Exception as exc:  # pygame.error has no common base worth importing here
        log.error("LARGE-PRINT SCREEN UNAVAILABLE, continuing without it: %s", exc)
        return None


def _build_keys(cfg: Any, screen: Any) -> Any:
    """The keypad driver ``[keypad] source`` chose, or None when keys come only from the reader.

    A keypad that shares the screen's window hands it the events that are not keys.
    """
    choice = cfg.drivers.get("keypad")
    if choice is None:
        return None
    options = dict(choice.options)
    if screen is None and "window" not in options:
        options["window"] = True  # no screen window to receive the keys: open one of its own
    wiring = {"on_other": screen.handle_event} if screen is not None else {}
    from hardware import registry

    keys: Any = registry.create(choice.group, choice.name, choice.target, options, wiring)
    try:
        keys.open()
    except HardwareError as exc:
        log.error("KEYPAD UNAVAILABLE, continuing with the reader only: %s", exc)
        return None
    return keys


class _FaultRelay:
    """Lets the reader wrapper report to a kiosk that is built after it."""

    kiosk: Any = None

    def report_fault(self, detail: str) -> None:
        if self.kiosk is not None:
            self.kiosk.report_fault(detail)

    def report_recovered(self) -> None:
        if self.kiosk is not None:
            self.kiosk.report_recovered()

    def report_unreadable(self, reason: str, data: bytes) -> None:
        if self.kiosk is not None:
            self.kiosk.report_unreadable(reason, data)

    def report_audio_fault(self, detail: str) -> None:
        if self.kiosk is not None:  # at start-up there is no kiosk yet: the log has it
            self.kiosk.report_audio_fault(detail)

    def report_audio_recovered(self) -> None:
        if self.kiosk is not None:
            self.kiosk.report_audio_recovered()


def _store_upgraded_hash(config_path: str, old: str, new: str) -> None:
    """Write a staff hash re-made at today's scrypt cost back to the config file, if we may."""
    from kiosk.staff import replace_in_config

    if Path(config_path).is_file() and replace_in_config(config_path, old, new):
        log.warning("%s: staff PIN hash upgraded to the current scrypt cost", config_path)
    else:
        log.warning(
            "the staff PIN hash uses an old scrypt cost and %s cannot be updated: run "
            "'talkcat staff hash --pin' and replace [staff] pin_hash", config_path
        )


def serve(cfg: Any) -> None:
    """Wire catalogue, reader and speech from ``cfg`` and serve until SIGINT/SIGTERM."""
    from catalog.missing import MissingCounter
    from kiosk import config, phrase_files
    from kiosk.app import Kiosk
    from kiosk.availability import from_config as availability_from_config
    from kiosk.catalog_source import CatalogSource
    from kiosk.keypad import Keymap
    from kiosk.staff import StaffGate
    from kiosk.systemd import Notifier
    from kiosk.transcript import Transcript

    # Files the kiosk will write are checked before any device is opened: a wrong path is
    # one line and exit 2, never a traceback after the sound card was already taken.
    unwritable = config.writable_problems(cfg)
    if unwritable:
        raise ConfigError(unwritable)
    for problem in phrase_files.problems(cfg.phrases_dir):
        log.error("%s", problem)  # refused files: the built-in phrases are used instead
    relay = _FaultRelay()
    reader = _build_reader(cfg, relay)  # validates driver options before any device opens
    availability = availability_from_config(cfg)  # options checked; connects to nothing yet
    if cfg.db and not Path(cfg.db).exists():
        log.error("catalogue %s does not exist yet; scans will say it is unavailable", cfg.db)
    speaker = _build_speaker(cfg, relay)
    if cfg.log:
        from kiosk.transcript import DailyFile

        handler = DailyFile(cfg.log, cfg.keep_days)  # a failing write is one line, not many
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logging.getLogger().addHandler(handler)
    transcript = Transcript(cfg.transcript, keep_days=cfg.keep_days)
    missing = None
    if cfg.missing_state:
        try:
            missing = MissingCounter(cfg.missing_state)
        except CatalogError as exc:
            # Counting unfound scans is a nicety for staff; a visitor must still be served.
            log.warning("%s; scans not found will not be counted", exc)
    screen = _build_screen(cfg)
    keys = _build_keys(cfg, screen)
    kiosk = Kiosk(
        reader=reader,
        speaker=speaker,
        catalog=CatalogSource(cfg.db),
        transcript=transcript,
        language=cfg.language,
        rate=cfg.speech_rate,
        volume=cfg.speech_volume,
        volume_max=cfg.speech_volume_max,
        verbose=cfg.verbose,
        error_interval=cfg.error_interval,
        phrases_dir=cfg.phrases_dir,
        missing=missing,
        patron_pattern=cfg.patron_pattern,
        notifier=Notifier(),
        keymap=Keymap.from_config(cfg.keypad_keys),
        keypad_options={
            "double_press": cfg.keypad_double_press,
            "repeat_interval": cfg.keypad_repeat_interval,
            "typing_timeout": cfg.keypad_typing_timeout,
        },
        keys=keys,
        screen=screen,
        idle_timeout=cfg.idle_timeout,
        idle_warn=cfg.idle_warn_before,
        staff=StaffGate(
            pin_hash=cfg.staff_pin_hash,
            card_hash=cfg.staff_card_hash,
            on_upgrade=lambda old, new: _store_upgraded_hash(cfg.source, old, new),
        ),
        availability=availability,
        browse_on_shelf_first=cfg.browse_on_shelf_first,
    )
    relay.kiosk = kiosk
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        log.info("signal %d: stopping", signum)
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        log.warning("running as root: a kiosk should run as its own unprivileged user")
    try:
        kiosk.serve(stop)
    finally:
        transcript.close()


@main.command()
@click.option("--db", type=click.Path(dir_okay=False), help="Catalogue file (SQLite).")
@click.option("--reader", "reader_spec", metavar="DRIVER[:TARGET]",
              help="Reader, e.g. serial:/dev/ttyUSB0, serial:socket://host:port, keyboard.")
@click.option("--lang", type=click.Choice(LANGUAGES), help="Kiosk language (default sv).")
@click.option("--transcript", type=click.Path(dir_okay=False),
              help="Append one JSON line per event (ready, speak, done, stop).")
@click.option("--audio", help="Audio output: pygame (default) or none.")
@click.option("--speech", help="Speech engine: pyttsx3 (default) or recording.")
@click.option("--missing-state", type=click.Path(dir_okay=False),
              help="Count identifiers not found here (see 'talkcat missing').")
@click.option("--screen/--no-screen", default=None,
              help="Show the large-print window ([screen] in the config file).")
@click.option("--keypad", metavar="DRIVER",
              help="Keypad driver: pygame, or none (default: keys from the reader only).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="kiosk.toml; the command line wins over it.")
def run(
    db: str | None,
    reader_spec: str | None,
    lang: str | None,
    transcript: str | None,
    audio: str | None,
    speech: str | None,
    missing_state: str | None,
    screen: bool | None,
    keypad: str | None,
    config_path: str | None,
) -> None:
    """Run the kiosk until SIGINT or SIGTERM (then exit 0 within 2 s)."""
    from hardware.registry import parse_spec
    from kiosk import config

    reader: dict[str, Any] = {}
    if reader_spec:
        reader["driver"], reader["target"] = parse_spec(reader_spec)
        reader.setdefault("target", None)
    overrides = {
        "kiosk": {
            "db": db, "language": lang, "transcript": transcript, "missing_state": missing_state,
        },
        "reader": reader,
        "speech": {"engine": speech},
        "audio": {"driver": audio},
        "screen": {"enabled": screen},
        "keypad": {"source": keypad},
    }
    serve(config.load(config_path, overrides))


@main.group("config")
def config_group() -> None:
    """Check kiosk configuration files."""


@config_group.command("check")
@click.argument("path", type=click.Path(dir_okay=False))
def config_check(path: str) -> None:
    """Validate PATH (kiosk.toml), every driver's options and the phrase files, opening no device.

    Every problem is listed with file, section, key and the allowed values; exit 0 when the
    file is good, 2 when it is not.
    """
    from kiosk import config

    # Every section, every driver's own options, each driver constructed (nothing opened),
    # the staff phrase files: all problems in one pass, whatever else is wrong.
    config.load(path, thorough=True)
    click.echo(f"{path}: OK")


@main.group("staff")
def staff_group() -> None:
    """Staff access: make the hashes that kiosk.toml's [staff] section holds."""


@staff_group.command("hash")
@click.option("--pin", "kind", flag_value="pin", default=True, help="Hash a staff PIN.")
@click.option("--card", "kind", flag_value="card", help="Hash a staff card number.")
@click.option("--password", "kind", flag_value="password",
              help="Hash the staff web console's password (talkcat console).")
def staff_hash(kind: str) -> None:
    """Ask for a PIN, card number or console password (not echoed) and print the line for
    kiosk.toml's [staff] section (salted, slow hash for the PIN and the password)."""
    from kiosk.staff import hash_card, hash_pin

    prompts = {"pin": "Staff PIN", "card": "Staff card number", "password": "Console password"}
    secret = click.prompt(
        prompts[kind],
        hide_input=True,
        confirmation_prompt=True,
        err=True,
    )
    if kind == "pin" and not (secret.isdigit() and 4 <= len(secret) <= 12):
        raise InvalidInput("a PIN is 4 to 12 digits (it is typed on the keypad)")
    if kind == "password" and len(secret) < 8:
        raise InvalidInput("a console password needs at least 8 characters")
    stored = hash_card(secret) if kind == "card" else hash_pin(secret)
    click.echo(f'{kind}_hash = "{stored}"')


# ---------------------------------------------------------------------------- demo


def demo_catalogue(cache_dir: Path) -> Path:
    """Build (once per catalogue schema) the sample catalogue from the CC0 records shipped in
    ``kiosk/data``.

    The file is named after the schema version: after an update that changes the schema the
    demo builds a fresh one instead of refusing to open a cache an older version made (the
    kiosk opens catalogues read-only and never upgrades them itself).
    """
    from importlib import resources

    from catalog.importing import import_files
    from catalog.schema import SCHEMA_VERSION

    db = cache_dir / f"demo-v{SCHEMA_VERSION}.db"
    if db.exists():
        return db
    cache_dir.mkdir(parents=True, exist_ok=True)
    data = resources.files("kiosk").joinpath("data")
    sources = sorted(str(p) for p in data.iterdir() if p.name.endswith((".mrc", ".csv")))
    import_files(str(db), sources)
    return db


@main.command()
@click.option("--lang", type=click.Choice(LANGUAGES), default="sv", show_default=True)
@click.option("--audio", default="pygame", show_default=True, help="pygame or none.")
@click.option("--transcript", type=click.Path(dir_okay=False), help="Also write a transcript.")
def demo(lang: str, audio: str, transcript: str | None) -> None:
    """Zero configuration: sample catalogue, keyboard reader, real speech.

    Type or scan an ISBN into the terminal and press Enter; Ctrl-C ends.
    """
    from catalog.store import Catalog
    from kiosk import config

    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "talkcat"
    db = demo_catalogue(cache)
    click.echo(f"Sample catalogue: {db}")
    # A few books worth trying: Swedish ones first, each with an ISBN to type.
    with Catalog.open(str(db), readonly=True) as catalog:
        books = [r for r in catalog.records() if r.isbns]
    books.sort(key=lambda r: (r.language != ("swe" if lang == "sv" else "eng"), r.title))
    for record in books[:8]:
        click.echo(f"  {record.isbns[0]:<17} {record.title}")
    click.echo("Type or scan an identifier and press Enter (Ctrl-C to end).")
    cfg = config.load(
        None,
        {
            "kiosk": {"db": str(db), "language": lang, "transcript": transcript},
            "reader": {"driver": "keyboard"},
            "audio": {"driver": audio},
        },
    )
    serve(cfg)
