"""Browse order against a real catalogue file: author, then series, then subject."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.records import Record
from catalog.store import Catalog
from kiosk import levels
from kiosk.browse import Browser

SHARED_MARC = Path(__file__).resolve().parents[3] / "shared" / "data" / "marc"

LINDGREN = "Lindgren, Astrid, 1907-2002"
ANCHOR = Record(
    id="pippi1",
    title="Pippi Långstrump",
    authors=(LINDGREN,),
    series="Pippi",
    series_number="1",
    subjects=("Barn--fiktion",),
    language="swe",
)
BOOKS = [
    ANCHOR,
    Record(id="emil", title="Emil i Lönneberga", authors=("Lindgren, Astrid",), language="swe"),
    Record(id="mio", title="Mio, min Mio", authors=(LINDGREN,), language="swe"),
    Record(
        id="pippi3",
        title="Pippi i Söderhavet",
        authors=(LINDGREN,),
        series="Pippi",
        series_number="3",
        kind="talking_book",
    ),
    Record(
        id="pippi2",
        title="Pippi går ombord",
        authors=(LINDGREN,),
        series="Pippi",
        series_number="2",
    ),
    Record(id="ronja", title="Ronja rövardotter", authors=(LINDGREN,), subjects=("Barn",)),
    # In the series, by someone else: the series group.
    Record(
        id="comic",
        title="Pippi serien",
        authors=("Nyman, Ingrid",),
        series="Pippi.",
        series_number="4",
    ),
    # Same surname, another person; "Lindgren" in a title: neither is "by Astrid Lindgren".
    Record(id="barbro", title="Mamman och den vilda bebin", authors=("Lindgren, Barbro",)),
    Record(
        id="about",
        title="Boken om Astrid Lindgren",
        authors=("Strömstedt, Margareta",),
        subjects=("Barn -- fiktion",),
    ),
    Record(id="other", title="Kalle Anka", subjects=("Serier",)),
]


@pytest.fixture
def catalog(tmp_path: Path):
    db = tmp_path / "cat.db"
    with Catalog.open(db) as writable, writable.transaction():
        for record in BOOKS:
            writable.put_record(record, [record.id])
    reader = Catalog.open(db, readonly=True)
    yield reader
    reader.close()


def walk_ids(browser: Browser) -> list[tuple[str, str, int, int]]:
    out = []
    while True:
        step = browser.next()
        if step.record is None:
            assert step.group == "end"
            return out
        out.append((step.group, step.record.id, step.position, step.total))


def test_author_then_series_then_subject(catalog: Catalog) -> None:
    browser = Browser(catalog)
    browser.start(ANCHOR)
    assert walk_ids(browser) == [
        ("author", "emil", 1, 5),
        ("author", "mio", 2, 5),
        ("author", "pippi2", 3, 5),
        ("author", "pippi3", 4, 5),
        ("author", "ronja", 5, 5),
        ("series", "comic", 1, 1),
        ("subject", "about", 1, 1),
    ]
    assert browser.next().group == "end"  # stays at the end


def test_announcements_in_both_languages(catalog: Catalog) -> None:
    browser = Browser(catalog)
    browser.start(ANCHOR)
    browser.next()
    step = browser.next()
    sv = step.utterance("sv")
    en = step.utterance("en")
    assert sv.text == "Mer av Astrid Lindgren, 2 av 5. Mio, min Mio, av Astrid Lindgren"
    assert en.text == "More by Astrid Lindgren, 2 of 5. Mio, min Mio, by Astrid Lindgren"
    assert sv.item == "mio"
    assert en.segments[0] == ("More by Astrid Lindgren, 2 of 5.", "en")
    assert ("Mio, min Mio", "sv") in en.segments  # the Swedish title in the Swedish voice
    for _ in range(4):
        step = browser.next()
    assert step.group == "series"
    assert step.utterance("sv").text.startswith("Mer i serien Pippi, 1 av 1. Pippi serien")
    step = browser.next()
    assert step.utterance("en").text.startswith("More about Barn, fiktion, 1 of 1.")
    assert browser.next().utterance("sv").text == "Inga fler böcker att bläddra bland."


def test_previous_returns_to_the_scanned_book(catalog: Catalog) -> None:
    browser = Browser(catalog)
    browser.start(ANCHOR)
    assert browser.previous().group == "start"
    browser.next()
    browser.next()
    assert browser.current.id == "mio"
    assert browser.previous().record.id == "emil"
    back = browser.previous()
    assert back.group == "back" and back.record.id == "pippi1"
    assert back.utterance("sv").text == (
        "Tillbaka till boken du läste in. Pippi Långstrump, av Astrid Lindgren. Del 1 i Pippi."
    )
    assert browser.current.id == "pippi1"
    # From the end, previous is the last book.
    walk_ids(browser)
    assert browser.previous().record.id == "about"


def test_a_new_scan_starts_a_new_walk(catalog: Catalog) -> None:
    browser = Browser(catalog)
    browser.start(ANCHOR)
    browser.next()
    browser.start(BOOKS[-1])  # Kalle Anka: no author, no series; subject "Serier" alone
    assert browser.next().group == "end"
    browser.clear()
    nothing = browser.next()
    assert nothing.group == "nothing"
    assert nothing.utterance("en").text.startswith("Scan a book first")


def test_search_is_asked_once_per_book(catalog: Catalog) -> None:
    calls = []

    class Counting:
        def search(self, text: str, limit: int = 20):
            calls.append(text)
            return catalog.search(text, limit)

    browser = Browser(Counting())
    browser.start(ANCHOR)
    walk_ids(browser)
    browser.previous()
    assert calls == ["Astrid Lindgren", "Pippi", "Barn fiktion"]


@pytest.mark.skipif(
    not (SHARED_MARC / "fennica_melinda_131.mrc").is_file(),
    reason="real MARC samples in ../shared/data/marc are not available",
)
def test_real_fennica_catalogue_more_by_kivi(tmp_path: Path) -> None:
    importing = pytest.importorskip("catalog.importing")
    db = tmp_path / "fennica.db"
    importing.import_files(db, [SHARED_MARC / "fennica_melinda_131.mrc"])
    with Catalog.open(db, readonly=True) as catalog:
        everything = list(catalog.records())
        kivi = [r for r in everything if any(levels.person(a) == "Aleksis Kivi" for a in r.authors)]
        assert len(kivi) >= 10
        anchor = next(r for r in kivi if r.series == "Moderna romaner")
        browser = Browser(catalog)
        browser.start(anchor)
        steps = browser.walk()
        by_author = [s for s in steps if s.group == "author"]
        assert {s.record.id for s in by_author} == {r.id for r in kivi} - {anchor.id}
        assert [s.position for s in by_author] == list(range(1, len(kivi)))
        first = browser.next().utterance("sv")
        assert first.text.startswith(f"Mer av Aleksis Kivi, 1 av {len(kivi) - 1}. ")
        assert anchor.id not in {s.record.id for s in steps}
