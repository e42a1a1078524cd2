"""The kiosk's event loop: reader events in, utterances out.

One thread reads the reader and queues its events; the loop thread (the caller of
``Kiosk.serve``) takes them one at a time and owns all state, so the visitor's session is a
plain sequential state machine.  The speech worker reports playback from its own thread
straight to the transcript, so a ``speak`` line carries the moment audio really started.
"""

from __future__ import annotations

import itertools
import logging
import queue
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from catalog.errors import CatalogError, InvalidIdentifier
from catalog.identifiers import normalise
from hardware.protocols import Frame, KeyPress, Reader
from kiosk import phrasing
from kiosk.phrasing import LANGUAGES, Utterance
from kiosk.transcript import Transcript

log = logging.getLogger(__name__)

RATE_STEP = 20  # words per minute per key press
VOLUME_STEP = 0.1
RATE_LIMITS = (80, 450)


class SpeakerLike(Protocol):
    """What the loop needs of ``hardware.speech.speaker.Speaker`` (and of test doubles)."""

    def say(self, token: int, segments: Any, listener: Callable[[str, int], None]) -> None: ...
    def stop(self) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def set_rate(self, wpm: int) -> None: ...
    def set_volume(self, volume: float) -> None: ...
    def earcon(self, name: str) -> None: ...
    def close(self) -> None: ...


class CatalogSource:
    """Opens the catalogue read-only on first use and again after a failure.

    The kiosk must keep its reader alive when the catalogue file is missing or being
    replaced; a lookup then reports ``CatalogError`` and the next one tries again.
    """

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._catalog: Any = None

    def lookup(self, identifier: Any) -> Any:
        if self.path is None:
            raise CatalogError("no catalogue configured: give --db or [kiosk] db")
        if self._catalog is None:
            from catalog.store import Catalog

            self._catalog = Catalog.open(self.path, readonly=True)
        try:
            return self._catalog.lookup(identifier)
        except CatalogError:
            self.close()
            raise

    def close(self) -> None:
        if self._catalog is not None:
            try:
                self._catalog.close()
            finally:
                self._catalog = None


@dataclass
class Session:
    """What belongs to the visitor at the kiosk now; reset for the next visitor."""

    language: str
    rate: int
    volume: float
    paused: bool = False
    last: Utterance | None = None
    last_record: Any = None


@dataclass
class _Marker:
    name: str
    detail: str = ""


