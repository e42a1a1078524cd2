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
* **Records map and are written exactly as the MARC importers do it**: the MARCXML inside
  each ``<metadata>`` goes through the importer's mapping
  (:func:`catalog.importers.marcxml.item_from_element`) and its write path
  (:func:`catalog.importing.apply_item`, a few hundred records per statement), so ids, keys,
  rejection reasons and notes are the same as for ``talkcat import`` of the same records.
* **The next page is fetched while this one is written** (:class:`_Pages`, one thread): the
  repository makes page N+1 while page N is mapped and committed.  It is only ever written
  after page N, so the order of commits - and what a resumed run starts from - is unchanged.
* **Deletions.**  A header with ``status="deleted"`` names only the OAI identifier, so the
  catalogue remembers which record each identifier became (table ``harvested``).  ``full``
  re-harvests everything and then removes the records the repository no longer has, as
  ``import --replace`` does (shelf labels, which no repository holds, are kept); records of
  other harvested repositories or sets are left alone.
* **Nothing is lost on a fault.**  A page that cannot be had after the bounded retries stops
  the run with one line; what was committed stays, and the next run resumes there.  A
  ``resumptionToken`` already seen in this run (pages that loop), or :data:`MAX_STALE_PAGES`
  pages in a row with no record or the records of the page before again (a listing that
  never ends), stops it too, and the next run starts that harvest again rather than resume
  at the token that went nowhere.
* **No password is shown or stored.**  A URL with ``user:password@`` authenticates with
  them; every line, the report and the harvest state hold it with the password hidden
  (:mod:`catalog.redact`, :mod:`catalog.harvest_status`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from catalog.batching import RecordBatch
from catalog.damage import known_damage
from catalog.harvest_status import DEFAULT_MAX_AGE_HOURS, harvest_checks, last_harvest, state_for
from catalog.importers import Entry, Rejection, marcxml
from catalog.importing import ImportReport, apply_item
from catalog.oai import OAI, Client, FetchFailed, OaiError, Retry, resume_point
from catalog.redact import redact_url
from catalog.store import Catalog

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_MAX_AGE_HOURS", "PREFIXES", "HarvestReport", "Retry", "harvest", "harvest_checks",
    "last_harvest",
]

PREFIXES = ("marcxml", "marc21")
MAX_STALE_PAGES = 50
"""Pages in a row that bring nothing - no record at all, or exactly the records of the page
before (a repository that ignores the token it gave) - each with a new resumptionToken,
before a harvest takes the listing for endless.  A real repository can send a few empty
pages (records it filters out after paging); fifty in a row is a broken one, which would
otherwise hold the catalogue's import lock for ever.  (Records sent again because they
changed during the harvest are different records page to page, and do not count.)"""
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
    looped: bool = False
    """The pages went round in a loop: the next run starts again instead of resuming."""
    kept_all: bool = False
    """A ``--full`` run got no record at all, so it removed nothing (hostile3-9)."""

    def summary(self) -> str:
        removed = f", {self.removed} removed by --full" if self.removed else ""
        done = (
            "nothing new"
            if self.nothing_new
            else f"{self.pages} page(s)" + (", resumed" if self.resumed else "")
        )
        state = (
            ""
            if self.complete
            else " - NOTHING REMOVED"
            if self.kept_all
            else " - STOPPED EARLY, the next run starts this harvest again"
            if self.looped
            else " - STOPPED EARLY, the next run resumes from here"
        )
        return (
            f"{self.added} added, {self.updated} updated, {self.deleted} deleted,"
            f" {len(self.rejected)} rejected, {len(self.warnings)} warnings{removed}"
            f" ({done}){state}"
        )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --------------------------------------------------------------------------- one page


def _marc_element(rec: etree._Element) -> etree._Element | None:
    metadata = rec.find(f"{OAI}metadata")
    if metadata is None:
        return None
    elem = metadata.find(f"{MARC}record")
    if elem is None:  # MARCXML without its namespace, or in another one
        records = (c for c in metadata if isinstance(c.tag, str))  # not a comment
        elem = next((c for c in records if etree.QName(c).localname == "record"), None)
    return elem


