"""Configuration rules that need more than one key, or more than the file itself.

``kiosk.config`` declares the kiosk's own settings and reads the file; the rules here are the
rest of "every mistake at once": which driver a section chose and whether the rest of the
section fits exactly that driver's declared options, whether ``[keypad] keys`` names keys that
exist, whether the screen colours can be read (7:1), and whether the files ``run`` appends to
can be written.  Each returns or appends problem lines and never raises, so one section's
mistake never hides another's.
"""

from __future__ import annotations

import difflib
import errno
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from hardware import registry
from hardware.errors import HardwareError
from kiosk.errors import ConfigError


@dataclass(frozen=True)
class DriverChoice:
    """The driver a section chose, with its options checked against its own ``OPTIONS``.

    ``options`` holds only the keys the file or command line gave (typed); the registry adds
    the driver's declared defaults when it constructs it, so a default lives only there.
    """

    group: str
    name: str
    target: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict, repr=False)
    """Never in a repr: a driver's options may hold a password ([availability] password)."""

    def create(self, **wiring: Any) -> Any:
        """Construct the driver (nothing is opened); ``wiring`` adds callbacks, unchecked."""
        return registry.create(self.group, self.name, self.target, self.options, wiring)


def contrast_problems(screen: Mapping[str, Any], source: str) -> list[str]:
    from kiosk.screen import MIN_CONTRAST, contrast_ratio

    fg, bg = screen["fg"], screen["bg"]
    if not all(_is_rgb(c) for c in (fg, bg)):  # already reported as malformed
        return []
    ratio = contrast_ratio(tuple(fg), tuple(bg))
    if ratio >= MIN_CONTRAST:
        return []
    return [
        f"{source}: screen.fg: {fg} on screen.bg {bg} has contrast {ratio:.1f}:1; at least"
        f" {MIN_CONTRAST:.0f}:1 is needed (yellow on black is 19.6:1)"
    ]


def writable_problems(cfg: Any, *, create: bool = True) -> list[str]:
    """Files ``run`` will append to that it could not: checked before any device is opened.

    The transcript creates its folder; the log does not (as the logging module would not).
    ``create=False`` (``config check``, often run as another user than the kiosk) leaves
    nothing behind: a new file or folder made by root would lock the kiosk's user out.
    """
    problems = []
    for key, path, make_folder in (("kiosk.transcript", cfg.transcript, True),
                                   ("kiosk.log", cfg.log, False)):
        if not path:
            continue
        target = Path(path)
        try:
            if not create:
                _probe(target, make_folder)
                continue
            if make_folder:
                target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "a", encoding="utf-8"):
                pass
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            problems.append(f"{cfg.source}: {key}: {target}: cannot be written: {reason}")
    return problems


def writable_in(kiosk: Mapping[str, Any], source: str) -> list[str]:
    """:func:`writable_problems` of a ``[kiosk]`` section not yet settled, changing nothing:
    for ``config check``, which must name what ``run`` would refuse (hostile3-4)."""
    paths = SimpleNamespace(transcript=kiosk["transcript"], log=kiosk["log"], source=source)
    return writable_problems(paths, create=False)


def _probe(target: Path, make_folder: bool) -> None:
    """Raise ``OSError`` when ``target`` could not be appended to, changing nothing: an
    existing file is opened for appending (nothing written); otherwise a scratch file is
    made and removed in the nearest folder that exists (the folder itself when it may not
    be made)."""
    if target.exists():
        with open(target, "a", encoding="utf-8"):
            return
    folder = target.parent
    while make_folder and not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no such folder", str(target.parent))
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".talkcat-check-"):
        pass


def choose_driver(
    k: registry.Kind,
    given: dict[str, Any],
    own_keys: set[str],
    source: str,
    problems: list[str],
) -> DriverChoice | None:
    """Pick ``k``'s driver from its section and check the rest of the section against it.

    Appends to ``problems`` (never raises), so this section's mistakes are reported together
    with every other section's.
    """
    where = f"{source}: {k.section}"
    name = given.pop(k.select, k.default)
    target = given.pop("target", None) if k.target else None
    if name is not None and not isinstance(name, str):
        problems.append(f"{where}.{k.select}: must be a string, got {name!r}")
        return None
    if target is not None and not isinstance(target, str):
        problems.append(f"{where}.target: must be a string, got {target!r}")
        target = None
    if name is None or (k.optional and name == registry.OFF):
        for key in given:
            problems.append(
                f"{where}.{key}: unknown key; no {k.label} is chosen "
                f"(set {k.section}.{k.select} first)"
            )
        return None
    try:
        info = registry.driver(k.group, name)
    except HardwareError as exc:
        problems.append(f"{where}.{k.select}: {exc}")
        return None
    clash = own_keys & {o.name for o in info.options}
    if clash:
        problems.append(
            f"{where}: {k.label} '{name}' declares option(s) {', '.join(sorted(clash))} that the"
            " kiosk already uses in this section; rename them in the driver"
        )
    try:
        options = registry.check_options(f"{k.label} '{name}'", info.options, given)
    except registry.DriverOptionsError as exc:
        known = ", ".join(sorted(own_keys | {k.select} | ({"target"} if k.target else set())))
        for key, message in exc.problems:
            problems.append(f"{where}.{key}: {k.label} '{name}': {message}; section keys: {known}")
        return None
    typed = {key: options[key] for key in given}
    return DriverChoice(group=k.group, name=name, target=target, options=typed)


def keymap_problems(
    keys: Mapping[str, Any], source: str, keypad: DriverChoice | None
) -> list[str]:
    """Actions and key names of ``[keypad] keys``; names known to the kiosk or the driver."""
    from kiosk.keypad import KNOWN_KEY_NAMES, Keymap

    problems = []
    try:
        Keymap.from_config(keys, source="keypad")
    except ConfigError as exc:
        problems += [f"{source}: {problem}" for problem in exc.problems]
    known = set(KNOWN_KEY_NAMES)
    if keypad is not None:
        # A keypad driver may name the keys it can send (``key_names()``); others are a typo.
        names = getattr(registry.driver(keypad.group, keypad.name).factory, "key_names", None)
        if names is not None:
            known |= set(names())
    for key in keys:
        if key not in known:
            hint = difflib.get_close_matches(key, sorted(known), n=1)
            tip = f" - did you mean {hint[0]!r}?" if hint else ""
            problems.append(
                f"{source}: keypad.keys.{key}: unknown key name{tip} (see 'talkcat reader-test'"
                " or docs/accessibility.md for the names)"
            )
    return problems


def _is_rgb(value: Any) -> bool:
    return (isinstance(value, list) and len(value) == 3
            and all(isinstance(c, int) and 0 <= c <= 255 for c in value))
