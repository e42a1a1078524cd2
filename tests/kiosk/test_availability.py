"""Live availability at the kiosk, against a real SIP2 server on loopback (issue 12).

The whole kiosk state machine (visit, announcer, real ``Speaker`` and transcript) with the
real SIP2 driver and background service; the test plays the loop's part by handing the
answer events from the kiosk's own queue back to it, so nothing waits on a sleep.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalog.importing import import_files
from hardware.availability.sip2 import Sip2Availability
from kiosk.availability import AvailabilityAnswer, AvailabilityService
from tests.kiosk.visit_support import WAIT, Visit
from tests.sip2_server import Item, Sip2Server
from tests.support import ManualClock, talkcat

PIPPI = "9789129688313"
EMIL = "9789129657180"
PIPPI_SV = "Pippi Långstrump, av Astrid Lindgren"
PIPPI_EN = "Pippi Långstrump, by Astrid Lindgren"

ITEMS = {
    "P1": Item("03", current="barnavdelningen", permanent="HUV"),
    "P2": Item("04", due="20261203    235900", permanent="HUV"),
    "P3": Item("03", current="barnavdelningen", permanent="HUV"),
    "E1": Item("04", due="2026-12-05", permanent="HUV"),
    "E2": Item("04", due="2026-12-03 12:00:00", permanent="HUV"),
    "R1": Item("03", permanent="HUV"),
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("availability")
    records = [
        {"id": "pippi", "title": "Pippi Långstrump", "authors": ["Lindgren, Astrid"],
         "isbn": PIPPI, "barcodes": ["P1", "P2", "P3"], "language": "swe"},
        {"id": "emil", "title": "Emil i Lönneberga", "authors": ["Lindgren, Astrid"],
         "isbn": EMIL, "barcodes": ["E1", "E2"], "language": "swe"},
        {"id": "ronja", "title": "Ronja Rövardotter", "authors": ["Lindgren, Astrid"],
         "barcodes": ["R1"], "language": "swe"},
    ]
    source = folder / "records.json"
    source.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    report = import_files(folder / "c.db", [source])
    assert report.committed and report.added == 3, report.summary()
    return folder / "c.db"


@pytest.fixture
def server() -> Iterator[Sip2Server]:
    with Sip2Server(ITEMS) as running:
        yield running


def _visit(  # type: ignore[no-untyped-def]
    db: Path, tmp: Path, server: Sip2Server, timeout: float = 2.0, clock=None, **options: object
):
    service = AvailabilityService(
        Sip2Availability(**server.options(location="HUV")), timeout=timeout, cache_seconds=60,
        **({"clock": clock} if clock is not None else {}),
    )
    return Visit(db, tmp, availability=service, **options), service


def _pump(v: Visit) -> AvailabilityAnswer:
    """The loop's part: take the availability answer off the kiosk's queue and handle it."""
    while True:
        event = v.kiosk.events.get(timeout=WAIT)
        v.kiosk.handle(event)
        if isinstance(event, AvailabilityAnswer):
            return event


def _done(text: str):  # type: ignore[no-untyped-def]
    return lambda lines: any(x.event == "done" and x.text == text for x in lines)


def _events(v: Visit) -> list[tuple[str, str | None, str | None]]:
    return [(x.event, x.text, x.item) for x in v.lines]


def test_availability_follows_the_title_as_its_own_utterance(
    db: Path, tmp_path: Path, server: Sip2Server
) -> None:
    v, service = _visit(db, tmp_path, server)
    try:
        v.scan(PIPPI)
        answer = _pump(v)
        assert answer.availability is not None
        v.transcript.wait(_done("2 av 3 exemplar på hyllan."))
        assert _events(v) == [
            ("speak", PIPPI_SV, "pippi"),
            ("done", PIPPI_SV, "pippi"),
            ("speak", "2 av 3 exemplar på hyllan.", "pippi"),
            ("done", "2 av 3 exemplar på hyllan.", "pippi"),
        ]
        # Level two says it in detail, with the place, before the other facts.
        v.action("more")
        line = v.wait_speak(3)
        assert line.text is not None
        assert line.text.startswith("2 av 3 exemplar på hyllan, i barnavdelningen.")
        assert line.item == "pippi"
    finally:
        v.close()
        service.close()


def test_all_copies_on_loan_name_the_first_return_in_each_language(
    db: Path, tmp_path: Path, server: Sip2Server
) -> None:
    v, service = _visit(db, tmp_path, server)
    try:
        v.scan(EMIL)
        _pump(v)
        v.transcript.wait(_done("Alla exemplar utlånade, det första åter 3 december."))
        v.action("language")
        v.scan(EMIL)  # cached now: the answer comes at once, still after the title
        _pump(v)
        v.transcript.wait(_done("All copies on loan, the first back on 3 December."))
        assert server.state.item_requests == 2  # the second scan was answered from the cache
    finally:
        v.close()
        service.close()


def test_one_copy_on_loan_says_when_it_is_due(db: Path, tmp_path: Path) -> None:
    with Sip2Server({"R1": Item("04", due="03.12.2026")}) as server:
        v, service = _visit(db, tmp_path, server)
        try:
            v.action("language")  # sv -> en
            v.kiosk.handle(_frame_for_ronja(v))
            _pump(v)
            v.transcript.wait(_done("On loan, due back 3 December."))
        finally:
            v.close()
            service.close()


def _frame_for_ronja(v: Visit):  # type: ignore[no-untyped-def]
    from hardware.protocols import Frame

    return Frame(text="R1")  # the copy's own barcode, as a scanner reads it


@pytest.mark.parametrize(
    "fault", ["silent", "refuse-login", "close-after-login", "bad-checksum", "huge", "offline"]
)
def test_a_failing_server_never_costs_the_title(
    db: Path, tmp_path: Path, fault: str
) -> None:
    with Sip2Server(ITEMS, fault=fault) as server:
        # The service's own clock stands still: its back-off lasts until the test moves it.
        v, service = _visit(db, tmp_path, server, timeout=0.5, clock=ManualClock())
        try:
            v.scan(PIPPI)
            assert v.wait_speak(1).text == PIPPI_SV  # at once, whatever the server does
            answer = _pump(v)
            assert answer.availability is None
            v.transcript.wait(_done(PIPPI_SV))
            assert not v.transcript.holds(lambda ls: len(ls) > 2, 0.2)  # nothing more said
            v.action("more")
            said = v.wait_speak(2).text or ""
            assert said.startswith("Det går inte att se just nu om den finns på hyllan.")
            connections = server.state.connections
            # A dead server is not asked again on every scan: it is resting (back-off).
            v.scan(EMIL)
            assert _pump(v).availability is None
            assert server.state.connections == connections
        finally:
            v.close()
            service.close()


def test_unknown_fields_from_the_server_do_not_matter(db: Path, tmp_path: Path) -> None:
    with Sip2Server(ITEMS, fault="unknown-fields") as server:
        v, service = _visit(db, tmp_path, server)
        try:
            v.scan(EMIL)
            assert _pump(v).availability is not None
            v.transcript.wait(_done("Alla exemplar utlånade, det första åter 3 december."))
        finally:
            v.close()
            service.close()


def test_a_new_scan_drops_the_old_books_answer(
    db: Path, tmp_path: Path, server: Sip2Server
) -> None:
    v, service = _visit(db, tmp_path, server)
    try:
        v.scan(PIPPI)
        v.scan(EMIL)  # before Pippi's answer is handled
        _pump(v)
        _pump(v)
        v.transcript.wait(_done("Alla exemplar utlånade, det första åter 3 december."))
        assert not any("hyllan" in (x.text or "") for x in v.lines)
    finally:
        v.close()
        service.close()


def _key(record_id: str):  # type: ignore[no-untyped-def]
    from catalog.identifiers import normalise

    return normalise({"pippi": PIPPI, "ronja": "R1", "emil": EMIL}[record_id], None)


def test_browse_on_shelf_first_ranks_by_what_the_server_said(
    db: Path, tmp_path: Path
) -> None:
    items = dict(ITEMS, R1=Item("04", due="2026-12-24"))  # Ronja on loan, Pippi on the shelf
    with Sip2Server(items) as server:
        v, service = _visit(db, tmp_path, server, browse_on_shelf_first=True)
        try:
            v.scan(EMIL)
            _pump(v)
            for record_id in ("pippi", "ronja"):
                record = v.kiosk.catalog.lookup(_key(record_id))
                assert service.ask(record).result(WAIT) is not None  # type: ignore[arg-type]
            order = [step.record.id for step in v.kiosk.visit.browser.walk()]
            assert order[:2] == ["pippi", "ronja"]
            v.action("previous")  # at the start: nothing before the scanned book
            v.action("next")
            assert v.wait_speak(2).item == "pippi"
        finally:
            v.close()
            service.close()


def test_lookup_prints_availability_on_a_second_line(
    db: Path, tmp_path: Path, server: Sip2Server
) -> None:
    config = tmp_path / "kiosk.toml"
    options = server.options()
    config.write_text(
        "[availability]\ndriver = \"sip2\"\ntimeout = 2.0\n"
        + "".join(f"{k} = {json.dumps(v)}\n" for k, v in options.items()),
        "utf-8",
    )
    result = talkcat("lookup", PIPPI, "--db", str(db), "--config", str(config), "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [PIPPI_EN, "2 of 3 copies on the shelf."]
    assert options["password"] not in result.stdout + result.stderr
    server.close()  # now nobody answers: the sentence alone, the exit code unchanged
    result = talkcat("lookup", PIPPI, "--db", str(db), "--config", str(config), "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [PIPPI_EN]
    assert "Traceback" not in result.stderr
    assert options["password"] not in result.stderr



def test_the_availability_section_is_validated_like_every_driver_section(tmp_path: Path) -> None:
    from kiosk import config
    from kiosk.errors import ConfigError

    path = tmp_path / "kiosk.toml"
    path.write_text(
        '[availability]\ndriver = "sip2"\nhost = "ils.example"\nport = "six"\n'
        'pasword = "x"\ntimeout = 90\n', "utf-8"
    )
    with pytest.raises(ConfigError) as caught:
        config.load(path, thorough=True)
    text = "\n".join(caught.value.problems)
    assert "availability.port" in text and "availability.pasword" in text
    assert "availability.timeout" in text  # the kiosk's own key, checked in the same pass
    path.write_text(
        '[availability]\ndriver = "sip2"\nhost = "ils.example"\nuser = "kiosk"\n'
        'password = "hunter2-secret"\nbrowse_on_shelf_first = true\n', "utf-8"
    )
    cfg = config.load(path, thorough=True)
    assert cfg.browse_on_shelf_first and cfg.availability_timeout == 1.0
    assert "hunter2-secret" not in repr(cfg)  # a config in a log line never shows it
    result = talkcat("config", "check", str(path))
    assert result.returncode == 0, result.stderr
    assert "hunter2-secret" not in result.stdout + result.stderr


def test_doctor_checks_the_configured_sip2_server_and_never_shows_the_password(
    tmp_path: Path,
) -> None:
    with Sip2Server(ITEMS) as server:
        options = server.options()
        config = tmp_path / "kiosk.toml"
        config.write_text(
            '[availability]\ndriver = "sip2"\n'
            + "".join(f"{k} = {json.dumps(v)}\n" for k, v in options.items()),
            "utf-8",
        )
        result = talkcat("doctor", "--config", str(config))
        logins = server.state.logins
    out = result.stdout + result.stderr
    line = next(x for x in out.splitlines() if "availability driver 'sip2'" in x)
    assert line.startswith("OK") and "Loopback Library" in line and "logged in as kiosk" in line
    assert logins == 1
    assert options["password"] not in out
    # The server gone: one FAIL line that says so, still without the password.
    result = talkcat("doctor", "--config", str(config))
    out = result.stdout + result.stderr
    line = next(x for x in out.splitlines() if "availability driver 'sip2'" in x)
    assert line.startswith("FAIL") and "cannot be reached" in line
    assert result.returncode == 1 and options["password"] not in out
    assert "Traceback" not in out


def test_the_question_waits_for_the_titles_first_audio(
    server: Sip2Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    from concurrent.futures import TimeoutError as FutureTimeout

    from catalog.records import Record
    from kiosk import availability

    monkeypatch.setattr(availability, "GATE_WAIT", 30.0)
    service = AvailabilityService(Sip2Availability(**server.options()), timeout=60.0)
    try:
        started = threading.Event()
        future = service.ask(Record(id="pippi", title="Pippi", barcodes=("P1",)), gate=started)
        with pytest.raises(FutureTimeout):
            future.result(timeout=0.3)  # the title has not started: nothing asked yet
        assert server.state.item_requests == 0
        started.set()
        assert future.result(timeout=WAIT) is not None
        assert server.state.item_requests == 1
    finally:
        service.close()
