"""The console in a real browser: Debian's Chromium, headless, driven by Playwright.

Covers the acceptance path (log in, upload a real MARC file, read the report, search, open a
record and fetch its WAV, add a label from /missing, a broken phrase template refused), axe-core
on every page (zero violations), the keyboard alone from login to report, and 200 % zoom.
Skipped, with the reason, where no Chromium is installed - except in CI
(``TALKCAT_BROWSER_TESTS=required``, set by ``.ci/run``), where a missing browser fails.
Set ``TALKCAT_SCREENSHOTS=DIR`` to also save a screenshot of each page (docs/console/).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from catalog.identifiers import normalise
from catalog.missing import MissingCounter
from catalog.store import Catalog
from tests.console.support import (
    PASSWORD,
    ConsoleProcess,
    lookup_text,
    make_catalogue,
    start_console,
    wav_rms,
    write_config,
)
from tests.support import FIXTURES

CHROMIUM = os.environ.get("TALKCAT_CHROMIUM") or shutil.which("chromium") or shutil.which(
    "chromium-browser"
)
REQUIRED = os.environ.get("TALKCAT_BROWSER_TESTS") == "required"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
RECORD_ID, RECORD_ISBN = "marc:11601582", "9789158892927"
UNFOUND = "30000000054321"

if CHROMIUM is None and REQUIRED:
    pytest.fail("TALKCAT_BROWSER_TESTS=required but no chromium is installed", pytrace=False)
if CHROMIUM is None:
    pytest.skip("no Chromium installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("browser")
    db = make_catalogue(folder)
    with MissingCounter(folder / "missing.db") as counter:
        for _ in range(4):
            counter.record(UNFOUND)
        counter.record("9789999999991")
    config = write_config(folder, db)
    process: ConsoleProcess = start_console(config)
    yield {"url": process.url, "db": db, "folder": folder}
    code, _seconds = process.stop()
    assert code == 0


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    profile = tempfile.mkdtemp(prefix="talkcat-chromium-")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900}, accept_downloads=True,
        )
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser: Any, server: dict[str, Any]) -> Iterator[Any]:
    browser.clear_cookies()
    tab = browser.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    tab.close()


def log_in(page: Any, url: str) -> None:
    page.goto(url + "/login")
    page.get_by_label("Staff password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(url + "/")


def upload(page: Any, url: str, path: Path) -> None:
    page.goto(url + "/import")
    page.get_by_label("Catalogue file").set_input_files(str(path))
    page.get_by_role("button", name="Import").click()
    page.get_by_role("heading", name="Summary").wait_for()


def axe_violations(page: Any) -> list[str]:
    result = axe_module.Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
        for v in result.response["violations"]
    ]


def screenshot(page: Any, name: str) -> None:
    folder = os.environ.get("TALKCAT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_acceptance_path_in_a_real_browser(page: Any, server: dict[str, Any]) -> None:
    url = server["url"]
    log_in(page, url)
    assert page.get_by_role("heading", name="Dashboard", level=1).is_visible()

    upload(page, url, FIXTURES / "fennica_melinda_131.mrc")
    summary = page.locator("#summary").inner_text()
    assert re.search(r"\d+ added", summary), summary
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report as CSV").click()
    assert download.value.path().read_text("utf-8").startswith("severity,file,position")

    page.goto(url + "/search")
    page.get_by_label("Title, person, series or subject").fill("vägkartan")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=re.compile("Vägkartan")).first.click()
    page.wait_for_url(re.compile(r"/record/"))
    said = page.locator("#text-1").inner_text()
    assert said == lookup_text(server["db"], RECORD_ISBN, "sv")
    src = page.locator("audio").first.get_attribute("src")
    wav = page.request.get(url + src)
    assert wav.ok and wav.headers["content-type"] == "audio/wav"
    seconds, rms = wav_rms(wav.body())
    assert seconds > 0.5 and rms > 0.01

    page.goto(url + "/missing")
    page.get_by_role("link", name=f"Add a label for {UNFOUND}").click()
    assert page.get_by_label("Identifier (barcode or tag)").input_value() == UNFOUND
    page.get_by_label("What the kiosk says").fill("Talböcker, hylla 4")
    page.get_by_role("button", name="Add label").click()
    page.get_by_role("status").filter(has_text="Label added").wait_for()
    with Catalog.open(server["db"], readonly=True) as catalog:
        assert getattr(catalog.lookup(normalise(UNFOUND)), "text", None) == "Talböcker, hylla 4"

    page.goto(url + "/phrases?lang=en")
    box = page.get_by_label(re.compile("Templates"))
    box.fill(box.input_value().replace("{title}, by {authors}", "{title}, by {author}"))
    page.get_by_role("button", name="Save").first.click()
    alert = page.get_by_role("alert")
    assert "unknown placeholder {author}" in alert.inner_text()
    assert not (server["folder"] / "phrases" / "en.toml").exists()


PAGES = [
    ("login", "/login"),
    ("dashboard", "/"),
    ("import", "/import"),
    ("search", "/search?q=a"),
    ("record", f"/record/{RECORD_ID}"),
    ("missing", "/missing"),
    ("phrases", "/phrases"),
]


def test_every_page_passes_axe_core(page: Any, server: dict[str, Any]) -> None:
    url = server["url"]
    problems: dict[str, list[str]] = {}
    page.goto(url + "/login")
    page.get_by_label("Staff password").fill("a wrong password")
    page.get_by_role("button", name="Log in").click()
    problems["login with error"] = axe_violations(page)
    log_in(page, url)
    for name, path in PAGES[1:]:
        page.goto(url + path)
        problems[name] = axe_violations(page)
        screenshot(page, name)
    upload(page, url, FIXTURES / "libris_bib_28.mrc")
    problems["import report"] = axe_violations(page)
    screenshot(page, "import-report")
    page.goto(url + "/phrases?lang=en")
    page.get_by_label(re.compile("Templates")).fill('[phrases]\nannounce = "{title:>9}"\n')
    page.get_by_role("button", name="Check and listen").first.click()
    page.get_by_role("alert").wait_for()
    problems["phrases with error"] = axe_violations(page)
    screenshot(page, "phrases-refused")
    page.goto(url + "/no-such-page")
    problems["not found"] = axe_violations(page)
    page.context.clear_cookies()
    page.goto(url + "/login")
    screenshot(page, "login")
    assert {k: v for k, v in problems.items() if v} == {}


def test_keyboard_alone_from_login_to_report(page: Any, server: dict[str, Any]) -> None:
    url = server["url"]
    page.goto(url + "/login")

    def tab_to(matches: Any, limit: int = 40) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(matches):
                return
        raise AssertionError(f"Tab never reached {matches}")

    tab_to("document.activeElement.id === 'password'")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(url + "/")
    tab_to("document.activeElement.textContent === 'Import'")
    focus = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focus != "none"  # the focus is visible
    page.keyboard.press("Enter")
    page.wait_for_url(url + "/import")
    tab_to("document.activeElement.id === 'file'")
    # Space would open the system's file dialog, which is not part of the page; the file is
    # handed to the focused field as that dialog would.
    page.locator(":focus").set_input_files(str(FIXTURES / "libris_bib_28.mrc"))
    tab_to("document.activeElement.type === 'submit' && "
           "document.activeElement.textContent === 'Import'")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Summary").wait_for()
    assert "28 updated" in page.locator("#summary").inner_text()
    tab_to("document.activeElement.textContent.startsWith('Download the report')")


def test_pages_reflow_at_200_percent_zoom(browser: Any, server: dict[str, Any]) -> None:
    """A 1280-pixel window at 200 % zoom is 640 CSS pixels wide: nothing may scroll sideways."""
    url = server["url"]
    browser.clear_cookies()
    tab = browser.new_page()
    tab.set_viewport_size({"width": 640, "height": 450})
    try:
        log_in(tab, url)
        for name, path in PAGES[1:]:
            tab.goto(url + path)
            overflow = tab.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} scrolls sideways by {overflow} px at 200 %"
            assert tab.get_by_role("heading", level=1).is_visible()
    finally:
        tab.close()


def test_import_progress_is_exposed_to_assistive_technology(
    page: Any, server: dict[str, Any]
) -> None:
    """An import that cannot finish at once runs in the background: the page shows a
    <progress> and a live region, and turns into the report by itself when the import ends.
    Another writer holding the catalogue keeps this one waiting until the test lets go."""
    url = server["url"]
    log_in(page, url)
    page.goto(url + "/import")
    page.get_by_label("Catalogue file").set_input_files(str(FIXTURES / "libris_bib_28.mrc"))
    holder = sqlite3.connect(server["db"], timeout=5)
    holder.execute("BEGIN IMMEDIATE")  # as a second import would
    try:
        page.get_by_role("button", name="Import").click()
        page.wait_for_url(re.compile(r"/import/[^/]+$"))
        progress = page.get_by_label("Import progress")
        assert progress.evaluate("e => e.tagName") == "PROGRESS"
        assert page.locator("#progress-text").get_attribute("aria-live") == "polite"
        screenshot(page, "import-progress")
    finally:
        holder.rollback()
        holder.close()
    page.get_by_role("heading", name="Summary").wait_for(timeout=60_000)
    assert "28 updated" in page.locator("#summary").inner_text()
