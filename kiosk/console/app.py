"""The staff console as an ASGI application (Starlette), server-rendered with Jinja2.

The routes are a public contract (see README and issue 13): ``/login``, ``/logout``, ``/``,
``/import``, ``/search``, ``/record/<identifier>`` with ``speech.wav?level=N``, ``/missing``,
``/phrases``, ``/status.json`` and ``/metrics``.  Everything else here is about doing that
safely: every page but the two monitoring ones needs a login; every POST needs the session's
CSRF token; Jinja2 escapes every value (catalogue text is data, never markup).
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from catalog.errors import CatalogError
from kiosk.catalog_source import CatalogSource
from kiosk.console import monitor
from kiosk.console.imports import ImportJobs
from kiosk.console.security import (
    COOKIE,
    LoginGate,
    SecurityHeaders,
    Session,
    Sessions,
    client_address,
    csrf_ok,
)
from kiosk.console.speech import SpeechRenderer
from kiosk.console.state import CatalogueFigures, Health, ScansToday, Settings, missing_counts

log = logging.getLogger(__name__)

NAV = (
    ("/", "Dashboard"),
    ("/import", "Import"),
    ("/search", "Search"),
    ("/missing", "Not found"),
    ("/phrases", "Phrases"),
)


class ConsoleCatalog(CatalogSource):
    """The kiosk's self-healing read-only catalogue view, plus the reads the console needs."""

    def get(self, record_id: str) -> Any:
        return self._call("get", record_id)

    def get_label(self, label_id: str) -> Any:
        return self._call("get_label", label_id)

    def keys_of(self, record_id: str) -> list[str]:
        return list(self._call("keys_of", record_id))

    def search_page(self, text: str, offset: int, limit: int) -> tuple[list[Any], int, bool]:
        """A page of ``talkcat search``'s results (see ``catalog.paged_search``)."""
        catalog = self._open()
        try:
            return catalog.search_page(text, offset, limit)
        except CatalogError:
            self.close()
            raise
        except Exception as exc:  # sqlite3 errors from a file replaced or damaged under us
            self.close()
            raise CatalogError(f"{self.path}: {exc}") from exc


