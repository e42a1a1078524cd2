"""``talkcat console`` and ``talkcat staff hash --password``: the command-line contract."""

from __future__ import annotations

import signal
import subprocess
import time
from html import unescape

import httpx
import pytest

from kiosk.staff import verify
from tests.console.support import PASSWORD, login, start_console, write_config
from tests.support import TALKCAT, talkcat, talkcat_env


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_console_says_where_it_listens_and_stops_on_a_signal(site, sig) -> None:
    server = start_console(site["config"])
    try:
        response = httpx.get(server.url + "/login", timeout=10)
        assert response.status_code == 200 and "Staff password" in response.text
    finally:
        code, seconds = server.stop(sig)
    assert code == 0
    assert seconds < 2.0


def test_console_refuses_to_start_without_a_staff_password(site, tmp_path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[kiosk]\ndb = "{site["db"]}"\n', encoding="utf-8")
    result = talkcat("console", "--config", str(config), "--bind", "127.0.0.1:0")
    assert result.returncode == 2
    assert "talkcat staff hash --password" in result.stderr
    assert "Traceback" not in result.stderr
    bare = talkcat("console", "--db", str(site["db"]), "--bind", "127.0.0.1:0")
    assert bare.returncode == 2 and "[staff]" in bare.stderr


def test_console_reports_bad_settings_in_one_line_each(site, tmp_path) -> None:
    config = write_config(tmp_path, site["db"], max_upload_mb=0, bind="nowhere")
    result = talkcat("console", "--config", str(config))
    assert result.returncode == 2
    assert "console.max_upload_mb" in result.stderr and "console.bind" in result.stderr
    assert "Traceback" not in result.stderr


def test_binding_beyond_loopback_without_tls_warns(site) -> None:
    process = subprocess.Popen(
        [*TALKCAT, "console", "--config", str(site["config"]), "--bind", "0.0.0.0:0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=talkcat_env(),
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("console listening on http://0.0.0.0:")
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=10)
    assert "WARNING" in err and "without TLS" in err and "docs/operations.md" in err


def test_staff_hash_password_prints_the_config_line() -> None:
    result = subprocess.run(
        [*TALKCAT, "staff", "hash", "--password"], input=f"{PASSWORD}\n{PASSWORD}\n",
        capture_output=True, text=True, env=talkcat_env(), timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    line = result.stdout.strip()
    assert line.startswith('password_hash = "scrypt$') and PASSWORD not in result.stdout
    stored = line.split('"')[1]
    assert verify(PASSWORD, stored) and not verify("wrong password", stored)
    short = subprocess.run(
        [*TALKCAT, "staff", "hash", "--password"], input="short\nshort\n",
        capture_output=True, text=True, env=talkcat_env(), timeout=60, check=False,
    )
    assert short.returncode == 2 and "at least 8 characters" in short.stderr


def test_dashboard_health_lines_are_talkcat_doctors(site) -> None:
    doctor = talkcat("doctor", "--db", str(site["db"]))
    lines = [line for line in doctor.stdout.splitlines() if line[:4].strip()]
    assert any("catalogue" in line for line in lines)
    server = start_console(site["config"])
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            login(client)
            page = ""
            for _ in range(120):  # the checks run in the console's background thread
                page = unescape(client.get("/").text)
                if "The checks are running" not in page:
                    break
                time.sleep(0.5)  # polling a page a person would reload; no event to await
    finally:
        server.stop()
    for line in lines:
        status, what = line[:4].strip(), line[6:].split(" -> ")[0]
        assert f"<strong>{status}</strong> {what}" in page, line
