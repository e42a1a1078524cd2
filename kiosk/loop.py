"""The event loop: threads, the queue between them, and the ticks between events.

One thread reads the reader and queues its events; the loop thread (the caller of
:meth:`EventLoop.serve`) takes them one at a time and hands them to the
:class:`~kiosk.visit.Visit`, which therefore never sees two events at once.  Between events
the loop ticks: it drains the keypad window, lets the visit run its timers, redraws the
screen and pings the systemd watchdog - from the loop itself, so a hung loop stops pinging.
The speech worker reports playback from its own thread straight to the transcript (see
:mod:`kiosk.announcer`), so a ``speak`` line carries the moment audio really started.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterable
from typing import Any, Protocol

from hardware.protocols import Reader
from kiosk.announcer import ScreenLike
from kiosk.events import EventQueue, Marker
from kiosk.transcript import Transcript
from kiosk.visit import Visit

log = logging.getLogger(__name__)


class Notifier(Protocol):
    """``kiosk.systemd.Notifier``: readiness, watchdog pings and stopping for systemd."""

    def ready(self) -> None: ...
    def ping(self) -> None: ...
    def stopping(self) -> None: ...


class KeyEventLike(Protocol):
    name: str
    down: bool
    repeat: bool


class KeySource(Protocol):
    """A keypad window (``hardware.keypad.pygame_keys``), drained from the loop thread."""

    def drain(self) -> Iterable[KeyEventLike]: ...


class EventLoop:
    """Reader thread in, visit out; ``serve`` runs until its ``stop`` event is set."""

    def __init__(
        self,
        reader: Reader,
        visit: Visit,
        transcript: Transcript,
        *,
        events: queue.Queue[Any] | None = None,
        notifier: Notifier | None = None,
        keys: KeySource | None = None,
        screen: ScreenLike | None = None,
    ) -> None:
        self.reader = reader
        self.visit = visit
        self.transcript = transcript
        self.events: queue.Queue[Any] = events if events is not None else EventQueue()
        self.notifier = notifier
        self.keys = keys
        self.screen = screen
        self.ready = threading.Event()
        self.stop_event: threading.Event | None = None
        self._unreadable_lock = threading.Lock()
        self._unreadable_waiting = False

    # ------------------------------------------------------------------ from other threads

    def report_fault(self, detail: str) -> None:
        """For the reader wrapper: called from the reader thread when the device is lost."""
        self.events.put(Marker("fault", detail))

    def report_recovered(self) -> None:
        self.events.put(Marker("recovered"))

    def report_unreadable(self, reason: str) -> None:
        """For the reader: a frame it had to throw away (garbled, over-long) - a visitor's
        scan all the same, answered with "could not read" (hostile3-11).  One waits at a
        time: markers are never dropped, so a reader sending noise must not pile them up."""
        with self._unreadable_lock:
            if self._unreadable_waiting:
                return
            self._unreadable_waiting = True
        self.events.put(Marker("unreadable", reason))

    def report_audio_fault(self, detail: str) -> None:
        """For the audio output: called from its thread when the sound device is lost."""
        self.events.put(Marker("audio-fault", detail))

    def report_audio_recovered(self) -> None:
        self.events.put(Marker("audio-recovered"))

    def stop(self) -> None:
        """Ask ``serve`` to end (staff "quit"); a no-op before it started."""
        if self.stop_event is not None:
            self.stop_event.set()

    # ------------------------------------------------------------------ loop thread

    def handle(self, event: Any) -> None:
        """One event: ``ready`` is the loop's own; everything else is the visit's."""
        if isinstance(event, Marker) and event.name == "ready":
            self._on_ready()
        else:
            if isinstance(event, Marker) and event.name == "unreadable":
                with self._unreadable_lock:
                    self._unreadable_waiting = False
            self.visit.handle(event)

    def _on_ready(self) -> None:
        self.transcript.write("ready", None, self.visit.session.language, None)
        self.ready.set()
        if self.notifier is not None:
            self.notifier.ready()
        # The full page check runs now, in the background: start-up stays cheap.
        self.visit.catalog.check_in_background()

    def tick(self) -> None:
        """Timers and devices owned by the loop thread; called between events."""
        if self.keys is not None:
            for key in self.keys.drain():
                self.visit.on_raw_key(key.name, key.down, key.repeat)
        self.visit.tick()
        if self.screen is not None:
            self.screen.refresh()

    def _read_loop(self, stop: threading.Event) -> None:
        try:
            self.reader.open()
            self.events.put(Marker("ready"))
            while not stop.is_set():
                event = self.reader.read(0.1)
                if event is not None:
                    self.events.put(event)
        except Exception as exc:  # a driver bug must not leave the loop waiting forever
            log.exception("reader thread ended")
            self.events.put(Marker("fault", str(exc)))
        finally:
            try:
                self.reader.close()
            except Exception:
                log.exception("closing the reader failed")

    def serve(self, stop: threading.Event) -> None:
        """Run until ``stop`` is set; then close the reader and speech promptly."""
        self.stop_event = stop
        speaker = self.visit.speaker
        speaker.set_rate(self.visit.session.rate)
        speaker.set_volume(self.visit.session.volume)
        thread = threading.Thread(target=self._read_loop, args=(stop,), name="reader")
        thread.start()
        # Short waits while a screen or keypad needs drawing/draining; otherwise idle cheaply.
        wait = 0.02 if (self.keys is not None or self.screen is not None) else 0.1
        try:
            while not stop.is_set():
                if self.notifier is not None:
                    self.notifier.ping()  # from the loop itself: a hung loop stops pinging
                try:
                    event = self.events.get(timeout=wait)
                except queue.Empty:
                    event = None
                try:
                    if event is not None:
                        self.handle(event)
                    self.tick()
                except Exception:
                    # A visitor never meets a traceback; the log gets it and we go on.
                    log.exception("error while handling %r", event)
        finally:
            stop.set()
            if self.notifier is not None:
                self.notifier.stopping()
            thread.join(timeout=1.5)
            if thread.is_alive():
                log.error("reader did not close within 1.5 s")
            speaker.close()
            self.visit.catalog.close()
            if self.screen is not None:
                self.screen.close()
