"""The console's pages: dashboard, import, search, record, not-found list, phrases.

Each handler does its catalogue or speech work in a worker thread (``run_in_threadpool``) so a
slow query or a synthesis never holds up other staff's pages, and renders a template; all the
wording staff read is in the templates.
"""

from __future__ import annotations

import csv
import secrets
import tempfile
import urllib.parse
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from catalog import paged_search
from catalog.errors import CatalogError, InvalidIdentifier
from catalog.identifiers import normalise
from catalog.importing import import_files
from catalog.records import Label, Record
from hardware.errors import HardwareError
from kiosk import phrasing
from kiosk.console import phrase_editor
from kiosk.console.imports import UploadError, receive_upload, report_csv
from kiosk.console.security import csrf_ok
from kiosk.console.speech import LEVELS, utterance_for
from kiosk.console.state import Flash, event_age

PER_PAGE = 20
MAX_PAGES = 50
REPORT_ROWS = 1000
"""Rejections listed on the report page; the CSV download has all of them."""

SAMPLE = Record(
    id="sample",
    title="Mio, min Mio",
    authors=("Lindgren, Astrid, 1907-2002",),
    narrators=("Lindgren, Astrid",),
    language="swe",
    year=1954,
    publisher="Rabén & Sjögren",
    playing_time_minutes=185,
    kind="talking_book",
    series="Mio",
    series_number="1",
    summary="Bo Vilhelm Olsson bor i Stockholm. En kväll förs han bort till Landet i fjärran.",
)
"""The record a phrase preview reads (phrase edits are heard on a book that has every part)."""


def quote(identifier: str) -> str:
    return urllib.parse.quote(identifier, safe="")


def _flash(request: Request, text: str, kind: str = "status") -> None:
    request.state.session.data["flash"] = Flash(text, kind)


