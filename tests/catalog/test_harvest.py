"""``talkcat harvest`` against a real OAI-PMH server on loopback (the ``oaipmh`` package's).

The repository serves the project's real MARCXML fixtures (and ``../shared/data`` when it is
there); the harvester is the real command, never a mock of either side.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from catalog.cli import catalogue_check
from catalog.cli_harvest import harvest_command
from catalog.harvest import Retry, harvest, harvest_checks, last_harvest
from catalog.identifiers import normalise
from catalog.importing import import_files
from catalog.store import Catalog
from kiosk.cli import main
from tests.catalog.conftest import field, make_record
from tests.catalog.harvest_support import FAST, LIBRIS, list_requests, marcxml
from tests.catalog.oai_server import (
    OaiServer,
    Repository,
    items_from,
    marc_records,
    oai_error,
    status,
)
from tests.support import ROOT

TOVE_ISBN = "9789100563226"


def tables(db: Path) -> tuple[list[tuple], list[tuple]]:
    with sqlite3.connect(db) as conn:
        records = conn.execute("SELECT id, kind, language, data FROM records ORDER BY id")
        keys = conn.execute(
            "SELECT key, record_id, target, available FROM identifiers ORDER BY key"
        )
        return records.fetchall(), keys.fetchall()


@pytest.fixture
def server() -> Iterator[OaiServer]:
    with OaiServer(Repository(items_from(marc_records(LIBRIS))), batch=10) as running:
        yield running


def test_first_harvest_maps_exactly_as_import_of_the_same_records(
    server: OaiServer, tmp_path: Path
) -> None:
    report = harvest(tmp_path / "h.db", server.url, retry=FAST)
    assert report.complete and report.problem is None
    assert (report.added, report.updated, report.pages) == (28, 0, 3)
    imported = import_files(tmp_path / "i.db", [LIBRIS])
    assert tables(tmp_path / "h.db") == tables(tmp_path / "i.db")
    assert [str(w.reason) for w in report.warnings] == [str(w.reason) for w in imported.warnings]
    # Every page was asked for with the token of the one before.
    assert [("resumptionToken" in q) for q in list_requests(server)] == [False, True, True]


def test_shared_koha_records_map_as_import_with_item_barcodes(shared: Path, tmp_path: Path) -> None:
    source = shared / "marc" / "koha_sample_436_952.xml"
    with OaiServer(Repository(items_from(marc_records(source))), batch=50) as running:
        report = harvest(tmp_path / "h.db", running.url, retry=FAST)
    assert report.complete and report.added == 436
    import_files(tmp_path / "i.db", [source])
    assert tables(tmp_path / "h.db") == tables(tmp_path / "i.db")
    with Catalog.open(tmp_path / "h.db", readonly=True) as catalog:
        assert catalog.lookup(normalise("39999000001310")) is not None  # a 952$p barcode


def test_later_runs_are_incremental_with_updates_additions_and_deletions(
    server: OaiServer, tmp_path: Path
) -> None:
    db = tmp_path / "c.db"
    assert harvest(db, server.url, retry=FAST).added == 28
    first_date = list_requests(server)[0]
    assert "from" not in first_date
    repo = server.repository
    repo.put("oai:test:26", marcxml("7149593", "Renamed by the cataloguer", isbns=(TOVE_ISBN,)))
    repo.put("oai:test:new", marcxml("new-1", "Bought this morning", isbns=("9780140449136",)))
    repo.delete("oai:test:2")
    with sqlite3.connect(db) as conn:
        (gone_id,) = conn.execute(
            "SELECT record_id FROM harvested WHERE oai_id = 'oai:test:2'"
        ).fetchone()
    with Catalog.open(db, readonly=True) as catalog:
        before = catalog.stats()["records"]
        assert catalog.get(gone_id) is not None
    server.requests.clear()
    report = harvest(db, server.url, retry=FAST)
    assert report.complete
    assert (report.added, report.updated, report.deleted) == (1, 1, 1)
    query = list_requests(server)[0]
    assert query["from"].endswith("Z")  # from the repository's clock, seconds granularity
    with Catalog.open(db, readonly=True) as catalog:
        assert catalog.stats()["records"] == before  # one added, one deleted
        assert catalog.lookup(normalise("9780140449136")).title == "Bought this morning"
        renamed = catalog.lookup(normalise(TOVE_ISBN))
        assert renamed is not None and renamed.title == "Renamed by the cataloguer"
        assert catalog.get(gone_id) is None


def test_nothing_new_is_exit_0_and_says_so(server: OaiServer, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    runner = CliRunner()
    first = runner.invoke(main, ["harvest", server.url, "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert "28 added" in first.output
    again = runner.invoke(main, ["harvest", server.url, "--db", str(db)])
    assert again.exit_code == 0, again.output
    assert "nothing new" in again.output


def test_full_removes_what_the_repository_no_longer_has(server: OaiServer, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    harvest(db, server.url, retry=FAST)
    stray = tmp_path / "stray.mrc"
    stray.write_bytes(make_record("stray-1", "Loaded by hand", isbns=("9780140449136",)))
    import_files(db, [stray])
    server.repository.forget("oai:test:3")  # gone without a deleted header
    report = harvest(db, server.url, full=True, retry=FAST)
    assert report.complete and report.updated == 27 and report.removed == 2
    with Catalog.open(db, readonly=True) as catalog:
        assert catalog.stats()["records"] == 27
        assert catalog.lookup(normalise("9780140449136")) is None


def test_full_against_a_repository_with_no_records_removes_nothing(
    server: OaiServer, tmp_path: Path
) -> None:
    """hostile3-9: ``noRecordsMatch`` (a renamed set, an index being rebuilt) to ``--full``
    removed all 28 records, exit 0, "nothing new"; and an answer of only empty pages."""
    db = tmp_path / "c.db"
    harvest(db, server.url, retry=FAST)
    server.add_fault(lambda q: q.get("verb") == "ListRecords", oai_error("noRecordsMatch"))
    result = CliRunner().invoke(main, ["harvest", server.url, "--db", str(db), "--full"])
    assert result.exit_code == 2, result.output
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("talkcat: ") and "no records at all" in last
    assert "nothing was removed (28 records kept)" in last and "nothing new" not in result.output
    with Catalog.open(db, readonly=True) as catalog:
        assert catalog.stats()["records"] == 28
    for n in range(1, 29):
        server.repository.forget(f"oai:test:{n}")
    report = harvest(db, server.url, full=True, retry=FAST)
    assert report.kept_all and not report.complete and report.removed == 0
    assert "NOTHING REMOVED" in report.summary()
    with Catalog.open(db, readonly=True) as catalog:
        assert catalog.stats()["records"] == 28
    server.repository.put("oai:test:1", marc_records(LIBRIS)[0])  # one record: --full works
    report = harvest(db, server.url, full=True, retry=FAST)
    assert report.complete and report.removed == 27


def _response_date(stamp: str) -> Any:
    """An answer as the repository gives it, but with this ``responseDate``."""

    def act(handler: Any, query: dict[str, str]) -> bool:
        body = re.sub(
            rb"<responseDate>[^<]*</responseDate>",
            b"<responseDate>" + stamp.encode() + b"</responseDate>",
            handler.answer(query),
        )
        handler.send_body(body)
        return True

    return act


@pytest.mark.parametrize("stamp", ["9999-12-31T23:59:59Z", "not-a-date", "2026-13-45"])
def test_a_repository_date_that_cannot_be_believed_is_never_the_next_from(
    server: OaiServer, tmp_path: Path, stamp: str
) -> None:
    """hostile3-6: a clock run ahead or garbage in ``responseDate`` became the next run's
    ``from`` (``from=9999-12-31``: "nothing new" every night, exit 0)."""
    db = tmp_path / "c.db"
    listing = lambda q: q.get("verb") == "ListRecords"  # noqa: E731
    server.add_fault(listing, _response_date(stamp), times=10)
    started = datetime.now(UTC)
    report = harvest(db, server.url, retry=FAST)
    assert report.complete and report.added == 28
    assert [w.position for w in report.warnings] == ["responseDate"]
    assert repr(stamp) in report.warnings[0].reason
    server.requests.clear()
    again = CliRunner().invoke(main, ["harvest", server.url, "--db", str(db)])
    assert again.exit_code == 0, again.output
    since = list_requests(server)[0]["from"]
    assert stamp not in since
    sent = datetime.fromisoformat(since.replace("Z", "+00:00"))
    assert started - timedelta(days=1, minutes=5) <= sent <= started


def test_rejections_and_report_as_import(tmp_path: Path) -> None:
    items = items_from(
        [
            marcxml("ok-1", "Fine", isbns=(TOVE_ISBN,)),
            marcxml("bad-1", None),  # no 245: rejected with import's reason
            marcxml(None, "No id", author=None),
            marcxml("ok-2", "Wrong check digit", isbns=("9789100563227",)),
        ]
    )
    source = tmp_path / "same.xml"
    source.write_bytes(
        b'<collection xmlns="http://www.loc.gov/MARC21/slim">'
        + b"".join(i.xml or b"" for i in items)
        + b"</collection>"
    )
    with OaiServer(Repository(items)) as running:
        result = CliRunner().invoke(
            main,
            ["harvest", running.url, "--db", str(tmp_path / "c.db"), "--report",
             str(tmp_path / "r.csv")],
        )
    assert result.exit_code == 0, result.output
    imported = import_files(tmp_path / "i.db", [source])
    reasons = sorted(r.reason for r in imported.rejected)
    assert len(reasons) == 2
    for reason in reasons:
        assert reason in result.output
    report = (tmp_path / "r.csv").read_text("utf-8")
    assert report.startswith("severity,file,position,identifier,reason")
    assert "page 1, record 2 (oai:test:2)" in report and "020 left out" in report


def test_everything_rejected_is_exit_1(tmp_path: Path) -> None:
    with OaiServer(Repository(items_from([marcxml("bad-1", None)]))) as running:
        result = CliRunner().invoke(main, ["harvest", running.url, "--db", str(tmp_path / "c.db")])
    assert result.exit_code == 1
    assert "Nothing usable" in result.output


def test_config_file_gives_url_set_prefix_and_db(tmp_path: Path) -> None:
    items = items_from(marc_records(LIBRIS)[:5], sets=("adult",)) + items_from(
        [marcxml("kids-1", "Pippi")], prefix="oai:kids:", sets=("children",)
    )
    with OaiServer(Repository(items)) as running:
        config = tmp_path / "kiosk.toml"
        db = tmp_path / "c.db"
        config.write_text(
            f'[kiosk]\ndb = "{db}"\n[harvest]\nurl = "{running.url}"\nset = "children"\n'
            'prefix = "marc21"\n',
            "utf-8",
        )
        result = CliRunner().invoke(main, ["harvest", "--config", str(config)])
        assert result.exit_code == 0, result.output
        query = list_requests(running)[0]
    assert query["set"] == "children" and query["metadataPrefix"] == "marc21"
    with Catalog.open(db, readonly=True) as catalog:
        assert catalog.stats()["records"] == 1


def test_bad_options_and_config_are_exit_2(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "c.db")
    assert runner.invoke(main, ["harvest", "--db", db]).exit_code == 2  # no URL
    bad_from = runner.invoke(main, ["harvest", "http://127.0.0.1:9/oai", "--db", db,
                                    "--from", "yesterday"])
    assert bad_from.exit_code == 2 and "YYYY-MM-DD" in bad_from.output
    config = tmp_path / "k.toml"
    config.write_text('[harvest]\nurl = "ftp://x"\nprefix = "dc"\n', "utf-8")
    result = runner.invoke(main, ["harvest", "--config", str(config), "--db", db])
    assert result.exit_code == 2
    assert "harvest.url" in result.output and "harvest.prefix" in result.output


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://[::1", "Invalid IPv6 URL"),
        ("http://127.0.0.1:1/\x1b[2J", "'\\x1b' at position 19"),
        ("http://127.0.0.1:99999/", "Port out of range"),
    ],
)
def test_malformed_url_is_one_line_exit_2_in_harvest_and_config_check(
    tmp_path: Path, url: str, reason: str
) -> None:
    # Found by an outside tester: a traceback (exit 1) and `config check` said OK.
    runner = CliRunner()
    db = str(tmp_path / "c.db")
    direct = runner.invoke(main, ["harvest", url, "--db", db])
    config = tmp_path / "k.toml"
    config.write_text(f"[harvest]\nurl = {json.dumps(url)}\n", "utf-8")
    checked = runner.invoke(main, ["config", "check", str(config)])
    for result in (direct, checked):
        assert result.exit_code == 2
        assert "harvest.url: not a valid URL" in result.output and reason in result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "c.db").exists()


def test_impossible_from_date_is_refused_before_connecting(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["harvest", "http://127.0.0.1:9/oai", "--db", str(tmp_path / "c.db"),
               "--from", "2026-13-45"]
    )
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_holdings_and_items_keys_as_import(tmp_path: Path) -> None:
    bib = marcxml(
        "item-1", "With copies",
        extra=(field("952", "p", "39999000099999", "a", "MAIN", "o", "Hc"),
               field("852", "b", "Main", "p", "40000123")),
    )
    with OaiServer(Repository(items_from([bib]))) as running:
        harvest(tmp_path / "c.db", running.url, retry=FAST)
    with Catalog.open(tmp_path / "c.db", readonly=True) as catalog:
        for barcode in ("39999000099999", "40000123"):
            found = catalog.lookup(normalise(barcode))
            assert found is not None and found.title == "With copies"


@pytest.mark.parametrize("controls", [b"Sec\x1b[0mond\x0b", b"Sec&#27;[0mond&#x0B;"])
def test_a_raw_control_character_in_one_record_does_not_fail_the_page(
    tmp_path: Path, controls: bytes
) -> None:
    # Found by an outside tester: one ESC stopped every nightly harvest at that page, exit 2;
    # written as a reference (&#27;, which XML 1.0 forbids too) it did the same.
    bibs = [marcxml("c-1", "First"), marcxml("c-2", "Secxxond"), marcxml("c-3", "Third")]

    def raw_escape(handler: Any, query: dict[str, str]) -> bool:
        body = handler.answer(query).replace(b"Secxxond", controls)
        handler.send_body(body)
        return True

    with OaiServer(Repository(items_from(bibs))) as running:
        running.add_fault(lambda q: q.get("verb") == "ListRecords", raw_escape, times=99)
        report = harvest(tmp_path / "c.db", running.url, retry=FAST)
    assert report.problem is None and not report.rejected
    (warning,) = [w for w in report.warnings if "control character" in w.reason]
    assert "record 2" in warning.position
    with Catalog.open(tmp_path / "c.db", readonly=True) as catalog:
        titles = sorted(r.title for r in catalog.records())
    assert titles == ["First", "Second", "Third"]


def test_stats_show_the_last_harvest_and_doctor_warns_when_it_is_too_old(
    server: OaiServer, tmp_path: Path
) -> None:
    db = tmp_path / "c.db"
    runner = CliRunner()
    assert "last harvest:   never" in runner.invoke(
        main, ["catalog", "stats", "--db", str(import_db(tmp_path))]
    ).output
    config = tmp_path / "k.toml"
    config.write_text("[harvest]\nmax_age_hours = 2\n", "utf-8")
    assert runner.invoke(
        main, ["harvest", server.url, "--db", str(db), "--config", str(config)]
    ).exit_code == 0
    stats = runner.invoke(main, ["catalog", "stats", "--db", str(db)]).output
    line = next(x for x in stats.splitlines() if x.startswith("last harvest:"))
    assert server.url in line and "28 added" in line and "complete" in line
    as_json = runner.invoke(main, ["catalog", "stats", "--db", str(db), "--json"]).output
    assert '"last_harvest"' in as_json
    fresh = [c for c in catalogue_check(db) if "harvest of" in c[1]]
    assert [c[0] for c in fresh] == ["OK"]
    with Catalog.open(db, readonly=True) as catalog:
        status, what, fix = harvest_checks(catalog, now=datetime.now(UTC) + timedelta(hours=3))[0]
    assert status == "WARN" and "more than 2 h" in what and "talkcat-harvest.timer" in fix


def test_a_harvest_that_never_completed_is_a_doctor_warning(tmp_path: Path) -> None:
    db = import_db(tmp_path)
    harvest(db, "http://127.0.0.1:9/oai", retry=Retry(attempts=1, timeout=5))
    checks = [c for c in catalogue_check(db) if "harvest of" in c[1]]
    assert len(checks) == 1 and checks[0][0] == "WARN" and "never completed" in checks[0][1]


def import_db(tmp_path: Path) -> Path:
    db = tmp_path / "imported.db"
    import_files(db, [LIBRIS])
    return db


def _ini_blocks() -> dict[str, dict[str, list[str]]]:
    """``first comment line -> {key: [values]}`` of each ini block in docs/operations.md."""
    text = (ROOT / "docs" / "operations.md").read_text("utf-8")
    blocks = {}
    for block in re.findall(r"```ini\n(.*?)```", text, re.S):
        name = block.splitlines()[0].lstrip("# ").strip()
        found: dict[str, list[str]] = {}
        section = ""
        for line in block.replace("\\\n", " ").splitlines():
            if line.startswith("["):
                section = line.strip("[] ")
            elif line.strip() and not line.startswith("#") and section != "Unit":
                key, _, value = line.partition("=")
                found.setdefault(key.strip(), []).append(value.strip())
        blocks[name] = found
    return blocks


def test_the_documented_timer_and_service_are_hardened_like_the_kiosk_unit() -> None:
    blocks = _ini_blocks()
    service = blocks["/etc/systemd/system/talkcat-harvest.service"]
    timer = blocks["/etc/systemd/system/talkcat-harvest.timer"]
    kiosk = next(b for b in blocks.values() if "talkcat run" in " ".join(b.get("ExecStart", [])))
    network = {"PrivateNetwork", "IPAddressDeny", "RestrictAddressFamilies"}
    devices = {"DeviceAllow", "SupplementaryGroups"}
    running = {"WantedBy", "Type", "NotifyAccess", "WatchdogSec", "ExecStart", "Restart",
               "RestartSec", "KillSignal", "TimeoutStopSec"}
    for key in set(kiosk) - network - devices - running:
        assert service.get(key) == kiosk[key], key  # every other hardening line, the same
    assert service["Type"] == ["oneshot"] and service["PrivateDevices"] == ["yes"]
    assert "DeviceAllow" not in service and "PrivateNetwork" not in service
    assert service["RestrictAddressFamilies"] == ["AF_INET AF_INET6 AF_UNIX"]
    assert timer["OnCalendar"] and timer["OnBootSec"] and timer["WantedBy"] == ["timers.target"]
    # The command line is one the real command accepts, writing where the unit may write.
    args = shlex.split(service["ExecStart"][0])
    assert args[1] == "harvest"
    context = harvest_command.make_context("harvest", args[2:])
    assert context.params["config_path"] == Path("/etc/talkcat/kiosk.toml")
    for path in (context.params["db"], context.params["report_path"]):
        assert str(path.parent) in service["ReadWritePaths"][0].split()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_analyze_rates_the_documented_harvest_unit_ok(tmp_path: Path) -> None:
    """systemd's own exposure score for the harvest unit, as for the kiosk's: at most 2.5."""
    text = (ROOT / "docs" / "operations.md").read_text("utf-8")
    block = next(
        b for b in re.findall(r"```ini\n(.*?)```", text, re.S)
        if "talkcat-harvest.service" in b.splitlines()[0]
    )
    unit = tmp_path / "talkcat-harvest.service"
    unit.write_text(block.replace("\\\n", " "), encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", "--no-pager", str(unit)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    found = re.search(r"Overall exposure level for \S+: (\d+\.\d+) (\w+)", result.stdout)
    assert found, result.stdout[-2000:] + result.stderr[-2000:]
    assert float(found.group(1)) <= 2.5, result.stdout


def test_the_same_id_twice_in_one_harvest_is_a_warning_naming_both(tmp_path: Path) -> None:
    items = items_from([marcxml("twin", "First copy"), marcxml("twin", "Second copy")])
    with OaiServer(Repository(items)) as running:
        report = harvest(tmp_path / "c.db", running.url, retry=FAST)
    assert (report.added, report.updated) == (1, 0)  # one record, counted once
    twice = [w for w in report.warnings if "the same id as" in w.reason]
    assert len(twice) == 1 and "page 1, record 1 (oai:test:1)" in twice[0].reason


def test_a_record_broken_at_the_source_keeps_its_loaded_copy_even_with_full(
    tmp_path: Path,
) -> None:
    repository = Repository(items_from([marcxml("keep-1", "Good once", isbns=(TOVE_ISBN,)),
                                        marcxml("other-1", "Other")]))
    db = tmp_path / "c.db"
    with OaiServer(repository) as running:
        assert harvest(db, running.url, retry=FAST).added == 2
        repository.put("oai:test:1", marcxml("keep-1", None))  # its 245 lost at the source
        repository.put("oai:test:2", marcxml("other-2", "Other, re-numbered"))
        report = harvest(db, running.url, full=True, retry=FAST)
    assert report.complete and len(report.rejected) == 1 and report.removed == 0
    with Catalog.open(db, readonly=True) as catalog:
        assert catalog.lookup(normalise(TOVE_ISBN)).title == "Good once"
        assert catalog.get("marc:other-1") is None  # the old number is gone, not doubled
        assert catalog.get("marc:other-2").title == "Other, re-numbered"
        assert catalog.stats()["records"] == 2


def _raw(control: str | None, title: str, extra: str = "", leader: bool = True) -> bytes:
    """A MARCXML record written by hand, the way odd exports write them."""
    head = "<leader>00000nam a2200000 a 4500</leader>" if leader else ""
    ident = f'<controlfield tag="001">{control}</controlfield>' if control else ""
    return (
        f'<record xmlns="http://www.loc.gov/MARC21/slim">{head}{ident}'
        f'<datafield tag="245" ind1="0" ind2="0"><subfield code="a">{title}</subfield>'
        f"</datafield>{extra}</record>"
    ).encode()


def test_awkward_records_harvest_exactly_as_they_import(tmp_path: Path) -> None:
    """One mapping for both: comments and nested markup inside a record, a field longer than
    MARC allows, a record longer than any MARC record, no leader - the same catalogue, the
    same notes, the same rejection reasons."""
    note = '<datafield tag="520" ind1=" " ind2=" "><subfield code="a">{}</subfield></datafield>'
    records = [
        _raw("c-1", "Commented<!-- by the cataloguer --> title", "<!-- checked 2026 -->"),
        _raw("n-1", "Nested <i>emphasis</i> in a title"),
        _raw("l-1", "A very long note", note.format("x" * 12_000)),
        _raw("big-1", "Far too big", note.format("y" * 9_000) * 25),
        _raw("nl-1", "No leader", leader=False),
        marcxml("ok-1", "Plain", isbns=(TOVE_ISBN,)),
    ]
    source = tmp_path / "same.xml"
    source.write_bytes(
        b'<collection xmlns="http://www.loc.gov/MARC21/slim">' + b"".join(records)
        + b"</collection>"
    )
    with OaiServer(Repository(items_from(records)), batch=4) as running:
        harvested = harvest(tmp_path / "h.db", running.url, retry=FAST)
    imported = import_files(tmp_path / "i.db", [source])
    assert harvested.complete and (harvested.added, imported.added) == (4, 4)
    assert tables(tmp_path / "h.db") == tables(tmp_path / "i.db")
    assert [r.reason for r in harvested.rejected] == [r.reason for r in imported.rejected]
    assert len(harvested.rejected) == 2
    assert [str(w.reason) for w in harvested.warnings] == [
        str(w.reason) for w in imported.warnings
    ]
    assert any("was cut" in str(w.reason) for w in harvested.warnings)
    with Catalog.open(tmp_path / "h.db", readonly=True) as catalog:
        assert catalog.get("marc:c-1").title == "Commented title"
        assert catalog.get("marc:n-1").title == "Nested emphasis in a title"


def test_stats_and_doctor_after_a_harvest_that_failed_name_the_last_success(
    server: OaiServer, tmp_path: Path
) -> None:
    db = tmp_path / "c.db"
    assert harvest(db, server.url, retry=FAST).complete
    with Catalog.open(db, readonly=True) as catalog:
        (state,) = catalog.harvest_states()
    success = state["last_success"]
    server.add_fault(lambda q: True, status(500), times=99)
    assert harvest(db, server.url, retry=FAST, sleep=lambda s: None).problem
    # A second repository that has never answered: its own line, its own "never".
    down = "http://127.0.0.1:9/oai"
    harvest(db, down, retry=Retry(attempts=1, timeout=5))
    with Catalog.open(db, readonly=True) as catalog:
        newest = last_harvest(catalog)
        checks = harvest_checks(catalog)
    assert newest is not None and newest["url"] == down and newest["last_success"] is None
    gone = next(c for c in checks if f"harvest of {down}:" in c[1])
    assert gone[0] == "WARN" and "never completed" in gone[1]
    fresh = next(c for c in checks if f"harvest of {server.url}:" in c[1])
    assert fresh[0] == "OK" and success in fresh[1]
    assert "HTTP 500" in fresh[1]  # within its age, but the technician sees the last run failed
    stats = CliRunner().invoke(main, ["catalog", "stats", "--db", str(db)]).output
    line = next(x for x in stats.splitlines() if x.startswith("last harvest:"))
    assert down in line and "STOPPED" in line and line.endswith("last success never")
