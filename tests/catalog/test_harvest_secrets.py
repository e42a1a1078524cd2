"""A password in the harvest URL (HTTP basic auth, as some hosted Koha instances are
protected): the harvest authenticates with it against a real loopback repository that asks
for it, and no line, report, stored key, dashboard or lock holder line ever shows it."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from catalog.harvest import harvest
from catalog.oai import url_problem
from catalog.redact import redact_text, redact_url
from kiosk.cli import main
from tests.catalog.harvest_support import FAST, LIBRIS, list_requests, marcxml
from tests.catalog.oai_server import (
    OaiServer,
    Repository,
    hold,
    items_from,
    marc_records,
    unavailable,
)
from tests.support import ROOT, TALKCAT, talkcat, talkcat_env

SECRET = "S3cretPW"


@pytest.fixture
def server() -> Iterator[OaiServer]:
    repository = Repository(items_from(marc_records(LIBRIS)))
    with OaiServer(repository, batch=10, credentials=("admin", SECRET)) as running:
        yield running


def with_password(server: OaiServer, password: str = SECRET) -> str:
    return server.url.replace("http://", f"http://admin:{password}@")


def shown(server: OaiServer) -> str:
    return server.url.replace("http://", "http://admin:***@")


def keys_of(db: Path) -> set[str]:
    """The keys of the harvest state and of the identifiers harvested."""
    with closing(sqlite3.connect(db)) as conn:
        keys = {k for (k,) in conn.execute("SELECT source FROM harvest_state")}
        return keys | {k for (k,) in conn.execute("SELECT DISTINCT source FROM harvested")}


def nowhere_in_the_file(db: Path) -> None:
    """Not in the catalogue file, nor beside it (WAL, lock file): a copy of the catalogue
    must not carry the password."""
    for path in db.parent.iterdir():
        if path.name.startswith(db.name):
            assert SECRET.encode() not in path.read_bytes(), path


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://admin:S3cretPW@h/oai", "http://admin:***@h/oai"),
        ("https://admin:p@ss:w@h:8443/oai?x=1", "https://admin:***@h:8443/oai?x=1"),
        ("http://admin:p%2Fss@h/oai", "http://admin:***@h/oai"),
        ("http://admin:pa/ss@h/oai", "http://admin:***@h/oai"),  # not valid; still hidden
        ("http://admin@h/oai", "http://admin@h/oai"),  # no password: nothing to hide
        ("http://h:8080/oai", "http://h:8080/oai"),
        ("http://[::1]:8080/oai", "http://[::1]:8080/oai"),
    ],
)
def test_redacted_form(url: str, expected: str) -> None:
    assert redact_url(url) == expected
    assert redact_text(f"busy - process 7 (talkcat harvest {url} --db x)") == (
        f"busy - process 7 (talkcat harvest {expected} --db x)"
    )


def test_a_url_that_does_not_parse_is_refused_without_its_password() -> None:
    for url in ("http://admin:S3cretPW@h:99999/oai", "http://admin:S3/cretPW@h/oai",
                "http://admin:S3cret PW@h/oai", "ftp://admin:S3cretPW@h/oai"):
        problem = url_problem(url)
        assert problem is not None and "admin:***@" in problem
        assert "S3" not in problem.replace("admin:***@", ""), problem


def test_a_password_in_the_url_authenticates_and_is_shown_nowhere(
    server: OaiServer, tmp_path: Path
) -> None:
    db, report = tmp_path / "c.db", tmp_path / "r.csv"
    config = tmp_path / "k.toml"
    config.write_text("[harvest]\nattempts = 3\n", "utf-8")
    server.add_fault(lambda q: "resumptionToken" in q, unavailable("0"))  # one retry line
    server.repository.put("oai:test:bad", b'<dc xmlns="http://purl.org/dc/elements/1.1/"/>')
    done = talkcat("harvest", with_password(server), "--db", str(db), "--config", str(config),
                   "--report", str(report))
    assert done.returncode == 0, done.stderr
    assert "28 added" in done.stdout and "1 rejected" in done.stdout
    rejected = [line for line in report.read_text("utf-8").splitlines() if "rejected" in line]
    assert len(rejected) == 1 and shown(server) in rejected[0]  # the file column: the URL
    retry = [line for line in done.stderr.splitlines() if "HTTP 503" in line]
    assert len(retry) == 1 and shown(server) in retry[0]
    assert "plain http://" in done.stderr  # the password went unencrypted: said once
    assert SECRET not in done.stdout + done.stderr + report.read_text("utf-8")
    # The wrong password: one line naming the URL as shown, exit 3.
    wrong = talkcat("harvest", with_password(server, "Wr0ngPW"), "--db", str(db),
                    "--config", str(config))
    talk = [line for line in wrong.stderr.splitlines() if line.startswith("talkcat:")]
    assert wrong.returncode == 3 and len(talk) == 1, wrong.stderr
    assert "HTTP 401" in talk[0] and shown(server) in talk[0]
    assert "Wr0ngPW" not in wrong.stdout + wrong.stderr
    # What the catalogue keeps, and everything that shows it.
    assert keys_of(db) == {shown(server)}
    for command in (["catalog", "stats"], ["catalog", "stats", "--json"], ["doctor"]):
        out = talkcat(*command, "--db", str(db))
        assert shown(server) in out.stdout and SECRET not in out.stdout + out.stderr, command
    nowhere_in_the_file(db)


def old_catalogue(server: OaiServer, tmp_path: Path) -> Path:
    """A catalogue harvested before the redaction: the clear URL is the key of its state and
    identifiers, in the state's ``url`` and in its last attempt's problem line."""
    db = tmp_path / "old.db"
    assert harvest(db, with_password(server), retry=FAST).complete
    clear, key = with_password(server), shown(server)
    with closing(sqlite3.connect(db)) as conn, conn:
        (raw,) = conn.execute("SELECT state FROM harvest_state").fetchone()
        state = json.loads(raw)
        state["url"] = state["last_attempt"]["url"] = clear
        state["last_attempt"]["problem"] = f"{clear}: page 2: HTTP 503 (after 5 attempts)"
        conn.execute("UPDATE harvest_state SET source = ?, state = ?", (clear, json.dumps(state)))
        conn.execute("UPDATE harvested SET source = ? WHERE source = ?", (clear, key))
    assert SECRET.encode() in db.read_bytes()
    return db


def test_a_catalogue_that_stored_the_clear_url_shows_it_hidden_and_goes_on_incrementally(
    server: OaiServer, tmp_path: Path
) -> None:
    db = old_catalogue(server, tmp_path)
    # Shown hidden at once, before any new harvest (and on the console: test_console below).
    for command in (["catalog", "stats"], ["catalog", "stats", "--json"], ["doctor"]):
        out = CliRunner().invoke(main, [*command, "--db", str(db)]).output
        assert shown(server) in out and SECRET not in out, command
    # The library system changes; the next harvest goes on from the stored datestamp, and a
    # deleted header still finds the record its identifier became.
    server.repository.put("oai:test:new", marcxml("new-1", "Bought this morning"))
    server.repository.delete("oai:test:1")
    server.requests.clear()
    report = harvest(db, with_password(server), retry=FAST)
    assert report.complete and (report.added, report.deleted) == (1, 1)
    assert "from" in list_requests(server)[0], "it harvested everything again"
    assert keys_of(db) == {shown(server)}
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT count(*) FROM harvested").fetchone()[0] == 28
    nowhere_in_the_file(db)


def test_the_console_dashboard_shows_the_clear_url_of_an_old_catalogue_hidden(
    server: OaiServer, tmp_path: Path
) -> None:
    pytest.importorskip("starlette", reason="the console extra is not installed")
    from tests.console.conftest import make_client
    from tests.console.support import login, write_config

    db = old_catalogue(server, tmp_path)
    for client in make_client(write_config(tmp_path, db)):
        login(client)
        client.console.health.refresh_now()
        html = client.get("/").text
        assert "harvest of" in html and SECRET not in html
        assert shown(server).replace("http://", "") in html


def test_the_lock_holder_line_another_writer_prints_hides_the_password(
    server: OaiServer, tmp_path: Path
) -> None:
    db = tmp_path / "c.db"
    reached, release = threading.Event(), threading.Event()
    server.add_fault(lambda q: "resumptionToken" in q, hold(reached, release))
    child = subprocess.Popen(
        [*TALKCAT, "harvest", with_password(server), "--db", str(db)],
        cwd=ROOT, env=talkcat_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert reached.wait(60), "the harvest never asked for its second page"
        busy = talkcat("import", str(LIBRIS), "--db", str(db), "--wait", "0")
        assert busy.returncode == 3 and "busy - process" in busy.stderr, busy.stderr
        assert f"harvest {shown(server)}" in busy.stderr and SECRET not in busy.stderr
        lock = db.with_name(db.name + ".lock").read_text("utf-8")
        assert shown(server) in lock and SECRET not in lock
        child.send_signal(signal.SIGTERM)
        child.communicate(timeout=30)
    finally:
        release.set()
        if child.poll() is None:
            child.kill()
            child.wait(30)


def test_a_password_in_the_config_file_is_used_and_never_shown(
    server: OaiServer, tmp_path: Path
) -> None:
    db = tmp_path / "c.db"
    config = tmp_path / "k.toml"
    config.write_text(f'[harvest]\nurl = "{with_password(server)}"\n', "utf-8")
    assert talkcat("config", "check", str(config)).returncode == 0
    done = talkcat("harvest", "--config", str(config), "--db", str(db))
    assert done.returncode == 0 and "28 added" in done.stdout, done.stderr
    assert SECRET not in done.stdout + done.stderr
    doctor = talkcat("doctor", "--config", str(config), "--db", str(db))
    assert shown(server) in doctor.stdout and SECRET not in doctor.stdout + doctor.stderr
    # A wrong URL with a password in the config: the reason, not the password.
    config.write_text(
        f'[harvest]\nurl = "{with_password(server).replace("/oai", ":99999/oai")}"\n', "utf-8"
    )
    bad = talkcat("config", "check", str(config))
    assert bad.returncode == 2 and "admin:***@" in bad.stderr and SECRET not in bad.stderr