def _age_text(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


# ---------------------------------------------------------------------------- dashboard


async def dashboard(console: Any, request: Request) -> Response:
    stats = await run_in_threadpool(console.figures.get)
    lines, checked = console.health.snapshot()
    missing = await run_in_threadpool(console.missing, 10)
    scans = await run_in_threadpool(console.scans.count)
    last_import = (stats or {}).get("last_import")
    last_harvest = (stats or {}).get("last_harvest")
    return console.render(
        request, "dashboard.html", title="Dashboard",
        stats=stats, catalogue_error=console.figures.error,
        last_import=last_import, last_import_age=_age_text(event_age(last_import)),
        last_harvest=last_harvest, last_harvest_age=_age_text(event_age(last_harvest)),
        health=lines, health_checked=checked is not None, scans=scans, missing=missing,
        job=console.jobs.running(), quote=quote,
    )


# ---------------------------------------------------------------------------- import


async def import_form(console: Any, request: Request, error: str | None = None,
                      status_code: int = 200) -> Response:
    return console.render(
        request, "import.html", status_code, title="Import", error=error,
        max_mb=console.settings.max_upload_bytes // (1024 * 1024), job=console.jobs.running(),
    )


async def import_post(console: Any, request: Request) -> Response:
    limit = console.settings.max_upload_bytes
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limit + 64 * 1024:
        return await import_form(
            console, request, f"The file is larger than the limit of {limit // 2**20} MB"
            " ([console] max_upload_mb).", 413,
        )
    try:
        upload = await receive_upload(
            request.headers.get("content-type", ""), request.stream(), console.work_dir, limit
        )
    except UploadError as exc:
        return await import_form(console, request, str(exc), exc.status)
    if not csrf_ok(request.state.session, upload.fields.get("csrf")):
        if upload.path is not None:
            upload.path.unlink(missing_ok=True)
        from kiosk.console.app import _forbidden

        return _forbidden(console, request)
    if upload.path is None or upload.size == 0:
        if upload.path is not None:
            upload.path.unlink(missing_ok=True)
        return await import_form(console, request, "Choose a file to import: it was empty.", 400)
    replace = upload.fields.get("replace") in ("on", "yes", "1", "true")
    try:
        job = console.jobs.start(upload, replace)
    except UploadError as exc:
        return await import_form(console, request, str(exc), exc.status)
    await run_in_threadpool(console.jobs.wait, job, 2.0)  # a small file: show its report now
    return RedirectResponse(f"/import/{job.id}", status_code=303)


def _job(console: Any, request: Request) -> Any:
    job = console.jobs.get(request.path_params["job"])
    if job is None:
        from starlette.exceptions import HTTPException

        raise HTTPException(404, "No such import (reports are kept while the console runs).")
    return job


async def import_job(console: Any, request: Request) -> Response:
    job = _job(console, request)
    report = job.report
    return console.render(
        request, "import_job.html", title="Import report" if not job.running else "Importing",
        job=job, report=report, rows=REPORT_ROWS,
        rejected=(report.rejected[:REPORT_ROWS] if report else []),
        warnings=(report.warnings[:REPORT_ROWS] if report else []),
    )


async def import_progress(console: Any, request: Request) -> Response:
    return JSONResponse(_job(console, request).as_json())


async def import_report_csv(console: Any, request: Request) -> Response:
    job = _job(console, request)
    return Response(
        report_csv(job), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="import-report.csv"'},
    )


# ---------------------------------------------------------------------------- search


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return min(MAX_PAGES, max(1, int(raw))) if raw.isdigit() else 1


async def search(console: Any, request: Request) -> Response:
    q = request.query_params.get("q", "").strip()[:200]
    number = _page_number(request)
    results: list[Any] = []
    exact, matches, ranked = None, 0, True
    wordless = bool(q) and paged_search.fts_query(q) is None  # only "*", "-", quotes...
    if q and not wordless:
        results, matches, ranked = await run_in_threadpool(
            console.catalog.search_page, q, (number - 1) * PER_PAGE, PER_PAGE + 1
        )
    if q:
        exact = await run_in_threadpool(_lookup, console, q)
    return console.render(
        request, "search.html", title=f"Search: {q}" if q else "Search", q=q,
        results=results[:PER_PAGE], page=number,
        more=len(results) > PER_PAGE and number < MAX_PAGES, first=(number - 1) * PER_PAGE + 1,
        exact=exact, quote=quote, qq=urllib.parse.quote_plus(q), matches=matches,
        ranked=ranked, rank_limit=paged_search.RANK_LIMIT, wordless=wordless,
    )


def _lookup(console: Any, text: str) -> Any:
    """The record or label a scannable identifier leads to, or None (never raises)."""
    try:
        key = normalise(text)
    except InvalidIdentifier:
        return None
    hit = console.catalog.lookup(key)
    return getattr(hit, "record", None) or getattr(hit, "label", None) or hit if hit else None


# ---------------------------------------------------------------------------- record


def _find(console: Any, identifier: str) -> Any:
    return (
        console.catalog.get(identifier)
        or console.catalog.get_label(identifier)
        or _lookup(console, identifier)
    )


def _lang(console: Any, request: Request) -> str:
    lang = request.query_params.get("lang", console.settings.language)
    return lang if lang in phrasing.LANGUAGES else console.settings.language


def _utterances(console: Any, hit: Any, lang: str) -> list[tuple[int, Any]]:
    if isinstance(hit, Label):
        return [(1, phrasing.label(hit, lang))]
    out = []
    for level in LEVELS:
        utterance = utterance_for(
            hit, level, lang, verbose=console.settings.verbose,
            phrases_dir=console.settings.phrases_dir,
        )
        if utterance is not None:
            out.append((level, utterance))
    return out


async def record(console: Any, request: Request) -> Response:
    identifier = request.path_params["identifier"]
    hit = await run_in_threadpool(_find, console, identifier)
    if hit is None:
        return console.render(
            request, "error.html", 404, title="Not in the catalogue",
            message=f"Nothing in the catalogue has the id or identifier {identifier!r}.",
        )
    lang = _lang(console, request)
    utterances = await run_in_threadpool(_utterances, console, hit, lang)
    keys = await run_in_threadpool(console.catalog.keys_of, hit.id) if isinstance(
        hit, Record) else []
    return console.render(
        request, "record.html", title=getattr(hit, "title", None) or hit.text, hit=hit,
        is_label=isinstance(hit, Label), utterances=utterances, lang=lang, keys=keys,
        languages=phrasing.LANGUAGES, quote=quote, voice=_voice_lang,
    )


def _voice_lang(hit: Any) -> str | None:
    """The record's own language as an HTML ``lang`` code, so a screen reader reads it right."""
    from kiosk.levels import voice_for

    return voice_for(hit, "") or None


async def record_wav(console: Any, request: Request) -> Response:
    identifier = request.path_params["identifier"]
    level_text = request.query_params.get("level", "1")
    if level_text not in {str(n) for n in LEVELS}:
        return Response("level must be 1, 2 or 3\n", 400, media_type="text/plain")
    hit = await run_in_threadpool(_find, console, identifier)
    if hit is None:
        return Response("not in the catalogue\n", 404, media_type="text/plain")
    lang = _lang(console, request)
    utterances = dict(await run_in_threadpool(_utterances, console, hit, lang))
    utterance = utterances.get(int(level_text))
    if utterance is None:
        return Response("this record has nothing at that level\n", 404, media_type="text/plain")
    try:
        data = await run_in_threadpool(console.speech.wav, utterance)
    except HardwareError as exc:
        return Response(f"speech unavailable: {exc}\n", 503, media_type="text/plain")
    return Response(data, media_type="audio/wav", headers={"Cache-Control": "private, max-age=300"})


# ---------------------------------------------------------------------------- missing


def _missing_rows(console: Any) -> list[dict[str, Any]] | None:
    counts = console.missing(None)
    if counts is None:
        return None
    rows = []
    for identifier, count in counts[:500]:
        hit = _lookup(console, identifier)
        rows.append({"identifier": identifier, "count": count, "now": hit})
    return rows


async def missing(console: Any, request: Request, error: str | None = None,
                  status_code: int = 200, values: dict[str, str] | None = None) -> Response:
    rows = await run_in_threadpool(_missing_rows, console)
    chosen = request.query_params.get("identifier", "")[:64]
    return console.render(
        request, "missing.html", status_code, title="Not found", rows=rows, error=error,
        values=values or {"identifier": chosen, "text": "", "language": ""},
        languages=phrasing.LANGUAGES, quote=quote, Label=Label,
    )


def _add_label(console: Any, identifier: str, text: str, language: str) -> str | None:
    """Add a label through the importer (same checks as a CSV row); an error text or None."""
    try:
        key = normalise(identifier)
    except InvalidIdentifier as exc:
        return f"{identifier!r} is not a valid identifier: {exc}"
    existing = console.catalog.lookup(key)
    if existing:
        return f"{identifier} is already in the catalogue; it is no longer missing."
    with tempfile.TemporaryDirectory(dir=console.work_dir) as folder:
        path = Path(folder) / "label.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["type", "text", "language", "identifier"])
            writer.writerow(["label", text, language, identifier])
        try:
            report = import_files(console.settings.db, [path])
        except CatalogError as exc:
            return str(exc)
    if report.rejected:
        return report.rejected[0].reason
    if not report.labels:
        return "the label was not saved"
    return None


async def missing_post(console: Any, request: Request) -> Response:
    form = request.state.form
    values = {k: str(form.get(k, "")).strip() for k in ("identifier", "text", "language")}
    if not values["identifier"] or not values["text"]:
        return await missing(console, request, "Give both the identifier and the label text.",
                             400, values)
    if len(values["text"]) > 300:
        return await missing(console, request, "The label text is too long (300 characters"
                             " at most).", 400, values)
    if values["language"] not in ("", *phrasing.LANGUAGES):
        return await missing(console, request, "Choose a language from the list.", 400, values)
    error = await run_in_threadpool(
        _add_label, console, values["identifier"], values["text"], values["language"]
    )
    if error:
        return await missing(console, request, error, 400, values)
    console.figures.get()
    _flash(request, f"Label added: {values['identifier']} now says “{values['text']}”.")
    return RedirectResponse("/missing", status_code=303)


# ---------------------------------------------------------------------------- phrases


def _phrase_lang(request: Request, default: str) -> str:
    lang = request.query_params.get("lang", default)
    return lang if lang in phrasing.LANGUAGES else default


async def phrases(console: Any, request: Request, **extra: Any) -> Response:
    lang = extra.pop("lang", None) or _phrase_lang(request, console.settings.language)
    phrases_dir = console.settings.phrases_dir
    texts = {}
    for kind in phrase_editor.KINDS:
        text, is_staff = phrase_editor.current_text(kind, lang, phrases_dir)
        texts[kind] = {"text": text, "staff": is_staff}
    for kind, text in extra.pop("edited", {}).items():
        texts[kind]["text"] = text
    return console.render(
        request, "phrases.html", extra.pop("status_code", 200), title="Phrases", lang=lang,
        languages=phrasing.LANGUAGES, texts=texts, phrases_dir=phrases_dir,
        file_name=phrase_editor.file_name, **extra,
    )


def _preview(console: Any, kind: str, lang: str, text: str) -> tuple[bytes, str]:
    folder = phrase_editor.preview_dir(kind, lang, text, console.settings.phrases_dir)
    one = utterance_for(SAMPLE, 1, lang, verbose=console.settings.verbose, phrases_dir=folder)
    two = utterance_for(SAMPLE, 2, lang, phrases_dir=folder)
    combined = phrasing.Utterance(
        text=f"{one.text} {two.text}", lang=lang, segments=(*one.spoken(), *two.spoken())
    )
    return console.speech.wav(combined), combined.text


async def phrases_post(console: Any, request: Request) -> Response:
    form = request.state.form
    kind, lang = str(form.get("kind", "")), str(form.get("lang", ""))
    text, action = str(form.get("text", "")), str(form.get("action", "save"))
    if kind not in phrase_editor.KINDS or lang not in phrasing.LANGUAGES:
        return await phrases(console, request, lang=None, status_code=400,
                             error="Unknown phrase file.")
    text = text.replace("\r\n", "\n")
    problems = phrase_editor.validate(kind, lang, text)
    if problems:
        return await phrases(
            console, request, lang=lang, status_code=400, edited={kind: text},
            error=f"Not saved: {phrase_editor.file_name(kind, lang)} has"
                  f" {len(problems)} problem(s).", problems=problems, error_kind=kind,
        )
    if action == "listen":
        try:
            data, said = await run_in_threadpool(_preview, console, kind, lang, text)
        except HardwareError as exc:
            return await phrases(console, request, lang=lang, status_code=503,
                                 edited={kind: text}, error=f"Speech unavailable: {exc}")
        preview = secrets.token_urlsafe(12)
        console.previews[preview] = data
        while len(console.previews) > 20:
            console.previews.popitem(last=False)
        return await phrases(console, request, lang=lang, edited={kind: text}, preview=preview,
                             preview_text=said, preview_kind=kind)
    if not console.settings.phrases_dir:
        return await phrases(
            console, request, lang=lang, status_code=409, edited={kind: text},
            error="Saving needs a phrases folder: set [kiosk] phrases_dir in kiosk.toml.",
        )
    await run_in_threadpool(phrase_editor.save, kind, lang, text, console.settings.phrases_dir)
    _flash(request, f"Saved {phrase_editor.file_name(kind, lang)}. The kiosk uses it from its"
                    " next start.")
    return RedirectResponse(f"/phrases?lang={lang}", status_code=303)


async def phrases_preview(console: Any, request: Request) -> Response:
    data = console.previews.get(request.path_params["preview"])
    if data is None:
        return Response("preview expired\n", 404, media_type="text/plain")
    return Response(data, media_type="audio/wav")
