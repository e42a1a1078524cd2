"""The whole kiosk as a visitor meets it: a scan on a serial line, speech, the transcript.

``talkcat run`` runs as a subprocess on one end of a real pseudo-terminal pair, with real
pyserial, the real catalogue, real eSpeak NG synthesis and pygame's mixer on SDL's dummy
audio driver (which consumes audio in real time, so "done" and "stop" mean what they say).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from pathlib import Path

import pytest

from tests.support import (
    FIXTURES,
    TALKCAT,
    finished,
    start_kiosk,
    stop_kiosk,
    talkcat,
    talkcat_env,
    wait_for_events,
    wait_ready,
)

TOVE = "Anteckningar från en ö, av Tove Jansson och Tuulikki Pietilä"
INVALID = "Koden kunde inte läsas. Försök igen."
GUILLOU = "Ondskan, av Jan Guillou, talbok"  # Libris codes it as a talking book


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("e2e") / "catalogue.db"
    result = talkcat("import", str(FIXTURES / "libris_bib_28.mrc"), "--db", str(db))
    assert result.returncode == 0, result.stderr + result.stdout
    return db


@pytest.fixture
def pty_pair():
    master, slave = os.openpty()
    yield master, os.ttyname(slave)
    for fd in (master, slave):
        with contextlib.suppress(OSError):
            os.close(fd)


def speaks(events: list[dict]) -> list[dict]:
    return [e for e in events if e["event"] == "speak"]


def test_lookup_prints_the_spoken_sentence(catalogue: Path) -> None:
    result = talkcat("lookup", "91-0-056322-6", "--db", str(catalogue))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == TOVE
    # ISBN-13 of the same book is the same book; English phrasing on request.
    result = talkcat("lookup", "9789100563226", "--db", str(catalogue), "--lang", "en")
    assert result.stdout.strip() == "Anteckningar från en ö, by Tove Jansson and Tuulikki Pietilä"


def test_lookup_exit_codes(catalogue: Path) -> None:
    missing = talkcat("lookup", "9780140449136", "--db", str(catalogue))
    assert missing.returncode == 1
    assert missing.stdout.strip() == "Finns inte i katalogen."
    bad = talkcat("lookup", "9789100563227", "--db", str(catalogue))
    assert bad.returncode == 2
    assert "check digit" in bad.stderr
    unavailable = talkcat("lookup", "9789100563226", "--db", str(catalogue.parent / "no.db"))
    assert unavailable.returncode == 3


def test_scan_on_a_serial_line_is_spoken(catalogue: Path, pty_pair, tmp_path: Path) -> None:
    master, port = pty_pair
    transcript = tmp_path / "t.jsonl"
    proc = start_kiosk(catalogue, f"serial:{port}", transcript, "--audio", "pygame")
    try:
        wait_ready(transcript, proc)
        os.write(master, b"91-0-056322-6\r\n")
        events = wait_for_events(
            transcript, lambda ev: any(e["event"] == "done" for e in ev), proc=proc
        )
    finally:
        code, seconds = stop_kiosk(proc)
    log = proc.stderr.read() if proc.stderr else ""
    spoken = speaks(events)
    assert [e["text"] for e in spoken] == [TOVE], log
    assert spoken[0]["lang"] == "sv"
    assert spoken[0]["item"]
    done = next(e for e in events if e["event"] == "done")
    assert done["text"] == TOVE and done["item"] == spoken[0]["item"]
    assert code == 0, log
    assert seconds < 5, f"SIGTERM took {seconds:.2f} s"


def test_second_scan_cuts_off_the_first(catalogue: Path, pty_pair, tmp_path: Path) -> None:
    master, port = pty_pair
    transcript = tmp_path / "t.jsonl"
    proc = start_kiosk(catalogue, f"serial:{port}", transcript, "--audio", "pygame")
    try:
        wait_ready(transcript, proc)
        os.write(master, b"9789100563226\n")
        wait_for_events(transcript, lambda ev: len(speaks(ev)) == 1, proc=proc)
        os.write(master, b"91-642-2009-5\r")
        events = wait_for_events(
            transcript,
            finished(GUILLOU),
            proc=proc,
        )
    finally:
        code, _ = stop_kiosk(proc)
    sequence = [(e["event"], e["text"]) for e in events if e["event"] != "ready"]
    assert sequence == [
        ("speak", TOVE),
        ("stop", TOVE),
        ("speak", GUILLOU),
        ("done", GUILLOU),
    ]
    assert code == 0


def test_invalid_and_unknown_scans_are_answered_not_crashed(
    catalogue: Path, pty_pair, tmp_path: Path
) -> None:
    master, port = pty_pair
    transcript = tmp_path / "t.jsonl"
    missing = tmp_path / "missing.db"
    proc = start_kiosk(
        catalogue, f"serial:{port}", transcript, "--audio", "none", "--speech", "recording",
        "--missing-state", str(missing),
    )
    try:
        wait_ready(transcript, proc)
        # Two ISBNs with wrong check digits and noise between them, all in one write: one
        # spoken error (the second gets only the error cue), never a crash.
        os.write(master, b"9789100563227\r\n\x1b\x02\xff\r\n9789100563228\r\n")
        wait_for_events(
            transcript,
            lambda ev: any(e["text"] == INVALID for e in speaks(ev)),
            proc=proc,
        )
        # A good book that is not in the catalogue, then one that is.
        os.write(master, b"9780140449136\r\n")
        wait_for_events(
            transcript,
            lambda ev: any(e["text"] == "Finns inte i katalogen." for e in speaks(ev)),
            proc=proc,
        )
        os.write(master, b"9789100563226\r\n")
        events = wait_for_events(
            transcript, lambda ev: any(e["text"] == TOVE for e in speaks(ev)), proc=proc
        )
    finally:
        code, _ = stop_kiosk(proc)
    texts = [e["text"] for e in speaks(events)]
    assert texts[0] == INVALID
    # At most one spoken error however noisy the line: the next good scan is not buried.
    assert texts.count(INVALID) == 1
    assert texts[-2:] == ["Finns inte i katalogen.", TOVE]
    assert code == 0
    # Staff learn what to catalogue: counts only, and the catalogue itself was not written.
    report = talkcat("missing", "--state", str(missing))
    assert report.returncode == 0, report.stderr
    assert "9780140449136" in report.stdout


def test_list_reader_fake_runs_the_real_kiosk(catalogue: Path, tmp_path: Path) -> None:
    transcript = tmp_path / "t.jsonl"
    proc = start_kiosk(
        catalogue, "list:91-0-056322-6", transcript, "--audio", "none", "--speech", "recording",
        "--lang", "en",
    )
    try:
        events = wait_for_events(
            transcript, lambda ev: any(e["event"] == "done" for e in ev), proc=proc
        )
    finally:
        code, _ = stop_kiosk(proc)
    english = "Anteckningar från en ö, by Tove Jansson and Tuulikki Pietilä"
    assert [e["text"] for e in speaks(events)] == [english]
    assert code == 0


def test_bad_configuration_is_reported_before_any_device_opens(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[kiosk]\nlanguage = "fi"\n[speech]\nrate = 5\n', encoding="utf-8")
    result = talkcat("run", "--config", str(config), "--reader", "serial:/dev/does-not-exist")
    assert result.returncode == 2
    assert "kiosk.language: must be one of sv, en" in result.stderr
    assert "speech.rate: must be between 80 and 450" in result.stderr


def test_demo_needs_no_configuration(tmp_path: Path) -> None:
    """`talkcat demo`: built-in catalogue, keyboard reader (standard input), real speech."""
    transcript = tmp_path / "t.jsonl"
    proc = subprocess.Popen(
        [*TALKCAT, "demo", "--transcript", str(transcript)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=talkcat_env(XDG_CACHE_HOME=str(tmp_path / "cache")),
    )
    try:
        wait_ready(transcript, proc)
        assert proc.stdin is not None
        proc.stdin.write("9789100563226\n")
        proc.stdin.flush()
        events = wait_for_events(
            transcript, lambda ev: any(e["event"] == "done" for e in ev), proc=proc
        )
    finally:
        code, _ = stop_kiosk(proc)
    log = proc.stderr.read() if proc.stderr else ""
    assert [e["text"] for e in speaks(events)] == [TOVE], log
    assert code == 0, log
    listing = proc.stdout.read() if proc.stdout else ""
    assert "9789100563226" in listing  # the sample ISBNs are offered to try


def test_a_technicians_plug_in_driver_runs_the_kiosk(catalogue: Path, tmp_path: Path) -> None:
    """A driver from another package, found through the `talkcat.readers` entry points."""
    transcript = tmp_path / "t.jsonl"
    plugin = FIXTURES.parent / "hardware" / "example_driver"
    proc = subprocess.Popen(
        [*TALKCAT, "run", "--db", str(catalogue), "--reader", "echo:9789100563226",
         "--transcript", str(transcript), "--speech", "recording", "--audio", "none"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=talkcat_env(PYTHONPATH=os.pathsep.join([str(plugin), str(FIXTURES.parents[1])])),
    )
    try:
        events = wait_for_events(
            transcript, lambda ev: any(e["event"] == "done" for e in ev), proc=proc
        )
    finally:
        code, _ = stop_kiosk(proc)
    assert [e["text"] for e in speaks(events)] == [TOVE]
    assert code == 0


def test_a_missing_state_that_cannot_be_opened_is_warned_about_and_the_kiosk_serves(
    catalogue: Path, tmp_path: Path
) -> None:
    """Counting unfound scans is a nicety: a read-only or vanished folder must not stop a visit."""
    transcript = tmp_path / "t.jsonl"
    unreachable = tmp_path / "no-such-folder" / "missing.db"
    proc = start_kiosk(
        catalogue, "list:9789100563226", transcript, "--audio", "none", "--speech", "recording",
        "--missing-state", str(unreachable),
    )
    try:
        wait_ready(transcript, proc)
        events = wait_for_events(transcript, finished(TOVE), proc=proc)
    finally:
        code, _ = stop_kiosk(proc)
    log = proc.stderr.read() if proc.stderr else ""
    assert code == 0, log
    assert [e["text"] for e in speaks(events)] == [TOVE]
    assert "Traceback" not in log
    assert "not be counted" in log and str(unreachable) in log


def test_a_demo_cache_left_by_an_older_version_does_not_stop_the_demo(tmp_path: Path) -> None:
    """After an update that changes the catalogue schema, `./dev demo` must still start: the
    kiosk opens catalogues read-only and would refuse the old cache."""
    from catalog.schema import SCHEMA_VERSION
    from catalog.store import Catalog
    from kiosk.cli import demo_catalogue

    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "demo.db").write_bytes(b"an older version's catalogue")  # the old, unversioned name
    (cache / f"demo-v{SCHEMA_VERSION - 1}.db").write_bytes(b"one schema older")
    db = demo_catalogue(cache)
    with Catalog.open(db, readonly=True) as catalog:
        assert catalog.stats()["records"] > 0
    assert demo_catalogue(cache) == db  # built once per schema, then reused


def test_garbled_and_over_long_frames_are_answered_could_not_read(
    catalogue: Path, pty_pair, tmp_path: Path
) -> None:
    """hostile3-11: a frame the reader throws away (not UTF-8: a wrong baud rate; longer than
    max_frame) was only logged - the visitor heard nothing and could not know to scan again."""
    master, port = pty_pair
    transcript = tmp_path / "t.jsonl"
    config = tmp_path / "kiosk.toml"
    config.write_text("[kiosk]\nerror_interval = 0\n", encoding="utf-8")  # every one spoken
    proc = start_kiosk(catalogue, f"serial:{port}", transcript, "--config", str(config))
    try:
        wait_ready(transcript, proc)
        os.write(master, b"\x00\xff\xfe garbage\r\n")
        wait_for_events(transcript, lambda ev: len(speaks(ev)) >= 1, proc=proc)
        os.write(master, b"A" * 1000 + b"\r\n")
        wait_for_events(transcript, lambda ev: len(speaks(ev)) >= 2, proc=proc)
        os.write(master, b"91-0-056322-6\r\n")
        events = wait_for_events(transcript, lambda ev: len(speaks(ev)) >= 3, proc=proc)
    finally:
        code, _seconds = stop_kiosk(proc)
    log = proc.stderr.read() if proc.stderr else ""
    assert [e["text"] for e in speaks(events)] == [INVALID, INVALID, TOVE], log
    assert "frame discarded: not UTF-8" in log and "longer than max_frame" in log
    assert code == 0, log
