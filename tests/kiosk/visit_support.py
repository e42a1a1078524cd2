"""A whole kiosk in the test process: the real ``Kiosk`` state machine, ``Speaker``, catalogue
and transcript, with only the edges faked - a fake clock, the recording synthesiser and the
silent (but real-time) ``none`` audio output.  Keys arrive by *name* (``"KP_5"``), exactly as
the pygame keypad driver hands them to ``Kiosk.on_raw_key``.

Waiting is on a condition variable fed by the transcript, never on sleeps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalog.identifiers import normalise
from catalog.importing import import_files
from catalog.records import Label
from catalog.store import Catalog
from hardware.audio.null import NullOutput
from hardware.protocols import Frame, KeyPress
from hardware.readers.fake import ListReader
from hardware.speech.recording import RecordingSynthesizer
from hardware.speech.speaker import Speaker
from kiosk.app import Kiosk
from kiosk.catalog_source import CatalogSource
from kiosk.transcript import Transcript
from tests.support import FIXTURES, ManualClock

WAIT = 60.0  # generous: a loaded CI machine must not fail a correct kiosk

LABEL_TAG = "HYLLA12"
LABEL_TEXT = "Talböcker för barn"


@dataclass(frozen=True)
class Line:
    event: str
    text: str | None
    lang: str | None
    item: str | None


class WatchedTranscript(Transcript):
    """The real transcript (a file), whose lines a test can also wait for."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.lines: list[Line] = []
        self._cond = threading.Condition()

    def write(self, event: str, text=None, lang=None, item=None) -> None:  # type: ignore[override]
        super().write(event, text, lang, item)
        with self._cond:
            self.lines.append(Line(event, text, lang, item))
            self._cond.notify_all()

    def wait(self, predicate: Callable[[list[Line]], bool], timeout: float = WAIT) -> list[Line]:
        with self._cond:
            if not self._cond.wait_for(lambda: predicate(self.lines), timeout):
                raise AssertionError(f"timed out; transcript so far: {self.lines}")
            return list(self.lines)

    def holds(self, predicate: Callable[[list[Line]], bool], seconds: float) -> bool:
        """Whether ``predicate`` becomes true within ``seconds`` (for "must not happen")."""
        with self._cond:
            return self._cond.wait_for(lambda: predicate(self.lines), seconds)


def build_catalogue(db: Path, *, sources: tuple[Path, ...] | None = None) -> Path:
    files = sources or (FIXTURES / "libris_bib_28.mrc", FIXTURES / "fennica_melinda_131.mrc")
    report = import_files(db, list(files))
    assert report.committed and report.added > 100, report.summary()
    with Catalog.open(db) as catalog, catalog.transaction():
        catalog.put_label(
            Label("shelf-talbok-barn", LABEL_TEXT, "sv"), [normalise(LABEL_TAG, None).value]
        )
    return db


class Visit:
    """One kiosk, driven by hand.  ``close`` releases the speech threads and files."""

    def __init__(
        self,
        db: Path | None,
        tmp: Path,
        *,
        seconds_per_word: float = 0.02,
        screen: Any = None,
        **kiosk_options: Any,
    ) -> None:
        self.clock = ManualClock()
        self.synth = RecordingSynthesizer(None, seconds_per_word=seconds_per_word, sample_rate=8000)
        self.output = NullOutput(None)
        self.output.open()
        self.speaker = Speaker(self.synth, self.output, rate=160, volume=0.5)
        self.earcons: list[str] = []
        real_earcon = self.speaker.earcon

        def earcon(name: str) -> None:  # the real cue, and a note of its name
            self.earcons.append(name)
            real_earcon(name)

        self.speaker.earcon = earcon  # type: ignore[method-assign]
        self.transcript_path = tmp / "transcript.jsonl"
        self.transcript = WatchedTranscript(self.transcript_path)
        kiosk_options.setdefault("volume_max", 1.0)
        self.kiosk = Kiosk(
            reader=ListReader([]),
            speaker=self.speaker,
            catalog=CatalogSource(str(db) if db is not None else None),
            transcript=self.transcript,
            clock=self.clock,
            screen=screen,
            **kiosk_options,
        )
        if screen is not None:
            screen.clock = self.clock

    # ------------------------------------------------------------------ driving

    def scan(self, text: str) -> None:
        self.kiosk.handle(Frame(text=text, raw=text.encode()))

    def press(self, name: str, *, gap: float = 0.6) -> None:
        """A key tapped (down and up) ``gap`` seconds after the previous one."""
        self.clock.advance(gap)
        self.kiosk.on_raw_key(name, down=True)
        self.kiosk.on_raw_key(name, down=False)

    def action(self, name: str) -> None:
        """A keypad action as the replay driver delivers it."""
        self.kiosk.handle(KeyPress(name))

    def tick(self) -> None:
        self.kiosk.tick()

    # ------------------------------------------------------------------ reading

    @property
    def lines(self) -> list[Line]:
        return list(self.transcript.lines)

    def speaks(self) -> list[Line]:
        return [line for line in self.lines if line.event == "speak"]

    def said(self) -> list[str]:
        return [line.text or "" for line in self.speaks()]

    def wait_speak(self, count: int) -> Line:
        """Wait for the ``count``-th ``speak`` line (1-based) and return it."""
        lines = self.transcript.wait(lambda ls: sum(x.event == "speak" for x in ls) >= count)
        return [x for x in lines if x.event == "speak"][count - 1]

    def wait_end(self, text: str, event: str = "done") -> None:
        self.transcript.wait(lambda ls: any(x.event == event and x.text == text for x in ls))

    def wait_quiet(self) -> None:
        """Every utterance that started has ended (done or stop)."""

        def quiet(lines: list[Line]) -> bool:
            open_ = sum(x.event == "speak" for x in lines)
            closed = sum(x.event in ("done", "stop") for x in lines)
            return open_ == closed

        self.transcript.wait(quiet)
        # And the kiosk's own bookkeeping agrees (its "busy" feeds the idle timer).
        deadline = threading.Event()
        for _ in range(int(WAIT * 100)):
            if not self.kiosk.speaking:
                return
            deadline.wait(0.01)  # polling a property: the kiosk has no event for it
        raise AssertionError("the kiosk still thinks it is speaking")

    def close(self) -> None:
        self.speaker.close()
        self.kiosk.catalog.close()
        self.transcript.close()
