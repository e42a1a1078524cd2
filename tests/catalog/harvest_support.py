"""Helpers of the harvest tests (tests/catalog and tests/reliability share them)."""

from __future__ import annotations

import io

import pymarc

from catalog.harvest import Retry
from tests.catalog.conftest import make_record
from tests.catalog.oai_server import OaiServer
from tests.support import FIXTURES

FAST = Retry(attempts=3, backoff=0.01, max_wait=0.05, timeout=10)
LIBRIS = FIXTURES / "libris_bib_28.xml"


def marcxml(control: str | None, title: str | None = "A title", **kw: object) -> bytes:
    """One MARCXML ``<record>`` made the way ``make_record`` makes ISO 2709."""
    record = next(iter(pymarc.MARCReader(io.BytesIO(make_record(control, title, **kw)))))
    return pymarc.record_to_xml(record, namespace=True)


def list_requests(server: OaiServer) -> list[dict[str, str]]:
    return [q for q in server.requests if q.get("verb") == "ListRecords"]
