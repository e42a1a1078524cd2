"""What the catalogue says of its harvests, for people: ``catalog stats``, ``doctor`` and the
staff console's dashboard; and the key each repository's state is stored under.

Every URL shown here has its password hidden (:mod:`catalog.redact`), and so has the key: a
harvest stores its state under the redacted URL.  A catalogue written before that (the clear
URL as key) needs no schema change: it is shown redacted from the start, and its next harvest
of that URL moves the state and the identifiers to the redacted key
(:meth:`catalog.harvest_book.HarvestBook.move_harvest_source`) and carries on incrementally.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from catalog.redact import redact_text, redact_url
from catalog.store import Catalog

DEFAULT_MAX_AGE_HOURS = 48.0


def source_key(url: str, set_spec: str | None) -> str:
    return url if not set_spec else f"{url}#set={set_spec}"


def shown_state(state: dict[str, Any]) -> dict[str, Any]:
    """``state`` with every URL in it (its own, its last attempt's and that attempt's
    problem line) shown with the password hidden: a catalogue from before the redaction
    may still hold the clear form."""
    shown = dict(state)
    if shown.get("url"):
        shown["url"] = redact_url(shown["url"])
    attempt = shown.get("last_attempt")
    if attempt:
        attempt = shown["last_attempt"] = dict(attempt)
        if attempt.get("url"):
            attempt["url"] = redact_url(attempt["url"])
        if attempt.get("problem"):
            attempt["problem"] = redact_text(attempt["problem"])
    return shown


def last_harvest(catalog: Catalog) -> dict[str, Any] | None:
    """The newest harvest attempt of any repository: when, where, counts, and whether it
    finished; plus ``last_success`` (ISO time) of that same repository and set."""
    states = [shown_state(s) for s in catalog.harvest_states()]
    attempts = [s for s in states if s.get("last_attempt")]
    if not attempts:
        return None
    newest = max(
        attempts, key=lambda s: (s["last_attempt"]["time"], s["last_attempt"].get("at", 0.0))
    )
    return {**newest["last_attempt"], "last_success": newest.get("last_success")}


def harvest_checks(
    catalog: Catalog, now: datetime | None = None
) -> list[tuple[str, str, str]]:
    """``(status, what, fix)`` per harvested repository for ``talkcat doctor``: WARN when its
    last successful harvest is older than the ``max_age_hours`` its runs were configured with
    (each run records it, so the check needs no configuration file)."""
    now = now or datetime.now(UTC)
    lines = []
    for state in map(shown_state, catalog.harvest_states()):
        where = source_key(state.get("url", "?"), state.get("set"))
        limit = float(state.get("max_age_hours") or DEFAULT_MAX_AGE_HOURS)
        fix = (
            "check the library system's OAI-PMH service and the timer"
            " (systemctl status talkcat-harvest.timer), then: talkcat harvest --config FILE"
        )
        success = state.get("last_success")
        attempt = state.get("last_attempt") or {}
        why = f" (last attempt: {attempt['problem']})" if attempt.get("problem") else ""
        if not success:
            lines.append(("WARN", f"harvest of {where}: never completed{why}", fix))
            continue
        hours = (now - datetime.fromisoformat(success)).total_seconds() / 3600
        if hours > limit:
            lines.append((
                "WARN",
                f"harvest of {where}: last success {success}, {hours:.0f} h ago"
                f" (more than {limit:g} h){why}",
                fix,
            ))
        else:
            lines.append(("OK", f"harvest of {where}: last success {success}{why}", ""))
    return lines


def state_for(catalog: Catalog, url: str, set_spec: str | None) -> tuple[str, dict[str, Any]]:
    """``(key, state)`` of ``url`` and set, the key with the password hidden.  A state kept
    under the clear URL (a catalogue harvested before the redaction) is moved to that key
    first, with its identifiers, so the harvest goes on incrementally (inside the caller's
    transaction)."""
    key = source_key(redact_url(url), set_spec)
    clear = source_key(url, set_spec)
    if clear != key:
        catalog.move_harvest_source(clear, key, shown_state)
    return key, shown_state(catalog.harvest_state(key))
