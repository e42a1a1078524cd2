"""The listening controls: pause, speed and volume, each heard the moment it changes.

Functions of the visit rather than methods of it because they are about the voice, not about
the book: they touch only the session's settings, the speaker and the status line.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING

from hardware.protocols import RATE_MAX, RATE_MIN

if TYPE_CHECKING:
    from kiosk.visit import Visit

log = logging.getLogger(__name__)

RATE_STEP = 20  # words per minute per key press
RATE_LIMITS = (RATE_MIN, RATE_MAX)  # written once, in hardware.protocols
VOLUME_STEP_DB = 3.0  # one key press
VOLUME_RANGE_DB = 24.0  # from the ceiling down: more than the 18 dB EN 301 549 asks for
# Pause/resume cues of their own: a steady pair for "held", a rising three for "going on".
PAUSE_EARCON = "pause"
RESUME_EARCON = "resume"


def toggle_pause(visit: Visit) -> None:
    """Pause or resume, with a short cue so the state is heard (EN 301 549 5.6.1).

    Never words: speaking "paused" would itself be the speech the visitor wanted to stop.
    The cue plays on the output's own cue channel, which pausing does not hold.
    """
    s = visit.session
    if s.paused:
        visit.speaker.resume()
        s.paused = False
        visit.speaker.earcon(RESUME_EARCON)
        visit.announcer.status(None)
    elif visit.speaking:
        visit.speaker.pause()
        s.paused = True
        visit.speaker.earcon(PAUSE_EARCON)
        visit.announcer.status(visit.message("paused").text)
    else:
        log.info("pause with nothing playing: nothing to pause")


def step_rate(visit: Visit, direction: int) -> None:
    s = visit.session
    s.rate = min(RATE_LIMITS[1], max(RATE_LIMITS[0], s.rate + direction * RATE_STEP))
    visit.speaker.set_rate(s.rate)
    current = visit.announcer.current
    if visit.speaking and current is not None:
        visit.say(current, remember=False)  # restart it at the new rate
    else:
        visit.say(visit.message("rate", level=str(s.rate)), remember=False)


def step_magnify(visit: Visit, direction: int) -> None:
    """Bigger or smaller large print, shown at once; silent, as it is for the eye.

    Steps are the screen's (``kiosk.screen.MAGNIFY_LIMITS``); the idle reset puts them back.
    """
    from kiosk.screen import MAGNIFY_LIMITS

    s = visit.session
    s.magnify = max(MAGNIFY_LIMITS[0], min(MAGNIFY_LIMITS[1], s.magnify + direction))
    visit.announcer.magnify(s.magnify)
    low, high = MAGNIFY_LIMITS
    of = "av" if s.language == "sv" else "of"
    level = f"{s.magnify - low + 1} {of} {high - low + 1}"
    visit.announcer.status(visit.message("magnify", level=level).text)


def step_volume(visit: Visit, direction: int) -> None:
    s = visit.session
    ceiling = visit.settings.volume_max
    floor = ceiling * 10 ** (-VOLUME_RANGE_DB / 20)
    wanted = s.volume * 10 ** (direction * VOLUME_STEP_DB / 20)
    s.volume = round(min(ceiling, max(floor, wanted)), 4)
    visit.speaker.set_volume(s.volume)
    if direction > 0 and math.isclose(s.volume, ceiling) and wanted > ceiling:
        visit.say(visit.message("volume_limit"), remember=False)
    else:
        visit.speaker.earcon("volume")  # a short tone at the new level
    steps = round(VOLUME_RANGE_DB / VOLUME_STEP_DB)
    level = steps + round(20 * math.log10(s.volume / ceiling) / VOLUME_STEP_DB)
    of = "av" if s.language == "sv" else "of"
    visit.announcer.status(visit.message("volume", level=f"{level + 1} {of} {steps + 1}").text)
