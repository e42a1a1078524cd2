"""Health and figures for people and for Prometheus: the doctor's checks, ``/status.json``,
``/metrics``.

The two machine-readable routes need no login (a consortium scrapes all its kiosks), so they
carry counts and ages only: no catalogue text, no identifier, no file path - nothing a
passer-by could learn a book or a visitor from.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from kiosk.console.state import HealthLine, event_age


def doctor_lines(db: Path) -> list[HealthLine]:
    """Exactly the lines ``talkcat doctor --db DB`` prints: the same function makes both."""
    from hardware.cli import doctor_checks
    from kiosk.cli_lookup import catalogue_check  # what the root hands to doctor --db

    return [
        HealthLine(check.status, check.what, check.fix)
        for check in doctor_checks(db, catalogue_check=catalogue_check)
    ]


def status(console: Any) -> dict[str, Any]:
    """The figures of ``/status.json`` (and of the dashboard's summary)."""
    stats = console.figures.get()
    health = console.health.counts()
    _lines, checked = console.health.snapshot()
    overall = "fail" if health["FAIL"] else "warn" if health["WARN"] else "ok"
    if checked is None:
        overall = "unknown"
    missing = console.missing(None) or []
    job = console.jobs.running()
    last_import = (stats or {}).get("last_import")
    last_harvest = (stats or {}).get("last_harvest")
    return {
        "status": overall,
        "health": {
            "ok": health["OK"], "warn": health["WARN"], "fail": health["FAIL"],
            "checked_seconds_ago": None if checked is None else round(time.time() - checked),
        },
        "catalogue": {
            "available": stats is not None,
            "records": (stats or {}).get("records"),
            "labels": (stats or {}).get("labels"),
            "identifiers": (stats or {}).get("identifiers"),
            "schema_version": (stats or {}).get("schema_version"),
            "last_import_age_seconds": _rounded(event_age(last_import)),
            "last_harvest_age_seconds": _rounded(event_age(last_harvest)),
        },
        "scans_today": console.scans.count(),
        "missing": {"identifiers": len(missing), "scans": sum(c for _i, c in missing)},
        "import_running": job is not None,
    }


def _rounded(value: float | None) -> int | None:
    return None if value is None else round(value)


class _Collector:
    """Reads the figures at scrape time, so ``/metrics`` is never staler than the page."""

    def __init__(self, console: Any) -> None:
        self.console = console

    def collect(self) -> Any:
        s = status(self.console)
        cat = s["catalogue"]

        def gauge(name: str, doc: str, value: float | None) -> Any:
            family = GaugeMetricFamily(name, doc)
            if value is not None:
                family.add_metric([], float(value))
            return family

        yield gauge("talkcat_up", "1 while the console answers", 1)
        yield gauge("talkcat_catalogue_available", "1 when the catalogue can be read",
                    1 if cat["available"] else 0)
        yield gauge("talkcat_catalogue_records", "records in the catalogue", cat["records"])
        yield gauge("talkcat_catalogue_labels", "shelf and service labels", cat["labels"])
        yield gauge("talkcat_catalogue_identifiers", "scannable identifiers",
                    cat["identifiers"])
        yield gauge("talkcat_last_import_age_seconds", "seconds since the last import",
                    cat["last_import_age_seconds"])
        yield gauge("talkcat_last_harvest_age_seconds", "seconds since the last harvest",
                    cat["last_harvest_age_seconds"])
        yield gauge("talkcat_scans_today", "scans answered today (from the transcript)",
                    s["scans_today"])
        yield gauge("talkcat_missing_identifiers", "distinct identifiers scanned but not found",
                    s["missing"]["identifiers"])
        yield gauge("talkcat_missing_scans", "scans of identifiers not found",
                    s["missing"]["scans"])
        yield gauge("talkcat_import_running", "1 while a console import runs",
                    1 if s["import_running"] else 0)
        checks = GaugeMetricFamily(
            "talkcat_health_checks", "doctor check lines by status", labels=["status"]
        )
        for name in ("ok", "warn", "fail"):
            checks.add_metric([name], s["health"][name])
        yield checks
        yield gauge("talkcat_healthy", "1 when no doctor check FAILs",
                    0 if s["health"]["fail"] else 1)


def metrics_text(console: Any) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Collector(console))
    return generate_latest(registry)
