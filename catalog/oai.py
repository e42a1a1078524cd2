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
from catalog.importers.marcxml import mark_controls

log = logging.getLogger(__name__)

OAI = "{http://www.openarchives.org/OAI/2.0/}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
"""Strict, and safe against hostile pages (no entity expansion, no network fetches)."""

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


class Client:
    """One repository's pages.  ``sleep`` is injectable so waits can be observed."""

    def __init__(
        self, url: str, retry: Retry = Retry(), sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.url = url
        self.retry = retry
        self._sleep = sleep
        self._scythe = Scythe(
            url, http_config=HTTPConfig(timeout=retry.timeout, user_agent="talkcat-harvest")
        )
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
                response = self._scythe.client.get(self.url, params=query)
            except httpx2.TransportError as exc:
                problem = f"{type(exc).__name__}: {exc or 'connection failed'}"
                reached = reached or not isinstance(exc, httpx2.ConnectError)
            else:
                reached = True
                code = response.status_code
                if code == 200:
                    try:
                        # a raw ESC in one record must not fail the page: marcxml reads
                        # it back in that record, as a file's
                        content = mark_controls(response.content)
                        root = etree.fromstring(content, parser=_PARSER)
                    except etree.XMLSyntaxError as exc:
                        problem = f"the page is not well-formed XML ({exc})"
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
                else:
                    raise FetchFailed(f"HTTP {code} {response.reason_phrase} from {self.url}", True)
            if attempt < self.retry.attempts:
                wait = min(wait, self.retry.max_wait)
                log.warning(
                    "%s: %s; attempt %d of %d, trying again in %.1f s",
                    self.url, problem, attempt, self.retry.attempts, wait,
                )
                self.waited.append(wait)
                self._sleep(wait)
        raise FetchFailed(f"{problem} (after {self.retry.attempts} attempts)", reached, malformed)


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be an OAI-PMH base URL (one line), or ``None``: checked before any
    connection, so a typo is a usage error (exit 2), not a traceback or five "refused"
    retries against port 99999."""
    for index, char in enumerate(url):
        if ord(char) < 33 or ord(char) == 127 or char.isspace():
            return f"not a valid URL ({url!r}: {char!r} at position {index})"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises for a port out of range or not a number
    except ValueError as exc:
        return f"not a valid URL ({url!r}: {exc})"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return f"must be an http:// or https:// URL, got {url!r}"
    try:
        httpx2.URL(url)
    except httpx2.InvalidURL as exc:
        return f"not a valid URL ({url!r}: {exc})"
    return None
