"""The kiosk's three pieces, each alone: announcer, visit, event loop (issue 11).

Real speech (``Speaker`` with the recording synthesiser into the silent ``none`` output, which
keeps real time), real transcript files, a real catalogue; waits are on transcript lines.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from catalog.identifiers import normalise
from catalog.records import Label, Record
from hardware.audio.null import NullOutput
from hardware.protocols import Frame, KeyPress
from hardware.readers.fake import ListReader
from hardware.speech.recording import RecordingSynthesizer
from hardware.speech.speaker import Speaker
from kiosk.announcer import Announcer
from kiosk.catalog_source import CatalogSource
from kiosk.events import Marker
from kiosk.loop import EventLoop
from kiosk.phrasing import Utterance
from kiosk.visit import Visit, VisitSettings
from tests.kiosk.visit_support import (
    LABEL_TAG,
    LABEL_TEXT,
    WatchedTranscript,
    build_catalogue,
)
from tests.support import ManualClock

TOVE = "9789100563226"
TOVE_SV = "Anteckningar från en ö, av Tove Jansson och Tuulikki Pietilä"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_catalogue(tmp_path_factory.mktemp("split") / "catalogue.db")


@pytest.fixture
def speaker():  # type: ignore[no-untyped-def]
    output = NullOutput(None)
    output.open()
    speaker = Speaker(RecordingSynthesizer(None, seconds_per_word=0.02, sample_rate=8000), output)
    yield speaker
    speaker.close()


def _events(transcript: WatchedTranscript) -> list[tuple[str, str | None]]:
    return [(line.event, line.text) for line in transcript.lines]


# --------------------------------------------------------------------------- announcer


def test_announcer_records_what_was_heard_and_cuts_off(tmp_path: Path, speaker) -> None:  # type: ignore[no-untyped-def]
    transcript = WatchedTranscript(tmp_path / "t.jsonl")
    announcer = Announcer(speaker, transcript)
    long = Utterance(" ".join(["ord"] * 200), "sv", "rec-1", "record")
    announcer.say(long)
    transcript.wait(lambda ls: any(x.event == "speak" for x in ls))
    assert announcer.speaking
    announcer.say(Utterance("Kort.", "sv", "rec-2", "record"))
    transcript.wait(lambda ls: any(x.event == "done" and x.text == "Kort." for x in ls))
    assert _events(transcript) == [
        ("speak", long.text), ("stop", long.text), ("speak", "Kort."), ("done", "Kort."),
    ]
    assert [x.item for x in transcript.lines] == ["rec-1", "rec-1", "rec-2", "rec-2"]
    transcript.close()


def test_a_follow_up_plays_after_its_utterance_never_over_it(tmp_path: Path, speaker) -> None:  # type: ignore[no-untyped-def]
    transcript = WatchedTranscript(tmp_path / "t.jsonl")
    announcer = Announcer(speaker, transcript)
    title = Utterance("Titeln, av Någon.", "sv", "rec-1", "record")
    token = announcer.say(title)
    assert announcer.follow(token, Utterance("På hyllan.", "sv", "rec-1", "availability"))
    transcript.wait(lambda ls: any(x.event == "done" and x.text == "På hyllan." for x in ls))
    assert _events(transcript) == [
        ("speak", title.text),
        ("done", title.text),
        ("speak", "På hyllan."),
        ("done", "På hyllan."),
    ]
    assert {x.item for x in transcript.lines} == {"rec-1"}
    # After the end, a follow-up of the finished utterance is spoken at once.
    token = announcer.say(Utterance("Nästa.", "sv", "rec-2", "record"))
    transcript.wait(lambda ls: any(x.event == "done" and x.text == "Nästa." for x in ls))
    assert announcer.follow(token, Utterance("Utlånad.", "sv", "rec-2", "availability"))
    transcript.wait(lambda ls: any(x.event == "done" and x.text == "Utlånad." for x in ls))
    transcript.close()


def test_a_follow_up_of_an_older_utterance_is_dropped(tmp_path: Path, speaker) -> None:  # type: ignore[no-untyped-def]
    transcript = WatchedTranscript(tmp_path / "t.jsonl")
    announcer = Announcer(speaker, transcript)
    first = announcer.say(Utterance(" ".join(["ett"] * 50), "sv", "rec-1", "record"))
    announcer.follow(first, Utterance("På hyllan.", "sv", "rec-1", "availability"))
    second = announcer.say(Utterance("Andra boken.", "sv", "rec-2", "record"))
    assert not announcer.follow(first, Utterance("Sent svar.", "sv", "rec-1", "availability"))
    assert second > first
    transcript.wait(lambda ls: any(x.event == "done" and x.text == "Andra boken." for x in ls))
    assert not transcript.holds(lambda ls: any("hyllan" in (x.text or "") for x in ls), 0.3)
    assert not announcer.speaking
    transcript.close()


# --------------------------------------------------------------------------- visit


def test_the_visit_alone_answers_scans_and_keys(tmp_path: Path, db: Path, speaker) -> None:  # type: ignore[no-untyped-def]
    transcript = WatchedTranscript(tmp_path / "t.jsonl")
    catalog = CatalogSource(str(db))
    visit = Visit(Announcer(speaker, transcript), catalog, VisitSettings(), clock=ManualClock())
    visit.handle(Frame(text=TOVE))
    transcript.wait(lambda ls: any(x.event == "done" and x.text == TOVE_SV for x in ls))
    assert isinstance(visit.session.last_record, Record)
    visit.handle(KeyPress("more"))
    transcript.wait(lambda ls: sum(x.event == "done" for x in ls) >= 2)
    assert visit.session.level == 2
    visit.handle(Frame(text=LABEL_TAG))
    transcript.wait(lambda ls: any(LABEL_TEXT in (x.text or "") for x in ls))
    # The typed answer behind it:
    assert isinstance(catalog.lookup(normalise(LABEL_TAG, None)), Label)
    catalog.close()
    transcript.close()


# --------------------------------------------------------------------------- loop


class _RecordingVisit:
    """Stands in for the visit to show the loop's own contract: order, ticks, markers."""

    def __init__(self, catalog: CatalogSource, speaker: Speaker) -> None:
        self.catalog = catalog
        self.speaker = speaker
        self.session = type("S", (), {"language": "sv", "rate": 160, "volume": 0.5})()
        self.handled: list[object] = []
        self.ticks = 0
        self.seen = threading.Event()

    def handle(self, event: object) -> None:
        self.handled.append(event)
        if isinstance(event, Marker) and event.name == "fault":
            self.seen.set()

    def on_raw_key(self, name: str, down: bool, repeat: bool) -> None:
        self.handled.append(name)

    def tick(self) -> None:
        self.ticks += 1


def test_the_loop_alone_delivers_reader_events_in_order(tmp_path: Path, speaker) -> None:  # type: ignore[no-untyped-def]
    transcript = WatchedTranscript(tmp_path / "t.jsonl")
    visit = _RecordingVisit(CatalogSource(None), speaker)
    reader = ListReader(["111", "key:more", "222"])
    loop = EventLoop(reader, visit, transcript)  # type: ignore[arg-type]
    stop = threading.Event()
    thread = threading.Thread(target=loop.serve, args=(stop,))
    thread.start()
    assert loop.ready.wait(10)
    loop.report_fault("unplugged")
    assert visit.seen.wait(10)
    stop.set()
    thread.join(10)
    assert not thread.is_alive()
    frames = [e.text for e in visit.handled if isinstance(e, Frame)]
    keys = [e.action for e in visit.handled if isinstance(e, KeyPress)]
    assert frames == ["111", "222"] and keys == ["more"]
    assert visit.ticks >= 1
    assert [x.event for x in transcript.lines] == ["ready"]  # the loop's own line
    assert reader.calls == ["open", "close"]
    transcript.close()
