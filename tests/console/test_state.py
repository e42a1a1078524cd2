"""The dashboard's cached figures: scans today from the transcript, counts that follow imports."""

from __future__ import annotations

import json
from datetime import date, timedelta

from catalog.harvest import harvest
from kiosk.console.state import CatalogueFigures, ScansToday, event_age
from tests.catalog.harvest_support import FAST, LIBRIS
from tests.catalog.oai_server import OaiServer, Repository, items_from, marc_records
from tests.console.support import make_catalogue
from tests.support import FIXTURES, talkcat


def _line(day: str, event: str, text: str | None, item: str | None) -> str:
    return json.dumps({"time": f"{day}T10:00:00.000+01:00", "event": event, "text": text,
                       "lang": "sv", "item": item}) + "\n"


def test_scans_today_counts_new_items_and_not_found(tmp_path) -> None:
    today = date.today().isoformat()
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    path = tmp_path / "transcript.jsonl"
    path.write_text(
        _line(yesterday, "speak", "Gammal", "b1")
        + _line(today, "ready", None, None)
        + _line(today, "speak", "Mio, min Mio, av Astrid Lindgren", "b1")
        + _line(today, "done", None, "b1")
        + _line(today, "speak", "Utgiven 1954.", "b1")  # "more" on the same book: no new scan
        + _line(today, "speak", "Finns inte i katalogen.", None)
        + _line(today, "speak", "Ronja", "b2")
        + "{half a line",
        encoding="utf-8",
    )
    scans = ScansToday(str(path), {"Finns inte i katalogen."})
    assert scans.count() == 3
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\n" + _line(today, "speak", "Mio, min Mio", "b1"))
    assert scans.count() == 4  # the file grew: counted again
    assert ScansToday(None, set()).count() is None


def test_catalogue_figures_follow_an_import(tmp_path) -> None:
    db = make_catalogue(tmp_path)
    figures = CatalogueFigures(db)
    first = figures.get()
    assert first is not None and first["records"] == 29
    assert figures.get() is first  # unchanged file: the cached figures
    result = talkcat("import", str(FIXTURES / "fennica_melinda_131.mrc"), "--db", str(db))
    assert result.returncode == 0, result.stderr
    stale = figures.get()  # a recount starts in the background; the old figures meanwhile
    assert stale is not None
    figures._recount(figures._data_version())  # finish it here, deterministically
    assert figures.get()["records"] > 29
    assert CatalogueFigures(tmp_path / "missing.db").get() is None


def test_catalogue_figures_show_the_last_harvest(tmp_path) -> None:
    """The dashboard's "Last harvest" and the monitoring gauge read what a harvest stores."""
    db = make_catalogue(tmp_path)
    assert CatalogueFigures(db).get()["last_harvest"] is None
    with OaiServer(Repository(items_from(marc_records(LIBRIS)))) as running:
        url = running.url
        assert harvest(db, url, retry=FAST).complete
    shown = CatalogueFigures(db).get()["last_harvest"]
    assert shown["url"] == url and shown["complete"] and shown["last_success"]
    assert event_age(shown) is not None
