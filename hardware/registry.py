"""Find drivers through entry points, validate their options, construct them.

Our own drivers are registered in ``pyproject.toml`` exactly as a technician's package would
register its own, so the plug-in path is the one used every day.  A driver that fails to import
is *listed* with its error (``talkcat drivers``), never silently skipped: a hidden ImportError
that surfaces later as "driver not known" is the hardest fault to diagnose on site.

A driver is any callable ``Cls(target, **options)`` with a class attribute
``OPTIONS: tuple[Option, ...]``.  Options are checked here, all problems at once, before any
device is touched.
"""

from __future__ import annotations

import difflib
import importlib.metadata
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from hardware.errors import DriverConfigError, HardwareError
from hardware.protocols import DriverInfo, Option

log = logging.getLogger(__name__)

READERS = "talkcat.readers"
SPEECH = "talkcat.speech"
AUDIO = "talkcat.audio"
GROUPS: tuple[str, ...] = (READERS, SPEECH, AUDIO)

_LABELS = {READERS: "reader driver", SPEECH: "speech driver", AUDIO: "audio driver"}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class DriverOptionsError(DriverConfigError):
    """One or more option problems of one driver, all reported together.

    ``problems`` holds ``(key, message)`` pairs so a config loader can prefix them with its
    own ``file: section.key`` and keep the "all errors at once" promise.
    """

    def __init__(self, driver: str, problems: list[tuple[str, str]]) -> None:
        self.driver = driver
        self.problems = list(problems)
        lines = [f"{driver}: option '{key}': {message}" for key, message in self.problems]
        super().__init__("\n".join(lines))


def _label(group: str) -> str:
    return _LABELS.get(group, f"driver of group '{group}'")


def _entry_points(group: str) -> list[importlib.metadata.EntryPoint]:
    # Two installed distributions may declare the same name; the first one found on sys.path
    # wins (as Python's own import would) and the shadowed one is logged, not hidden.
    chosen: dict[str, importlib.metadata.EntryPoint] = {}
    for ep in importlib.metadata.entry_points(group=group):
        if ep.name in chosen:
            if chosen[ep.name].value != ep.value:
                log.warning(
                    "%s '%s': %s is shadowed by %s",
                    _label(group), ep.name, ep.value, chosen[ep.name].value,
                )
            continue
        chosen[ep.name] = ep
    return [chosen[name] for name in sorted(chosen)]


def _declared_options(factory: Any) -> tuple[Option, ...]:
    """Read ``OPTIONS``, accepting any object with name/type/default/help attributes.

    Outside drivers need not import our ``Option``; a look-alike dataclass or namedtuple works.
    """
    declared = getattr(factory, "OPTIONS", ())
    if not isinstance(declared, (tuple, list)):
        raise TypeError(f"OPTIONS must be a tuple of Option, not {type(declared).__name__}")
    options: list[Option] = []
    for item in declared:
        if isinstance(item, Option):
            options.append(item)
            continue
        try:
            options.append(
                Option(
                    name=item.name,
                    type=item.type,
                    default=item.default,
                    help=item.help,
                    choices=tuple(item.choices) if getattr(item, "choices", None) else None,
                )
            )
        except AttributeError as exc:
            raise TypeError(f"OPTIONS entry {item!r} is not an Option: {exc}") from exc
    return tuple(options)


def _load(group: str, ep: importlib.metadata.EntryPoint) -> DriverInfo:
    info = DriverInfo(group=group, name=ep.name, target=ep.value)
    try:
        factory = ep.load()
        info.options = _declared_options(factory)
        info.factory = factory
    except Exception as exc:  # any import-time failure must be shown, never swallowed
        info.error = f"{type(exc).__name__}: {exc}"
        log.warning("%s '%s' (%s) is broken: %s", _label(group), ep.name, ep.value, info.error)
    return info


def available(group: str) -> list[DriverInfo]:
    """Every driver registered in ``group``, sorted by name; broken ones carry ``error``."""
    return [_load(group, ep) for ep in _entry_points(group)]


def driver(group: str, name: str) -> DriverInfo:
    """Load one driver by name; raises ``HardwareError`` if it is unknown or broken."""
    eps = _entry_points(group)
    for ep in eps:
        if ep.name == name:
            info = _load(group, ep)
            if info.error is not None:
                raise DriverConfigError(
                    f"{_label(group)} '{name}' ({ep.value}) is broken: {info.error}"
                )
            return info
    names = [ep.name for ep in eps]
    hint = _did_you_mean(name, names)
    known = ", ".join(names) or "none installed"
    raise DriverConfigError(f"no {_label(group)} '{name}'{hint} (installed: {known})")