Page = list[tuple[etree._Element, etree._Element | None, str]]
"""A page's records: ``(record, header, OAI identifier)``."""


def _records(listing: etree._Element) -> Page:
    records = []
    for rec in listing.iterfind(f"{OAI}record"):
        header = rec.find(f"{OAI}header")
        oai_id = (header.findtext(f"{OAI}identifier") if header is not None else None) or ""
        records.append((rec, header, oai_id.strip()))
    return records


def _apply_page(
    catalog: Catalog, records: Page, page: int, run: dict[str, Any], source: str,
    report: HarvestReport, batch: RecordBatch,
) -> None:
    """Write one page through the import's write path (:func:`apply_item`, records a batch
    at a time), inside the caller's transaction."""
    file = report.files[-1]
    known = catalog.harvested_ids(source, [oai_id for _rec, _header, oai_id in records])
    mapped: dict[str, str | None] = {}  # this page's changes to ``harvested``
    for number, (rec, header, oai_id) in enumerate(records, 1):
        position = f"page {page}, record {number} ({oai_id or 'no identifier'})"
        before = known.get(oai_id)
        if header is not None and header.get("status") == "deleted":
            batch.flush()  # in the repository's order: a record written above, then deleted
            if before is not None and catalog.delete_record(before):
                report.deleted += 1
            known.pop(oai_id, None)
            mapped[oai_id] = None
            continue
        elem = _marc_element(rec)
        item: Any = (
            Rejection(
                file, position, None,
                "no MARC record in <metadata>: is the metadata prefix one that sends MARCXML?",
            )
            if elem is None
            else marcxml.item_from_element(elem, position, file)
        )
        apply_item(catalog, item, report, batch)
        if isinstance(item, Entry):
            if before is not None and before != item.record.id:
                batch.flush()
                catalog.delete_record(before)  # the source re-numbered it (a new 001)
            known[oai_id] = mapped[oai_id] = item.record.id
        elif before is not None:
            # Rejected now, but the repository still has it: the loaded copy stays, and is
            # counted as seen so --full does not remove it.
            mapped[oai_id] = before
    batch.settle()  # written, and the keys it moved from other records told
    catalog.note_harvested(source, run["id"], mapped)


