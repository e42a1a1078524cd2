"""Fetching OAI-PMH pages: one request, answered with one strictly parsed page or one reason.

The HTTP side is ``oaipmh-scythe``'s client (its configured ``httpx2`` session, user agent,
timeouts).  Two things are done here rather than through ``Scythe.harvest``, for reasons
measured on real pages (see the README's Performance notes):

* ``Scythe.harvest`` parses each page with a *recovering* XML parser.  A page cut off or
  garbled half-way then parses "successfully" without its tail and without its
  ``resumptionToken``: the harvest would end early and silently lose the rest.  Here a page is
  parsed strictly, once; a page that does not parse is fetched again, then reported.
* Its retry honours ``Retry-After`` without a bound (and fails on the HTTP-date form); a kiosk's
  nightly harvest must never sleep for a day because a proxy said so.  Here waits are bounded
  and both forms are read.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx2
from lxml import etree
from oaipmh_scythe import Scythe
from oaipmh_scythe.config import HTTPConfig

from catalog.errors import TalkcatError
from catalog.importers.xml_stream import ControlMarker
from catalog.redact import has_password, redact_text, redact_url

log = logging.getLogger(__name__)

OAI = "{http://www.openarchives.org/OAI/2.0/}"
MAX_PAGE_MB = 64
"""The largest page a harvest reads.  A real page of 500 MARCXML records is 1-5 MB; a broken
proxy or repository can send gigabytes, and a kiosk machine must not run out of memory for
it.  The body is parsed as it streams in and refused past this size."""


def _parser() -> etree.XMLParser:
    """Strict, and safe against hostile pages (no entity expansion, no network fetches).
    One per page: a feed parser holds its document, and pages are parsed in two threads."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class TooLarge(Exception):
    """A page's body went past :data:`MAX_PAGE_MB`."""


def one_line(exc: BaseException) -> str:
    """lxml's messages can run over several lines ("try XML_PARSE_HUGE\n, line 1, ...")."""
    return " ".join(str(exc).split())

RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}


@dataclass(frozen=True)
class Retry:
    """How hard to try before a page is reported as failed.  Every wait is bounded."""

    attempts: int = 5
    backoff: float = 1.0
    max_wait: float = 120.0
    timeout: float = 60.0


class FetchFailed(TalkcatError):
    """A page could not be had after every retry.  ``reached``: the server answered at all
    (with errors or garbage) - False means it could not be reached (no connection)."""

    def __init__(self, message: str, reached: bool, malformed: bool = False) -> None:
        super().__init__(message)
        self.reached = reached
        self.malformed = malformed


class OaiError(TalkcatError):
    """The repository answered with an OAI-PMH ``<error code=...>``."""

    def __init__(self, code: str, text: str, response_date: str | None = None) -> None:
        super().__init__(f"{code}: {text}" if text else code)
        self.code = code
        self.response_date = response_date


def retry_after(value: str | None, default: float, cap: float) -> float:
    """Seconds to wait from a ``Retry-After`` header (seconds or HTTP date), within ``cap``."""
    if value:
        value = value.strip()
        if value.isdigit():
            return min(float(value), cap)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            return max(0.0, min((when - datetime.now(UTC)).total_seconds(), cap))
    return min(default, cap)


REDIRECTS = {301, 302, 303, 307, 308}


