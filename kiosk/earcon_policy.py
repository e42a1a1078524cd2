"""Which short cue ("earcon") answers which outcome, and when it is left out.

The rule that matters: **an earcon never delays speech.**  A visitor sweeping a shelf must
hear the title the moment the book is scanned, so when words follow at once the cue is either
mixed under the start of the speech (when the audio output can play a cue beside speech -
``AudioOutput.earcon`` does) or left out.  On its own - a volume step, a repeated unreadable
scan whose words are rate-limited - the cue plays alone.

Errors are never a tone alone in the long run: the kiosk speaks the error's words (at most
every few seconds for a noisy reader) and the cue only marks the moments in between.

The cue names are those of ``hardware/audio/earcons.py`` (all under 250 ms, 300-3000 Hz).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

OUTCOME_EARCONS: dict[str, str] = {
    "accepted": "accepted",  # a scan was read and found; the title follows
    "not-found": "not-found",  # read, but not in the catalogue; "not in the catalogue" follows
    "end-of-record": "end",  # "more" after the last level: nothing more to say
    "volume-step": "volume",  # played at the new volume, so the visitor hears the level
    "error": "error",  # unreadable scan, refused key
    "fault": "fault",  # staff-facing: reader or catalogue gone (once)
}
"""Outcome -> earcon name."""

Mode = Literal["alone", "under", "none"]


@dataclass(frozen=True)
class EarconPlan:
    """``earcon`` to play (``None``: play nothing) and how: alone, or under speech."""

    earcon: str | None
    mode: Mode


def plan(outcome: str, *, speech_follows: bool, can_mix: bool = True) -> EarconPlan:
    """Decide the cue for ``outcome``.

    ``speech_follows``: words start now (the title after a scan).  ``can_mix``: the output
    plays cues on their own channel beside speech (pygame mixer does; a single-stream device
    does not).  Speech is never scheduled after the cue - there is no "wait for the beep".
    """
    try:
        name = OUTCOME_EARCONS[outcome]
    except KeyError:
        raise ValueError(
            f"unknown outcome {outcome!r}: one of {', '.join(OUTCOME_EARCONS)}"
        ) from None
    if not speech_follows:
        return EarconPlan(name, "alone")
    if can_mix:
        return EarconPlan(name, "under")
    return EarconPlan(None, "none")
