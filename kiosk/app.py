"""The kiosk: the three pieces wired together, and the face the CLI and tests use.

It was one class; it is three, split where the seams are (each testable alone):

* :class:`kiosk.loop.EventLoop` - threads, the queue between them, ticks between events;
* :class:`kiosk.visit.Visit` - the state machine of one visitor (levels, browse, keypad
  actions, idle), plain sequential code called from the loop thread;
* :class:`kiosk.announcer.Announcer` - utterance to speaker, screen and transcript.

``Kiosk`` only builds them from one set of keyword arguments (the configuration) and passes
calls through; it holds no state of its own.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from hardware.protocols import Reader
from kiosk.announcer import Announcer, ScreenLike, SpeakerLike
from kiosk.availability import AvailabilityService
from kiosk.catalog_source import CatalogSource
from kiosk.controls import RATE_LIMITS
from kiosk.events import EventQueue
from kiosk.loop import EventLoop, KeySource, Notifier
from kiosk.phrasing import Utterance
from kiosk.staff import StaffGate
from kiosk.transcript import Transcript
from kiosk.visit import MissingCounter, Session, Visit, VisitSettings

__all__ = ["RATE_LIMITS", "Kiosk", "SpeakerLike"]


class Kiosk:
    """A whole kiosk: ``serve`` it from a thread, or drive ``handle``/``tick`` from a test.

    Keyword arguments other than the parts are :class:`VisitSettings` fields (language, rate,
    volume, volume_max, verbose, error_interval, phrases_dir, patron_pattern, idle_timeout,
    idle_warn, keymap, keypad_options).
    """

    def __init__(
        self,
        *,
        reader: Reader,
        speaker: SpeakerLike,
        catalog: CatalogSource,
        transcript: Transcript,
        screen: ScreenLike | None = None,
        keys: KeySource | None = None,
        notifier: Notifier | None = None,
        missing: MissingCounter | None = None,
        staff: StaffGate | None = None,
        clock: Callable[[], float] = time.monotonic,
        events: queue.Queue[Any] | None = None,
        availability: AvailabilityService | None = None,
        **settings: Any,
    ) -> None:
        events = events if events is not None else EventQueue()
        self.announcer = Announcer(speaker, transcript, screen, clock=clock)
        self.visit = Visit(
            self.announcer,
            catalog,
            VisitSettings(**settings),
            clock=clock,
            missing=missing,
            staff=staff,
            reader_connected=lambda: bool(getattr(reader, "connected", True)),
            stop=self._stop,
            availability=availability,
            post=events.put,
        )
        self.loop = EventLoop(
            reader, self.visit, transcript, events=events, notifier=notifier, keys=keys,
            screen=screen,
        )

    def _stop(self) -> None:
        self.loop.stop()

    # ------------------------------------------------------------------ pass-through

    def serve(self, stop: threading.Event) -> None:
        if self.visit.availability is not None:
            self.visit.availability.warm_up()
        try:
            self.loop.serve(stop)
        finally:
            if self.visit.availability is not None:
                self.visit.availability.close()

    def handle(self, event: Any) -> None:
        self.loop.handle(event)

    def tick(self) -> None:
        self.loop.tick()

    def on_raw_key(self, name: str, down: bool = True, repeat: bool = False) -> None:
        self.visit.on_raw_key(name, down, repeat)

    def say(self, utterance: Utterance, *, remember: bool = True) -> int:
        return self.visit.say(utterance, remember=remember)

    def report_fault(self, detail: str) -> None:
        self.loop.report_fault(detail)

    def report_recovered(self) -> None:
        self.loop.report_recovered()

    def report_unreadable(self, reason: str, _data: bytes = b"") -> None:
        self.loop.report_unreadable(reason)

    def report_audio_fault(self, detail: str) -> None:
        self.loop.report_audio_fault(detail)

    def report_audio_recovered(self) -> None:
        self.loop.report_audio_recovered()

    @property
    def ready(self) -> threading.Event:
        return self.loop.ready

    @property
    def events(self) -> queue.Queue[Any]:
        return self.loop.events

    @property
    def session(self) -> Session:
        return self.visit.session

    @property
    def catalog(self) -> CatalogSource:
        return self.visit.catalog

    @property
    def speaking(self) -> bool:
        return self.announcer.speaking

    @property
    def screen(self) -> ScreenLike | None:
        return self.announcer.screen

    @property
    def staff_mode(self) -> bool:
        return self.visit.staff_mode
