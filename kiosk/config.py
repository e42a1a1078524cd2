"""Kiosk configuration: a TOML file, command-line overrides, all problems reported at once.

Validation happens before any device is opened, so a technician who edits ``kiosk.toml``
learns about every mistake in one go ("kiosk.toml: speech.rate: must be an integer between
80 and 450, got 'fast'") instead of one per restart.

Two kinds of key share the file.  The kiosk's own settings are declared in ``SCHEMA`` below.
Every driver section (``[reader]``, ``[speech]``, ``[audio]``, ``[keypad]`` and any kind added
to ``hardware.registry.KINDS``, e.g. ``[availability]``) also holds the key naming its driver
and that driver's own options, validated against exactly the ``OPTIONS`` the driver declares -
in the same pass, so a wrong reader option is reported together with every other mistake.
The validated values reach the driver through ``Config.drivers``.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hardware import registry
from hardware.errors import HardwareError
from hardware.protocols import (
    RATE_DEFAULT,
    RATE_MAX,
    RATE_MIN,
    VOLUME_DEFAULT,
    VOLUME_MAX_DEFAULT,
)
from kiosk import config_rules, phrase_files
from kiosk.config_rules import DriverChoice
from kiosk.errors import ConfigError
from kiosk.phrasing import DEFAULT_LANGUAGE, LANGUAGES
from kiosk.privacy import pattern_problem
from kiosk.small_files import NotASmallFile, read_small_text

MAX_CONFIG_BYTES = 1_000_000
"""kiosk.toml is a few kB; a path to anything near this size is a mistake."""


@dataclass(frozen=True)
class Setting:
    """One known key: its type, default, and a check that returns an error text or None."""

    default: Any
    kind: type | tuple[type, ...]
    help: str
    check: Callable[[Any], str | None] | None = None


def _one_of(*choices: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}"

    return check


def _between(low: float, high: float) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if low <= value <= high else f"must be between {low} and {high}"

    return check


def _regex(value: Any) -> str | None:
    try:
        re.compile(value)
    except re.error as exc:
        return f"not a valid regular expression: {exc}"
    return pattern_problem(value)


def _rgb(value: Any) -> str | None:
    ok = len(value) == 3 and all(isinstance(c, int) and 0 <= c <= 255 for c in value)
    return None if ok else "must be three integers 0-255, e.g. [255, 255, 0]"


def _bind(value: Any) -> str | None:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        return f"must be HOST:PORT, e.g. 127.0.0.1:8080, got {value!r}"
    return None


def _http_url(value: Any) -> str | None:
    from catalog.oai import url_problem

    return url_problem(value)


def _stored_hash(kind: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        from kiosk.staff import check_stored_hash

        return check_stored_hash(value, kind)

    return check


# The schema: section -> key -> Setting.  A driver section also accepts the key naming its
# driver (and ``target`` for readers) and that driver's own options, which the driver itself
# declares and the hardware registry validates.
SCHEMA: dict[str, dict[str, Setting]] = {
    "kiosk": {
        "db": Setting(None, str, "catalogue file (SQLite) made by 'talkcat import'"),
        "language": Setting(
            DEFAULT_LANGUAGE, str, "language of voice and messages", _one_of(*LANGUAGES)
        ),
        "transcript": Setting(None, str, "append spoken events as JSON lines to this file"),
        "missing_state": Setting(
            None, str, "file counting identifiers not found (see 'talkcat missing')"
        ),
        "phrases_dir": Setting(None, str, "folder with staff-edited sv.toml / en.toml"),
        "error_interval": Setting(
            5.0, (int, float), "seconds between spoken 'could not read' messages",
            _between(0, 3600),
        ),
        "log": Setting(None, str, "log file (rotated at midnight like the transcript)"),
        "verbose": Setting(True, bool, "level one says part, series number and loan status"),
        "keep_days": Setting(7, int, "days of transcript and log kept", _between(1, 365)),
    },
    "staff": {
        "pin_hash": Setting(
            None, str, "staff PIN, as made by 'talkcat staff hash --pin'", _stored_hash("pin")
        ),
        "card_hash": Setting(
            None, str, "staff card number, as made by 'talkcat staff hash --card'",
            _stored_hash("card"),
        ),
        "password_hash": Setting(
            None, str, "staff console password, as made by 'talkcat staff hash --password'",
            _stored_hash("pin"),  # short secrets need the slow hash: the PIN's rules
        ),
    },
    "console": {
        "bind": Setting("127.0.0.1:8080", str, "HOST:PORT the staff console listens on", _bind),
        "max_upload_mb": Setting(
            512, int, "largest catalogue file staff may upload, in MB", _between(1, 65536)
        ),
        "tls_cert": Setting(None, str, "TLS certificate (PEM) for the console"),
        "tls_key": Setting(None, str, "TLS private key (PEM) for the console"),
        "session_minutes": Setting(
            15, int, "a console login ends after this many idle minutes", _between(1, 1440)
        ),
    },
    "privacy": {
        "patron_pattern": Setting(
            None, str,
            "regular expression matching patron (library) card numbers: never spoken or logged",
            _regex,
        ),
    },
    "reader": {
        "debounce": Setting(
            0.5, (int, float), "ignore the same identifier again within this many seconds",
            _between(0, 10),
        ),
    },
    "speech": {
        "rate": Setting(
            RATE_DEFAULT, int, "words per minute", _between(RATE_MIN, RATE_MAX)
        ),
        "volume": Setting(VOLUME_DEFAULT, (int, float), "0.0 - 1.0", _between(0.0, 1.0)),
        "volume_max": Setting(
            VOLUME_MAX_DEFAULT, (int, float), "ceiling for the volume keys (hearing safety)",
            _between(0.05, 1.0),
        ),
    },
    "audio": {},
    "keypad": {
        "keys": Setting({}, dict, "key name -> action, over the default numeric-keypad map"),
        "double_press": Setting(
            0.25, (int, float), "ignore the same key again within this many seconds",
            _between(0, 0.5),
        ),
        "repeat_interval": Setting(
            2.0, (int, float), "a held key repeats at most this often (seconds)", _between(2, 60)
        ),
        "typing_timeout": Setting(
            60.0, (int, float), "typed-identifier mode ends after this many idle seconds",
            _between(10, 600),
        ),
    },
    "idle": {
        "timeout": Setting(
            120.0, (int, float), "seconds without use before settings reset", _between(10, 3600)
        ),
        "warn_before": Setting(
            20.0, (int, float), "warn the visitor this many seconds before", _between(0, 300)
        ),
    },
    "availability": {
        "timeout": Setting(
            1.0, (int, float), "seconds the kiosk gives the library system for one answer",
            _between(0.05, 30),
        ),
        "cache_seconds": Setting(
            60.0, (int, float), "seconds an answer is reused before asking again",
            _between(0, 86400),
        ),
        "browse_on_shelf_first": Setting(
            False, bool, "next/previous offer books with a copy on the shelf first"
        ),
    },
    "harvest": {
        "url": Setting(None, str, "OAI-PMH base URL of the library system", _http_url),
        "set": Setting(None, str, "OAI-PMH set to harvest (setSpec); all records when absent"),
        "prefix": Setting(
            "marcxml", str, "metadataPrefix that sends MARCXML", _one_of("marcxml", "marc21")
        ),
        "max_age_hours": Setting(
            48, (int, float), "doctor warns when the last successful harvest is older",
            _between(1, 8760),
        ),
        "attempts": Setting(5, int, "tries per page before the harvest stops", _between(1, 20)),
        "timeout": Setting(
            60, (int, float), "seconds to wait for one page", _between(1, 600)
        ),
    },
    "screen": {
        "enabled": Setting(False, bool, "show a large-print window of what is spoken"),
        "fullscreen": Setting(False, bool, "fullscreen; quit and task-switch keys are ignored"),
        "width": Setting(1280, int, "window width in pixels", _between(320, 7680)),
        "height": Setting(720, int, "window height in pixels", _between(240, 4320)),
        "distance_mm": Setting(
            600, (int, float), "viewing distance; sets the text size", _between(200, 5000)
        ),
        "dpi": Setting(96, (int, float), "pixels per inch of the display", _between(50, 600)),
        "fg": Setting([255, 255, 0], list, "text colour [r, g, b]", _rgb),
        "bg": Setting([0, 0, 0], list, "background colour [r, g, b]", _rgb),
    },
}


def _driver_sections() -> None:
    # Every driver kind has a section, even one the kiosk adds no settings of its own to.
    for k in registry.KINDS:
        SCHEMA.setdefault(k.section, {})


_driver_sections()


@dataclass(frozen=True)
class Config:
    """Validated settings; ``drivers`` maps a section to the driver it chose."""

    db: str | None = None
    language: str = DEFAULT_LANGUAGE
    transcript: str | None = None
    missing_state: str | None = None
    phrases_dir: str | None = None
    error_interval: float = 5.0
    log: str | None = None
    keep_days: int = 7
    patron_pattern: str | None = None
    staff_pin_hash: str | None = None
    staff_card_hash: str | None = None
    staff_password_hash: str | None = None
    console: Mapping[str, Any] = field(default_factory=dict)
    reader_driver: str = "keyboard"
    reader_target: str | None = None
    reader_debounce: float = 0.5
    reader_options: Mapping[str, Any] = field(default_factory=dict)
    speech_engine: str = "pyttsx3"
    speech_rate: int = RATE_DEFAULT
    speech_volume: float = VOLUME_DEFAULT
    speech_volume_max: float = VOLUME_MAX_DEFAULT
    verbose: bool = True
    keypad_source: str = "none"
    keypad_keys: Mapping[str, Any] = field(default_factory=dict)
    keypad_double_press: float = 0.25
    keypad_repeat_interval: float = 2.0
    keypad_typing_timeout: float = 60.0
    idle_timeout: float = 120.0
    idle_warn_before: float = 20.0
    screen: Mapping[str, Any] = field(default_factory=dict)
    harvest: Mapping[str, Any] = field(default_factory=dict)
    audio_driver: str = "pygame"
    source: str = "<defaults>"
    drivers: Mapping[str, DriverChoice] = field(default_factory=dict)
    """Section -> chosen driver, for every driver kind that is not switched off."""
    availability_timeout: float = 1.0
    availability_cache_seconds: float = 60.0
    browse_on_shelf_first: bool = False


def _type_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {int: "an integer", float: "a number", str: "a string", bool: "true or false"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _check_value(setting: Setting, value: Any) -> str | None:
    # bool is an int in Python; "rate = true" is still a mistake.
    if isinstance(value, bool) and bool not in (
        setting.kind if isinstance(setting.kind, tuple) else (setting.kind,)
    ):
        return f"must be {_type_name(setting.kind)}, got {value!r}"
    if not isinstance(value, setting.kind):
        return f"must be {_type_name(setting.kind)}, got {value!r}"
    return setting.check(value) if setting.check else None


def read_toml(path: str | Path) -> dict[str, Any]:
    p = Path(path)
    try:
        return tomllib.loads(read_small_text(p, MAX_CONFIG_BYTES))
    except FileNotFoundError:
        raise ConfigError([f"{p}: no such file"]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{p}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{p}: not valid TOML: {exc}"]) from None
    except NotASmallFile as exc:
        raise ConfigError([str(exc)]) from None
    except RecursionError:  # tomllib recurses once per level of nesting
        raise ConfigError([f"{p}: not valid TOML: nested too deeply"]) from None
    except OSError as exc:  # permission denied, a folder, ...
        raise ConfigError([f"{p}: cannot be read: {exc.strerror or exc}"]) from None


def writable_problems(cfg: Config) -> list[str]:
    """Files ``run`` will append to that it could not (see ``config_rules``)."""
    return config_rules.writable_problems(cfg)


def load(
    path: str | Path | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    thorough: bool = False,
) -> Config:
    """Read ``path`` (optional), apply ``overrides`` (the command line wins), validate all.

    ``overrides`` uses the file's shape, e.g. ``{"kiosk": {"language": "en"}}``; ``None``
    values mean "not given" and are ignored.  ``thorough`` (``config check``) also constructs
    each chosen driver - construction opens nothing, but checks what options alone cannot, such
    as a framing without its terminator - and checks the staff phrase files in ``phrases_dir``
    (``run`` logs those and uses the built-in phrases).
    """
    raw: dict[str, Any] = read_toml(path) if path else {}
    source = str(path) if path else "<command line>"
    merged: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    for section, values in raw.items():
        if section not in SCHEMA:
            hint = difflib.get_close_matches(section, SCHEMA, n=1)
            suffix = f" (did you mean [{hint[0]}]?)" if hint else ""
            allowed = ", ".join(f"[{s}]" for s in SCHEMA)
            problems.append(f"{source}: [{section}]: unknown section{suffix}; known: {allowed}")
            continue
        if not isinstance(values, dict):
            problems.append(f"{source}: {section}: must be a [{section}] table")
            continue
        merged[section] = dict(values)
    for section, values in (overrides or {}).items():
        for key, value in values.items():
            if value is not None:
                merged.setdefault(section, {})[key] = value

    settled: dict[str, dict[str, Any]] = {}
    leftovers: dict[str, dict[str, Any]] = {}
    for section, keys in SCHEMA.items():
        given = merged.get(section, {})
        settled[section] = {}
        for key, setting in keys.items():
            value = given.get(key, setting.default)
            if key in given:
                error = _check_value(setting, value)
                if error:
                    problems.append(f"{source}: {section}.{key}: {error}")
                    value = setting.default
            settled[section][key] = value
        leftovers[section] = {k: v for k, v in given.items() if k not in keys}
    drivers: dict[str, DriverChoice] = {}
    for k in registry.KINDS:
        choice = config_rules.choose_driver(k, leftovers.pop(k.section, {}), set(SCHEMA[k.section]),
                                source, problems)
        if choice is not None:
            drivers[k.section] = choice
            if thorough:
                try:
                    choice.create()
                except HardwareError as exc:
                    problems.append(f"{source}: {k.section}: {exc}")
    for section, rest in leftovers.items():
        keys = SCHEMA[section]
        for key in rest:
            hint = difflib.get_close_matches(key, keys, n=1)
            suffix = f" (did you mean {hint[0]!r}?)" if hint else ""
            problems.append(
                f"{source}: {section}.{key}: unknown key{suffix}; known: {', '.join(keys)}"
            )
    # Checks that need more than one key, and the keymap (validated by the keypad itself).
    if settled["idle"]["warn_before"] >= settled["idle"]["timeout"]:
        problems.append(f"{source}: idle.warn_before: must be less than idle.timeout")
    if settled["speech"]["volume"] > settled["speech"]["volume_max"]:
        problems.append(f"{source}: speech.volume: must not be above speech.volume_max")
    if bool(settled["console"]["tls_cert"]) != bool(settled["console"]["tls_key"]):
        problems.append(f"{source}: console.tls_cert: give both tls_cert and tls_key, or neither")
    problems += config_rules.keymap_problems(
        settled["keypad"]["keys"], source, drivers.get("keypad")
    )
    problems += config_rules.contrast_problems(settled["screen"], source)
    if thorough:
        phrases_dir = settled["kiosk"]["phrases_dir"]
        problems += [f"{source}: {p}" for p in phrase_files.problems(phrases_dir)]
        problems += config_rules.writable_in(settled["kiosk"], source)
    if problems:
        raise ConfigError(problems)
    return _settle(settled, drivers, source)


def _settle(
    settled: dict[str, dict[str, Any]],
    drivers: dict[str, DriverChoice],
    source: str,
) -> Config:
    k, r, s = settled["kiosk"], settled["reader"], settled["speech"]

    def name(section: str) -> str:
        choice = drivers.get(section)
        return choice.name if choice is not None else registry.OFF

    p, st = settled["privacy"], settled["staff"]
    kp, idle = settled["keypad"], settled["idle"]
    return Config(
        db=k["db"],
        language=k["language"],
        transcript=k["transcript"],
        missing_state=k["missing_state"],
        phrases_dir=k["phrases_dir"],
        error_interval=float(k["error_interval"]),
        log=k["log"],
        keep_days=k["keep_days"],
        patron_pattern=p["patron_pattern"],
        staff_pin_hash=st["pin_hash"],
        staff_card_hash=st["card_hash"],
        staff_password_hash=st["password_hash"],
        console=settled["console"],
        reader_driver=name("reader"),
        reader_target=drivers["reader"].target if "reader" in drivers else None,
        reader_debounce=float(r["debounce"]),
        reader_options=dict(drivers["reader"].options) if "reader" in drivers else {},
        speech_engine=name("speech"),
        speech_rate=s["rate"],
        speech_volume=float(s["volume"]),
        speech_volume_max=float(s["volume_max"]),
        verbose=k["verbose"],
        keypad_source=name("keypad"),
        keypad_keys=kp["keys"],
        keypad_double_press=float(kp["double_press"]),
        keypad_repeat_interval=float(kp["repeat_interval"]),
        keypad_typing_timeout=float(kp["typing_timeout"]),
        idle_timeout=float(idle["timeout"]),
        idle_warn_before=float(idle["warn_before"]),
        screen=settled["screen"],
        harvest=settled["harvest"],
        audio_driver=name("audio"),
        source=source,
        drivers=drivers,
        availability_timeout=float(settled["availability"]["timeout"]),
        availability_cache_seconds=float(settled["availability"]["cache_seconds"]),
        browse_on_shelf_first=settled["availability"]["browse_on_shelf_first"],
    )
