"""Helpers of the harvest tests (tests/catalog and tests/reliability share them)."""

from __future__ import annotations

import io
from pathlib import Path

import pymarc

from catalog.harvest import Retry
from catalog.identifiers import normalise
from catalog.importing import import_files
from catalog.store import Catalog
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


NEW_ISBN = "9780140449136"


def token_request(query: dict[str, str]) -> bool:
    return "resumptionToken" in query


def loaded_catalogue(tmp_path: Path) -> Path:
    """A catalogue that already holds something the repository does not send."""
    db = tmp_path / "c.db"
    source = tmp_path / "mine.xml"
    source.write_bytes(
        b'<collection xmlns="http://www.loc.gov/MARC21/slim">'
        + marcxml("mine-1", "Already here", isbns=(NEW_ISBN,))
        + b"</collection>"
    )
    assert import_files(db, [source]).added == 1
    return db


def still_there(db: Path, count: int) -> None:
    """Nothing lost: the catalogue is whole, holds what it held, and ``count`` records."""
    with Catalog.open(db, readonly=True) as catalog:
        assert catalog.check(full=True) == []
        assert catalog.lookup(normalise(NEW_ISBN)).title == "Already here"
        assert catalog.stats()["records"] == count


def two_attempts(tmp_path: Path) -> str:
    config = tmp_path / "k.toml"
    config.write_text("[harvest]\nattempts = 2\n", "utf-8")
    return str(config)
