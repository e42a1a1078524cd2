"""A real kiosk in this process, wired as ``talkcat run`` wires it, for fault injection.

Real ``Kiosk`` loop and reader thread, real ``Speaker`` (with its watchdog) driving the
registered ``RecordingSynthesizer`` - whose ``fail_on``/``hang_on`` inject engine faults - and
a ``NullOutput`` that also notes which earcons were asked for, a real ``CatalogSource`` on a
real SQLite file and a real transcript.  Tests wait on the transcript (flushed per line),
never on bare sleeps.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalog.importing import import_files
from hardware.audio.earcons import EARCON_NAMES, earcon
from hardware.audio.null import NullOutput
from hardware.framing import Shaping
from hardware.protocols import Audio, Frame, KeyPress, Reader, ReaderEvent
from hardware.speech.recording import RecordingSynthesizer
from hardware.speech.speaker import Speaker
from kiosk.app import Kiosk
from kiosk.catalog_source import CatalogSource
from kiosk.transcript import Transcript
from tests.support import FIXTURES, finished, read_events, wait_for_events

TOVE = "Anteckningar från en ö, av Tove Jansson och Tuulikki Pietilä"
TOVE_ISBN = "9789100563226"
GUILLOU = "Ondskan, av Jan Guillou, talbok"
GUILLOU_ISBN = "91-642-2009-5"
UNAVAILABLE = "Katalogen är inte tillgänglig just nu."
INVALID = "Koden kunde inte läsas. Försök igen."
NOT_FOUND = "Finns inte i katalogen."
READER_FAULT = "Läsaren svarar inte. Personalen har fått veta."

_EARCON_BY_PCM = {earcon(name).pcm: name for name in EARCON_NAMES}


class EarconNullOutput(NullOutput):
    """``NullOutput`` that remembers the name of every earcon it was asked to play."""

    def __init__(self, speed: float = 20.0) -> None:
        super().__init__(speed=speed)
        self.earcon_names: list[str] = []
        self._names_lock = threading.Lock()

    def earcon(self, audio: Audio) -> None:
        super().earcon(audio)
        with self._names_lock:
            self.earcon_names.append(_EARCON_BY_PCM.get(audio.pcm, "?"))

    def names(self) -> list[str]:
        with self._names_lock:
            return list(self.earcon_names)


class PushReader:
    """A reader the test scans into while the kiosk runs; honours the ``Reader`` protocol."""

    def __init__(self) -> None:
        self._events: queue.SimpleQueue[ReaderEvent] = queue.SimpleQueue()
        self.calls: list[str] = []

    def open(self) -> None:
        self.calls.append("open")

    def read(self, timeout: float) -> ReaderEvent | None:
        try:
            return self._events.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return None

    def close(self) -> None:
        self.calls.append("close")

    def scan(self, text: str) -> None:
        raw = text.encode("utf-8")
        frame = Shaping().shape(raw, raw)
        assert isinstance(frame, Frame), frame
        self._events.put(frame)

    def key(self, action: str) -> None:
        self._events.put(KeyPress(action))


def make_catalogue(path: Path, *sources: Path) -> Path:
    """A real catalogue file from fixture records (the 28 Libris records by default)."""
    report = import_files(path, list(sources) or [FIXTURES / "libris_bib_28.mrc"])
    assert report.committed, report.summary()
    return path


def speaks(events: list[dict]) -> list[str]:
    return [e["text"] for e in events if e["event"] == "speak"]


@dataclass
class KioskRig:
    """Builds and serves a kiosk; ``close`` stops it as SIGTERM would."""

    reader: Reader
    db: Path | str | None
    transcript_path: Path
    synth_options: dict[str, Any] = field(default_factory=dict)
    watchdog: float = 5.0
    kiosk_options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.synth = RecordingSynthesizer(seconds_per_word=0.01, **self.synth_options)
        self.engines = [self.synth]

        def factory() -> RecordingSynthesizer:
            fresh = RecordingSynthesizer(seconds_per_word=0.01, **self.synth_options)
            self.engines.append(fresh)
            return fresh

        self.output = EarconNullOutput()
        self.output.open()
        self.speaker = Speaker(
            self.synth, self.output, factory=factory, watchdog_seconds=self.watchdog
        )
        self.transcript = Transcript(self.transcript_path)
        self.kiosk = Kiosk(
            reader=self.reader,
            speaker=self.speaker,
            catalog=CatalogSource(None if self.db is None else str(self.db)),
            transcript=self.transcript,
            **self.kiosk_options,
        )
        self.stop_event = threading.Event()
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._serve, name="kiosk-under-test", daemon=True)

    def _serve(self) -> None:
        try:
            self.kiosk.serve(self.stop_event)
        except BaseException as exc:  # recorded: a test asserts there was none
            self.errors.append(exc)

    def __enter__(self) -> KioskRig:
        self.thread.start()
        assert self.kiosk.ready.wait(30), "the kiosk never became ready"
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.stop_event.set()
        self.thread.join(15)
        self.transcript.close()
        assert not self.thread.is_alive(), "the kiosk loop did not stop"

    # ------------------------------------------------------------------ observing

    def events(self) -> list[dict]:
        return read_events(self.transcript_path)

    def spoken(self) -> list[str]:
        return speaks(self.events())

    def wait(self, predicate: Callable[[list[dict]], bool], timeout: float = 30.0) -> list[dict]:
        return wait_for_events(self.transcript_path, predicate, timeout)

    def wait_spoken(self, text: str, count: int = 1, timeout: float = 30.0) -> list[dict]:
        """Until ``text`` has been spoken (its audio started) ``count`` times in all."""
        return self.wait(lambda ev: speaks(ev).count(text) >= count, timeout)

    def wait_done(self, text: str, count: int = 1, timeout: float = 30.0) -> list[dict]:
        """Until ``text`` has played to its end ``count`` times in all."""
        return self.wait(finished(text, count), timeout)