class Console:
    """Everything the pages share: settings, sessions, the catalogue, caches, jobs."""

    def __init__(
        self,
        settings: Settings,
        *,
        make_engine: Callable[[], Any] | None = None,
        health_runner: Callable[[], Any] | None = None,
    ) -> None:
        from kiosk import phrasing

        self.settings = settings
        self.sessions = Sessions(settings.session_minutes * 60)
        self.gate = LoginGate(settings.password_hash)
        self.work_dir = settings.work_dir or Path(tempfile.mkdtemp(prefix="talkcat-console-"))
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.work_dir.chmod(0o700)
        self.catalog = ConsoleCatalog(str(settings.db))
        self.jobs = ImportJobs(settings.db, self.work_dir)
        self.figures = CatalogueFigures(settings.db)
        self.health = Health(health_runner or (lambda: monitor.doctor_lines(settings.db)))
        not_found = {phrasing.message("not_found", lang).text for lang in phrasing.LANGUAGES}
        self.scans = ScansToday(settings.transcript, not_found)
        self.speech = SpeechRenderer(make_engine or self._default_engine, settings.speech_rate)
        self.previews: OrderedDict[str, bytes] = OrderedDict()
        self.env = Environment(
            loader=PackageLoader("kiosk", "console/templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def _default_engine(self) -> Any:
        from hardware import registry

        return registry.create("talkcat.speech", self.settings.speech_engine, None, {})

    def missing(self, limit: int | None) -> list[tuple[str, int]] | None:
        return missing_counts(self.settings.missing_state, limit)

    def start(self) -> None:
        self.health.start()

    def close(self) -> None:
        self.health.stop()
        self.speech.close()
        self.catalog.close()

    # ------------------------------------------------------------------ rendering

    def render(
        self, request: Request, template: str, status_code: int = 200, **values: Any
    ) -> HTMLResponse:
        session: Session | None = request.state.session
        flash = session.data.pop("flash", None) if session else None
        html = self.env.get_template(template).render(
            nav=NAV,
            path=request.url.path,
            session=session,
            csrf=session.csrf if session else "",
            flash=flash,
            **values,
        )
        return HTMLResponse(html, status_code=status_code)


Handler = Callable[[Console, Request], Awaitable[Response]]


def _session_of(console: Console, request: Request) -> Session:
    session = console.sessions.get(request.cookies.get(COOKIE))
    if session is None:
        session = console.sessions.new()
    request.state.session = session
    return session


def _with_cookie(console: Console, response: Response, session: Session) -> Response:
    response.set_cookie(
        COOKIE,
        session.token,
        max_age=None,  # a browser-session cookie; the server ends it after inactivity
        path="/",
        httponly=True,
        samesite="strict",
        secure=console.settings.tls,
    )
    return response


def page(console: Console, handler: Handler, *, staff: bool = True) -> Any:
    """Wrap a handler: session, login check, CSRF check on POST, cookie on the way out."""

    async def endpoint(request: Request) -> Response:
        session = _session_of(console, request)
        if request.method == "POST" and request.url.path != "/import":
            form = await request.form()
            request.state.form = form
            token = form.get("csrf")
            if not csrf_ok(session, token if isinstance(token, str) else None):
                return _with_cookie(console, _forbidden(console, request), session)
        if staff and not session.staff:
            response: Response = RedirectResponse("/login", status_code=303)
        else:
            response = await handler(console, request)
        return _with_cookie(console, response, request.state.session)

    return endpoint


def _forbidden(console: Console, request: Request) -> Response:
    return console.render(
        request, "error.html", 403, title="Form expired",
        message="The form was out of date or not sent from this console (CSRF check)."
        " Reload the page and try again.",
    )


# ---------------------------------------------------------------------------- login


async def login_form(console: Console, request: Request) -> Response:
    if request.state.session.staff:
        return RedirectResponse("/", status_code=303)
    return console.render(request, "login.html", title="Log in")


async def login_post(console: Console, request: Request) -> Response:
    password = request.state.form.get("password")
    password = password if isinstance(password, str) else ""
    client = client_address(
        request.client.host if request.client else None,
        request.headers.get("x-forwarded-for"),
    )
    result = await run_in_threadpool(console.gate.attempt, password, client)
    if result == "ok":
        old: Session = request.state.session
        console.sessions.end(old.token)
        fresh = console.sessions.new(staff=True)
        request.state.session = fresh
        log.info("console: staff logged in")
        return RedirectResponse("/", status_code=303)
    if result == "locked":
        wait = max(1, round(console.gate.seconds_locked(client)))
        error = f"Too many wrong passwords. The console is locked for {wait} seconds."
        response = console.render(request, "login.html", 429, title="Log in", error=error)
        response.headers["Retry-After"] = str(wait)
        return response
    return console.render(
        request, "login.html", 401, title="Log in", error="Wrong password. Please try again."
    )


async def logout(console: Console, request: Request) -> Response:
    console.sessions.end(request.state.session.token)
    request.state.session = console.sessions.new()
    return RedirectResponse("/login", status_code=303)


# ---------------------------------------------------------------------------- monitoring


async def status_json(console: Console, request: Request) -> Response:
    return JSONResponse(await run_in_threadpool(monitor.status, console))


async def metrics(console: Console, request: Request) -> Response:
    body = await run_in_threadpool(monitor.metrics_text, console)
    return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")


def _bare(console: Console, handler: Handler) -> Any:
    """Monitoring routes: no session, no cookie."""

    async def endpoint(request: Request) -> Response:
        request.state.session = None
        return await handler(console, request)

    return endpoint


# ---------------------------------------------------------------------------- app


def create_app(console: Console) -> Any:
    """The ASGI app, wrapped in the security-headers middleware."""
    from kiosk.console import pages

    def p(handler: Handler, staff: bool = True) -> Any:
        return page(console, handler, staff=staff)

    routes = [
        Route("/login", p(login_form, staff=False), methods=["GET"]),
        Route("/login", p(login_post, staff=False), methods=["POST"]),
        Route("/logout", p(logout, staff=False), methods=["POST"]),
        Route("/", p(pages.dashboard), methods=["GET"]),
        Route("/import", p(pages.import_form), methods=["GET"]),
        Route("/import", p(pages.import_post), methods=["POST"]),
        Route("/import/{job}", p(pages.import_job), methods=["GET"]),
        Route("/import/{job}/progress.json", p(pages.import_progress), methods=["GET"]),
        Route("/import/{job}/report.csv", p(pages.import_report_csv), methods=["GET"]),
        Route("/search", p(pages.search), methods=["GET"]),
        Route("/record/{identifier:path}/speech.wav", p(pages.record_wav), methods=["GET"]),
        Route("/record/{identifier:path}", p(pages.record), methods=["GET"]),
        Route("/missing", p(pages.missing), methods=["GET"]),
        Route("/missing", p(pages.missing_post), methods=["POST"]),
        Route("/phrases", p(pages.phrases), methods=["GET"]),
        Route("/phrases", p(pages.phrases_post), methods=["POST"]),
        Route("/phrases/preview/{preview}.wav", p(pages.phrases_preview), methods=["GET"]),
        Route("/status.json", _bare(console, status_json), methods=["GET"]),
        Route("/metrics", _bare(console, metrics), methods=["GET"]),
        Mount("/static", StaticFiles(packages=[("kiosk", "console/static")]), name="static"),
    ]

    async def http_error(request: Request, exc: Exception) -> Response:
        code = getattr(exc, "status_code", 500)
        if not hasattr(request.state, "session"):
            request.state.session = None
        titles = {404: "Not found", 405: "Not allowed", 413: "Too large"}
        return console.render(
            request, "error.html", code, title=titles.get(code, "Error"),
            message=getattr(exc, "detail", "") or titles.get(code, "Something went wrong."),
        )

    async def catalog_error(request: Request, exc: Exception) -> Response:
        if not hasattr(request.state, "session"):
            request.state.session = None
        return console.render(
            request, "error.html", 503, title="Catalogue unavailable", message=str(exc),
        )

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        console.start()
        try:
            yield
        finally:
            console.close()

    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: http_error, CatalogError: catalog_error},
        lifespan=lifespan,
    )
    return SecurityHeaders(app, tls=console.settings.tls)
