"""A real OAI-PMH repository on loopback, for the harvest tests and benchmark.

The protocol side is the ``oaipmh`` package's server (``BatchingServer``: verbs, arguments,
resumption tokens, OAI errors); this module only supplies the records (real MARCXML) and an
HTTP front end (``http.server``) with switchable faults the way real library systems fail:
503 with ``Retry-After``, a page cut off mid-body, a page that is not XML, an expired token,
a request held until the test lets it go.  Nothing here imitates the harvester's client.

Run on its own (the benchmark does): ``python -m tests.catalog.oai_server FILE.xml
[--batch N]`` serves the records of a MARCXML collection and prints its URL.
"""

from __future__ import annotations

import argparse
import base64
import bisect
import logging
import ssl
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from lxml import etree
from oaipmh import common, error
from oaipmh.metadata import MetadataRegistry
from oaipmh.server import BatchingServer

MARC_NS = "http://www.loc.gov/MARC21/slim"
MARC_SCHEMA = "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"
PREFIXES = ("marcxml", "marc21")
EARLIEST = datetime(2000, 1, 1)


@dataclass
class Item:
    """One record as the repository holds it: its MARCXML (``None`` once deleted)."""

    identifier: str
    datestamp: datetime  # naive UTC, as the oaipmh package wants
    xml: bytes | None
    sets: tuple[str, ...] = ()


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


class Repository:
    """The ``IBatchingOAI`` side: records kept in datestamp order, sliced per page."""

    def __init__(self, items: Iterable[Item] = (), base_url: str = "http://127.0.0.1/oai"):
        self.base_url = base_url
        self._items: list[Item] = sorted(items, key=lambda i: i.datestamp)
        self._lock = threading.Lock()

    # -- changes made by the tests (the library system cataloguing meanwhile)
    def put(self, identifier: str, xml: bytes, sets: tuple[str, ...] = ()) -> None:
        with self._lock:
            self._items = [i for i in self._items if i.identifier != identifier]
            self._items.append(Item(identifier, now(), xml, sets))

    def delete(self, identifier: str) -> None:
        with self._lock:
            old = [i for i in self._items if i.identifier == identifier]
            self._items = [i for i in self._items if i.identifier != identifier]
            sets = old[0].sets if old else ()
            self._items.append(Item(identifier, now(), None, sets))

    def forget(self, identifier: str) -> None:
        """Drop a record without a trace (a repository with ``deletedRecord=no``)."""
        with self._lock:
            self._items = [i for i in self._items if i.identifier != identifier]

    # -- IBatchingOAI
    def identify(self) -> common.Identify:
        return common.Identify(
            repositoryName="Talking Catalogue test repository",
            baseURL=self.base_url,
            protocolVersion="2.0",
            adminEmails=["admin@example.org"],
            earliestDatestamp=EARLIEST,
            deletedRecord="persistent",
            granularity="YYYY-MM-DDThh:mm:ssZ",
            compression=["identity"],
        )

    def listMetadataFormats(self, identifier: str | None = None) -> list[tuple[str, str, str]]:
        return [(prefix, MARC_SCHEMA, MARC_NS) for prefix in PREFIXES]

    def listSets(self, cursor: int = 0, batch_size: int = 10) -> list[tuple[str, str, None]]:
        with self._lock:
            names = sorted({s for i in self._items for s in i.sets})
        if not names:
            raise error.NoSetHierarchyError("this repository has no sets")
        return [(n, n, None) for n in names[cursor : cursor + batch_size]]

    def _select(
        self, prefix: str, set_: str | None, from_: datetime | None, until: datetime | None
    ) -> Sequence[Item]:
        if prefix not in PREFIXES:
            raise error.CannotDisseminateFormatError(f"unknown metadataPrefix {prefix}")
        with self._lock:
            items = self._items
            start = 0
            if from_ is not None:
                start = bisect.bisect_left(items, from_, key=lambda i: i.datestamp)
            end = len(items)
            if until is not None:
                end = bisect.bisect_right(items, until, key=lambda i: i.datestamp)
            chosen: Sequence[Item] = items[start:end] if (start, end) != (0, len(items)) else items
            if set_ is not None:
                chosen = [i for i in chosen if set_ in i.sets]
            return chosen

    def _header(self, item: Item) -> common.Header:
        deleted = item.xml is None
        return common.Header(None, item.identifier, item.datestamp, list(item.sets), deleted)

    def listRecords(
        self,
        metadataPrefix: str,
        set: str | None = None,
        from_: datetime | None = None,
        until: datetime | None = None,
        cursor: int = 0,
        batch_size: int = 10,
    ) -> list[tuple[common.Header, bytes | None, None]]:
        chosen = self._select(metadataPrefix, set, from_, until)
        return [(self._header(i), i.xml, None) for i in chosen[cursor : cursor + batch_size]]

    def listIdentifiers(
        self,
        metadataPrefix: str,
        set: str | None = None,
        from_: datetime | None = None,
        until: datetime | None = None,
        cursor: int = 0,
        batch_size: int = 10,
    ) -> list[common.Header]:
        chosen = self._select(metadataPrefix, set, from_, until)
        return [self._header(i) for i in chosen[cursor : cursor + batch_size]]

    def getRecord(self, metadataPrefix: str, identifier: str) -> tuple[Any, Any, None]:
        for item in self._select(metadataPrefix, None, None, None):
            if item.identifier == identifier:
                return self._header(item), item.xml, None
        raise error.IdDoesNotExistError(identifier)


