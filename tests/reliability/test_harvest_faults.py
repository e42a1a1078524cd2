"""OAI-PMH faults, each on a real loopback server: the harvest resumes or reports in one line,
and nothing already in the catalogue is lost.  Also: the kiosk answers scans mid-harvest."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from catalog.harvest import Retry, harvest
from catalog.importing import import_files
from catalog.oai import MAX_PAGE_MB
from catalog.store import Catalog
from kiosk.cli import main
from tests.catalog.harvest_support import (
    FAST,
    LIBRIS,
    NEW_ISBN,
    list_requests,
    marcxml,
    still_there,
    token_request,
    two_attempts,
)
from tests.catalog.oai_server import (
    Action,
    OaiServer,
    Repository,
    _Handler,
    dropped,
    hold,
    items_from,
    malformed,
    marc_records,
    oai_error,
    status,
    unavailable,
)
from tests.reliability.rig import TOVE, TOVE_ISBN, KioskRig, PushReader
from tests.support import ROOT, TALKCAT, default_signals, talkcat_env


def wait_for_records(db: Path, count: int, child: subprocess.Popen | None = None) -> None:
    """Until the catalogue holds ``count`` records (another process or thread writes it, a
    page at a time: polled)."""
    deadline = time.monotonic() + 60
    while True:
        with Catalog.open(db, readonly=True) as catalog:
            if catalog.stats()["records"] == count:
                return
        assert child is None or child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, f"the catalogue never held {count} records"
        time.sleep(0.02)  # polling a file another process writes: no event to block on


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_server_down_is_exit_3_in_one_line(loaded: Path, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/oai"
    result = CliRunner().invoke(
        main, ["harvest", url, "--db", str(loaded), "--config", two_attempts(tmp_path)]
    )
    assert result.exit_code == 3
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and url in lines[0] and "Traceback" not in result.output
    still_there(loaded, 1)


def test_503_retry_after_is_honoured_and_bounded(server: OaiServer, loaded: Path) -> None:
    server.add_fault(token_request, unavailable("7"), times=2)
    server.add_fault(token_request, unavailable("86400"), times=1)
    server.add_fault(token_request, unavailable("Wed, 21 Oct 2099 07:28:00 GMT"), times=1)
    waits: list[float] = []
    retry = Retry(attempts=5, backoff=0.01, max_wait=30, timeout=10)
    report = harvest(loaded, server.url, retry=retry, sleep=waits.append)
    assert report.complete and report.added == 28
    assert waits == [7.0, 7.0, 30.0, 30.0]
    still_there(loaded, 29)


def test_503_for_ever_stops_with_one_line_and_resumes_later(
    server: OaiServer, loaded: Path
) -> None:
    server.add_fault(token_request, unavailable("1"), times=99)
    report = harvest(loaded, server.url, retry=FAST, sleep=lambda s: None)
    assert not report.complete and report.pages == 1
    assert "HTTP 503" in report.problem and "after 3 attempts" in report.problem
    still_there(loaded, 11)
    server.faults.clear()
    server.requests.clear()
    again = harvest(loaded, server.url, retry=FAST)
    assert again.complete and again.resumed and again.added == 18
    assert token_request(list_requests(server)[0])  # from the page it stopped at
    still_there(loaded, 29)


def test_a_malformed_page_is_fetched_again(server: OaiServer, loaded: Path) -> None:
    server.add_fault(token_request, malformed(), times=1)
    report = harvest(loaded, server.url, retry=FAST)
    assert report.complete and report.added == 28 and report.pages == 3
    still_there(loaded, 29)


def test_a_page_malformed_every_time_is_exit_2_and_loses_nothing(
    server: OaiServer, loaded: Path, tmp_path: Path
) -> None:
    server.add_fault(token_request, malformed(), times=99)
    result = CliRunner().invoke(
        main, ["harvest", server.url, "--db", str(loaded), "--config", two_attempts(tmp_path)]
    )
    assert result.exit_code == 2
    assert "not well-formed XML" in result.output and "Traceback" not in result.output
    assert "STOPPED EARLY" in result.output
    still_there(loaded, 11)  # page 1 kept
    server.faults.clear()
    assert harvest(loaded, server.url, retry=FAST).complete
    still_there(loaded, 29)


def test_records_that_do_not_parse_are_rejected_and_the_rest_load(
    loaded: Path,
) -> None:
    no_leader = b'<record xmlns="http://www.loc.gov/MARC21/slim"><controlfield tag="001">x' \
        b"</controlfield></record>"
    not_marc = b'<dc xmlns="http://purl.org/dc/elements/1.1/"><title>t</title></dc>'
    items = items_from([marcxml("a-1", "First"), no_leader, not_marc, marcxml("a-2", "Last")])
    with OaiServer(Repository(items)) as running:
        report = harvest(loaded, running.url, retry=FAST)
    assert report.complete and report.added == 2
    reasons = [r.reason for r in report.rejected]
    assert reasons[0] == "bad record: no <leader> element"
    assert "no MARC record in <metadata>" in reasons[1]
    assert [r.position for r in report.rejected] == [
        "page 1, record 2 (oai:test:2)", "page 1, record 3 (oai:test:3)"
    ]
    still_there(loaded, 3)


def test_an_expired_resumption_token_restarts_from_the_stored_datestamp(
    server: OaiServer, loaded: Path
) -> None:
    harvest(loaded, server.url, retry=FAST)
    server.repository.put("oai:test:5", marcxml("changed-5", "Changed"))
    # The next run dies on its second page; by the time it resumes, the token has expired.
    server.add_fault(token_request, status(500), times=99)
    for n in range(1, 12):
        server.repository.put(f"oai:more:{n}", marcxml(f"more-{n}", f"More {n}"))
    server.requests.clear()
    stopped = harvest(loaded, server.url, retry=FAST, sleep=lambda s: None)
    assert not stopped.complete and stopped.pages == 1
    since = list_requests(server)[0]["from"]
    server.faults.clear()
    server.add_fault(token_request, oai_error("badResumptionToken", "expired"), times=1)
    server.requests.clear()
    report = harvest(loaded, server.url, retry=FAST)
    assert report.complete and report.restarted
    asked = list_requests(server)
    assert token_request(asked[0]) and not token_request(asked[1])
    assert asked[1]["from"] == since  # the stored datestamp, not the beginning
    with Catalog.open(loaded, readonly=True) as catalog:
        assert catalog.stats()["records"] == 29 + 11 - 1 + 1  # 11 new; 5 renumbered
        assert catalog.search("More 11")


def test_a_connection_dropped_mid_page(server: OaiServer, loaded: Path, tmp_path: Path) -> None:
    server.add_fault(token_request, dropped(), times=1)
    report = harvest(loaded, server.url, retry=FAST)
    assert report.complete and report.added == 28
    server.add_fault(lambda q: True, dropped(), times=99)
    server.repository.put("oai:test:x", marcxml("x-1", "Late"))
    result = CliRunner().invoke(
        main, ["harvest", server.url, "--db", str(loaded), "--config", two_attempts(tmp_path)]
    )
    assert result.exit_code == 3 and "Traceback" not in result.output
    still_there(loaded, 29)


def test_harvest_killed_mid_run_resumes_from_the_page_it_reached(
    server: OaiServer, loaded: Path
) -> None:
    reached, release = threading.Event(), threading.Event()
    third = {"n": 0}

    def third_page(query: dict[str, str]) -> bool:
        if token_request(query):
            third["n"] += 1
            return third["n"] == 2
        return False

    server.add_fault(third_page, hold(reached, release))
    child = subprocess.Popen(
        [*TALKCAT, "harvest", server.url, "--db", str(loaded)],
        cwd=ROOT, env=talkcat_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=default_signals,
    )
    try:
        assert reached.wait(60), "the harvest never asked for its third page"
        # Page 3 is asked for while page 2 is written: kill once page 2 is in.
        wait_for_records(loaded, 21, child)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(30)
        release.set()
    assert child.returncode == -signal.SIGKILL
    still_there(loaded, 21)  # pages 1 and 2, whole
    server.requests.clear()
    report = harvest(loaded, server.url, retry=FAST)
    assert report.complete and report.resumed and report.added == 8
    assert token_request(list_requests(server)[0])
    still_there(loaded, 29)


def signal_held_harvest(server: OaiServer, loaded: Path, sig: signal.Signals) -> str:
    """Run ``talkcat harvest`` until page 1 is in and the repository holds page 2, send
    ``sig``; the harvest's stderr, once it has exited 1 without a traceback."""
    reached, release = threading.Event(), threading.Event()
    server.add_fault(token_request, hold(reached, release))
    child = subprocess.Popen(
        [*TALKCAT, "harvest", server.url, "--db", str(loaded)],
        cwd=ROOT, env=talkcat_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=default_signals,
    )
    try:
        assert reached.wait(60), "the harvest never asked for its second page"
        wait_for_records(loaded, 11, child)  # page 1 in; page 2 held by the repository
        child.send_signal(sig)
        _out, err = child.communicate(timeout=30)
    finally:
        release.set()
        if child.poll() is None:
            child.kill()
            child.wait(30)
    assert child.returncode == 1 and "Traceback" not in err
    return err


