"""``talkcat harvest``: the staff command that follows the library system over OAI-PMH.

Exit codes as ``import``: 0 harvested (or nothing new), 1 nothing usable (every record
rejected), 2 bad input (options, configuration, or a repository answering garbage or an OAI
error), 3 the repository or the catalogue cannot be reached/opened.  A run that stops early
keeps every page it committed and says so; the next run resumes there.  Ctrl-C or SIGTERM
stops it with one line saying what was saved (exit 1).

The ``[harvest]`` and ``[kiosk] db`` settings are validated by the kiosk's one configuration
schema; the root hands that loader in through :func:`register`, since this room may not
import the kiosk.
"""

from __future__ import annotations

import re
import signal
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from catalog.cli import _write_report
from catalog.errors import NothingFound
from catalog.exporting import check_output
from catalog.harvest import PREFIXES, HarvestReport, Retry, harvest
from catalog.oai import url_problem
from talkcat.errors import InvalidInput, TalkcatError, Unavailable

SettingsLoader = Callable[[Path | None, Mapping[str, Mapping[str, Any]]], tuple[dict, str | None]]
"""(config path, command-line overrides) -> ([harvest] settings, [kiosk] db)."""

DEFAULTS: dict[str, Any] = {
    "url": None, "set": None, "prefix": "marcxml", "max_age_hours": 48, "attempts": 5,
    "timeout": 60,
}

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?")


def _real_date(text: str) -> bool:
    """``YYYY-MM-DD`` (or with ``Thh:mm:ssZ``) naming a day that exists (not 2026-13-45)."""
    if not _DATE.fullmatch(text):
        return False
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _no_config(
    path: Path | None, overrides: Mapping[str, Mapping[str, Any]]
) -> tuple[dict, str | None]:
    if path is not None:
        raise InvalidInput("--config: no configuration loader is mounted")
    given = {k: v for k, v in overrides["harvest"].items() if v is not None}
    return {**DEFAULTS, **given}, overrides["kiosk"].get("db")


_loader: list[SettingsLoader] = [_no_config]


def _failure(report: HarvestReport) -> TalkcatError | None:
    if report.problem is not None:
        error = InvalidInput if report.bad_answer else Unavailable
        return error(report.problem)
    if report.usable == 0 and report.rejected:
        return NothingFound("Nothing usable was harvested.")
    return None


@click.command("harvest")
@click.argument("url", required=False)
@click.option(
    "--db", "db", type=click.Path(dir_okay=False, path_type=Path),
    help="The catalogue file (SQLite); default: [kiosk] db of --config.",
)
@click.option("--set", "set_spec", help="Harvest only this OAI-PMH set (setSpec).")
@click.option(
    "--prefix", type=click.Choice(PREFIXES), default=None,
    help="metadataPrefix that sends MARCXML (default marcxml).",
)
@click.option(
    "--from", "from_date", metavar="YYYY-MM-DD",
    help="Records changed since this date, instead of since the last successful run.",
)
@click.option(
    "--full", is_flag=True,
    help="Harvest everything again and remove what the repository no longer has.",
)
@click.option(
    "--report", "report_path", type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write every rejection and warning to this CSV file.",
)
@click.option(
    "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
    help="kiosk.toml: [harvest] url/set/prefix and [kiosk] db.",
)
def harvest_command(
    url: str | None, db: Path | None, set_spec: str | None, prefix: str | None,
    from_date: str | None, full: bool, report_path: Path | None, config_path: Path | None,
) -> None:
    """Harvest the catalogue from the library system's OAI-PMH URL (Koha, Evergreen...).

    The first run harvests everything; each later run only what changed since the last
    successful one (per URL and set).  Every page is saved as it arrives, so an interrupted
    harvest resumes where it stopped, and the kiosk keeps answering throughout.
    """
    settings, db_path = _loader[0](
        config_path,
        {
            "harvest": {"url": url, "set": set_spec, "prefix": prefix},
            "kiosk": {"db": str(db) if db else None},
        },
    )
    url = settings["url"]
    if not url:
        raise click.UsageError("give the repository's URL, or [harvest] url in --config")
    if db_path is None:
        raise click.UsageError("give --db, or [kiosk] db in --config")
    problem = url_problem(url)
    if problem is not None:
        raise click.UsageError(f"harvest.url: {problem}")
    if from_date is not None and not _real_date(from_date):
        raise click.BadParameter(f"{from_date!r}: expected YYYY-MM-DD", param_hint="--from")
    if report_path is not None and not report_path.parent.is_dir():
        raise click.BadParameter(f"{report_path.parent}: no such folder", param_hint="--report")
    if report_path is not None:
        check_output(report_path, "--report", catalogue=Path(db_path))
    retry = Retry(attempts=settings["attempts"], timeout=float(settings["timeout"]))
    saved: list[HarvestReport] = []
    try:
        with _terminate_as_interrupt():
            report = harvest(
                db_path, url, set_spec=settings["set"], prefix=settings["prefix"],
                from_date=from_date, full=full, retry=retry,
                max_age_hours=float(settings["max_age_hours"]),
                progress=saved.append,
            )
    except KeyboardInterrupt:
        raise HarvestStopped(_interrupted(db_path, saved[-1] if saved else None)) from None
    for item in report.rejected:
        ident = f" [{item.identifier}]" if item.identifier else ""
        click.echo(f"rejected: {item.file}: {item.position}{ident}: {item.reason}", err=True)
    for item in report.warnings:
        ident = f" [{item.identifier}]" if item.identifier else ""
        click.echo(f"warning: {item.file}: {item.position}{ident}: {item.reason}", err=True)
    if report_path is not None:
        _write_report(report_path, report)
    if report.pages or report.nothing_new or report.problem is None:
        click.echo(f"{db_path}: {report.summary()} ({report.seconds:.1f} s)")
    failure = _failure(report)
    if failure is not None:
        raise failure


class HarvestStopped(TalkcatError):
    """Ctrl-C or SIGTERM: exit 1, as click's own "Aborted!" was."""

    exit_code = 1


def _interrupted(db_path: str | Path, report: HarvestReport | None) -> str:
    """The one line for Ctrl-C or SIGTERM: what was saved, and where the next run goes on."""
    if report is None or not report.pages:
        return f"harvest stopped: nothing was saved in {db_path}"
    return (
        f"harvest stopped: {report.pages} page(s) saved in {db_path} ({report.added}"
        f" added, {report.updated} updated, {report.deleted} deleted); the next run resumes"
        " after them"
    )


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (systemd stopping the timer's service) ends the harvest as Ctrl-C does: the
    page being written is rolled back and the saved ones are told."""

    def on_term(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    try:
        old = signal.signal(signal.SIGTERM, on_term)
    except ValueError:  # not the main thread (a test runner's worker): nothing to install
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def register(group: click.Group, load_settings: SettingsLoader | None = None) -> None:
    """Mount ``harvest`` on the root group; ``load_settings`` reads and validates kiosk.toml."""
    if load_settings is not None:
        _loader[0] = load_settings
    group.add_command(harvest_command)
