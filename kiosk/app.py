"""The kiosk's event loop: reader and keypad events in, utterances out.

One thread reads the reader and queues its events; the loop thread (the caller of
``Kiosk.serve``) takes them one at a time and owns all state - the visitor's session, the
keypad, the browse walk, the screen - so the visit is a plain sequential state machine.  The
speech worker reports playback from its own thread straight to the transcript, so a ``speak``
line carries the moment audio really started.
"""

from __future__ import annotations

import itertools
import logging
import math
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from catalog.errors import CatalogError, InvalidIdentifier
from catalog.identifiers import normalise
from hardware.protocols import Frame, KeyPress, Reader
from kiosk import levels
from kiosk.browse import Browser
from kiosk.catalog_source import CatalogSource
from kiosk.events import EventQueue, Marker
from kiosk.idle import Defaults, IdleTimer
from kiosk.keypad import Keymap, Keypad, KeypadResult
from kiosk.phrasing import DEFAULT_LANGUAGE, LANGUAGES, Utterance, clean
from kiosk.privacy import PatronFilter
from kiosk.staff import StaffGate
from kiosk.transcript import Transcript

log = logging.getLogger(__name__)

RATE_STEP = 20  # words per minute per key press
RATE_LIMITS = (80, 450)
VOLUME_STEP_DB = 3.0  # one key press
WEDGE_MAX = 64  # longer than any barcode: a stuck key must not grow memory
VOLUME_RANGE_DB = 24.0  # from the ceiling down: more than the 18 dB EN 301 549 asks for
# Pause/resume cues of their own: a steady pair for "held", a rising three for "going on".
PAUSE_EARCON = "pause"
RESUME_EARCON = "resume"


class SpeakerLike(Protocol):
    """What the loop needs of ``hardware.speech.speaker.Speaker``."""

    def say(self, token: int, segments: Any, listener: Callable[[str, int], None]) -> None: ...
    def stop(self) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def set_rate(self, wpm: int) -> None: ...
    def set_volume(self, volume: float) -> None: ...
    def earcon(self, name: str) -> None: ...
    def play_audio(self, token: int, blocks: Any, listener: Callable[[str, int], None]) -> None: ...
    def close(self) -> None: ...


@dataclass
class Session:
    """What belongs to the visitor at the kiosk now; reset for the next visitor."""

    language: str
    rate: int
    volume: float
    verbose: bool = True
    paused: bool = False
    level: int = 1
    last: Utterance | None = None
    last_record: Any = None


