"""Least privilege: the documented systemd unit and the root warnings.

The unit in docs/operations.md is what technicians copy; this test keeps its hardening from
quietly eroding in an edit.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from hardware import cli as cli_tech
from tests.support import ROOT

OPERATIONS = ROOT / "docs" / "operations.md"


def kiosk_unit() -> str:
    """The ini block of the kiosk's own unit (the one whose ExecStart runs ``talkcat run``)."""
    text = OPERATIONS.read_text(encoding="utf-8")
    blocks = re.findall(r"```ini\n(.*?)```", text, re.DOTALL)
    units = [b for b in blocks if "[Service]" in b and "talkcat run" in b.replace("\\\n", " ")]
    assert len(units) == 1, "expected exactly one kiosk unit (talkcat run) in docs/operations.md"
    return units[0]


def unit_directives() -> dict[str, list[str]]:
    """``Key -> [values]`` of the ``[Service]`` section of the ini block in operations.md."""
    body = kiosk_unit().replace("\\\n", " ")
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


def test_unit_has_no_network_no_capabilities_and_a_syscall_filter() -> None:
    unit = unit_directives()
    for key in ("ProtectKernelLogs", "ProtectClock", "ProtectHostname", "RestrictNamespaces",
                "LockPersonality", "MemoryDenyWriteExecute", "PrivateNetwork"):
        assert unit[key] == ["yes"], key
    assert unit["CapabilityBoundingSet"] == [""]
    assert unit["RestrictAddressFamilies"] == ["AF_UNIX"]
    assert "@system-service" in unit["SystemCallFilter"]
    assert unit["SystemCallErrorNumber"] == ["EPERM"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_analyze_rates_the_documented_unit_ok(tmp_path: Path) -> None:
    """systemd's own exposure score of the unit technicians copy: at most 2.5 ("OK")."""
    unit = tmp_path / "talkcat.service"
    unit.write_text(kiosk_unit().replace("\\\n", " "), encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", "--no-pager", str(unit)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    found = re.search(r"Overall exposure level for \S+: (\d+\.\d+) (\w+)", result.stdout)
    assert found, result.stdout[-2000:] + result.stderr[-2000:]
    assert float(found.group(1)) <= 2.5, result.stdout


_PR_SET_MDWE, _PR_MDWE_REFUSE_EXEC_GAIN = 65, 1


def _deny_write_execute() -> None:  # runs in the child between fork and exec
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_MDWE, _PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
        os._exit(97)


def _mdwe_supported() -> bool:
    probe = subprocess.run([sys.executable, "-c", "pass"], preexec_fn=_deny_write_execute,
                           check=False)
    return probe.returncode == 0


def test_speech_and_audio_run_without_writable_executable_memory(tmp_path: Path) -> None:
    """``MemoryDenyWriteExecute=yes`` is only in the unit because the real engine allows it.

    Linux 6.3+ offers the same rule to any process (prctl PR_SET_MDWE, inherited across
    exec); the kiosk is run under it with real eSpeak NG speech and pygame's mixer, and must
    speak a book to its end.
    """
    if not _mdwe_supported():
        pytest.skip("this kernel has no PR_SET_MDWE (Linux 6.3+)")
    from tests.reliability.rig import TOVE, TOVE_ISBN, make_catalogue
    from tests.support import TALKCAT, finished, talkcat_env, wait_for_events

    db = make_catalogue(tmp_path / "c.db")
    transcript = tmp_path / "t.jsonl"
    proc = subprocess.Popen(
        [*TALKCAT, "run", "--db", str(db), "--reader", f"list:{TOVE_ISBN}", "--transcript",
         str(transcript), "--audio", "pygame", "--speech", "pyttsx3"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=talkcat_env(), preexec_fn=_deny_write_execute,
    )
    try:
        wait_for_events(transcript, finished(TOVE), timeout=120, proc=proc)
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
