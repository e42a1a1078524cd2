"""Staff commands: import, export, search, catalogue maintenance, the not-found list.

The catalogue room's own CLI, beside its library (as sqlite-utils keeps its CLI beside its
library); the root ``talkcat`` group in ``kiosk.cli`` mounts it with ``register``.  It never
imports ``kiosk`` or ``hardware``.  Commands raise the project's errors (``talkcat.errors``:
``NothingFound`` exit 1, ``InvalidInput`` exit 2, ``CatalogError`` exit 3); the root turns
them into one line and an exit code, in one place.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from catalog.damage import (
    advice,
    damaged,
    forget_damage,
    is_damage,
    known_damage,
    rebuild_advice,
    remember_damage,
)
from catalog.errors import CatalogError, NothingFound
from catalog.exporting import SafeWriter, atomic_output, check_output, export
from catalog.harvest import harvest_checks, last_harvest
from catalog.importing import ImportReport, import_files, upgrade
from catalog.lock import LOCK_WAIT_S
from catalog.missing import MissingCounter
from catalog.records import Record
from catalog.store import Catalog
from talkcat.errors import InvalidInput, TalkcatError, Unavailable

# Kept importable under their old names: both are now members of the one error family.
CatalogUnavailable = CatalogError
__all__ = ["CatalogUnavailable", "NothingFound", "catalogue_check", "register"]


DB_OPTION = click.option(
    "--db",
    "db",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The catalogue file (SQLite).",
)


@contextmanager
def _open_readonly(db: Path, *, known: bool = True) -> Iterator[Catalog]:
    """The catalogue to read; exit 3 when it was found damaged before (``known``)."""
    damage = known_damage(db) if known else None
    if damage is not None:
        raise damage
    catalog = Catalog.open(db, readonly=True)
    try:
        yield catalog
    finally:
        catalog.close()


# --------------------------------------------------------------------------- import


def _write_report(path: Path, report: ImportReport) -> None:
    """The rejections and warnings as CSV (formula-safe), written whole or not at all."""
    try:
        with atomic_output(path) as handle:
            writer = SafeWriter(handle)
            writer.writerow(["severity", "file", "position", "identifier", "reason"])
            for severity, items in (("rejected", report.rejected), ("warning", report.warnings)):
                for item in items:
                    writer.writerow(
                        [severity, item.file, item.position, item.identifier or "", item.reason]
                    )
    except TalkcatError as exc:
        saved = "saved: " + report.summary() if report.committed else "nothing was saved"
        raise Unavailable(f"the import is done ({saved}), but --report failed: {exc}") from exc


@click.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@DB_OPTION
@click.option("--replace", is_flag=True, help="Replace the whole catalogue (atomically).")
@click.option("--strict", is_flag=True, help="Save nothing if any record is rejected; exit 2.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write every rejection and warning to this CSV file.",
)
@click.option(
    "--wait",
    type=click.FloatRange(0),
    default=LOCK_WAIT_S,
    show_default=True,
    help="Seconds to wait for another import writing the same catalogue.",
)
def import_command(
    files: tuple[Path, ...],
    db: Path,
    replace: bool,
    strict: bool,
    report_path: Path | None,
    wait: float,
) -> None:
    """Load MARC21 (.mrc, UTF-8 or MARC-8), MARCXML, CSV/TSV or JSON/JSON Lines FILES.

    Everything is loaded in one transaction: if the import fails or is interrupted the
    previous catalogue is untouched, and a running kiosk keeps answering meanwhile.
    Re-importing a file updates its records, never duplicates them.  Exit 0 when something
    usable was loaded, 1 when nothing was, 2 with --strict when anything was rejected, 3 when
    the catalogue cannot be opened.
    """
    if report_path is not None:
        check_output(report_path, "--report", catalogue=db, inputs=files)
    total = sum(f.stat().st_size for f in files)
    bar = None
    if sys.stderr.isatty():
        bar = click.progressbar(length=max(total, 1), label="Importing", file=sys.stderr)
        bar.__enter__()
    done = [0]

    def progress(read: int, _total: int) -> None:
        if bar is not None:
            bar.update(max(0, read - done[0]))
            done[0] = max(done[0], read)

    try:
        report = import_files(
            db, files, replace=replace, strict=strict, progress=progress, wait=wait
        )
    except FileNotFoundError as exc:
        raise click.BadParameter(str(exc)) from exc
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)

    # The first 1,000 of each on the terminal; every one of them in --report.
    for item in report.rejected.kept:
        ident = f" [{item.identifier}]" if item.identifier else ""
        click.echo(f"rejected: {item.file}: {item.position}{ident}: {item.reason}", err=True)
    for item in report.warnings.kept:
        ident = f" [{item.identifier}]" if item.identifier else ""
        click.echo(f"warning: {item.file}: {item.position}{ident}: {item.reason}", err=True)
    for kind, items in (("rejections", report.rejected), ("warnings", report.warnings)):
        if items.spilled:
            where = f"all of them are in {report_path}" if report_path else "use --report"
            click.echo(f"... and {items.spilled} more {kind} ({where})", err=True)
    if report_path is not None:
        _write_report(report_path, report)
    click.echo(f"{db}: {report.summary()} ({report.seconds:.1f} s)")
    if strict and report.rejected:
        raise InvalidInput("--strict: something was rejected, so nothing was saved.")
    if report.usable == 0:
        raise NothingFound("Nothing usable was loaded.")


# --------------------------------------------------------------------------- search


def _describe(record: Record) -> str:
    people = "; ".join(record.authors) or "-"
    year = f" ({record.year})" if record.year else ""
    kind = "" if record.kind == "book" else f" [{record.kind}]"
    title = record.title + (f" : {record.subtitle}" if record.subtitle else "")
    return f"{record.id}\t{title}{year}\t{people}{kind}"


@click.command("search")
@click.argument("text")
@DB_OPTION
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10000))
def search_command(text: str, db: Path, limit: int) -> None:
    """Full-text search of titles, people, series and subjects.

    Every word must match the start of a word (a single letter: a whole word); diacritics
    are ignored ("ostergren" finds "Östergren").  Prints id, title (year), authors [kind],
    the best first; when more match than can be ranked quickly, in catalogue order, said on
    standard error.  Exit 1 when nothing matches.  The console's search, page one.
    """
    from catalog.paged_search import RANK_LIMIT, fts_query

    if fts_query(text) is None:  # only quotes, "*", "-"...: nothing to look for
        raise NothingFound(f"{text!r} has no letter or digit to search for")
    with _open_readonly(db) as catalog:
        results, _matches, ranked = catalog.search_page(text, 0, limit)
    if not results:
        raise NothingFound(f"nothing in {db} matches {text!r}")
    for record in results:
        click.echo(_describe(record))
    if not ranked:
        click.echo(
            f"talkcat: more than {RANK_LIMIT} records match {text!r}; listed in catalogue"
            " order - add a word to see the best matches first",
            err=True,
        )


# --------------------------------------------------------------------------- export


@click.command("export")
@DB_OPTION
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write here instead of standard output.",
)
def export_command(db: Path, fmt: str, output: Path | None) -> None:
    """Write every record and label as CSV or JSON Lines (UTF-8), in the column set
    `talkcat import` reads - so staff can check, edit and re-import their data."""
    if output is not None:
        check_output(output, "--output", catalogue=db)
    with _open_readonly(db) as catalog:
        if output is None:
            # Data for another program: past the terminal filter (kiosk.terminal), as is.
            stream = getattr(sys.stdout, "wrapped", sys.stdout)
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(encoding="utf-8")  # "UTF-8 as is", whatever the locale says
            count = export(catalog, fmt, stream)
            stream.flush()
        else:
            with atomic_output(output) as handle:
                count = export(catalog, fmt, handle)
    if output is not None:
        click.echo(f"{count} rows written to {output}", err=True)


# --------------------------------------------------------------------------- catalog group


@click.group("catalog")
def catalog_group() -> None:
    """Catalogue maintenance: statistics, schema upgrade, integrity check."""


@catalog_group.command("stats")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats_command(db: Path, as_json: bool) -> None:
    """Counts by kind and language, identifiers, labels, last import and harvest, schema."""
    with _open_readonly(db) as catalog:
        stats = catalog.stats()
        stats["last_harvest"] = last_harvest(catalog)
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    click.echo(f"catalogue:      {stats['path']}")
    click.echo(f"schema version: {stats['schema_version']}")
    click.echo(f"records:        {stats['records']}")
    click.echo(f"identifiers:    {stats['identifiers']}")
    click.echo(f"labels:         {stats['labels']}")
    click.echo("by kind:        " + ", ".join(f"{k} {n}" for k, n in stats["by_kind"].items()))
    click.echo("by language:    " + ", ".join(f"{k} {n}" for k, n in stats["by_language"].items()))
    last = stats["last_import"]
    if last:
        click.echo(
            f"last import:    {last['time']}: {', '.join(last['files'])} ({last['added']} added,"
            f" {last['updated']} updated, {last['deleted']} deleted, {last['rejected']} rejected)"
        )
    else:
        click.echo("last import:    never")
    harvested = stats["last_harvest"]
    if harvested:
        where = harvested["url"] + (f" set {harvested['set']}" if harvested.get("set") else "")
        state = "complete" if harvested["complete"] else f"STOPPED: {harvested['problem']}"
        click.echo(
            f"last harvest:   {harvested['time']}: {where} ({harvested['added']} added,"
            f" {harvested['updated']} updated, {harvested['deleted']} deleted,"
            f" {harvested['rejected']} rejected; {state});"
            f" last success {harvested['last_success'] or 'never'}"
        )
    else:
        click.echo("last harvest:   never")


@catalog_group.command("upgrade")
@DB_OPTION
def upgrade_command(db: Path) -> None:
    """Apply pending schema migrations (the kiosk refuses an older schema until this runs)."""
    old, new = upgrade(db)
    if old == new:
        click.echo(f"{db}: schema version {new}, already up to date")
    else:
        click.echo(f"{db}: upgraded schema version {old} -> {new}")


@catalog_group.command("check")
@DB_OPTION
@click.option("--full", is_flag=True, help="PRAGMA integrity_check instead of quick_check.")
def check_command(db: Path, full: bool) -> None:
    """Check the catalogue file's integrity (PRAGMA quick_check, or integrity_check), and
    that every ISBN, barcode, RFID tag and other identifier a record claims leads to a record."""
    with _open_readonly(db, known=False) as catalog:
        problems = catalog.check(full=full)
    if problems:
        for line in problems:
            click.echo(f"{db}: {line}", err=True)
        raise damaged(db, f"{len(problems)} problem(s) found")
    forget_damage(db)
    click.echo(f"{db}: ok")


# --------------------------------------------------------------------------- missing


@click.command("missing")
@click.option(
    "--state",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The kiosk's not-found state file (as given to `talkcat run`).",
)
@click.option("--limit", type=click.IntRange(1), default=None, help="Show only the top N.")
def missing_command(state: Path, limit: int | None) -> None:
    """List identifiers the kiosk could not find, most scanned first, with counts.

    Only counts are kept (no times), so staff learn what to catalogue or re-tag without
    anything that could identify a visitor.
    """
    if not state.exists():
        click.echo(f"{state}: no unfound scans recorded yet")
        return
    with MissingCounter(state) as counter:
        counts = counter.counts()
    if not counts:
        click.echo(f"{state}: no unfound scans recorded")
        return
    for identifier, count in counts[:limit]:
        click.echo(f"{count}\t{identifier}")


# --------------------------------------------------------------------------- doctor


def catalogue_check(db: Path) -> Iterator[tuple[str, str, str]]:
    """``(status, what, fix)`` lines about one catalogue file, for ``talkcat doctor --db``.

    Opened read-only with bare ``sqlite3`` first, so a damaged file is described rather than
    refused by ``Catalog.open``'s schema check.
    """
    if not db.exists():
        yield ("FAIL", f"catalogue {db}: not found", "talkcat import FILE... --db DB")
        return
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        if not is_damage(exc):
            fix = f"try again when no other program is writing it: `talkcat doctor --db {db}`"
        else:
            fix = advice(db)
        yield ("FAIL", f"catalogue {db}: {exc}", fix)
        return
    if result != "ok":
        remember_damage(db, f"quick_check: {result}")
        yield ("FAIL", f"catalogue {db}: damaged ({result})", rebuild_advice(db))
        return
    stats = ""
    harvests: list[tuple[str, str, str]] = []
    try:
        with Catalog.open(db, readonly=True) as catalog:
            figures = catalog.stats()
            last = figures["last_import"]
            stats = (f"; records {figures['records']:,}, identifiers {figures['identifiers']:,},"
                     f" labels {figures['labels']:,}, last import "
                     + (last["time"] if last else "never"))
            harvests = harvest_checks(catalog)
    except (CatalogError, sqlite3.Error):
        stats = ""
    yield ("OK", f"catalogue {db}: schema version {version}, quick_check ok{stats}", "")
    yield from harvests


def register(group: click.Group) -> None:
    """Attach the staff commands to the ``talkcat`` group."""
    for command in (
        import_command,
        search_command,
        export_command,
        catalog_group,
        missing_command,
    ):
        group.add_command(command)
