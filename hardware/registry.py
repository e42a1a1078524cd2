"""Find drivers through entry points, validate their options, construct them.

Our own drivers are registered in ``pyproject.toml`` exactly as a technician's package would
register its own, so the plug-in path is the one used every day.  A driver that fails to import
is *listed* with its error (``talkcat drivers``), never silently skipped: a hidden ImportError
that surfaces later as "driver not known" is the hardest fault to diagnose on site.

A driver is any callable ``Cls(target, **options)`` with a class attribute
``OPTIONS: tuple[Option, ...]`` and, optionally, a ``check()`` classmethod that
``talkcat doctor`` calls.  Options are checked here, all problems at once, before any device
is touched.

Every *kind* of driver - readers, speech, audio, keypad, and kinds added later such as
availability sources - is one ``Kind``: an entry-point group, the TOML section that configures
it and the key in that section that names the driver.  Configuration, ``talkcat drivers`` and
``talkcat doctor`` all walk ``KINDS``, so a new kind is one constant and one ``Kind(...)`` line
here, plus its entry points in ``pyproject.toml``.
"""

from __future__ import annotations

import difflib
import importlib.metadata
import inspect
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from hardware.errors import DriverConfigError, HardwareError
from hardware.protocols import Check, DriverInfo, Option

log = logging.getLogger(__name__)

READERS = "talkcat.readers"
SPEECH = "talkcat.speech"
AUDIO = "talkcat.audio"
KEYPAD = "talkcat.keypad"
AVAILABILITY = "talkcat.availability"
"""Live availability from the library system (``hardware.availability``; SIP2 built in)."""


@dataclass(frozen=True)
class Kind:
    """One kind of driver: where it is registered and how its TOML section names it.

    ``select`` is the section's key holding the driver name (``[reader] driver``, ``[speech]
    engine``, ``[keypad] source``); ``default`` is used when neither the file nor the command
    line names one.  An ``optional`` kind may be switched off with the name ``none`` (or by
    a ``default`` of ``None``): the kiosk then runs without a driver of that kind.  With
    ``target`` the section also has a ``target`` key, passed as the driver's first argument.
    """

    group: str
    section: str
    label: str
    select: str = "driver"
    default: str | None = None
    target: bool = False
    optional: bool = False


KINDS: tuple[Kind, ...] = (
    Kind(READERS, "reader", "reader driver", "driver", "keyboard", target=True),
    Kind(SPEECH, "speech", "speech driver", "engine", "pyttsx3"),
    Kind(AUDIO, "audio", "audio driver", "driver", "pygame"),
    Kind(KEYPAD, "keypad", "keypad driver", "source", "none", optional=True),
    Kind(AVAILABILITY, "availability", "availability driver", "driver", None, optional=True),
)
"""Every driver kind; a new kind is one more line here (and its group in pyproject.toml)."""

GROUPS: tuple[str, ...] = tuple(k.group for k in KINDS)
OFF = "none"
"""The driver name that switches an ``optional`` kind off."""


def kind(group_or_section: str) -> Kind:
    """The ``Kind`` of an entry-point group or a TOML section name."""
    for k in KINDS:
        if group_or_section in (k.group, k.section):
            return k
    raise KeyError(group_or_section)

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
    try:
        return kind(group).label
    except KeyError:
        return f"driver of group '{group}'"


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
                    minimum=getattr(item, "minimum", None),
                    maximum=getattr(item, "maximum", None),
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
    return {
        str: "text", int: "whole number", float: "number", bool: "true/false", dict: "a table",
        list: "a list",
    }.get(kind, kind.__name__)


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
    low, high = option.minimum, option.maximum
    if isinstance(value, (int, float)) and (
        (low is not None and value < low) or (high is not None and value > high)
    ):
        return value, f"{value!r} is out of range; must be between {low} and {high}"
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


def self_check(
    info: DriverInfo, target: str | None = None, options: Mapping[str, object] | None = None
) -> list[Check]:
    """What one registered driver says about itself, for ``talkcat doctor``.

    ``check`` may be a classmethod/staticmethod (called on the class: a reader with no
    device can still say which ports exist) or an instance method (the driver is constructed
    with ``target``/``options`` - construction opens nothing - asked, then closed).  It returns
    a line of text, a ``Check``, a ``(status, what[, fix])`` tuple, or an iterable of those;
    a ``HardwareError`` it raises is a FAIL with that message.  A broken entry point is a FAIL
    with its reason; a driver without ``check`` is listed as loaded.  Nothing here raises:
    one driver's fault must never hide the other drivers' lines.
    """
    who = f"{_label(info.group)} '{info.name}'"
    if info.error is not None:
        return [Check("FAIL", f"{who} is broken: {info.error}",
                      "reinstall the package that provides it, or remove it")]
    static = inspect.getattr_static(info.factory, "check", None)
    if static is None:
        return [Check("OK", f"{who}: loaded ({info.target}); it has no self-check")]
    instance: Any = None
    try:
        if isinstance(static, (classmethod, staticmethod)) or not isinstance(info.factory, type):
            answer = info.factory.check()
        else:
            instance = create(info.group, info.name, target, options)
            answer = instance.check()
        items = [answer] if isinstance(answer, (str, Check, tuple)) else list(answer or ())
        results = [_as_check(who, item) for item in items]
    except HardwareError as exc:
        results = [Check("FAIL", f"{who}: {exc}")]
    except Exception as exc:  # a third-party check must not take the doctor down
        results = [Check("FAIL", f"{who}: check() raised {type(exc).__name__}: {exc}",
                         "report this to the driver's authors")]
    finally:
        close = getattr(instance, "close", None)
        if close is not None:
            try:
                close()
            except Exception as exc:
                log.warning("%s: close after check failed: %s", who, exc)
    return results or [Check("OK", f"{who}: check() found nothing to report")]


def _as_check(who: str, item: object) -> Check:
    if isinstance(item, str):
        return Check("OK", f"{who}: {item}")
    if isinstance(item, Check):
        status, what, fix = item.status, item.what, item.fix
    elif isinstance(item, tuple) and len(item) in (2, 3):
        status, what, fix = item[0], item[1], (item[2] if len(item) == 3 else "")
    else:
        status = getattr(item, "status", "FAIL")
        what = getattr(item, "what", repr(item))
        fix = getattr(item, "fix", "")
    if status not in ("OK", "WARN", "FAIL"):
        return Check("FAIL", f"{who}: check() returned status {status!r}: {what}")
    return Check(status, f"{who}: {what}", str(fix or ""))


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
    group: str,
    name: str,
    target: str | None,
    options: Mapping[str, object] | None = None,
    wiring: Mapping[str, object] | None = None,
) -> object:
    """Construct driver ``name`` of ``group`` as ``Cls(target, **options_with_defaults)``.

    ``wiring`` adds keyword arguments that are not configuration (callbacks the kiosk hands
    in, such as the keypad's ``on_other``); they are passed as they are, unchecked.
    Raises ``HardwareError`` (``DriverOptionsError`` for option problems) naming the driver.
    """
    info = driver(group, name)
    label = f"{_label(group)} '{name}'"
    checked = check_options(label, info.options, options or {})
    try:
        return info.factory(target, **checked, **(wiring or {}))
    except HardwareError:
        raise
    except Exception as exc:
        # Construction opens nothing (``open`` does), so what fails here is the configuration.
        raise DriverConfigError(
            f"{label}: could not be created: {type(exc).__name__}: {exc}"
        ) from exc
