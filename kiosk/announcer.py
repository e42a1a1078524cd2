"""The announcer: one utterance in, speech, screen and transcript out.

The visit decides *what* to say; this decides nothing about visitors and owns only the path
from an ``Utterance`` to the three places it goes:

* the **speaker** - ``say`` cuts off whatever is playing (a new scan is the one that
  matters) and starts the new utterance;
* the **screen** - the written form, for the eye;
* the **transcript** - ``speak`` when audio really started, ``done``/``stop`` when it ended,
  written from the speech thread at the moment it happens.  An utterance cut off before any
  audio played left nothing to record.

For a text longer than the screen it also tells the screen which part is being spoken
(:meth:`tick`): the speaker reports only when audio starts and ends, so the position is
reckoned from the start time and the visitor's rate (words per minute), pauses excluded -
close enough to keep the current sentence in view.

It also keeps the one piece of sequencing the visit needs: :meth:`follow` speaks a second
utterance (availability) right *after* another one has played to its end, without ever
cutting it off and without waiting for it on the loop thread.

Thread model: ``say``/``play``/``follow`` are called from the loop thread (``follow`` also
from a background lookup); playback events arrive on the speaker's event thread.  One lock
guards the bookkeeping (which utterance plays under which token, which started, what follows
what); the speaker is called inside it only for the follow-up, which is safe because the
speaker never calls a listener synchronously.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from kiosk.phrasing import Utterance
from kiosk.transcript import Transcript

log = logging.getLogger(__name__)

Listener = Callable[[str, int], None]


class SpeakerLike(Protocol):
    """What the kiosk needs of ``hardware.speech.speaker.Speaker``."""

    def say(self, token: int, segments: Sequence[tuple[str, str]], listener: Listener) -> None: ...
    def stop(self) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def set_rate(self, wpm: int) -> None: ...
    def set_volume(self, volume: float) -> None: ...
    def earcon(self, name: str) -> None: ...
    def play_audio(self, token: int, blocks: Any, listener: Listener) -> None: ...
    def close(self) -> None: ...


class ScreenLike(Protocol):
    """What the kiosk needs of ``kiosk.screen.Screen`` (drawn from the loop thread only)."""

    def show(self, text: str) -> bool: ...
    def set_status(self, text: str | None) -> bool: ...
    def refresh(self) -> bool: ...
    def close(self) -> None: ...

    # Optional (``kiosk.screen.Screen`` has them; a minimal screen may not):
    # ``magnify(steps) -> int`` and ``follow(word) -> bool``.


_EVENTS = {"started": "speak", "finished": "done", "stopped": "stop"}


class Announcer:
    """Speaks utterances, shows them and records them; knows nothing of visitors."""

    def __init__(
        self,
        speaker: SpeakerLike,
        transcript: Transcript,
        screen: ScreenLike | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.speaker = speaker
        self.transcript = transcript
        self.screen = screen
        self.clock = clock
        # Where the spoken text is, for the screen: (token, start time, paused seconds).
        self._spoken_since: tuple[int, float, float] | None = None
        self._last_tick: float | None = None
        self.current: Utterance | None = None
        """The last utterance started (for "say it again at the new rate")."""
        self._tokens = itertools.count(1)
        self._lock = threading.Lock()
        self._playing: dict[int, Utterance] = {}
        self._started: set[int] = set()
        self._latest = 0  # the token of the newest say/play: only it may be followed
        self._ended: dict[int, str] = {}  # how the latest ended ("finished"/"stopped")
        self._followers: dict[int, Utterance] = {}
        self._on_start: dict[int, threading.Event] = {}

    # ------------------------------------------------------------------ speaking

    def say(self, utterance: Utterance, started: threading.Event | None = None) -> int:
        """Speak ``utterance`` now, cutting off whatever is playing, and show it.

        ``started`` is set when its first audio plays (or it ended without any): background
        work that must not compete with the start of speech waits for it.
        """
        token = self._begin(utterance)
        if started is not None:
            with self._lock:
                self._on_start[token] = started
        self.speaker.say(token, utterance.spoken(), self._on_playback)
        self._show(utterance)
        return token

    def play(self, utterance: Utterance, blocks: Any) -> int:
        """Play recorded audio (a talking-book sample) as an utterance written ``utterance``."""
        token = self._begin(utterance)
        self.speaker.play_audio(token, blocks, self._on_playback)
        if self.screen is not None:
            self.screen.show(utterance.text)
        return token

    def follow(self, token: int, utterance: Utterance) -> bool:
        """Speak ``utterance`` as soon as utterance ``token`` has played to its end.

        Nothing happens when something newer was said meanwhile or ``token`` was cut off: a
        follow-up belongs to what it follows.  Returns whether it was said or is waiting.
        Called from the loop thread, which also owns the screen: the screen shows both.
        """
        with self._lock:
            first = self._playing.get(token) or self.current
            if token == self._latest and self.screen is not None and first is not None:
                self.screen.show(f"{first.text} {utterance.text}")
            if token != self._latest:
                return False
            ended = self._ended.get(token)
            if ended is None:
                self._followers[token] = utterance
                return True
            if ended != "finished":
                return False
            follower = next(self._tokens)
            self._adopt(follower, utterance)
            self.speaker.say(follower, utterance.spoken(), self._on_playback)
        return True

    def _begin(self, utterance: Utterance) -> int:
        token = next(self._tokens)
        with self._lock:
            self._adopt(token, utterance)
        return token

    def _adopt(self, token: int, utterance: Utterance) -> None:
        # Lock held.  The newest utterance replaces any follow-up of an older one.
        self._playing[token] = utterance
        self._latest = token
        self._ended.clear()
        self._followers.clear()
        self.current = utterance

    def _show(self, utterance: Utterance) -> None:
        if self.screen is not None:
            self.screen.show(utterance.text)
            self.screen.set_status(None)

    def status(self, text: str | None) -> None:
        """A status line under the text (volume, "paused"), for the eye only."""
        if self.screen is not None:
            self.screen.set_status(text)

    def magnify(self, steps: int) -> None:
        """The visitor's large-print magnification (``kiosk.screen.Screen.magnify``)."""
        magnify = getattr(self.screen, "magnify", None)
        if magnify is not None:
            magnify(steps)

    def tick(self, rate: int, paused: bool) -> None:
        """From the loop thread: keep the part of a long text being spoken on screen."""
        now = self.clock()
        last, self._last_tick = self._last_tick, now
        follow = getattr(self.screen, "follow", None)
        with self._lock:
            spoken = self._spoken_since
            if spoken is None or spoken[0] != self._latest or spoken[0] not in self._playing:
                return
            token, started, held = spoken
            if paused and last is not None:
                held += now - last
                self._spoken_since = (token, started, held)
            utterance = self._playing[token]
        if follow is None or paused:
            return
        said = [text for text, _lang in utterance.spoken()]
        spoken_words = sum(len(text.split()) for text in said) or 1
        written_words = len(utterance.text.split())
        heard = (now - started - held) * max(1, rate) / 60.0
        follow(int(written_words * min(1.0, heard / spoken_words)))

    @property
    def speaking(self) -> bool:
        with self._lock:
            return bool(self._playing)

    # ------------------------------------------------------------------ events

    def _on_playback(self, event: str, token: int) -> None:
        # The speaker's event thread: write the transcript line at the very moment.
        name = _EVENTS.get(event)
        if name is None:
            log.warning("unknown playback event %r for utterance %d", event, token)
            return
        follower: tuple[int, Utterance] | None = None
        with self._lock:
            utterance = self._playing.get(token)
            if utterance is None:
                return
            gate = self._on_start.pop(token, None)
            if gate is not None:
                gate.set()
            if event == "started":
                self._started.add(token)
                self._spoken_since = (token, self.clock(), 0.0)
            else:
                del self._playing[token]
                if token == self._latest:
                    self._ended[token] = event
                    waiting = self._followers.pop(token, None)
                    if waiting is not None and event == "finished":
                        follower = (next(self._tokens), waiting)
                        self._adopt(*follower)
                if token not in self._started:
                    # Cut off before any audio played: nothing was said, nothing to record.
                    self._say_follower(follower)
                    return
                self._started.discard(token)
        # The transcript takes its own lock; the follower's "speak" comes after this "done".
        self.transcript.write(name, utterance.text, utterance.lang, utterance.item)
        with self._lock:
            self._say_follower(follower)

    def _say_follower(self, follower: tuple[int, Utterance] | None) -> None:
        # Lock held.  Still the newest?  A say() on the loop thread may have come in between.
        if follower is None:
            return
        token, utterance = follower
        if token != self._latest:
            self._playing.pop(token, None)  # never played: must not count as speaking
            return
        self.speaker.say(token, utterance.spoken(), self._on_playback)