def _did_you_mean(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" - did you mean '{close[0]}'?" if close else ""


def _type_name(kind: type) -> str:
    return {str: "text", int: "whole number", float: "number", bool: "true/false"}.get(
        kind, kind.__name__
    )


def _check_value(option: Option, value: object) -> tuple[object, str | None]:
    """Return the value (ints widened to float where a float is wanted) or a problem."""
    kind = option.type
    ok: bool
    if kind is bool:
        ok = isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if ok:
            value = float(value)  # type: ignore[arg-type]
    else:
        ok = isinstance(value, kind)
    if not ok:
        return value, f"expected {_type_name(kind)}, got {type(value).__name__} {value!r}"
    if option.choices is not None and value not in option.choices:
        allowed = ", ".join(repr(c) for c in option.choices)
        return value, f"{value!r} is not allowed; choose one of: {allowed}"
    return value, None


def check_options(
    driver_label: str, declared: tuple[Option, ...], options: Mapping[str, object]
) -> dict[str, object]:
    """Validate ``options`` against ``declared``; return them merged with the defaults.

    Every problem is collected before raising ``DriverOptionsError``, so a technician fixes
    the whole TOML section in one go.
    """
    by_name = {opt.name: opt for opt in declared}
    problems: list[tuple[str, str]] = []
    result: dict[str, object] = {opt.name: opt.default for opt in declared}
    for key, value in options.items():
        option = by_name.get(key)
        if option is None:
            hint = _did_you_mean(key, by_name)
            known = ", ".join(by_name) or "none"
            problems.append((key, f"unknown option{hint} (known options: {known})"))
            continue
        checked, problem = _check_value(option, value)
        if problem is not None:
            problems.append((key, problem))
        else:
            result[key] = checked
    if problems:
        raise DriverOptionsError(driver_label, problems)
    return result


def coerce_option_text(declared: tuple[Option, ...], raw: Mapping[str, str]) -> dict[str, object]:
    """Turn command-line ``key=value`` texts into typed values using the declared types.

    Unknown keys and unconvertible texts are passed through unchanged so that ``create``
    reports them with its usual message instead of a second, different one.
    """
    by_name = {opt.name: opt for opt in declared}
    result: dict[str, object] = {}
    for key, text in raw.items():
        option = by_name.get(key)
        value: object = text
        if option is not None:
            try:
                if option.type is bool:
                    lowered = text.strip().lower()
                    if lowered in _TRUE:
                        value = True
                    elif lowered in _FALSE:
                        value = False
                elif option.type is int:
                    value = int(text, 0)
                elif option.type is float:
                    value = float(text)
            except ValueError:
                value = text
        result[key] = value
    return result


def parse_spec(spec: str) -> tuple[str, str | None]:
    """Split ``DRIVER[:TARGET]`` on the first colon only.

    ``serial:socket://host:1234`` gives ``("serial", "socket://host:1234")``; ``keyboard``
    gives ``("keyboard", None)``.
    """
    text = spec.strip()
    name, sep, target = text.partition(":")
    name = name.strip()
    if not name:
        raise DriverConfigError(
            f"reader '{spec}': a driver name is needed, e.g. serial:/dev/ttyUSB0"
        )
    if "/" in name or "\\" in name:
        raise DriverConfigError(
            f"reader '{spec}': '{name}' is not a driver name - did you mean 'serial:{text}'?"
        )
    return name, (target if sep and target else None)


def create(
    group: str, name: str, target: str | None, options: Mapping[str, object] | None = None
) -> object:
    """Construct driver ``name`` of ``group`` as ``Cls(target, **options_with_defaults)``.

    Raises ``HardwareError`` (``DriverOptionsError`` for option problems) naming the driver.
    """
    info = driver(group, name)
    label = f"{_label(group)} '{name}'"
    checked = check_options(label, info.options, options or {})
    try:
        return info.factory(target, **checked)
    except HardwareError:
        raise
    except Exception as exc:
        # Construction opens nothing (``open`` does), so what fails here is the configuration.
        raise DriverConfigError(
            f"{label}: could not be created: {type(exc).__name__}: {exc}"
        ) from exc
