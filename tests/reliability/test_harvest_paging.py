"""A repository whose paging never ends, and one that redirects: each on a real loopback
OAI-PMH server, each ends in one line and keeps what was committed."""

from __future__ import annotations

import re
import shutil
import ssl
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from catalog.harvest import MAX_STALE_PAGES, harvest
from catalog.store import Catalog
from kiosk.cli import main
from tests.catalog.harvest_support import (
    FAST,
    LIBRIS,
    list_requests,
    still_there,
    token_request,
    two_attempts,
)
from tests.catalog.oai_server import (
    Action,
    OaiServer,
    Repository,
    _Handler,
    items_from,
    marc_records,
    now,
    redirect,
)


def empty_page(token: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        f"<responseDate>{now().isoformat()}Z</responseDate>"
        '<request verb="ListRecords">x</request>'
        f"<ListRecords><resumptionToken>{token}</resumptionToken></ListRecords></OAI-PMH>"
    ).encode()


def empty_pages(before_real: int | None) -> Action:
    """From the first page's token on: pages with no record, each with a new token.  With
    ``before_real``, that many of them and then the real next page (a repository that
    filters records out after paging); without, for ever."""

    def act(handler: _Handler, query: dict[str, str]) -> bool:
        asked = query.get("resumptionToken")
        if asked is None:
            body = handler.answer(query)
            token = re.search(rb"<resumptionToken[^>]*>([^<]+)<", body)
            assert token is not None
            handler.send_body(body.replace(token.group(1), b"skip0|" + token.group(1)))
            return True
        if not asked.startswith("skip"):  # the real pages after the empty ones
            return False
        count, _, real = asked.partition("|")
        number = int(count.removeprefix("skip"))
        if before_real is not None and number >= before_real:
            handler.send_body(handler.answer({"verb": "ListRecords", "resumptionToken": real}))
        else:
            handler.send_body(empty_page(f"skip{number + 1}|{real}"))
        return True

    return act


def test_endless_pages_without_records_stop_with_one_line_and_keep_what_came_before(
    server: OaiServer, loaded: Path, tmp_path: Path
) -> None:
    server.add_fault(lambda q: q.get("verb") == "ListRecords", empty_pages(None), times=10**6)
    config = two_attempts(tmp_path)
    result = CliRunner().invoke(
        main, ["harvest", server.url, "--db", str(loaded), "--config", config]
    )
    assert result.exit_code == 2 and "Traceback" not in result.output
    talk = [line for line in result.output.splitlines() if line.startswith("talkcat:")]
    assert len(talk) == 1 and server.url in talk[0], result.output
    assert f"{MAX_STALE_PAGES} pages in a row held no record" in talk[0]
    assert len([q for q in list_requests(server) if token_request(q)]) == MAX_STALE_PAGES
    still_there(loaded, 11)  # the first page's records are kept
    with Catalog.open(loaded, readonly=True) as catalog:
        assert catalog.harvest_state(server.url)["run"] is None, "it would resume at the end"
    # Once the repository is mended, the next run starts again and completes.
    server.faults.clear()
    assert harvest(loaded, server.url, retry=FAST).complete
    still_there(loaded, 29)


def the_first_page_for_ever(handler: _Handler, query: dict[str, str]) -> bool:
    """A repository that ignores the token it gave: the first page again, with a new one."""
    asked = query.get("resumptionToken", "t0")
    body = handler.answer({"verb": "ListRecords", "metadataPrefix": "marcxml"})
    following = f"t{int(asked.removeprefix('t')) + 1}".encode()
    token = rb"(<resumptionToken[^>]*>)[^<]+<"
    handler.send_body(re.sub(token, rb"\g<1>" + following + b"<", body))
    return True


def test_the_same_page_again_with_new_tokens_stops_too(
    server: OaiServer, loaded: Path, tmp_path: Path
) -> None:
    server.add_fault(lambda q: q.get("verb") == "ListRecords", the_first_page_for_ever, 10**6)
    result = CliRunner().invoke(
        main, ["harvest", server.url, "--db", str(loaded), "--config", two_attempts(tmp_path)]
    )
    assert result.exit_code == 2 and "Traceback" not in result.output
    talk = [line for line in result.output.splitlines() if line.startswith("talkcat:")]
    assert len(talk) == 1 and "or the same records as the page before" in talk[0]
    assert len([q for q in list_requests(server) if token_request(q)]) == MAX_STALE_PAGES
    still_there(loaded, 11)


def test_a_few_empty_pages_in_a_row_are_followed(
    server: OaiServer, loaded: Path
) -> None:
    server.add_fault(lambda q: q.get("verb") == "ListRecords", empty_pages(5), times=10**6)
    report = harvest(loaded, server.url, retry=FAST)
    assert report.complete and report.added == 28 and report.pages == 3 + 5
    still_there(loaded, 29)


def test_a_redirect_elsewhere_stops_with_a_line_naming_where_it_points(
    server: OaiServer, loaded: Path, tmp_path: Path
) -> None:
    server.add_fault(
        lambda q: True, redirect("https://admin:S3cretPW@library.example.org"), times=99
    )
    url = server.url.replace("http://", "http://admin:S3cretPW@")
    result = CliRunner().invoke(
        main, ["harvest", url, "--db", str(loaded), "--config", two_attempts(tmp_path)]
    )
    assert result.exit_code == 3 and "Traceback" not in result.output
    talk = [line for line in result.output.splitlines() if line.startswith("talkcat:")]
    assert len(talk) == 1 and "HTTP 302 Found" in talk[0], result.output
    assert "it points to https://admin:***@library.example.org/oai" in talk[0]
    assert "S3cretPW" not in result.output and "verb=" not in talk[0]
    assert len(server.requests) == 1, "a redirect elsewhere is not worth a retry"
    still_there(loaded, 1)


def self_signed(folder: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make the test server's certificate")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )
    return cert, key


def test_a_redirect_from_http_to_https_on_the_same_host_is_followed_with_a_warning(
    loaded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    cert, key = self_signed(tmp_path)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the kiosk trusts the library's CA
    repository = Repository(items_from(marc_records(LIBRIS)))
    with (
        OaiServer(repository, batch=10, tls=tls, credentials=("admin", "S3cretPW")) as https,
        OaiServer(Repository()) as http,
    ):
        http.add_fault(lambda q: True, redirect(https.url.removesuffix("/oai"), 301), times=99)
        url = http.url.replace("http://", "http://admin:S3cretPW@")
        result = CliRunner().invoke(main, ["harvest", url, "--db", str(loaded)])
        assert result.exit_code == 0, result.output
        assert "28 added" in result.output and "S3cretPW" not in result.output
        moved = [r.getMessage() for r in caplog.records if "redirects to" in r.getMessage()]
        assert len(moved) == 1 and https.url.replace("https://", "https://admin:***@") in moved[0]
        assert len(http.requests) == 1, "every page after the first goes to https:// directly"
        assert len(list_requests(https)) == 3
    still_there(loaded, 29)
