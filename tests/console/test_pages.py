"""The console's pages at the HTTP level: what staff see is what the CLI and the kiosk say."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import unquote

from catalog.identifiers import normalise
from catalog.missing import MissingCounter
from catalog.store import Catalog
from tests.console.conftest import make_client
from tests.console.support import csrf_of, login, lookup_text, wav_rms
from tests.support import FIXTURES, talkcat

# A Libris record with an ISBN: "Vägkartan".
RECORD_ID, RECORD_ISBN = "marc:11601582", "9789158892927"


def test_dashboard_shows_counts_health_and_missing(client, site) -> None:
    with MissingCounter(site["folder"] / "missing.db") as counter:
        for _ in range(3):
            counter.record("9789999999991")
        counter.record("12345")
    login(client)
    client.console.health.refresh_now()
    html = client.get("/").text
    assert re.search(r"<dt>Records</dt><dd>29</dd>", html)
    assert "Last import:" in html and "Last harvest: never" in html
    assert "9789999999991" in html
    assert html.index("9789999999991") < html.index("12345")  # most scanned first


def test_search_is_the_cli_search_and_pages(client) -> None:
    login(client)
    html = client.get("/search", params={"q": "vägkartan"}).text
    assert f'href="/record/{RECORD_ID.replace(":", "%3A")}"' in html
    assert "Vägkartan" in html
    nothing = client.get("/search", params={"q": "zzzyxnothing"})
    assert "Nothing in the catalogue matches" in nothing.text
    by_isbn = client.get("/search", params={"q": RECORD_ISBN}).text
    assert f"Identifier {RECORD_ISBN}" in by_isbn


def test_a_search_without_a_word_says_so_in_one_line(client) -> None:
    login(client)
    for q in ('"*"', "-", "^:", '"'):
        response = client.get("/search", params={"q": q})
        assert response.status_code == 200
        assert response.text.count("has no letter or digit to search for: type a word") == 1
        assert "Nothing in the catalogue matches" not in response.text


def test_search_results_are_talkcat_searchs_in_the_same_order(client, site) -> None:
    login(client)
    cli = talkcat("search", "ma", "--db", str(site["db"]), "--limit", "20")
    expected = [line.split("\t")[0] for line in cli.stdout.splitlines()]
    html = client.get("/search", params={"q": "ma"}).text
    shown = [unquote(i) for i in re.findall(r'<li><a href="/record/([^"]+)"', html)]
    assert len(expected) == 10 and shown == expected  # every record with a word "ma..."
    assert re.search(r"\d+ records match, the best first", html)


def test_search_pages_through_results(site, monkeypatch) -> None:
    import kiosk.console.pages as pages

    monkeypatch.setattr(pages, "PER_PAGE", 5)
    for client in make_client(site["config"]):
        login(client)
        first = client.get("/search", params={"q": "ma"}).text
        second = client.get("/search", params={"q": "ma", "page": "2"}).text
        ids_1 = re.findall(r'<li><a href="/record/([^"]+)"', first)
        ids_2 = re.findall(r'<li><a href="/record/([^"]+)"', second)
        assert len(ids_1) == 5 and ids_2 and not set(ids_1) & set(ids_2)
        assert 'rel="next"' in first and 'rel="prev"' in second
        assert '<ol class="results" start="6"' in second


def test_a_search_matching_very_many_lists_in_catalogue_order(site, monkeypatch) -> None:
    """Beyond the rank limit a page costs the same at any size: catalogue order, said so."""
    from catalog import paged_search

    monkeypatch.setattr(paged_search, "RANK_LIMIT", 3)
    for client in make_client(site["config"]):
        login(client)
        html = client.get("/search", params={"q": "ma"}).text
        assert "More than 3 records match, listed in catalogue order" in html
        ids = [unquote(i) for i in re.findall(r'<li><a href="/record/([^"]+)"', html)]
        with Catalog.open(site["db"], readonly=True) as catalog:
            matching = {r.id for r in catalog.search("ma", limit=1000)}
            in_order = [r.id for r in catalog.records() if r.id in matching]
        assert ids == in_order[: len(ids)] and len(ids) >= 4


def test_record_page_speaks_what_talkcat_lookup_prints(client, site) -> None:
    login(client)
    html = client.get(f"/record/{RECORD_ID}").text
    expected = lookup_text(site["db"], RECORD_ISBN, "sv")
    said = re.search(r'<p class="said" lang="sv" id="text-1">(.*?)</p>', html)
    assert said and said.group(1) == expected.replace("&", "&amp;")
    assert f'src="/record/{RECORD_ID.replace(":", "%3A")}/speech.wav?level=1&amp;lang=sv"' in html
    english = client.get(f"/record/{RECORD_ID}", params={"lang": "en"}).text
    assert lookup_text(site["db"], RECORD_ISBN, "en").replace("&", "&amp;") in english


def test_record_wav_is_real_speech(client) -> None:
    login(client)
    response = client.get(f"/record/{RECORD_ID}/speech.wav", params={"level": "1"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/wav"
    seconds, rms = wav_rms(response.content)
    assert seconds > 0.5 and rms > 0.01
    two = client.get(f"/record/{RECORD_ID}/speech.wav", params={"level": "2"})
    assert two.status_code == 200 and two.content != response.content
    assert client.get(f"/record/{RECORD_ID}/speech.wav", params={"level": "9"}).status_code == 400
    assert client.get("/record/nope/speech.wav", params={"level": "1"}).status_code == 404


def test_record_by_scannable_identifier_and_unknown(client) -> None:
    login(client)
    assert "Vägkartan" in client.get(f"/record/{RECORD_ISBN}").text
    missing = client.get("/record/no-such-thing")
    assert missing.status_code == 404 and 'role="alert"' in missing.text


def test_import_shows_added_rejected_and_the_report_csv(client, site) -> None:
    login(client)
    csrf = csrf_of(client.get("/import").text)
    good = (FIXTURES / "libris_bib_28.mrc").read_bytes()
    broken = good[:2000] + b"#" * 40 + good[2000:]  # a damaged record in the middle
    response = client.post(
        "/import", files={"file": ("export.mrc", broken)}, data={"csrf": csrf},
    )
    assert response.status_code == 200
    html = response.text
    assert "<h2>Summary</h2>" in html
    rejected = int(re.search(r"<dt>Rejected</dt><dd>(\d+)</dd>", html).group(1))
    assert rejected >= 1
    job = re.search(r'href="/import/([^/"]+)/report.csv"', html).group(1)
    report = client.get(f"/import/{job}/report.csv")
    assert report.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(report.text)))
    assert rows[0] == ["severity", "file", "position", "identifier", "reason"]
    rejections = [r for r in rows[1:] if r[0] == "rejected"]
    assert len(rejections) == rejected and all(r[1] == "export.mrc" and r[4] for r in rejections)
    for row in rejections:
        assert row[4].replace("'", "&#39;").replace('"', "&#34;")[:30] in html
    progress = client.get(f"/import/{job}/progress.json").json()
    assert progress["running"] is False and progress["percent"] == 100


def test_missing_page_adds_a_label_the_kiosk_then_finds(client, site) -> None:
    tag = "30000000012345"
    with MissingCounter(site["folder"] / "missing.db") as counter:
        counter.record(tag)
    login(client)
    page = client.get("/missing")
    assert tag in page.text
    refused = client.post("/missing", data={
        "csrf": csrf_of(page.text), "identifier": "\x07\x07", "text": "Hylla 3",
    })
    assert refused.status_code == 400 and 'role="alert"' in refused.text
    added = client.post("/missing", data={
        "csrf": csrf_of(page.text), "identifier": tag, "text": "Talböcker för barn, hylla 3",
        "language": "sv",
    })
    assert added.status_code == 200 and "Label added" in added.text
    with Catalog.open(site["db"], readonly=True) as catalog:
        label = catalog.lookup(normalise(tag))
    assert getattr(label, "text", None) == "Talböcker för barn, hylla 3"
    assert "in the catalogue" in client.get("/missing").text
    again = client.post("/missing", data={
        "csrf": csrf_of(page.text), "identifier": tag, "text": "x",
    })
    assert again.status_code == 400 and "already in the catalogue" in again.text


def _phrase_post(client, text: str, action: str = "save", kind: str = "phrases"):
    csrf = csrf_of(client.get("/phrases?lang=en").text)
    return client.post("/phrases", data={
        "csrf": csrf, "kind": kind, "lang": "en", "text": text, "action": action,
    })


def test_a_broken_template_is_refused_with_the_reason_and_never_saved(client, site) -> None:
    login(client)
    target = Path(site["folder"]) / "phrases" / "en.toml"
    for template, reason in [
        ("{titel}, by {authors}", "unknown placeholder {titel}"),
        ("{title!r}, by {authors}", "format spec or conversion"),
        ("{title:>40}, by {authors}", "format spec or conversion"),
        ("{title, by {authors}", "not a valid template"),
        ("{title.__class__}", "unknown placeholder"),
    ]:
        response = _phrase_post(client, f'[phrases]\nannounce = "{template}"\n')
        assert response.status_code == 400, template
        assert 'role="alert"' in response.text and reason in response.text, template
        assert not target.exists()
    not_toml = _phrase_post(client, "[phrases\nannounce = 1")
    assert not_toml.status_code == 400 and "not valid TOML" in not_toml.text


def test_an_unknown_phrase_file_is_a_400_on_the_phrases_page(client, site) -> None:
    # An outside tester saw this 400 under the heading "Not found".
    login(client)
    csrf = csrf_of(client.get("/phrases?lang=en").text)
    for lang, kind in [("../../..", "phrases"), ("de", "phrases"), ("en", "nonsense")]:
        response = client.post("/phrases", data={
            "csrf": csrf, "kind": kind, "lang": lang, "text": "[phrases]\n", "action": "save",
        })
        assert response.status_code == 400
        heading = re.search(r"<h1>(.*?)</h1>", response.text, re.S).group(1)
        assert heading.strip() == "Phrases" and "Not found" not in heading
        assert "Unknown phrase file." in response.text


def test_a_good_template_is_saved_and_heard(client, site) -> None:
    login(client)
    text = '[phrases]\nannounce = "{title}, written by {authors}"\n'
    listen = _phrase_post(client, text, action="listen")
    assert listen.status_code == 200
    assert "written by Astrid Lindgren" in listen.text
    preview = re.search(r'src="(/phrases/preview/[^"]+\.wav)"', listen.text).group(1)
    assert wav_rms(client.get(preview).content)[1] > 0.01
    target = Path(site["folder"]) / "phrases" / "en.toml"
    assert not target.exists()  # listening saves nothing
    saved = _phrase_post(client, text)
    assert saved.status_code == 200 and "Saved en.toml" in saved.text
    assert target.read_text("utf-8") == text
    # A record with a personal author (Vägkartan's maker is a corporate body, spoken as written).
    record = client.get("/record/evil-1", params={"lang": "en"}).text
    assert ", written by Eve Mallory" in record  # the console's pages use the new wording at once
    lexicon = _phrase_post(client, '[words]\n"Vägkartan" = "Road map"\n', kind="lexicon")
    assert lexicon.status_code == 200
    target.unlink()
    (Path(site["folder"]) / "phrases" / "lexicon-en.toml").unlink()
    from kiosk.console.phrase_editor import forget_cached_tables

    forget_cached_tables()


def test_status_json_figures(client, site) -> None:
    status = client.get("/status.json").json()
    assert status["catalogue"]["records"] >= 29
    assert status["catalogue"]["available"] is True
    assert status["catalogue"]["last_import_age_seconds"] is not None
    assert set(status["health"]) >= {"ok", "warn", "fail"}
    metrics = client.get("/metrics").text
    assert re.search(r"^talkcat_catalogue_records \d+", metrics, re.M)
    assert 'talkcat_health_checks{status="ok"}' in metrics
