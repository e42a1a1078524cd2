"""Every security point of the console, at the HTTP level, against the real ASGI app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.console.security import Sessions
from tests.console.conftest import make_client
from tests.console.support import HOSTILE_TITLE, PASSWORD, csrf_of, login
from tests.support import FIXTURES

STAFF_PAGES = ["/", "/import", "/search?q=a", "/record/marc:11601582", "/missing", "/phrases"]


def test_every_page_needs_a_login(client) -> None:
    for path in STAFF_PAGES:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/login"
    wav = client.get("/record/marc:11601582/speech.wav?level=1", follow_redirects=False)
    assert wav.status_code == 303


def test_protective_headers_on_every_response(client) -> None:
    login(client)
    for path in [*STAFF_PAGES, "/login", "/status.json", "/metrics", "/no-such-page"]:
        response = client.get(path)
        csp = response.headers["content-security-policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
        assert "frame-ancestors 'none'" in csp, path
        assert "default-src 'none'" in csp, path
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["referrer-policy"] == "no-referrer", path
        assert "server" not in response.headers, path


def test_no_inline_script_or_style_in_any_page(client) -> None:
    """The CSP forbids them; a page that used one would be broken, so none may."""
    login(client)
    for path in [*STAFF_PAGES, "/login"]:
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert "<style" not in html and " style=" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path


def test_session_cookie_flags(client) -> None:
    response = client.get("/login")
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "samesite=strict" in cookie.lower()
    assert "Secure" not in cookie  # plain HTTP on loopback: a Secure cookie would be dropped
    assert "expires" not in cookie.lower()  # ends with the browser; the server ends it idle


def test_cookie_is_secure_over_tls(site) -> None:
    for client in make_client(site["config"], tls_cert="cert.pem", tls_key="key.pem"):
        cookie = client.get("/login").headers["set-cookie"]
        assert "Secure" in cookie
        assert "max-age=31536000" in client.get("/login").headers["strict-transport-security"]


@pytest.mark.parametrize("path", ["/login", "/logout", "/missing", "/phrases"])
def test_post_without_or_with_a_wrong_csrf_token_is_forbidden(client, path) -> None:
    login(client)
    assert client.post(path, data={"password": PASSWORD}).status_code == 403
    assert client.post(path, data={"password": PASSWORD, "csrf": "x" * 43}).status_code == 403


def test_import_without_csrf_token_is_forbidden_and_keeps_nothing(client) -> None:
    login(client)
    work = client.console.work_dir
    data = (FIXTURES / "libris_bib_28.mrc").read_bytes()
    response = client.post("/import", files={"file": ("x.mrc", data)}, data={"csrf": "wrong"})
    assert response.status_code == 403
    assert list(work.iterdir()) == []


def test_login_issues_a_new_session_and_logout_ends_it(client) -> None:
    client.get("/login")
    before = client.cookies.get("talkcat_console")
    assert login(client).status_code == 200  # redirected to the dashboard
    after = client.cookies.get("talkcat_console")
    assert after and after != before  # no session fixation
    assert client.get("/", follow_redirects=False).status_code == 200
    csrf = csrf_of(client.get("/").text)
    client.post("/logout", data={"csrf": csrf})
    client.cookies.set("talkcat_console", after)  # the old cookie replayed
    assert client.get("/", follow_redirects=False).status_code == 303


def test_sessions_end_after_inactivity() -> None:
    now = [1000.0]
    sessions = Sessions(idle_seconds=900, clock=lambda: now[0])
    session = sessions.new(staff=True)
    now[0] += 899
    assert sessions.get(session.token) is session  # use restarts the idle clock
    now[0] += 899
    assert sessions.get(session.token) is session
    now[0] += 901
    assert sessions.get(session.token) is None


def test_wrong_passwords_lock_like_the_staff_pin(site, caplog) -> None:
    caplog.set_level("INFO", logger="kiosk.staff")
    for client in make_client(site["config"]):
        for _ in range(2):
            wrong = login(client, "not the password")
            assert wrong.status_code == 401
            assert 'role="alert"' in wrong.text and "Wrong password" in wrong.text
        locked = login(client, "still not it")
        assert locked.status_code == 429
        assert 1 <= int(locked.headers["retry-after"]) <= 60  # the PIN's first lockout: 60 s
        assert "locked" in locked.text
        # While locked, even the right password is refused: guessing gains nothing.
        assert login(client).status_code == 429
        assert client.get("/", follow_redirects=False).status_code == 303
    # The log names what was tried: a technician reading it must not hunt a kiosk PIN.
    logged = [r.getMessage() for r in caplog.records if r.name == "kiosk.staff"]
    assert "wrong console password (1 in a row)" in logged
    assert not any("PIN" in line for line in logged)


def _logged_in(response: object) -> bool:
    """The login redirected to the dashboard (the test client follows redirects)."""
    return response.status_code == 200 and response.url.path == "/"  # type: ignore[attr-defined]


def test_a_lockout_keeps_out_only_the_client_that_earned_it(site) -> None:
    """hostile3-13: the lockout was global, so anyone reaching the port (behind the proxy,
    every client is 127.0.0.1) kept staff out with one wrong password a minute.  Behind the
    proxy the client is the last X-Forwarded-For address - the one the proxy saw."""
    from starlette.testclient import TestClient

    from kiosk.console.app import Console, create_app
    from kiosk.console.command import settings_from

    console = Console(settings_from(None, str(site["config"]), None))
    app = create_app(console)
    with TestClient(app, base_url="http://127.0.0.1", client=("127.0.0.1", 50001)) as proxy:
        attacker = {"X-Forwarded-For": "10.9.9.9"}
        staff = {"X-Forwarded-For": "10.9.9.9, 10.1.1.20"}  # a spoofed first entry: ignored
        proxy.headers.update(attacker)
        assert [login(proxy, "guess").status_code for _ in range(4)] == [401, 401, 429, 429]
        assert login(proxy).status_code == 429  # the locked client: even the right password
        proxy.cookies.clear()
        proxy.headers.update(staff)
        assert _logged_in(login(proxy, PASSWORD))
    with TestClient(app, base_url="http://127.0.0.1", client=("10.7.7.7", 50002)) as direct:
        direct.headers.update({"X-Forwarded-For": "10.1.1.20"})  # not from the proxy: ignored
        assert [login(direct, "guess").status_code for _ in range(3)] == [401, 401, 429]
    with TestClient(app, base_url="http://127.0.0.1", client=("10.7.7.8", 50003)) as other:
        assert _logged_in(login(other))


def test_catalogue_text_is_escaped_everywhere(client) -> None:
    login(client)
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co"
    for path in ("/search?q=alert", "/record/evil-1"):
        html = client.get(path).text
        assert escaped in html, path
        assert HOSTILE_TITLE not in html, path
    hostile_query = client.get("/search", params={"q": '"><script>alert(1)</script>'}).text
    assert "<script>alert(1)" not in hostile_query


def test_upload_over_the_limit_is_refused_and_not_kept(client) -> None:
    login(client)
    csrf = csrf_of(client.get("/import").text)
    big = b"0" * (2 * 1024 * 1024)  # the test config allows 1 MB
    response = client.post(
        "/import", files={"file": ("big.mrc", big)}, data={"csrf": csrf},
    )
    assert response.status_code == 413
    assert "1 MB" in response.text and 'role="alert"' in response.text
    assert list(client.console.work_dir.iterdir()) == []


def test_a_browser_file_name_is_never_a_path(client, site) -> None:
    login(client)
    csrf = csrf_of(client.get("/import").text)
    data = (FIXTURES / "libris_bib_28.mrc").read_bytes()
    name = "../../../../tmp/evil<b>.mrc"
    response = client.post("/import", files={"file": (name, data)}, data={"csrf": csrf})
    assert response.status_code == 200
    assert "evil&lt;b&gt;.mrc" in response.text  # shown, escaped, as the browser named it
    assert not Path("/tmp/evil<b>.mrc").exists()
    assert list(client.console.work_dir.iterdir()) == []  # the upload is gone after import


def test_monitoring_routes_need_no_login_and_reveal_no_catalogue_text(client, site) -> None:
    from catalog.store import Catalog

    status = client.get("/status.json")
    metrics = client.get("/metrics")
    assert status.status_code == 200 and metrics.status_code == 200
    assert "set-cookie" not in status.headers and "set-cookie" not in metrics.headers
    with Catalog.open(site["db"], readonly=True) as catalog:
        secrets = [s for r, keys in catalog.records_with_keys()
                   for s in (r.id, r.title, *r.isbns, *r.barcodes, *keys) if len(s) > 3]
    for body in (status.text, metrics.text):
        for secret in secrets:
            assert secret not in body
        assert str(site["folder"]) not in body