def _write_marc(element: etree._Element, metadata: bytes) -> None:
    element.append(etree.fromstring(metadata))


def marc_records(path: Path) -> list[bytes]:
    """Each ``<record>`` of a MARCXML collection file, as its own small document."""
    out = []
    for _event, elem in etree.iterparse(str(path), tag=f"{{{MARC_NS}}}record"):
        out.append(etree.tostring(elem))
        elem.clear()
    return out


def items_from(
    records: Iterable[bytes], prefix: str = "oai:test:", sets: tuple[str, ...] = ()
) -> list[Item]:
    """Number records as a repository would, all with one old datestamp."""
    stamp = datetime(2026, 1, 1)
    return [Item(f"{prefix}{n}", stamp, xml, sets) for n, xml in enumerate(records, 1)]


# --------------------------------------------------------------------------- HTTP and faults

Action = Callable[["_Handler", dict[str, str]], bool]
"""A fault: given the request, answer it itself and return True, or return False to pass."""


@dataclass
class Fault:
    when: Callable[[dict[str, str]], bool]
    action: Action
    times: int = 1


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up mid-request (a harvest stopped by a signal, a redirect not
    followed) is normal here: socketserver would print its traceback to ``sys.stderr``,
    which ``CliRunner`` is capturing as the harvest's own output."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        logging.getLogger(__name__).debug("request from %s ended early", client_address)


@dataclass
class OaiServer:
    repository: Repository
    batch: int = 10
    requests: list[dict[str, str]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    tls: ssl.SSLContext | None = None
    """When set, the server speaks HTTPS with this (server-side) context."""
    credentials: tuple[str, str] | None = None
    """When set, every request must carry them as HTTP basic auth (a hosted Koha behind a
    password) or is answered 401."""
    _http: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._http is not None
        host, port = self._http.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host}:{port}/oai"

    def start(self) -> OaiServer:
        registry = MetadataRegistry()
        for prefix in PREFIXES:
            registry.registerWriter(prefix, _write_marc)
        oai = BatchingServer(self.repository, registry, resumption_batch_size=self.batch)
        owner = self

        class Handler(_Handler):
            server_oai = oai
            server_owner = owner

        self._http = _QuietServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        if self.tls is not None:
            self._http.socket = self.tls.wrap_socket(self._http.socket, server_side=True)
        self.repository.base_url = self.url
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None

    def __enter__(self) -> OaiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def add_fault(
        self, when: Callable[[dict[str, str]], bool], action: Action, times: int = 1
    ) -> None:
        self.faults.append(Fault(when, action, times))

    def _fault_for(self, query: dict[str, str]) -> Action | None:
        for fault in self.faults:
            if fault.times > 0 and fault.when(query):
                fault.times -= 1
                return fault.action
        return None