@dataclass
class Kiosk:
    reader: Reader
    speaker: SpeakerLike
    catalog: CatalogSource
    transcript: Transcript
    language: str = phrasing.DEFAULT_LANGUAGE
    rate: int = 160
    volume: float = 0.5
    error_interval: float = 5.0
    phrases_dir: str | None = None
    missing: Any = None
    patron_pattern: str | None = None
    notifier: Any = None  # kiosk.systemd.Notifier: readiness and watchdog pings
    clock: Callable[[], float] = time.monotonic
    events: queue.Queue[Any] = field(default_factory=queue.Queue)

    def __post_init__(self) -> None:
        self.session = Session(self.language, self.rate, self.volume)
        self._tokens = itertools.count(1)
        self._playing: dict[int, Utterance] = {}
        self._started: set[int] = set()
        self._lock = threading.Lock()
        self._last_error_spoken = float("-inf")
        self.ready = threading.Event()
        self._patron = re.compile(self.patron_pattern) if self.patron_pattern else None
        if self.phrases_dir:
            for lang in LANGUAGES:
                phrasing.phrases(lang, self.phrases_dir)

    # ------------------------------------------------------------------ speech

    def say(self, utterance: Utterance, *, remember: bool = True) -> None:
        """Speak ``utterance`` now, cutting off whatever is playing."""
        token = next(self._tokens)
        with self._lock:
            self._playing[token] = utterance
        if remember:
            self.session.last = utterance
        self.session.paused = False
        self.speaker.say(token, utterance.spoken(), self._on_playback)

    def _on_playback(self, event: str, token: int) -> None:
        # Runs on the audio/speech thread: write the transcript line at the very moment.
        with self._lock:
            utterance = self._playing.get(token)
            if utterance is None:
                return
            if event == "started":
                self._started.add(token)
            else:
                del self._playing[token]
                if token not in self._started:
                    # Cut off before any audio played: nothing was said, nothing to record.
                    return
                self._started.discard(token)
        name = {"started": "speak", "finished": "done", "stopped": "stop"}.get(event)
        if name is None:
            log.warning("unknown playback event %r for utterance %d", event, token)
            return
        self.transcript.write(name, utterance.text, utterance.lang, utterance.item)

    def _message(self, key: str, **values: object) -> Utterance:
        return phrasing.message(key, self.session.language, **values)

    # ------------------------------------------------------------------ events

    def handle(self, event: Any) -> None:
        """Dispatch one event from the reader thread (or a test)."""
        if isinstance(event, Frame):
            self.on_frame(event)
        elif isinstance(event, KeyPress):
            self.on_key(event.action)
        elif isinstance(event, _Marker):
            self.on_marker(event)
        else:
            log.warning("ignored unknown event %r", event)

    def on_frame(self, frame: Frame) -> None:
        if self._patron is not None and self._patron.fullmatch(frame.text.strip()):
            # A visitor's own card: say what it is, but never its number, anywhere.
            log.info("a patron card was scanned (number not recorded)")
            self.say(self._message("patron_card"), remember=False)
            return
        try:
            identifier = normalise(frame.text, frame.symbology)
        except InvalidIdentifier as exc:
            log.info("unreadable scan %r: %s", frame.text[:64], exc)
            self._invalid_feedback()
            return
        try:
            hit = self.catalog.lookup(identifier)
        except CatalogError as exc:
            log.error("catalogue unavailable: %s", exc)
            self.say(self._message("catalog_unavailable"), remember=False)
            return
        if hit is None:
            log.info("not in the catalogue: %s %s", identifier.kind, identifier.value)
            if self.missing is not None:
                try:
                    self.missing.record(identifier.value)
                except Exception:  # counting is a nicety; never let it stop a visitor
                    log.exception("could not count a missing identifier")
            self.say(self._message("not_found"))
            return
        self.session.last_record = hit
        if hasattr(hit, "title"):
            self.say(phrasing.announce(hit, self.session.language))
        else:
            self.say(phrasing.label(hit, self.session.language))

    def _invalid_feedback(self) -> None:
        """An error cue every time, but words only now and then: noise must not bury scans."""
        now = self.clock()
        if now - self._last_error_spoken >= self.error_interval:
            self._last_error_spoken = now
            self.say(self._message("invalid"), remember=False)
        else:
            self.speaker.earcon("error")

    def on_key(self, action: str) -> None:
        s = self.session
        if action == "stop":
            self.speaker.stop()
        elif action == "repeat":
            if s.last is not None:
                self.say(s.last)
        elif action == "pause":
            if s.paused:
                self.speaker.resume()
            else:
                self.speaker.pause()
            s.paused = not s.paused
        elif action in ("volume-up", "volume-down"):
            step = VOLUME_STEP if action == "volume-up" else -VOLUME_STEP
            s.volume = round(min(1.0, max(0.05, s.volume + step)), 2)
            self.speaker.set_volume(s.volume)
            self.speaker.earcon("volume")
        elif action in ("rate-up", "rate-down"):
            step = RATE_STEP if action == "rate-up" else -RATE_STEP
            s.rate = min(RATE_LIMITS[1], max(RATE_LIMITS[0], s.rate + step))
            self.speaker.set_rate(s.rate)
            self.say(self._message("rate", level=s.rate), remember=False)
        elif action == "language":
            s.language = LANGUAGES[(LANGUAGES.index(s.language) + 1) % len(LANGUAGES)]
            self.say(self._message("language_changed"), remember=False)
        elif action == "help":
            self.say(self._message("help"))
        else:
            log.info("key %r has no function yet", action)

    def on_marker(self, marker: _Marker) -> None:
        if marker.name == "ready":
            self.transcript.write("ready", None, self.session.language, None)
            self.ready.set()
            if self.notifier is not None:
                self.notifier.ready()
        elif marker.name == "fault":
            log.error("reader fault: %s", marker.detail)
            self.say(self._message("reader_fault"), remember=False)
        elif marker.name == "recovered":
            log.warning("reader is back")

    # ------------------------------------------------------------------ loop

    def report_fault(self, detail: str) -> None:
        """For the reader wrapper: called from the reader thread when the device is lost."""
        self.events.put(_Marker("fault", detail))

    def report_recovered(self) -> None:
        self.events.put(_Marker("recovered"))

    def _read_loop(self, stop: threading.Event) -> None:
        try:
            self.reader.open()
            self.events.put(_Marker("ready"))
            while not stop.is_set():
                event = self.reader.read(0.1)
                if event is not None:
                    self.events.put(event)
        except Exception as exc:  # a driver bug must not leave the loop waiting forever
            log.exception("reader thread ended")
            self.events.put(_Marker("fault", str(exc)))
        finally:
            try:
                self.reader.close()
            except Exception:
                log.exception("closing the reader failed")

    def serve(self, stop: threading.Event) -> None:
        """Run until ``stop`` is set; then close the reader and speech promptly."""
        self.speaker.set_rate(self.session.rate)
        self.speaker.set_volume(self.session.volume)
        thread = threading.Thread(target=self._read_loop, args=(stop,), name="reader")
        thread.start()
        try:
            while not stop.is_set():
                if self.notifier is not None:
                    self.notifier.ping()  # from the loop itself: a hung loop stops pinging
                try:
                    event = self.events.get(timeout=0.1)
                except queue.Empty:
                    continue
                try:
                    self.handle(event)
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
            self.speaker.close()
            self.catalog.close()
