"""A whole visit scripted through the ``replay`` driver, run as ``talkcat run`` in a subprocess.

Issue 5: every keypad action also arrives as a replay ``key ACTION`` event, so a visit can be
scripted and checked from the transcript.  The recording synthesiser speaks 60/160 s per word
(at the default rate) into the silent real-time output, so a book's title lasts seconds while
the script's keys come half a second apart: which utterance is cut off and which finishes is
decided by the script, not by luck.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.importing import import_files
from tests.support import FIXTURES, start_kiosk, stop_kiosk, wait_for_events

TOVE_SV = "Anteckningar från en ö, av Tove Jansson och Tuulikki Pietilä"
TOVE_L2_SV = "102 sidor. Utgiven 1996 av Bonnier. Ämnen: "
# Carl-Adam Nycop wrote the preface ("esipuheen kirjoittaja"): not "by" (issue 15).
KIVI_EN = "Sju bröder, by Aleksis Kivi"

SCRIPT = """\
# A visitor: scans a book, asks for more, hears it again, switches to English,
# scans another, browses to the next book by the same author, and stops.
0.3 scan 9789100563226
0.5 key more
0.5 key repeat
0.5 key language
1.5 scan 9789515001573
0.5 key next
0.5 key stop
"""


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("replay") / "catalogue.db"
    report = import_files(
        db, [FIXTURES / "libris_bib_28.mrc", FIXTURES / "fennica_melinda_131.mrc"]
    )
    assert report.committed and report.added > 100
    return db


def test_a_scripted_visit_through_the_replay_driver(catalogue: Path, tmp_path: Path) -> None:
    script = tmp_path / "visit.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    transcript = tmp_path / "t.jsonl"
    proc = start_kiosk(
        catalogue, f"replay:{script}", transcript, "--speech", "recording", "--audio", "none"
    )
    try:
        events = wait_for_events(
            transcript,
            lambda ev: any(
                e["event"] == "stop" and (e["text"] or "").startswith("More by") for e in ev
            ),
            timeout=30,
            proc=proc,
        )
    finally:
        code, _ = stop_kiosk(proc)
    assert code == 0, proc.stderr.read() if proc.stderr else ""

    assert events[0]["event"] == "ready"
    lines = [(e["event"], e["text"], e["lang"]) for e in events[1:]]
    level_two = lines[2][1]
    browsed = lines[10][1]
    assert level_two.startswith(TOVE_L2_SV)
    assert browsed.startswith("More by Aleksis Kivi, 1 of 16. ")
    assert lines == [
        ("speak", TOVE_SV, "sv"),
        ("stop", TOVE_SV, "sv"),  # cut off by "more"
        ("speak", level_two, "sv"),
        ("stop", level_two, "sv"),  # cut off by "repeat"...
        ("speak", level_two, "sv"),  # ...which says the same again
        ("stop", level_two, "sv"),
        ("speak", "English.", "en"),
        ("done", "English.", "en"),
        ("speak", KIVI_EN, "en"),  # the next book is announced in English
        ("stop", KIVI_EN, "en"),
        ("speak", browsed, "en"),
        ("stop", browsed, "en"),  # the stop key
    ]
    books = {e["text"]: e["item"] for e in events if e["event"] == "speak"}
    assert books[TOVE_SV] and books[TOVE_SV] == books[level_two]
    assert books[KIVI_EN] and books[browsed] and books[browsed] != books[KIVI_EN]
    assert books["English."] is None