def test_ctrl_c_while_the_next_page_is_awaited_stops_at_once_and_resumes_later(
    server: OaiServer, loaded: Path
) -> None:
    """The next page is fetched in a thread while one is written; Ctrl-C must not wait for a
    slow repository's answer (it holds the page for a minute here)."""
    signal_held_harvest(server, loaded, signal.SIGINT)
    still_there(loaded, 11)
    server.requests.clear()
    report = harvest(loaded, server.url, retry=FAST)
    assert report.complete and report.resumed and report.added == 18
    still_there(loaded, 29)


def test_the_kiosk_answers_scans_during_a_harvest(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    import_files(db, [LIBRIS])
    records = [marcxml("new-1", "Bought this morning", isbns=(NEW_ISBN,)), *marc_records(LIBRIS)]
    reached, release = threading.Event(), threading.Event()
    with OaiServer(Repository(items_from(records)), batch=10) as running:
        running.add_fault(token_request, hold(reached, release))
        results = []
        worker = threading.Thread(
            target=lambda: results.append(harvest(db, running.url, retry=FAST))
        )
        reader = PushReader()
        with KioskRig(reader, db, tmp_path / "t.jsonl") as rig:
            worker.start()
            try:
                assert reached.wait(120), "the harvest never got to its second page"
                reader.scan(TOVE_ISBN)  # mid-harvest: the catalogue answers as before
                rig.wait_spoken(TOVE)
                # Page 2 is asked for while page 1 is written; once page 1 is in ...
                wait_for_records(db, 29)
                reader.scan(NEW_ISBN)  # ... its new record answers
                rig.wait(lambda ev: any(
                    e["event"] == "speak" and e["text"].startswith("Bought this morning")
                    for e in ev
                ))
            finally:
                release.set()
                worker.join(60)
    assert results and results[0].complete and results[0].added == 1


# ----------------------------------------------- a hostile repository, and a stopped harvest





def token_to(answer: dict[str, str]) -> Action:
    """The repository's real page, with its resumptionToken replaced: ``answer`` maps the
    token asked for to the one sent back (a repository whose paging is broken)."""

    def act(handler: _Handler, query: dict[str, str]) -> bool:
        asked = query.get("resumptionToken", "")
        if query.get("verb") != "ListRecords" or asked not in answer:
            return False
        real = query if not asked else {"verb": "ListRecords", "metadataPrefix": "marcxml"}
        body = handler.answer(real)
        body = re.sub(
            rb"<resumptionToken[^>]*>[^<]*</resumptionToken>|<resumptionToken[^>]*/>",
            b"<resumptionToken>" + answer[asked].encode() + b"</resumptionToken>",
            body,
        )
        handler.send_body(body)
        return True

    return act


def loops(server: OaiServer, answer: dict[str, str], db: Path, config: str) -> list[str]:
    server.add_fault(lambda q: True, token_to(answer), times=10_000)
    result = CliRunner().invoke(main, ["harvest", server.url, "--db", str(db), "--config", config])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return [line for line in result.output.splitlines() if line.startswith("talkcat:")]


@pytest.mark.parametrize(
    ("answer", "repeated"),
    [({"": "same", "same": "same"}, "same"), ({"": "a", "a": "b", "b": "a"}, "a")],
    ids=["A-A", "A-B-A"],
)
def test_a_resumption_token_that_loops_stops_the_harvest_with_one_line(
    server: OaiServer, loaded: Path, tmp_path: Path, answer: dict[str, str], repeated: str
) -> None:
    config = two_attempts(tmp_path)
    lines = loops(server, answer, loaded, config)
    assert len(lines) == 1 and server.url in lines[0] and f"'{repeated}' again" in lines[0]
    still_there(loaded, 11)  # the pages before the loop are kept (all the first page's records)
    with Catalog.open(loaded, readonly=True) as catalog:
        state = catalog.harvest_state(server.url)
    assert state["run"] is None, "the next run would resume at the looping token"
    # The next run starts again (not at the looping token) and stops again: never for ever.
    server.requests.clear()
    assert len(loops(server, answer, loaded, config)) == 1
    assert "resumptionToken" not in list_requests(server)[0]
    # Once the repository is mended, the harvest completes.
    server.faults.clear()
    assert harvest(loaded, server.url, retry=FAST).complete
    still_there(loaded, 29)


def huge(size: int) -> Action:
    """HTTP 200 and a body of ``size`` bytes without Content-Length (a broken proxy)."""

    def act(handler: _Handler, _query: dict[str, str]) -> bool:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/xml")
        handler.send_header("Connection", "close")
        handler.end_headers()
        chunk = b"a" * (1 << 20)
        try:
            handler.wfile.write(b"<")
            for _ in range(size // len(chunk)):
                handler.wfile.write(chunk)
        except OSError:  # the harvester hung up: what it should do
            pass
        handler.close_connection = True
        return True

    return act


def test_a_page_past_the_limit_is_refused_in_one_line_and_loses_nothing(
    server: OaiServer, loaded: Path, tmp_path: Path
) -> None:
    server.add_fault(token_request, huge((MAX_PAGE_MB + 20) << 20), times=99)
    result = CliRunner().invoke(
        main, ["harvest", server.url, "--db", str(loaded), "--config", two_attempts(tmp_path)]
    )
    assert result.exit_code == 2 and "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("talkcat:")]
    assert len(lines) == 1 and f"larger than {MAX_PAGE_MB} MB" in lines[0]
    assert len([q for q in server.requests if token_request(q)]) == 1, "not worth a retry"
    still_there(loaded, 11)


def test_a_parser_message_over_two_lines_is_one_line(
    server: OaiServer, loaded: Path, tmp_path: Path
) -> None:
    """lxml says "... try XML_PARSE_HUGE\\n, line 1, column ..." for a 12 MB name."""
    server.add_fault(token_request, huge(12 << 20), times=99)
    result = CliRunner().invoke(
        main, ["harvest", server.url, "--db", str(loaded), "--config", two_attempts(tmp_path)]
    )
    assert result.exit_code == 2 and "Traceback" not in result.output
    talk = [line for line in result.output.splitlines() if line.startswith("talkcat:")]
    assert len(talk) == 1 and "not well-formed XML" in talk[0] and "column" in talk[0]
    still_there(loaded, 11)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_stopped_harvest_says_in_one_line_what_it_saved(
    server: OaiServer, loaded: Path, sig: signal.Signals
) -> None:
    err = signal_held_harvest(server, loaded, sig)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "1 page(s) saved" in lines[0] and "10 added" in lines[0] and "resumes" in lines[0]
    still_there(loaded, 11)


def drip(handler: _Handler, _query: dict[str, str]) -> bool:
    """Headers, then the page a byte at a time (an overloaded server or a proxy trickling)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/xml")
    handler.end_headers()
    try:
        handler.wfile.write(b'<?xml version="1.0"?>')
        for _ in range(600):
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.1)  # the server's drip, not a wait for the harvester
    except OSError:  # the harvester hung up: what it should do
        pass
    handler.close_connection = True
    return True


def test_a_page_that_drips_in_too_slowly_is_cut_off_at_the_timeout(
    server: OaiServer, loaded: Path, tmp_path: Path
) -> None:
    server.add_fault(token_request, drip, times=99)
    config = tmp_path / "slow.toml"
    config.write_text("[harvest]\nattempts = 1\ntimeout = 1\n", "utf-8")
    result = CliRunner().invoke(
        main, ["harvest", server.url, "--db", str(loaded), "--config", str(config)]
    )
    assert result.exit_code == 3 and "Traceback" not in result.output
    talk = [line for line in result.output.splitlines() if line.startswith("talkcat:")]
    assert len(talk) == 1 and "no complete page in 1 s" in talk[0]
    still_there(loaded, 11)