class Client:
    """One repository's pages.  ``sleep`` is injectable so waits can be observed.

    ``url`` may carry ``user:password@`` (HTTP basic auth, as some hosted library systems
    ask): the credentials are taken out of it and given to the HTTP client as its auth, so
    they travel only in the ``Authorization`` header; ``self.url``, which every line shows,
    has the password hidden (:mod:`catalog.redact`).
    """

    def __init__(
        self, url: str, retry: Retry = Retry(), sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.url = redact_url(url)
        self.retry = retry
        self._sleep = sleep
        parsed = self._given = httpx2.URL(url)
        auth = (parsed.username, parsed.password) if has_password(url) else None
        self._endpoint = str(parsed.copy_with(userinfo=b"")) if auth else url
        self._has_auth = auth is not None
        if auth and parsed.scheme == "http":
            log.warning(
                "%s: the password goes over plain http:// unencrypted; use the repository's"
                " https:// address if it has one", self.url,
            )
        self._scythe = Scythe(
            self._endpoint,
            http_config=HTTPConfig(timeout=retry.timeout, user_agent="talkcat-harvest", auth=auth),
        )
        self._upgraded = False
        self.waited: list[float] = []

    def close(self) -> None:
        self._scythe.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def page(self, query: dict[str, str]) -> etree._Element:
        """The parsed ``<OAI-PMH>`` root for ``query``; raises :class:`OaiError` for an OAI
        error answer and :class:`FetchFailed` when every attempt failed."""
        reached = malformed = False
        problem = "no attempt made"
        for attempt in range(1, self.retry.attempts + 1):
            wait = self.retry.backoff * 2 ** (attempt - 1) * random.uniform(0.75, 1.0)
            malformed = False
            try:
                code, response, root, syntax = self._get(query)
            except httpx2.TransportError as exc:
                problem = f"{type(exc).__name__}: {redact_text(str(exc)) or 'connection failed'}"
                reached = reached or not isinstance(exc, httpx2.ConnectError)
            except TooLarge:
                raise FetchFailed(
                    f"the page is larger than {MAX_PAGE_MB} MB, the most a harvest"
                    " reads: the repository or a proxy in between is sending something that is"
                    " not a page of records",
                    True, malformed=True,
                ) from None
            else:
                reached = True
                if code == 200:
                    if root is None:
                        problem = f"the page is not well-formed XML ({syntax})"
                        malformed = True
                    else:
                        error = root.find(f"{OAI}error")
                        if error is not None:
                            raise OaiError(
                                error.get("code", ""),
                                (error.text or "").strip(),
                                root.findtext(f"{OAI}responseDate"),
                            )
                        return root
                elif code in RETRY_STATUS:
                    problem = f"HTTP {code} {response.reason_phrase}"
                    header = response.headers.get("retry-after")
                    wait = retry_after(header, wait, self.retry.max_wait)
                elif code in REDIRECTS and self._to_https(response):
                    return self.page(query)
                elif code == 401:
                    raise FetchFailed(
                        "HTTP 401 Unauthorized: "
                        + ("the repository refused the user name and password in the URL"
                           if self._has_auth else
                           "the repository asks for a user name and password: give them in"
                           " the URL, https://USER:PASSWORD@host/..."),
                        True,
                    )
                else:
                    raise FetchFailed(
                        f"HTTP {code} {response.reason_phrase} from {self.url}"
                        + self._pointing(code, response), True,
                    )
            if attempt < self.retry.attempts:
                wait = min(wait, self.retry.max_wait)
                log.warning(
                    "%s: %s; attempt %d of %d, trying again in %.1f s",
                    self.url, problem, attempt, self.retry.attempts, wait,
                )
                self.waited.append(wait)
                self._sleep(wait)
        raise FetchFailed(f"{problem} (after {self.retry.attempts} attempts)", reached, malformed)

    def _target(self, response: httpx2.Response) -> httpx2.URL | None:
        location = response.headers.get("location", "").strip()
        try:
            return httpx2.URL(self._endpoint).join(location) if location else None
        except httpx2.InvalidURL:
            return None

    def _to_https(self, response: httpx2.Response) -> bool:
        """A redirect from ``http://`` to ``https://`` on the same host and path (a library
        system that moved to TLS) is followed, once per run, as a browser or ``curl -L``
        would - with one warning line asking for the https:// address in the config, since
        every run would otherwise first knock at the plain one.  Anything else is not
        followed: the credentials and the harvest's state belong to the configured URL."""
        target = self._target(response)
        here = httpx2.URL(self._endpoint)
        if (
            self._upgraded or target is None or here.scheme != "http"
            or target.scheme != "https" or target.host != here.host
            or target.path.rstrip("/") != here.path.rstrip("/")
        ):
            return False
        self._upgraded = True
        self._endpoint = str(here.copy_with(scheme="https", port=target.port))
        log.warning(
            "%s: the repository redirects to %s; following it - put the https:// address in"
            " [harvest] url (or on the command line)", self.url,
            redact_url(str(self._given.copy_with(scheme="https", port=target.port))),
        )
        return True

    def _pointing(self, code: int, response: httpx2.Response) -> str:
        if code not in REDIRECTS:
            return ""
        target = self._target(response)
        if target is None:
            return " (a redirect that says nowhere: no Location header)"
        shown = redact_url(str(target.copy_with(query=None)))
        return (
            f": it points to {shown} - if that is the repository's address now, harvest"
            " that URL instead (only http:// to https:// on the same host is followed)"
        )

    def _get(
        self, query: dict[str, str]
    ) -> tuple[int, httpx2.Response, etree._Element | None, str]:
        """``(status, response, root or None, why it did not parse)``.  A 200 body is parsed
        as it streams in, so no page is ever held whole as bytes, and none past
        :data:`MAX_PAGE_MB` is read at all."""
        limit = MAX_PAGE_MB * 1024 * 1024
        # ``timeout`` bounds each read; a server dripping a byte a second never trips it, so
        # the whole page has the same deadline too.
        deadline = time.monotonic() + self.retry.timeout
        with self._scythe.client.stream("GET", self._endpoint, params=query) as response:
            if response.status_code != 200:  # its body is not wanted: closing drops it
                return response.status_code, response, None, ""
            parser = _parser()
            marker = ControlMarker()
            size = 0
            try:
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge
                    if time.monotonic() > deadline:
                        raise httpx2.ReadTimeout(
                            f"no complete page in {self.retry.timeout:g} s (the server sends"
                            " it too slowly)"
                        )
                    # a raw ESC in one record must not fail the page: marcxml reads
                    # it back in that record, as a file's
                    parser.feed(marker.feed(chunk))
                if tail := marker.flush():  # a reference cut at the page's last byte
                    parser.feed(tail)
                root = parser.close()
            except etree.XMLSyntaxError as exc:
                return 200, response, None, one_line(exc)
            return 200, response, root, ""


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be an OAI-PMH base URL (one line), or ``None``: checked before any
    connection, so a typo is a usage error (exit 2), not a traceback or five "refused"
    retries against port 99999.  The URL is quoted with its password hidden."""
    shown = redact_url(url)
    for index, char in enumerate(url):
        if ord(char) < 33 or ord(char) == 127 or char.isspace():
            if shown != url:  # where it is would point into the password
                return f"not a valid URL ({shown!r}: a space or control character in it)"
            return f"not a valid URL ({url!r}: {char!r} at position {index})"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises for a port out of range or not a number
    except ValueError as exc:
        # "Port could not be cast to integer value as 'pa'": a part of the password
        reason = str(exc) if shown == url else (
            "no valid port after the host (a / ? or # in a password is written %2F %3F %23)"
        )
        return f"not a valid URL ({shown!r}: {reason})"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return f"must be an http:// or https:// URL, got {shown!r}"
    try:
        httpx2.URL(url)
    except httpx2.InvalidURL as exc:
        return f"not a valid URL ({shown!r}: {redact_text(str(exc))})"
    return None


CLOCK_SKEW_S = 3600.0
"""How far ahead of this machine a repository's clock may be before its date is not
believed."""

FALLBACK_MARGIN_S = 86400.0
"""A repository date that cannot be believed is replaced by this machine's time at the start
of the run less this margin: records changed meanwhile come again (harmless: an update),
none are missed."""


def resume_point(response_date: str | None, started: datetime) -> tuple[str | None, str | None]:
    """The ``from`` of the next run, from the repository's ``responseDate``; and a warning
    when it could not be believed (hostile3-6).

    A date that is not an OAI UTC datestamp (``YYYY-MM-DD`` or ``YYYY-MM-DDThh:mm:ssZ``) or
    lies in the future would be sent back as ``from`` on every later run (``badArgument``
    each night, or ``noRecordsMatch`` for ever: the catalogue silently stops following the
    library system); this machine's clock at the start of the run, less a day, is used
    instead.
    """
    fallback = datetime.fromtimestamp(started.timestamp() - FALLBACK_MARGIN_S, UTC)
    instead = fallback.strftime("%Y-%m-%dT%H:%M:%SZ")
    if response_date is None:
        return None, None
    text = response_date.strip()
    when = None
    for layout in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d"):
        try:
            when = datetime.strptime(text, layout).replace(tzinfo=UTC)
            break
        except ValueError:
            continue
    shown = repr(text[:40])
    if when is None:
        return instead, (
            f"the repository's responseDate {shown} is not an OAI-PMH date; the next run asks"
            f" for changes since {instead} (this machine's clock less a day) instead"
        )
    if when.timestamp() > time.time() + CLOCK_SKEW_S:
        return instead, (
            f"the repository's responseDate {shown} lies in the future (its clock is wrong);"
            f" the next run asks for changes since {instead} (this machine's clock less a"
            " day) instead - check the library system's clock"
        )
    return text, None
