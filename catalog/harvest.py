"""``talkcat harvest``: follow the library system's catalogue over OAI-PMH.

Why it works this way:

* **Each page is one transaction, with the point reached.**  A page's records and the
  ``resumptionToken`` for the next page are committed together, so a harvest killed
  (``kill -9``, power, network) resumes from the next page on the next run, and a record is
  always either wholly old or wholly new.  The kiosk reads the catalogue in WAL mode and keeps
  answering from the last committed page throughout.
* **Incremental by the repository's clock.**  A run asks for records changed ``from`` the
  ``responseDate`` of the previous successful run's first page (per URL and set), so a clock
  difference between kiosk and library system cannot skip a record.  ``from`` is inclusive:
  the records of that second come again, which only updates them.
* **Records map exactly as the MARC importers map them**: the MARCXML inside each
  ``<metadata>`` goes through the importer's mapping, so ids, keys and rejection reasons are
  the same as for ``talkcat import`` of the same records.
* **Deletions.**  A header with ``status="deleted"`` names only the OAI identifier, so the
  catalogue remembers which record each identifier became (table ``harvested``).  ``full``
  re-harvests everything and then removes the records the repository no longer has, as
  ``import --replace`` does (shelf labels, which no repository holds, are kept); records of
  other harvested repositories or sets are left alone.
* **Nothing is lost on a fault.**  A page that cannot be had after the bounded retries stops
  the run with one line; what was committed stays, and the next run resumes there.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from catalog.duplicates import WrittenOnce
from catalog.importers import Entry, Rejection, marc
from catalog.importing import ImportReport, _apply
from catalog.oai import OAI, Client, FetchFailed, OaiError, Retry
from catalog.store import Catalog

log = logging.getLogger(__name__)

__all__ = ["PREFIXES", "HarvestReport", "Retry", "harvest", "harvest_checks", "last_harvest"]

DEFAULT_MAX_AGE_HOURS = 48.0

PREFIXES = ("marcxml", "marc21")
MARC = "{http://www.loc.gov/MARC21/slim}"


@dataclass
class HarvestReport(ImportReport):
    """An :class:`ImportReport` plus what only a harvest has.

    ``complete``: the repository said there was nothing more; ``problem``: why it stopped
    early (one line); ``reached``: whether the repository answered at all.
    """

    url: str = ""
    set_spec: str | None = None
    pages: int = 0
    resumed: bool = False
    restarted: bool = False
    nothing_new: bool = False
    complete: bool = False
    problem: str | None = None
    reached: bool = True
    bad_answer: bool = False
    removed: int = 0

    def summary(self) -> str:
        removed = f", {self.removed} removed by --full" if self.removed else ""
        done = (
            "nothing new"
            if self.nothing_new
            else f"{self.pages} page(s)" + (", resumed" if self.resumed else "")
        )
        state = "" if self.complete else " - STOPPED EARLY, the next run resumes from here"
        return (
            f"{self.added} added, {self.updated} updated, {self.deleted} deleted,"
            f" {len(self.rejected)} rejected, {len(self.warnings)} warnings{removed}"
            f" ({done}){state}"
        )


def source_key(url: str, set_spec: str | None) -> str:
    return url if not set_spec else f"{url}#set={set_spec}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --------------------------------------------------------------------------- state


def _load_state(catalog: Catalog, source: str) -> dict[str, Any]:
    row = catalog._conn.execute(
        "SELECT state FROM harvest_state WHERE source = ?", (source,)
    ).fetchone()
    return json.loads(row[0]) if row else {}


def _save_state(catalog: Catalog, source: str, state: dict[str, Any]) -> None:
    catalog._conn.execute(
        "INSERT OR REPLACE INTO harvest_state (source, state) VALUES (?, ?)",
        (source, json.dumps(state, ensure_ascii=False)),
    )


def last_harvest(catalog: Catalog) -> dict[str, Any] | None:
    """The newest harvest attempt of any repository: when, where, counts, and whether it
    finished; plus ``last_success`` (ISO time) of that repository."""
    with catalog._lock:
        rows = catalog._conn.execute("SELECT state FROM harvest_state").fetchall()
    states = [json.loads(r[0]) for r in rows]
    attempts = [s for s in states if s.get("last_attempt")]
    if not attempts:
        return None
    newest = max(attempts, key=lambda s: s["last_attempt"]["time"])
    return {
        **newest["last_attempt"],
        "last_success": max((s.get("last_success") or "" for s in states), default="") or None,
    }


def harvest_checks(
    catalog: Catalog, now: datetime | None = None
) -> list[tuple[str, str, str]]:
    """``(status, what, fix)`` per harvested repository for ``talkcat doctor``: WARN when its
    last successful harvest is older than the ``max_age_hours`` its runs were configured with
    (each run records it, so the check needs no configuration file)."""
    now = now or datetime.now(UTC)
    with catalog._lock:
        rows = catalog._conn.execute("SELECT state FROM harvest_state ORDER BY source").fetchall()
    lines = []
    for (raw,) in rows:
        state = json.loads(raw)
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
            lines.append(("OK", f"harvest of {where}: last success {success}", ""))
    return lines


# --------------------------------------------------------------------------- one page


def _marc_item(elem: etree._Element, position: str, file: str) -> Any:
    try:
        record = marc._xml_record(elem)
    except ValueError as exc:
        return Rejection(file, position, None, str(exc))
    try:
        return marc.map_record(record, position, file)
    except Exception as exc:  # a mapping bug must not stop the harvest
        log.exception("%s %s: cannot map record", file, position)
        return Rejection(file, position, None, f"cannot read record: {exc}")


def _known(catalog: Catalog, source: str, ids: list[str]) -> dict[str, str]:
    """Which record each of these OAI identifiers became, in one query per 500."""
    found: dict[str, str] = {}
    for at in range(0, len(ids), 500):
        chunk = ids[at : at + 500]
        marks = ",".join("?" * len(chunk))
        found.update(
            catalog._conn.execute(
                f"SELECT oai_id, record_id FROM harvested WHERE source = ? AND oai_id IN ({marks})",
                (source, *chunk),
            ).fetchall()
        )
    return found


def _apply_page(
    catalog: Catalog, listing: etree._Element, page: int, run: dict[str, Any], source: str,
    report: HarvestReport, seen: WrittenOnce,
) -> None:
    conn = catalog._conn
    file = report.files[-1]
    records = []
    for rec in listing.iterfind(f"{OAI}record"):
        header = rec.find(f"{OAI}header")
        oai_id = (header.findtext(f"{OAI}identifier") if header is not None else None) or ""
        records.append((rec, header, oai_id.strip()))
    known = _known(catalog, source, [oai_id for _rec, _header, oai_id in records])
    mapped: dict[str, str | None] = {}  # this page's changes to ``harvested``
    for number, (rec, header, oai_id) in enumerate(records, 1):
        position = f"page {page}, record {number} ({oai_id or 'no identifier'})"
        before = known.get(oai_id)
        if header is not None and header.get("status") == "deleted":
            if before is not None and catalog.delete_record(before):
                report.deleted += 1
            known.pop(oai_id, None)
            mapped[oai_id] = None
            continue
        metadata = rec.find(f"{OAI}metadata")
        elem = None
        if metadata is not None:
            elem = metadata.find(f"{MARC}record")
            if elem is None:
                elem = next((c for c in metadata if etree.QName(c).localname == "record"), None)
        if elem is None:
            item: Any = Rejection(
                file, position, None,
                "no MARC record in <metadata>: is the metadata prefix one that sends MARCXML?",
            )
        else:
            item = _marc_item(elem, position, file)
        _apply(catalog, item, report, seen)
        if isinstance(item, Entry):
            if before is not None and before != item.record.id:
                catalog.delete_record(before)  # the source re-numbered it (a new 001)
            known[oai_id] = mapped[oai_id] = item.record.id
        elif before is not None:
            # Rejected now, but the repository still has it: the loaded copy stays, and is
            # counted as seen so --full does not remove it.
            mapped[oai_id] = before
    conn.execute(
        "DELETE FROM harvested WHERE source = ? AND oai_id IN (SELECT value FROM json_each(?))",
        (source, json.dumps([k for k, v in mapped.items() if v is None])),
    )
    conn.executemany(
        "INSERT OR REPLACE INTO harvested (source, oai_id, record_id, run) VALUES (?, ?, ?, ?)",
        [(source, k, v, run["id"]) for k, v in mapped.items() if v is not None],
    )


def _remove_unseen(catalog: Catalog, source: str, run_id: int) -> int:
    """After a full run: remove records the repository no longer has (not seen in this run,
    not harvested from another repository or set)."""
    conn = catalog._conn
    gone = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM records WHERE id NOT IN"
            " (SELECT record_id FROM harvested WHERE source = ? AND run = ?)"
            " AND id NOT IN (SELECT record_id FROM harvested WHERE source <> ?)",
            (source, run_id, source),
        )
    ]
    for record_id in gone:
        catalog.delete_record(record_id)
    conn.execute("DELETE FROM harvested WHERE source = ? AND run <> ?", (source, run_id))
    return len(gone)


# --------------------------------------------------------------------------- the run


def _datestamp_for(stamp: str | None, granularity: str) -> str | None:
    if stamp and granularity == "YYYY-MM-DD":
        return stamp[:10]
    return stamp


def harvest(
    db_path: str | Path,
    url: str,
    *,
    set_spec: str | None = None,
    prefix: str = "marcxml",
    from_date: str | None = None,
    full: bool = False,
    max_age_hours: float = DEFAULT_MAX_AGE_HOURS,
    retry: Retry | None = None,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[HarvestReport], None] | None = None,
) -> HarvestReport:
    """Harvest ``url`` into the catalogue at ``db_path``; see the module's docstring.

    Never raises for what the repository does (the report's ``problem`` says it); raises
    ``CatalogError`` when the catalogue cannot be opened.
    """
    started = time.monotonic()
    source = source_key(url, set_spec)
    report = HarvestReport(url=url, set_spec=set_spec)
    report.files.append(url)
    catalog = Catalog.open(db_path)
    client = Client(url, retry or Retry(), sleep)
    try:
        state = _load_state(catalog, source)
        state.update(url=url, set=set_spec, prefix=prefix, max_age_hours=max_age_hours)
        run = state.get("run")
        if run is not None and (from_date or full != run.get("full") or prefix != run["prefix"]):
            log.info("%s: a different harvest was asked for; not resuming the one left", url)
            run = None
        try:
            identify = client.page({"verb": "Identify"})
            granularity = identify.findtext(f"{OAI}Identify/{OAI}granularity") or "YYYY-MM-DD"
        except (FetchFailed, OaiError) as exc:
            report.reached = getattr(exc, "reached", True)
            report.bad_answer = isinstance(exc, OaiError) or getattr(exc, "malformed", False)
            report.problem = f"{url}: cannot harvest: {exc}"
            counts = (run or {}).get("counts") or dict.fromkeys(_COUNTS, 0)
            state["last_attempt"] = _attempt(url, set_spec, run or {"full": full}, report, counts)
            with catalog.transaction():
                _save_state(catalog, source, state)
            return report
        if run is None:
            run = {
                "id": int(state.get("runs", 0)) + 1,
                "from": from_date or (None if full else state.get("datestamp")),
                "full": full,
                "prefix": prefix,
                "token": None,
                "started": _now(),
                "counts": dict.fromkeys(_COUNTS, 0),
            }
            state["runs"] = run["id"]
        else:
            report.resumed = run["token"] is not None
        _run(catalog, client, source, state, run, granularity, report, progress)
    finally:
        client.close()
        catalog.close()
        report.seconds = time.monotonic() - started
    return report


_COUNTS = ("added", "updated", "deleted", "rejected")


def _attempt(
    url: str, set_spec: str | None, run: dict[str, Any], report: HarvestReport,
    counts: dict[str, int], complete: bool = False,
) -> dict[str, Any]:
    """What ``catalog stats`` and ``doctor`` show of the newest run."""
    return {
        "time": _now(),
        "url": url,
        "set": set_spec,
        "complete": complete,
        "full": run["full"],
        "removed": report.removed,
        "problem": report.problem,
        **counts,
    }


def _query(run: dict[str, Any], set_spec: str | None, granularity: str) -> dict[str, str]:
    if run["token"]:
        return {"verb": "ListRecords", "resumptionToken": run["token"]}
    query = {"verb": "ListRecords", "metadataPrefix": run["prefix"]}
    since = _datestamp_for(run["from"], granularity)
    if since:
        query["from"] = since
    if set_spec:
        query["set"] = set_spec
    return query


def _run(
    catalog: Catalog, client: Client, source: str, state: dict[str, Any], run: dict[str, Any],
    granularity: str, report: HarvestReport, progress: Callable[[HarvestReport], None] | None,
) -> None:
    set_spec = state.get("set")
    seen = catalog.written_once()  # the same id twice in one run: a warning, as in import
    while True:
        before = (report.added, report.updated, report.deleted, len(report.rejected))
        listing = None
        try:
            root = client.page(_query(run, set_spec, granularity))
            run.setdefault("next_from", root.findtext(f"{OAI}responseDate"))
            listing = root.find(f"{OAI}ListRecords")
            if listing is None:
                raise OaiError("badAnswer", "the answer has neither ListRecords nor an error")
        except OaiError as exc:
            if exc.code == "noRecordsMatch" and not run["token"]:
                report.nothing_new = True
                run.setdefault("next_from", exc.response_date)
            elif exc.code == "badResumptionToken" and run["token"] and not report.restarted:
                log.warning("%s: resumption token refused (%s); starting again from %s",
                            client.url, exc, run["from"] or "the beginning")
                report.restarted = True
                run["token"] = None
                seen = catalog.written_once()  # the same pages again: not duplicates
                continue
            else:
                report.bad_answer = True
                report.problem = f"{client.url}: the repository answered {exc}"
        except FetchFailed as exc:
            report.reached = report.pages > 0 or exc.reached
            report.bad_answer = exc.malformed
            report.problem = f"{client.url}: page {report.pages + 1}: {exc}"
        token = None
        if listing is not None:
            element = listing.find(f"{OAI}resumptionToken")
            token = (element.text or "").strip() or None if element is not None else None
        finished = report.problem is None and token is None
        with catalog.transaction():
            if listing is not None:
                report.pages += 1
                _apply_page(catalog, listing, report.pages, run, source, report, seen)
                run["token"] = token
            after = (report.added, report.updated, report.deleted, len(report.rejected))
            for key, old, new in zip(run["counts"], before, after, strict=True):
                run["counts"][key] += new - old
            if finished:
                if run["full"]:
                    report.removed = _remove_unseen(catalog, source, run["id"])
                state["datestamp"] = run.get("next_from") or state.get("datestamp")
                state["last_success"] = _now()
                state["run"] = None
            else:
                state["run"] = run
            state["last_attempt"] = _attempt(
                client.url, set_spec, run, report, run["counts"], finished
            )
            _save_state(catalog, source, state)
        if progress is not None:
            progress(report)
        if listing is None or finished or report.problem:
            report.complete = finished
            return