class _Handler(BaseHTTPRequestHandler):
    server_oai: BatchingServer
    server_owner: OaiServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        query = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
        owner = self.server_owner
        owner.requests.append(query)
        if owner.credentials is not None and not self.authorized(owner.credentials):
            self.send_body(b"<html>401</html>", 401, {"WWW-Authenticate": 'Basic realm="oai"'})
            return
        action = owner._fault_for(query)
        if action is not None and action(self, query):
            return
        self.send_body(self.server_oai.handleRequest(query))

    def send_body(
        self, body: bytes, status: int = 200, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def authorized(self, credentials: tuple[str, str]) -> bool:
        expected = base64.b64encode(":".join(credentials).encode()).decode()
        return self.headers.get("Authorization", "") == f"Basic {expected}"

    def answer(self, query: dict[str, str]) -> bytes:
        return self.server_oai.handleRequest(query)


# Ready-made faults -------------------------------------------------------------------------


def unavailable(retry_after: str) -> Action:
    def act(handler: _Handler, _query: dict[str, str]) -> bool:
        handler.send_body(b"<html>busy</html>", 503, {"Retry-After": retry_after})
        return True

    return act


def status(code: int) -> Action:
    def act(handler: _Handler, _query: dict[str, str]) -> bool:
        handler.send_body(b"<html>error</html>", code)
        return True

    return act


def malformed() -> Action:
    """The real page with its second half replaced by junk: well-formed up to there only."""

    def act(handler: _Handler, query: dict[str, str]) -> bool:
        body = handler.answer(query)
        handler.send_body(body[: len(body) // 2] + b"<<<&&& not xml")
        return True

    return act


def dropped() -> Action:
    """Headers promise the whole page; the connection closes half-way through it."""

    def act(handler: _Handler, query: dict[str, str]) -> bool:
        body = handler.answer(query)
        handler.send_response(200)
        handler.send_header("Content-Type", "text/xml; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body[: len(body) // 2])
        handler.wfile.flush()
        handler.close_connection = True
        handler.connection.shutdown(2)
        return True

    return act


def oai_error(code: str, text: str = "") -> Action:
    def act(handler: _Handler, _query: dict[str, str]) -> bool:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
            f"<responseDate>{now().isoformat()}Z</responseDate><request>x</request>"
            f'<error code="{code}">{text or code}</error></OAI-PMH>'
        ).encode()
        handler.send_body(body)
        return True

    return act


def redirect(to: str, code: int = 302) -> Action:
    """``code`` with ``Location: to`` + the request's path and query (``to`` is a scheme
    and host, as a web server's "moved" rule writes it)."""

    def act(handler: _Handler, _query: dict[str, str]) -> bool:
        handler.send_body(b"<html>moved</html>", code, {"Location": to + handler.path})
        return True

    return act


def hold(reached: threading.Event, release: threading.Event) -> Action:
    """Say the request arrived, then keep it waiting until released (then answer it)."""

    def act(handler: _Handler, query: dict[str, str]) -> bool:
        reached.set()
        release.wait(60)
        return False

    return act


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("collection", type=Path, help="MARCXML collection file")
    parser.add_argument("--batch", type=int, default=500, help="records per page")
    args = parser.parse_args(argv)
    server = OaiServer(Repository(items_from(marc_records(args.collection))), batch=args.batch)
    server.start()
    print(server.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
