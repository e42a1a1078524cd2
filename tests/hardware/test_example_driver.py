"""The third-party driver package of docs/drivers.md, end to end: config, run and doctor.

The package is put on PYTHONPATH with its *.dist-info, as ``pip install`` would make it
visible, and driven through the real ``talkcat`` in child processes.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from catalog.missing import MissingCounter
from tests.support import (
    FIXTURES,
    ROOT,
    TALKCAT,
    stop_kiosk,
    talkcat_env,
    wait_for_events,
)

PACKAGE = Path(__file__).parent / "example_driver"
BOOK = "9789100563226"
UNKNOWN = "NOSUCH0001"  # a library barcode the catalogue does not have


def plugin_env() -> dict[str, str]:
    return talkcat_env(PYTHONPATH=os.pathsep.join([str(PACKAGE), str(ROOT)]))


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("echo") / "catalogue.db"
    done = subprocess.run(
        [*TALKCAT, "import", str(FIXTURES / "libris_bib_28.mrc"), "--db", str(db)],
        capture_output=True, text=True, env=talkcat_env(), timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    return db


def write_config(tmp_path: Path, times: int, target: str = BOOK) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[reader]\ndriver = "echo"\ntarget = "{target}"\ntimes = {times}\ndebounce = 0\n'
        '[speech]\nengine = "recording"\n[audio]\ndriver = "none"\nspeed = 10.0\n'
        f'[kiosk]\nmissing_state = "{tmp_path / "missing.db"}"\n',
        encoding="utf-8",
    )
    return path


def test_its_config_section_reaches_it_through_talkcat_run(catalogue, tmp_path) -> None:
    # times = 2 must reach EchoReader: an unknown identifier, then the book, each sent twice.
    # Counting speech would race (a second scan that comes before the first one's audio has
    # started cuts it silently, which a loaded machine makes likely); the not-found counter
    # counts every scan, and the book is spoken only after both unknown scans were handled.
    transcript = tmp_path / "t.jsonl"
    config = write_config(tmp_path, times=2, target=f"{UNKNOWN},{BOOK}")
    proc = subprocess.Popen(
        [*TALKCAT, "run", "--config", str(config), "--db", str(catalogue), "--transcript",
         str(transcript)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=plugin_env(),
    )
    try:
        events = wait_for_events(
            transcript,
            lambda ev: any(e["event"] == "done" and e.get("item") for e in ev),
            timeout=120,
            proc=proc,
        )
    finally:
        code, _ = stop_kiosk(proc)
    assert code == 0
    assert any(e["event"] == "speak" and e.get("item") for e in events), events
    with MissingCounter(tmp_path / "missing.db") as counter:
        assert counter.counts() == [(UNKNOWN, 2)]


def test_its_options_are_validated_by_config_check(tmp_path) -> None:
    bad = subprocess.run(
        [*TALKCAT, "config", "check", str(write_config(tmp_path, times=0))],
        capture_output=True, text=True, env=plugin_env(), timeout=120, check=False,
    )
    assert bad.returncode == 2, bad.stderr
    assert "reader.times: reader driver 'echo': 0 is out of range" in bad.stderr
    good = subprocess.run(
        [*TALKCAT, "config", "check", str(write_config(tmp_path, times=3))],
        capture_output=True, text=True, env=plugin_env(), timeout=120, check=False,
    )
    assert good.returncode == 0, good.stderr


def test_doctor_prints_its_own_check(tmp_path) -> None:
    done = subprocess.run(
        [*TALKCAT, "doctor"], capture_output=True, text=True, env=plugin_env(), timeout=300,
        check=False,
    )
    assert (
        "OK    reader driver 'echo': echo: no device needed; repeats its target's identifiers"
        in done.stdout
    ), done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
