"""Least privilege: the documented systemd unit and the root warnings.

The unit in docs/operations.md is what technicians copy; this test keeps its hardening from
quietly eroding in an edit.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from hardware import cli as cli_tech
from tests.support import ROOT

OPERATIONS = ROOT / "docs" / "operations.md"


def unit_directives() -> dict[str, list[str]]:
    """``Key -> [values]`` of the ``[Service]`` section of the ini block in operations.md."""
    text = OPERATIONS.read_text(encoding="utf-8")
    blocks = re.findall(r"```ini\n(.*?)```", text, re.DOTALL)
    units = [b for b in blocks if "[Service]" in b]
    assert len(units) == 1, "expected exactly one systemd unit in docs/operations.md"
    body = units[0].replace("\\\n", " ")
    service = body.split("[Service]", 1)[1].split("\n[", 1)[0]
    found: dict[str, list[str]] = defaultdict(list)
    for line in service.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        found[key.strip()].append(value.strip())
    return found


def test_unit_runs_as_an_unprivileged_user_with_hardening() -> None:
    unit = unit_directives()
    assert unit["User"] == ["talkcat"] and unit["User"] != ["root"]
    assert unit["Type"] == ["notify"]
    watchdog = unit["WatchdogSec"]
    assert watchdog and int(re.sub(r"s$", "", watchdog[0])) > 0
    assert unit["Restart"] == ["on-failure"]
    assert unit["NoNewPrivileges"] == ["yes"]
    assert unit["ProtectSystem"] == ["strict"]
    assert unit["ProtectHome"] == ["yes"]
    assert unit["PrivateTmp"] == ["yes"]
    writable = " ".join(unit["ReadWritePaths"]).split()
    assert "/var/lib/talkcat" in writable and "/var/log/talkcat" in writable
    assert set(" ".join(unit["SupplementaryGroups"]).split()) >= {"dialout", "input", "audio"}


def test_unit_paths_agree_with_its_command_line() -> None:
    unit = unit_directives()
    command = unit["ExecStart"][0]
    writable = " ".join(unit["ReadWritePaths"]).split()
    db = re.search(r"--db (\S+)", command)
    transcript = re.search(r"--transcript (\S+)", command)
    assert db and transcript
    # The catalogue's folder must be writable for SQLite's -shm; the transcript's for rotation.
    assert str(Path(db.group(1)).parent) in writable
    assert str(Path(transcript.group(1)).parent) in writable


@pytest.mark.parametrize(("euid", "status"), [(0, "WARN"), (1000, "OK")])
def test_doctor_warns_when_run_as_root(monkeypatch: pytest.MonkeyPatch, euid: int,
                                       status: str) -> None:
    monkeypatch.setattr(cli_tech.os, "geteuid", lambda: euid)
    checks = list(cli_tech.check_user())
    assert [c.status for c in checks] == [status]
    if status == "WARN":
        assert "root" in checks[0].what


def test_run_as_root_says_so_in_the_log(tmp_path: Path) -> None:
    """``talkcat run`` with an effective uid of 0 (faked, so the test means the same as any
    user) logs that a kiosk should run as its own user - and still serves."""
    from tests.reliability.rig import TOVE, TOVE_ISBN, make_catalogue
    from tests.support import talkcat_env, wait_for_events

    db = make_catalogue(tmp_path / "c.db")
    transcript = tmp_path / "t.jsonl"
    as_root = "import os, sys; os.geteuid = lambda: 0; from kiosk.cli import main; main()"
    proc = subprocess.Popen(
        [sys.executable, "-c", as_root, "run", "--db", str(db), "--reader", f"list:{TOVE_ISBN}",
         "--transcript", str(transcript), "--audio", "none", "--speech", "recording"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=talkcat_env(), cwd=ROOT,
    )
    try:
        events = wait_for_events(
            transcript, lambda ev: any(e["event"] == "done" for e in ev), timeout=60, proc=proc
        )
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=30)
    assert "running as root: a kiosk should run as its own unprivileged user" in stderr
    assert [e["text"] for e in events if e["event"] == "speak"] == [TOVE]