class _Pages:
    """The next page is fetched and parsed in a thread while this one is written: the
    repository makes page N+1 while the kiosk writes page N (lxml's parser, sqlite and the
    socket all release the GIL).  At most two pages are held, so memory stays flat; nothing
    fetched ahead is written before its turn, so commits keep the repository's order.  The
    thread is a daemon: Ctrl-C ends the harvest at once, not after a slow server answers."""

    def __init__(self, client: Client, stop: threading.Event) -> None:
        self._client = client
        self._stop = stop
        self._ahead: tuple[dict[str, str], Future[etree._Element]] | None = None

    def ahead(self, query: dict[str, str]) -> None:
        future: Future[etree._Element] = Future()

        def fetch() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(self._client.page(query))
            except BaseException as exc:  # handed to the writer, which reports it
                future.set_exception(exc)

        threading.Thread(target=fetch, name="oai-page", daemon=True).start()
        self._ahead = (query, future)

    def get(self, query: dict[str, str]) -> etree._Element:
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead[0] == query:
            return ahead[1].result()
        return self._client.page(query)

    def close(self) -> None:
        """Stop a page still being fetched (its retry waits end at once)."""
        self._stop.set()


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
    sleep: Callable[[float], None] | None = None,
    progress: Callable[[HarvestReport], None] | None = None,
) -> HarvestReport:
    """Harvest ``url`` into the catalogue at ``db_path``; see the module's docstring.

    Never raises for what the repository does (the report's ``problem`` says it); raises
    ``CatalogError`` when the catalogue cannot be opened.  ``sleep`` waits between retries
    (by default a wait that the end of the run cuts short).
    """
    started = time.monotonic()
    shown = redact_url(url)  # what every line and the catalogue hold: no password
    report = HarvestReport(url=shown, set_spec=set_spec)
    report.files.append(shown)
    known = known_damage(Path(db_path))
    if known is not None:
        raise known
    catalog = Catalog.open(db_path)
    stop = threading.Event()

    def wait(seconds: float) -> None:
        if stop.wait(seconds):  # the run has ended: a page still being fetched gives up
            raise FetchFailed("the harvest stopped", reached=False)

    client = Client(url, retry or Retry(), sleep or wait)
    pages = _Pages(client, stop)
    try:
        with catalog.transaction():
            source, state = state_for(catalog, url, set_spec)
        state.update(url=shown, set=set_spec, prefix=prefix, max_age_hours=max_age_hours)
        run = state.get("run")
        if run is not None and (from_date or full != run.get("full") or prefix != run["prefix"]):
            log.info("%s: a different harvest was asked for; not resuming the one left", shown)
            run = None
        try:
            identify = client.page({"verb": "Identify"})
            granularity = identify.findtext(f"{OAI}Identify/{OAI}granularity") or "YYYY-MM-DD"
        except (FetchFailed, OaiError) as exc:
            report.reached = getattr(exc, "reached", True)
            report.bad_answer = isinstance(exc, OaiError) or getattr(exc, "malformed", False)
            report.problem = f"{shown}: cannot harvest: {exc}"
            counts = (run or {}).get("counts") or dict.fromkeys(_COUNTS, 0)
            state["last_attempt"] = _attempt(shown, set_spec, run or {"full": full}, report, counts)
            with catalog.transaction():
                catalog.save_harvest_state(source, state)
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
        _run(catalog, pages, source, state, run, granularity, report, progress)
    finally:
        pages.close()
        client.close()
        catalog.close()
        report.seconds = time.monotonic() - started
    return report


_COUNTS = ("added", "updated", "deleted", "rejected")


def _resume_from(run: dict[str, Any], response_date: str | None, report: HarvestReport) -> None:
    """Keep the first page's ``responseDate`` as the next run's ``from``, if believable."""
    if "next_from" not in run:
        started = datetime.fromisoformat(run["started"])
        run["next_from"], warning = resume_point(response_date, started)
        if warning is not None:
            log.warning("%s: %s", report.url, warning)
            report.warnings.append(Rejection(report.url, "responseDate", None, warning))


def _refuse_emptying(
    catalog: Catalog, source: str, run: dict[str, Any], report: HarvestReport
) -> bool:
    """A full run that got no record at all would remove every record of the repository:
    refuse (exit 2, the catalogue kept) - an empty answer is far likelier a wrong set or URL,
    or a library system rebuilding its index, than a library without books."""
    doomed = catalog.emptied_by(source, run["id"])
    if not doomed:
        return False
    report.kept_all = report.bad_answer = True
    report.nothing_new = False
    report.problem = (
        f"{report.url}: --full: the repository sent no records at all, so nothing was"
        f" removed ({doomed} records kept) - check the URL and [harvest] set; a harvest"
        " without --full still follows its changes"
    )
    return True