@dataclass
class Kiosk:
    reader: Reader
    speaker: SpeakerLike
    catalog: CatalogSource
    transcript: Transcript
    language: str = DEFAULT_LANGUAGE
    rate: int = 160
    volume: float = 0.5
    volume_max: float = 1.0
    verbose: bool = True
    error_interval: float = 5.0
    phrases_dir: str | None = None
    missing: Any = None
    patron_pattern: str | None = None
    notifier: Any = None  # kiosk.systemd.Notifier: readiness and watchdog pings
    keymap: Keymap | None = None
    keypad_options: dict[str, Any] = field(default_factory=dict)
    keys: Any = None  # a key source with drain() (hardware.keypad.pygame_keys), loop thread
    screen: Any = None  # kiosk.screen.Screen, drawn from the loop thread
    idle_timeout: float = 120.0
    idle_warn: float = 20.0
    staff: StaffGate = field(default_factory=StaffGate)
    clock: Callable[[], float] = time.monotonic
    events: queue.Queue[Any] = field(default_factory=EventQueue)

    def __post_init__(self) -> None:
        self.volume = min(self.volume, self.volume_max)
        self.defaults = Defaults(self.language, self.rate, self.volume, self.verbose)
        self.session = Session(self.language, self.rate, self.volume, self.verbose)
        self.keypad = Keypad(
            self.keymap or Keymap.from_config({}), self.clock, **self.keypad_options
        )
        self.idle = IdleTimer(self.idle_timeout, self.idle_warn, self.clock)
        self.browser = Browser(self.catalog)
        self.staff_mode = False
        self._wedge: list[str] = []
        self._tokens = itertools.count(1)
        self._playing: dict[int, Utterance] = {}
        self._started: set[int] = set()
        self._current: Utterance | None = None
        self._lock = threading.Lock()
        self._last_error_spoken = float("-inf")
        self._stop: threading.Event | None = None
        self.ready = threading.Event()
        self._patron = PatronFilter(self.patron_pattern)

    # ------------------------------------------------------------------ speech

    def say(self, utterance: Utterance, *, remember: bool = True) -> None:
        """Speak ``utterance`` now, cutting off whatever is playing, and show it."""
        token = next(self._tokens)
        with self._lock:
            self._playing[token] = utterance
        if remember:
            self.session.last = utterance
        self._current = utterance
        self.session.paused = False
        self.speaker.say(token, utterance.spoken(), self._on_playback)
        if self.screen is not None:
            self.screen.show(utterance.text)
            self.screen.set_status(None)

    def _on_playback(self, event: str, token: int) -> None:
        # Runs on the speech thread: write the transcript line at the very moment.
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

    @property
    def speaking(self) -> bool:
        with self._lock:
            return bool(self._playing)

    def _message(self, key: str, **values: Any) -> Utterance:
        return levels.message(key, self.session.language, phrases_dir=self.phrases_dir, **values)

    # ------------------------------------------------------------------ events

    def handle(self, event: Any) -> None:
        """Dispatch one event from the reader thread, the keypad (or a test)."""
        if isinstance(event, Frame):
            self.idle.touch()
            self.on_frame(event)
        elif isinstance(event, KeyPress):
            # From the replay driver or a reader with keys: already an action.
            if self.idle.touch():
                self.say(self._message("idle_kept"), remember=False)
                return
            self.on_key(event.action)
        elif isinstance(event, KeypadResult):
            self.on_keypad(event)
        elif isinstance(event, Marker):
            self.on_marker(event)
        else:
            log.warning("ignored unknown event %r", event)

    def on_raw_key(self, name: str, down: bool = True, repeat: bool = False) -> None:
        """A physical key from the keypad driver; the keypad state machine decides.

        Main-keyboard characters that no keypad function uses are a barcode scanner in
        keyboard-wedge mode typing into the kiosk's window: they collect until Return and
        are then looked up like any scan (the numeric keypad's own keys never get here).
        """
        if not down:
            self.keypad.release(name)
            return
        if self.keypad.mode is None and name not in self.keypad.keymap.actions:
            if len(name) == 1 and name.isprintable() and not repeat:
                if len(self._wedge) < WEDGE_MAX:
                    self._wedge.append(name.upper())
                else:
                    log.warning("keyboard-wedge line over %d characters: dropped", WEDGE_MAX)
                    self._wedge.clear()
                return
            if name == "Return" and self._wedge:
                text, self._wedge = "".join(self._wedge), []
                self.idle.touch()
                self.on_frame(Frame(text=text, kind="barcode"))
                return
        result = self.keypad.press(name, repeat=repeat)
        if result is not None:
            self.on_keypad(result)

    def on_keypad(self, result: KeypadResult, *, visitor: bool = True) -> None:
        """``visitor=False``: the keypad's own timer spoke (typing warning or time-out), which
        is not somebody at the kiosk and must neither restart nor answer the idle countdown."""
        if visitor and self.idle.touch():  # answered the idle warning: keep settings, no more
            self.say(self._message("idle_kept"), remember=False)
            return
        event = result.event()
        if isinstance(event, KeyPress):
            self.on_key(event.action)
        elif isinstance(event, Frame):
            self.on_frame(event)
        elif result.kind == "typing-digit":
            self.say(self._message("typing_digit", digit=result.value or ""), remember=False)
        elif result.kind == "pin-entered":
            self._check_pin(result.value or "")
        elif result.kind == "pin-digit":
            self.speaker.earcon("accepted")  # a neutral click: never the digit
        elif result.kind == "pin-deleted":
            self.speaker.earcon("volume")
        else:
            key = result.kind.replace("-", "_").replace("pin_warning", "typing_warning")
            try:
                self.say(self._message(key), remember=False)
            except KeyError:
                log.warning("no phrase for keypad result %s", result.kind)

    def on_frame(self, frame: Frame) -> None:
        text = frame.text.strip()
        if self._patron.matches(text, frame.symbology):
            # A visitor's own card: say what it is, but never its number, anywhere.
            log.info("a patron card was scanned (number not recorded)")
            self.say(self._message("patron_card"), remember=False)
            return
        if self.staff.card_hash and self.staff.is_staff_card(text):
            log.warning("staff card scanned: staff mode")
            self._enter_staff_mode()
            return
        try:
            identifier = normalise(frame.text, frame.symbology)
        except InvalidIdentifier as exc:
            if frame.uid and frame.uid != frame.text:
                identifier = None
            else:
                log.info("unreadable scan (%d characters): %s", len(frame.text), exc)
                self._invalid_feedback()
                return
        try:
            hit = self.catalog.lookup(identifier) if identifier is not None else None
            if hit is None and frame.uid and frame.uid != frame.text:
                # An RFID tag whose data block named nothing we know: try its UID.
                identifier = normalise(frame.uid, None)
                hit = self.catalog.lookup(identifier)
        except InvalidIdentifier as exc:
            log.info("unreadable tag UID: %s", exc)
            self._invalid_feedback()
            return
        except CatalogError as exc:
            log.error("catalogue unavailable: %s", exc)
            self.say(self._message("catalog_unavailable"), remember=False)
            return
        if hit is None:
            assert identifier is not None
            log.info("not in the catalogue: %s %s", identifier.kind, identifier.value)
            if self.missing is not None:
                try:
                    self.missing.record(identifier.value)
                except Exception:  # counting is a nicety; never let it stop a visitor
                    log.exception("could not count a missing identifier")
            self.speaker.earcon("not-found")
            self.say(self._message("not_found"))
            return
        s = self.session
        if hasattr(hit, "title"):
            s.last_record = hit
            s.level = 1
            self.browser.start(hit)
            utterance = levels.level_one(hit, s.language, s.verbose, phrases_dir=self.phrases_dir)
            if frame.part and frame.parts and frame.parts > 1:
                part = self._message("rfid_part", part=str(frame.part), parts=str(frame.parts))
                utterance = _join(utterance, part)
            self.say(utterance)
        else:
            from kiosk.phrasing import label

            self.say(label(hit, s.language))

    def _invalid_feedback(self) -> None:
        """An error cue every time, but words only now and then: noise must not bury scans."""
        now = self.clock()
        if now - self._last_error_spoken >= self.error_interval:
            self._last_error_spoken = now
            self.say(self._message("invalid"), remember=False)
        else:
            self.speaker.earcon("error")
            self._status(self._message("invalid").text)  # the cue's words, for the eye

    def on_key(self, action: str) -> None:
        if self.staff_mode:
            self._staff_key(action)
            return
        s = self.session
        if action == "stop":
            self.speaker.stop()
            s.paused = False  # the speaker forgets a pause on stop; so must we
        elif action == "repeat":
            if s.last is not None:
                self.say(s.last)
        elif action == "pause":
            self._toggle_pause()
        elif action in ("volume-up", "volume-down"):
            self._step_volume(+1 if action == "volume-up" else -1)
        elif action in ("rate-up", "rate-down"):
            step = RATE_STEP if action == "rate-up" else -RATE_STEP
            s.rate = min(RATE_LIMITS[1], max(RATE_LIMITS[0], s.rate + step))
            self.speaker.set_rate(s.rate)
            if self.speaking and self._current is not None:
                self.say(self._current, remember=False)  # restart it at the new rate
            else:
                self.say(self._message("rate", level=str(s.rate)), remember=False)
        elif action == "language":
            s.language = LANGUAGES[(LANGUAGES.index(s.language) + 1) % len(LANGUAGES)]
            self.say(self._message("language_changed"), remember=False)
        elif action == "help":
            self.say(self._message("help_keys"))
        elif action == "more":
            self._more()
        elif action in ("next", "previous"):
            step = self.browser.next() if action == "next" else self.browser.previous()
            if step.record is not None:
                s.last_record = step.record
                s.level = 1
            self.say(step.utterance(s.language, s.verbose, phrases_dir=self.phrases_dir))
        else:
            log.info("key %r has no function", action)

    def _toggle_pause(self) -> None:
        """Pause or resume, with a short cue so the state is heard (EN 301 549 5.6.1).

        Never words: speaking "paused" would itself be the speech the visitor wanted to stop.
        The cue plays on the output's own cue channel, which pausing does not hold.
        """
        s = self.session
        if s.paused:
            self.speaker.resume()
            s.paused = False
            self.speaker.earcon(RESUME_EARCON)
            self._status(None)
        elif self.speaking:
            self.speaker.pause()
            s.paused = True
            self.speaker.earcon(PAUSE_EARCON)
            self._status(self._message("paused").text)
        else:
            log.info("pause with nothing playing: nothing to pause")

    def _more(self) -> None:
        s = self.session
        record = self.browser.current or s.last_record
        if record is None:
            self.say(self._message("help_keys"))
            return
        # Level 4, when the record names one, is its talking-book sample.
        last = 4 if getattr(record, "sample_path", None) else 3
        s.level = min(s.level + 1, last + 1)
        utterance = None
        if s.level == 2:
            utterance = levels.level_two(record, s.language, phrases_dir=self.phrases_dir)
        elif s.level == 3:
            utterance = levels.level_three(record, s.language, phrases_dir=self.phrases_dir)
            if utterance is None and last == 4:
                s.level = 4  # no summary: straight on to the sample
        if s.level == 4 and last == 4 and self._play_sample(record):
            return
        if utterance is None:
            s.level = last
            self.speaker.earcon("end")
            utterance = self._message("end_of_record")
        self.say(utterance)

    def _play_sample(self, record: Any) -> bool:
        """Play the record's talking-book sample like speech (stop, pause, volume apply)."""
        from hardware.audio.earcons import SAMPLE_RATE
        from hardware.audio.sample import load_sample
        from hardware.errors import HardwareError

        path = Path(record.sample_path)
        if not path.is_absolute() and self.catalog.path:
            path = Path(self.catalog.path).resolve().parent / path
        try:
            blocks = load_sample(path, SAMPLE_RATE)
        except HardwareError as exc:
            log.warning("talking-book sample of %s cannot be played: %s", record.id, exc)
            return False
        title = clean(getattr(record, "title", "")) or "?"
        utterance = self._message("sample", title=title)
        utterance = Utterance(utterance.text, utterance.lang, record.id, "sample")
        token = next(self._tokens)
        with self._lock:
            self._playing[token] = utterance
        self.session.last = utterance
        self._current = utterance
        self.session.paused = False
        self.speaker.play_audio(token, blocks, self._on_playback)
        if self.screen is not None:
            self.screen.show(utterance.text)
        return True

    def _status(self, text: str | None) -> None:
        if self.screen is not None:
            self.screen.set_status(text)

    def _step_volume(self, direction: int) -> None:
        s = self.session
        floor = self.volume_max * 10 ** (-VOLUME_RANGE_DB / 20)
        factor = 10 ** (direction * VOLUME_STEP_DB / 20)
        wanted = s.volume * factor
        s.volume = round(min(self.volume_max, max(floor, wanted)), 4)
        self.speaker.set_volume(s.volume)
        if direction > 0 and math.isclose(s.volume, self.volume_max) and wanted > self.volume_max:
            self.say(self._message("volume_limit"), remember=False)
        else:
            self.speaker.earcon("volume")  # a short tone at the new level
        steps = round(VOLUME_RANGE_DB / VOLUME_STEP_DB)
        level = steps + round(20 * math.log10(s.volume / self.volume_max) / VOLUME_STEP_DB)
        of = "av" if s.language == "sv" else "of"
        self._status(self._message("volume", level=f"{level + 1} {of} {steps + 1}").text)

    # ------------------------------------------------------------------ staff

    def _check_pin(self, pin: str) -> None:
        if not self.staff.pin_hash:
            self.say(self._message("staff_wrong"), remember=False)
            return
        verdict = self.staff.try_pin(pin)
        if verdict == "ok":
            self._enter_staff_mode()
        else:
            self.say(self._message(f"staff_{verdict}"), remember=False)

    def _enter_staff_mode(self) -> None:
        self.staff_mode = True
        self.say(self._message("staff_menu"), remember=False)

    def _staff_key(self, action: str) -> None:
        self.staff_mode = action in ("more", "repeat")
        if action == "more":
            log.warning("staff: catalogue reload")
            self.catalog.close()
            self.say(self._message("staff_reloaded"), remember=False)
        elif action == "repeat":
            try:
                items = str(self.catalog.stats().get("records", "?"))
            except CatalogError:
                items = "0"
            connected = getattr(self.reader, "connected", True)
            reader = self._message("reader_ok" if connected else "reader_lost").text.rstrip(".")
            self.say(self._message("staff_status", items=items, reader=reader), remember=False)
        elif action == "stop":
            log.warning("staff: quit")
            self.say(self._message("staff_quit"), remember=False)
            if self._stop is not None:
                self._stop.set()
        else:
            self.say(self._message("staff_left"), remember=False)

    # ------------------------------------------------------------------ markers, ticks

    def on_marker(self, marker: Marker) -> None:
        if marker.name == "ready":
            self.transcript.write("ready", None, self.session.language, None)
            self.ready.set()
            if self.notifier is not None:
                self.notifier.ready()
            # The full page check runs now, in the background: start-up stays cheap.
            check = getattr(self.catalog, "check_in_background", None)
            if check is not None:
                check()
        elif marker.name == "fault":
            # Staff-facing, once per fault (the reader wrapper reports each loss once).
            log.error("reader fault: %s", marker.detail)
            self.speaker.earcon("fault")
            self.say(self._message("reader_fault"), remember=False)
        elif marker.name == "recovered":
            log.warning("reader is back")
        elif marker.name == "audio-fault":
            # Plays silently (the device is gone) but reaches the transcript and the screen,
            # which is where staff look; the ERROR log line says the same.
            log.error("audio fault: %s", marker.detail)
            self.say(self._message("audio_fault"), remember=False)
        elif marker.name == "audio-recovered":
            log.warning("audio device is back")

    def tick(self) -> None:
        """Timers and devices owned by the loop thread; called between events."""
        if self.keys is not None:
            for key in self.keys.drain():
                self.on_raw_key(key.name, key.down, key.repeat)
        result = self.keypad.poll()
        if result is not None:
            # A held key's repeat is the visitor; a typing warning or time-out is not.
            self.on_keypad(result, visitor=result.action is not None)
        s = self.session
        idle = self.idle.poll(busy=self.speaking, settings_changed=self.defaults.differs(s))
        if idle == "warn":
            self.say(self._message("idle_warning"), remember=False)
        elif idle == "reset":
            changed = self.defaults.restore(s)
            log.info("idle: settings back to defaults (%s)", ", ".join(changed) or "none")
            self.speaker.set_rate(s.rate)
            self.speaker.set_volume(s.volume)
            self.keypad.reset()
            self.browser.clear()
            s.last = s.last_record = None
            s.level = 1
            self.staff_mode = False
        if self.screen is not None:
            self.screen.refresh()

    # ------------------------------------------------------------------ loop

    def report_fault(self, detail: str) -> None:
        """For the reader wrapper: called from the reader thread when the device is lost."""
        self.events.put(Marker("fault", detail))

    def report_recovered(self) -> None:
        self.events.put(Marker("recovered"))

    def report_audio_fault(self, detail: str) -> None:
        """For the audio output: called from its thread when the sound device is lost."""
        self.events.put(Marker("audio-fault", detail))

    def report_audio_recovered(self) -> None:
        self.events.put(Marker("audio-recovered"))

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
        self._stop = stop
        self.speaker.set_rate(self.session.rate)
        self.speaker.set_volume(self.session.volume)
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
            self.speaker.close()
            self.catalog.close()
            if self.screen is not None:
                self.screen.close()


def _join(first: Utterance, second: Utterance) -> Utterance:
    """One utterance made of two: shown and recorded as one message."""
    return Utterance(
        text=f"{first.text} {second.text}",
        lang=first.lang,
        item=first.item,
        kind=first.kind,
        segments=(*first.spoken(), *second.spoken()),
    )
