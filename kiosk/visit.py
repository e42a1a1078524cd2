"""The visit: the state machine of one visitor at the kiosk.

Scans and keys in, utterances out (through the :class:`~kiosk.announcer.Announcer`).  It owns
everything that belongs to the person in front of the kiosk - language, rate, volume, the
level reached in the book, the browse walk, the keypad's typing modes, the idle countdown -
and nothing about threads: every method is called from the loop thread, one event at a
time, so the visit is plain sequential code that a test drives by calling it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from catalog.errors import CatalogError, InvalidIdentifier
from catalog.identifiers import Identifier, normalise
from catalog.records import Label, Record
from hardware.protocols import RATE_DEFAULT, VOLUME_DEFAULT, VOLUME_MAX_DEFAULT, Frame, KeyPress
from kiosk import availability, controls, levels
from kiosk.announcer import Announcer
from kiosk.availability import AvailabilityAnswer, AvailabilityService
from kiosk.browse import Browser
from kiosk.catalog_source import CatalogSource
from kiosk.events import Marker
from kiosk.idle import Defaults, IdleTimer
from kiosk.keypad import Keymap, Keypad, KeypadResult
from kiosk.phrasing import DEFAULT_LANGUAGE, LANGUAGES, Utterance, clean, label
from kiosk.privacy import PatronFilter
from kiosk.staff import StaffGate
from kiosk.staff_menu import StaffMenu

log = logging.getLogger(__name__)

WEDGE_MAX = 64  # longer than any barcode: a stuck key must not grow memory
PREFETCH = 8  # browse steps whose availability is asked ahead (browse_on_shelf_first)


class MissingCounter(Protocol):
    """``catalog.missing.MissingCounter``: counts identifiers the catalogue did not know."""

    def record(self, identifier_text: str) -> None: ...


@dataclass(frozen=True)
class VisitSettings:
    """What the configuration decides about every visit (the defaults a visitor starts from)."""

    language: str = DEFAULT_LANGUAGE
    rate: int = RATE_DEFAULT
    volume: float = VOLUME_DEFAULT
    volume_max: float = VOLUME_MAX_DEFAULT  # the one default (hardware.protocols), as config
    verbose: bool = True
    error_interval: float = 5.0
    phrases_dir: str | None = None
    patron_pattern: str | None = None
    idle_timeout: float = 120.0
    idle_warn: float = 20.0
    keymap: Keymap | None = None
    keypad_options: Mapping[str, float] = field(default_factory=dict)
    browse_on_shelf_first: bool = False


@dataclass
class Session:
    """What belongs to the visitor at the kiosk now; reset for the next visitor."""

    language: str
    rate: int
    volume: float
    verbose: bool = True
    magnify: int = 0  # large-print steps around "as large as fits"; reset like volume
    paused: bool = False
    level: int = 1
    last: Utterance | None = None
    last_record: Record | None = None


class Visit:
    """One visitor's state machine.  ``stop`` is called when staff quit the kiosk."""

    def __init__(
        self,
        announcer: Announcer,
        catalog: CatalogSource,
        settings: VisitSettings,
        *,
        clock: Callable[[], float],
        missing: MissingCounter | None = None,
        staff: StaffGate | None = None,
        reader_connected: Callable[[], bool] = lambda: True,
        stop: Callable[[], None] = lambda: None,
        availability: AvailabilityService | None = None,
        post: Callable[[AvailabilityAnswer], None] = lambda answer: None,
    ) -> None:
        self.announcer = announcer
        self.speaker = announcer.speaker
        self.catalog = catalog
        self.settings = settings
        self.clock = clock
        self.missing = missing
        self.staff = staff or StaffGate()
        self.staff_menu = StaffMenu(
            self.staff,
            catalog,
            lambda key, **values: self.say(self.message(key, **values), remember=False),
            reader_connected=reader_connected,
            phrase=lambda key: self.message(key).text,
            stop=stop,
        )
        volume = min(settings.volume, settings.volume_max)
        self.defaults = Defaults(settings.language, settings.rate, volume, settings.verbose)
        self.session = Session(settings.language, settings.rate, volume, settings.verbose)
        self.keypad = Keypad(
            settings.keymap or Keymap.from_config({}), clock, **settings.keypad_options
        )
        self.idle = IdleTimer(settings.idle_timeout, settings.idle_warn, clock)
        self.availability = availability
        self.post = post  # to the loop's queue: answers come back as events, in order
        self._heard: tuple[str, int] | None = None  # the record whose title was said, its token
        on_shelf_first = availability is not None and settings.browse_on_shelf_first
        self.browser = Browser(catalog, rank=self._shelf_rank if on_shelf_first else None)
        self.wedge: list[str] = []
        self._last_error_spoken = float("-inf")
        self._patron = PatronFilter(settings.patron_pattern)

    # ------------------------------------------------------------------ speech

    def say(self, utterance: Utterance, *, remember: bool = True) -> int:
        """Speak ``utterance`` now; ``remember``: it is what "repeat" says again."""
        if remember:
            self.session.last = utterance
        self.session.paused = False
        return self.announcer.say(utterance)

    def message(self, key: str, **values: str) -> Utterance:
        return levels.message(
            key, self.session.language, phrases_dir=self.settings.phrases_dir, **values
        )

    @property
    def speaking(self) -> bool:
        return self.announcer.speaking

    @property
    def staff_mode(self) -> bool:
        return self.staff_menu.active

    # ------------------------------------------------------------------ events

    def handle(self, event: Frame | KeyPress | KeypadResult | Marker | AvailabilityAnswer) -> None:
        """Dispatch one event from the reader thread, the keypad (or a test)."""
        match event:
            case Frame():
                self.idle.touch()
                self.on_frame(event)
            case KeyPress(action=action):
                # From the replay driver or a reader with keys: already an action.
                if self.idle.touch():
                    self.say(self.message("idle_kept"), remember=False)
                    return
                self.on_key(action)
            case KeypadResult():
                self.on_keypad(event)
            case Marker():
                self.on_marker(event)
            case AvailabilityAnswer():
                self._on_availability(event)
            case _:
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
                if len(self.wedge) < WEDGE_MAX:
                    self.wedge.append(name.upper())
                else:
                    log.warning("keyboard-wedge line over %d characters: dropped", WEDGE_MAX)
                    self.wedge.clear()
                return
            if name == "Return" and self.wedge:
                text, self.wedge = "".join(self.wedge), []
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
            self.say(self.message("idle_kept"), remember=False)
            return
        match result.event():
            case KeyPress(action=action):
                self.on_key(action)
                return
            case Frame() as frame:
                self.on_frame(frame)
                return
        if result.kind == "typing-digit":
            self.say(self.message("typing_digit", digit=result.value or ""), remember=False)
        elif result.kind == "pin-entered":
            self.staff_menu.check_pin(result.value or "")
        elif result.kind == "pin-digit":
            self.speaker.earcon("accepted")  # a neutral click: never the digit
        elif result.kind == "pin-deleted":
            self.speaker.earcon("volume")
        else:
            key = result.kind.replace("-", "_").replace("pin_warning", "typing_warning")
            try:
                self.say(self.message(key), remember=False)
            except KeyError:
                log.warning("no phrase for keypad result %s", result.kind)

    # ------------------------------------------------------------------ scans

    def on_frame(self, frame: Frame) -> None:
        """A scan: a card (patron, staff) or an identifier looked up and answered."""
        if self._is_card(frame.text.strip(), frame.symbology):
            return
        try:
            hit, identifier = self._lookup(frame)
        except InvalidIdentifier as exc:
            log.info("unreadable scan (%d characters): %s", len(frame.text), exc)
            self._invalid_feedback()
            return
        except CatalogError as exc:
            log.error("catalogue unavailable: %s", exc)
            self.say(self.message("catalog_unavailable"), remember=False)
            return
        match hit:
            case Record():
                self._found(hit, frame)
            case Label():
                self.say(label(hit, self.session.language, self.settings.phrases_dir))
            case None:
                self._not_found(identifier)

    def _is_card(self, text: str, symbology: str | None) -> bool:
        if self._patron.matches(text, symbology):
            # A visitor's own card: say what it is, but never its number, anywhere.
            log.info("a patron card was scanned (number not recorded)")
            self.say(self.message("patron_card"), remember=False)
            return True
        if self.staff.card_hash and self.staff.is_staff_card(text):
            log.warning("staff card scanned: staff mode")
            self.staff_menu.enter()
            return True
        return False

    def _lookup(self, frame: Frame) -> tuple[Record | Label | None, Identifier | None]:
        """The catalogue's answer for a scan; an RFID tag is tried by its data, then its UID.

        Raises ``InvalidIdentifier`` when nothing in the frame can be an identifier.
        """
        has_uid = bool(frame.uid) and frame.uid != frame.text
        try:
            identifier: Identifier | None = normalise(frame.text, frame.symbology)
        except InvalidIdentifier:
            if not has_uid:
                raise
            identifier = None
        hit = self.catalog.lookup(identifier) if identifier is not None else None
        if hit is None and has_uid:
            # An RFID tag whose data block named nothing we know: try its UID.
            identifier = normalise(frame.uid or "", None)
            hit = self.catalog.lookup(identifier)
        return hit, identifier

    def _found(self, record: Record, frame: Frame) -> None:
        s = self.session
        s.last_record = record
        s.level = 1
        self.browser.start(record)
        utterance = levels.level_one(
            record, s.language, s.verbose, phrases_dir=self.settings.phrases_dir
        )
        if frame.part and frame.parts and frame.parts > 1:
            part = self.message("rfid_part", part=str(frame.part), parts=str(frame.parts))
            utterance = join(utterance, part)
        self._say_record(record, utterance)
        if self.browser.rank is not None and self.availability is not None:
            for step in self.browser.walk()[:PREFETCH]:  # ranked by what is known at "next"
                self.availability.ask(step.record, urgent=False)
            self.browser.refresh()

    def _say_record(self, record: Record, utterance: Utterance) -> None:
        """Say a book's level one; its availability follows when the library system answers."""
        started = threading.Event()  # the question goes out once the title's audio has begun
        if self.availability is not None:
            self.availability.ask(record, then=self.post, gate=started)
        self.session.last, self.session.paused = utterance, False
        self._heard = (record.id, self.announcer.say(utterance, started))

    def _on_availability(self, answer: AvailabilityAnswer) -> None:
        if self._heard is None or self._heard[0] != answer.record_id:
            return  # the visitor has moved on to another book
        said = availability.sentence(
            answer.availability, self.session.language, answer.record_id, detail=False,
            phrases_dir=self.settings.phrases_dir,
        )
        if said is not None:
            self.announcer.follow(self._heard[1], said)

    def _shelf_rank(self, record: Record) -> int:
        known = self.availability.cached(record.id) if self.availability else None
        return 1 if known is None else 0 if known.on_shelf else 2

    def _not_found(self, identifier: Identifier | None) -> None:
        if identifier is not None:
            log.info("not in the catalogue: %s %s", identifier.kind, identifier.value)
            if self.missing is not None:
                try:
                    self.missing.record(identifier.value)
                except Exception:  # counting is a nicety; never let it stop a visitor
                    log.exception("could not count a missing identifier")
        self.speaker.earcon("not-found")
        self.say(self.message("not_found"))

    def _invalid_feedback(self) -> None:
        """An error cue every time, but words only now and then: noise must not bury scans."""
        now = self.clock()
        if now - self._last_error_spoken >= self.settings.error_interval:
            self._last_error_spoken = now
            self.say(self.message("invalid"), remember=False)
        else:
            self.speaker.earcon("error")
            self.announcer.status(self.message("invalid").text)  # the cue's words, for the eye

    # ------------------------------------------------------------------ keys

    def on_key(self, action: str) -> None:
        if self.staff_menu.active:
            self.staff_menu.key(action)
            return
        s = self.session
        if action == "stop":
            self.speaker.stop()
            s.paused = False  # the speaker forgets a pause on stop; so must we
        elif action == "repeat":
            if s.last is not None:
                self.say(s.last)
        elif action == "pause":
            controls.toggle_pause(self)
        elif action in ("volume-up", "volume-down"):
            controls.step_volume(self, +1 if action == "volume-up" else -1)
        elif action in ("rate-up", "rate-down"):
            controls.step_rate(self, +1 if action == "rate-up" else -1)
        elif action in ("magnify-up", "magnify-down"):
            controls.step_magnify(self, +1 if action == "magnify-up" else -1)
        elif action == "language":
            s.language = LANGUAGES[(LANGUAGES.index(s.language) + 1) % len(LANGUAGES)]
            self.say(self.message("language_changed"), remember=False)
        elif action == "help":
            self.say(self.message("help_keys"))
        elif action == "more":
            self._more()
        elif action in ("next", "previous"):
            step = self.browser.next() if action == "next" else self.browser.previous()
            said = step.utterance(s.language, s.verbose, phrases_dir=self.settings.phrases_dir)
            if step.record is not None:
                s.last_record = step.record
                s.level = 1
                self._say_record(step.record, said)
            else:
                self.say(said)
        else:
            log.info("key %r has no function", action)

    # ------------------------------------------------------------------ levels

    def _more(self) -> None:
        s = self.session
        record = self.browser.current or s.last_record
        if record is None:
            self.say(self.message("help_keys"))
            return
        phrases_dir = self.settings.phrases_dir
        # Level 4, when the record names one, is its talking-book sample.
        last = 4 if record.sample_path else 3
        s.level = min(s.level + 1, last + 1)
        utterance = None
        if s.level == 2:
            utterance = levels.level_two(record, s.language, phrases_dir=phrases_dir)
            if self.availability is not None:  # first what a visitor most wants to know
                known = availability.sentence(
                    self.availability.wait(record), s.language, record.id, detail=True,
                    phrases_dir=phrases_dir,
                )
                if known is not None:
                    utterance = replace(join(known, utterance), kind=utterance.kind)
        elif s.level == 3:
            utterance = levels.level_three(record, s.language, phrases_dir=phrases_dir)
            if utterance is None and last == 4:
                s.level = 4  # no summary: straight on to the sample
        if s.level == 4 and last == 4 and self._play_sample(record):
            return
        if utterance is None:
            s.level = last
            self.speaker.earcon("end")
            utterance = self.message("end_of_record")
        self.say(utterance)

    def _play_sample(self, record: Record) -> bool:
        """Play the record's talking-book sample like speech (stop, pause, volume apply)."""
        from hardware.audio.earcons import SAMPLE_RATE
        from hardware.audio.sample import load_sample
        from hardware.errors import HardwareError

        path = Path(record.sample_path or "")
        if not path.is_absolute() and self.catalog.path:
            path = Path(self.catalog.path).resolve().parent / path
        try:
            blocks = load_sample(path, SAMPLE_RATE)
        except HardwareError as exc:
            log.warning("talking-book sample of %s cannot be played: %s", record.id, exc)
            return False
        title = clean(record.title) or "?"
        utterance = self.message("sample", title=title)
        utterance = Utterance(utterance.text, utterance.lang, record.id, "sample")
        self.session.last = utterance
        self.session.paused = False
        self.announcer.play(utterance, blocks)
        return True

    # ------------------------------------------------------------------ markers, timers

    def on_marker(self, marker: Marker) -> None:
        """Device faults, spoken so staff notice; ``ready`` is the loop's business."""
        if marker.name == "fault":
            # Staff-facing, once per fault (the reader wrapper reports each loss once).
            log.error("reader fault: %s", marker.detail)
            self.speaker.earcon("fault")
            self.say(self.message("reader_fault"), remember=False)
        elif marker.name == "recovered":
            log.warning("reader is back")
        elif marker.name == "unreadable":  # a scan the reader could not make sense of
            self.idle.touch()
            self._invalid_feedback()
        elif marker.name == "audio-fault":
            # Plays silently (the device is gone) but reaches the transcript and the screen,
            # which is where staff look; the ERROR log line says the same.
            log.error("audio fault: %s", marker.detail)
            self.say(self.message("audio_fault"), remember=False)
        elif marker.name == "audio-recovered":
            log.warning("audio device is back")

    def tick(self) -> None:
        """The visit's timers: the keypad's (held keys, typing time-outs) and idle reset."""
        # The large print keeps the sentence being spoken on screen.
        self.announcer.tick(self.session.rate, self.session.paused)
        result = self.keypad.poll()
        if result is not None:
            # A held key's repeat is the visitor; a typing warning or time-out is not.
            self.on_keypad(result, visitor=result.action is not None)
        s = self.session
        idle = self.idle.poll(busy=self.speaking, settings_changed=self.defaults.differs(s))
        if idle == "warn":
            self.say(self.message("idle_warning"), remember=False)
        elif idle == "reset":
            self._reset()

    def _reset(self) -> None:
        s = self.session
        changed = self.defaults.restore(s)
        log.info("idle: settings back to defaults (%s)", ", ".join(changed) or "none")
        self.speaker.set_rate(s.rate)
        self.speaker.set_volume(s.volume)
        self.announcer.magnify(s.magnify)
        self.keypad.reset()
        self.browser.clear()
        s.last = s.last_record = None
        s.level = 1
        self.staff_menu.active = False


def join(first: Utterance, second: Utterance) -> Utterance:
    """One utterance made of two: shown and recorded as one message."""
    return Utterance(
        text=f"{first.text} {second.text}",
        lang=first.lang,
        item=first.item,
        kind=first.kind,
        segments=(*first.spoken(), *second.spoken()),
    )