def _attempt(
    url: str, set_spec: str | None, run: dict[str, Any], report: HarvestReport,
    counts: dict[str, int], complete: bool = False,
) -> dict[str, Any]:
    """What ``catalog stats`` and ``doctor`` show of the newest run."""
    return {
        "time": _now(),
        "at": time.time(),  # orders attempts made within one second
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
    catalog: Catalog, pages: _Pages, source: str, state: dict[str, Any], run: dict[str, Any],
    granularity: str, report: HarvestReport, progress: Callable[[HarvestReport], None] | None,
) -> None:
    set_spec = state.get("set")
    url = report.url
    # The same id twice in one run: a warning naming both places, as in import.
    batch = RecordBatch(catalog, report, catalog.written_once())
    # Every token of this run: one that comes again means the pages loop (A -> A, A -> B ->
    # A), and following it would hold the import lock for ever.
    seen: set[str] = {run["token"]} if run["token"] else set()
    # Pages in a row with no record, or the same records as the page before (a repository
    # that ignores the token it gave): a listing that never ends.
    stale, previous = 0, None
    while True:
        before = (report.added, report.updated, report.deleted, len(report.rejected))
        listing = None
        try:
            root = pages.get(_query(run, set_spec, granularity))
            _resume_from(run, root.findtext(f"{OAI}responseDate"), report)
            listing = root.find(f"{OAI}ListRecords")
            if listing is None:
                raise OaiError("badAnswer", "the answer has neither ListRecords nor an error")
        except OaiError as exc:
            if exc.code == "noRecordsMatch" and not run["token"]:
                report.nothing_new = True
                _resume_from(run, exc.response_date, report)
            elif exc.code == "badResumptionToken" and run["token"] and not report.restarted:
                log.warning("%s: resumption token refused (%s); starting again from %s",
                            url, exc, run["from"] or "the beginning")
                report.restarted = True
                run["token"] = None
                seen = set()  # the same tokens again are the restart, not a loop
                stale, previous = 0, None
                # The same pages again: not duplicates.
                batch = RecordBatch(catalog, report, catalog.written_once())
                continue
            else:
                report.bad_answer = True
                report.problem = f"{url}: the repository answered {exc}"
        except FetchFailed as exc:
            report.reached = report.pages > 0 or exc.reached
            report.bad_answer = exc.malformed
            report.problem = f"{url}: page {report.pages + 1}: {exc}"
        token = endless = None
        records: Page = []
        if listing is not None:
            element = listing.find(f"{OAI}resumptionToken")
            token = (element.text or "").strip() or None if element is not None else None
            records = _records(listing)
            ids = [oai_id for _rec, _header, oai_id in records]
            stale = stale + 1 if not ids or ids == previous else 0
            previous = ids
        if token is not None and token in seen:
            endless = (
                f"the repository sent resumptionToken {token[:200]!r} again: its pages go"
                " round in a loop"
            )
        elif token is not None and stale >= MAX_STALE_PAGES:
            endless = (
                f"{stale} pages in a row held no record, or the same records as the page"
                " before, each with a new resumptionToken: the repository's pages do not end"
            )
        if endless is not None:
            report.bad_answer = report.looped = True
            report.problem = (
                f"{url}: page {report.pages + 1}: {endless} (an OAI-PMH error); the pages"
                " before it are kept, the next run starts this harvest again"
            )
            token = None
        elif token is not None:
            seen.add(token)
        if token is not None:
            pages.ahead({"verb": "ListRecords", "resumptionToken": token})
        finished = report.problem is None and token is None
        with catalog.transaction():
            if listing is not None:
                report.pages += 1
                _apply_page(catalog, records, report.pages, run, source, report, batch)
                run["token"] = token
            if finished and run["full"]:
                finished = not _refuse_emptying(catalog, source, run, report)
            after = (report.added, report.updated, report.deleted, len(report.rejected))
            for key, old, new in zip(run["counts"], before, after, strict=True):
                run["counts"][key] += new - old
            if finished:
                if run["full"]:
                    report.removed = catalog.remove_unharvested(source, run["id"])
                state["datestamp"] = run.get("next_from") or state.get("datestamp")
                state["last_success"] = _now()
                state["run"] = None
            else:
                # After a loop the run is not resumed at its token: that would loop again.
                state["run"] = None if report.looped or report.kept_all else run
            state["last_attempt"] = _attempt(url, set_spec, run, report, run["counts"], finished)
            catalog.save_harvest_state(source, state)
        if progress is not None:
            progress(report)
        if report.problem is not None or finished:
            report.complete = finished
            return
