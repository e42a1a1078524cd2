"""No sound device: the kiosk says so loudly in the log and goes on, silent but timed.

Audio that *vanishes during* a run: a bare output that raises is contained (the utterance ends
``stop``, the next scan plays once the device answers again); wrapped in ``FallbackOutput``
(``hardware/audio/fallback.py``) the kiosk swaps to the silent output - the transcript keeps
telling what was said and when - and back to the device when it returns.
"""

from __future__ import annotations

import logging
import subprocess
import threading
from pathlib import Path

from hardware.audio.fallback import FallbackOutput
from hardware.audio.playback import PlaybackSession
from tests.reliability.rig import (
    GUILLOU,
    GUILLOU_ISBN,
    TOVE,
    TOVE_ISBN,
    EarconNullOutput,
    KioskRig,
    PushReader,
    make_catalogue,
)
from tests.support import TALKCAT, finished, talkcat_env, wait_for_events


def test_missing_audio_device_at_start_falls_back_to_silence_loudly(tmp_path: Path) -> None:
    db = make_catalogue(tmp_path / "c.db")
    transcript = tmp_path / "t.jsonl"
    proc = subprocess.Popen(
        [*TALKCAT, "run", "--db", str(db), "--reader", f"list:{TOVE_ISBN}",
         "--transcript", str(transcript), "--audio", "pygame", "--speech", "recording"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # An SDL audio driver that does not exist: pygame.mixer.init fails as with no card.
        env=talkcat_env(SDL_AUDIODRIVER="no-such-audio-driver"),
    )
    try:
        events = wait_for_events(
            transcript,
            finished(TOVE),
            timeout=60,
            proc=proc,
        )
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr
    assert "ERROR" in stderr and "AUDIO UNAVAILABLE, continuing silently" in stderr
    # Reader and transcript kept working: the scan was "spoken", timed by the null output.
    assert [(e["event"], e["text"]) for e in events if e["event"] != "ready"] == [
        ("speak", TOVE), ("done", TOVE),
    ]


class VanishingOutput(EarconNullOutput):
    """A silent output whose device can be 'unplugged': every playback then fails."""

    gone = False

    def __init__(self) -> None:
        super().__init__()
        self.failed = threading.Event()

    def _feed(self, session: PlaybackSession) -> None:
        if self.gone:
            self.failed.set()
            raise OSError("audio device disappeared")
        super()._feed(session)

    def earcon(self, audio):  # type: ignore[no-untyped-def]
        if self.gone:
            raise OSError("audio device disappeared")
        super().earcon(audio)


def test_audio_failing_mid_run_is_contained_and_playback_resumes(tmp_path: Path) -> None:
    db = make_catalogue(tmp_path / "c.db")
    reader = PushReader()
    rig = KioskRig(reader, db, tmp_path / "t.jsonl")
    output = VanishingOutput()
    output.open()
    rig.speaker._output = output  # the rig's Speaker, on a device we can pull out
    with rig:
        output.gone = True
        reader.scan(TOVE_ISBN)
        assert output.failed.wait(30), "the kiosk never tried to play"
        output.gone = False
        reader.scan(GUILLOU_ISBN)
        events = rig.wait_done(GUILLOU)
    assert [(e["event"], e["text"]) for e in events if e["event"] != "ready"][-2:] == [
        ("speak", GUILLOU), ("done", GUILLOU),
    ]
    assert TOVE not in [e["text"] for e in events]  # it never played, so it is not claimed
    assert rig.thread is not None and not rig.errors


def test_audio_vanishing_mid_run_goes_silent_and_comes_back_through_the_fallback(
    tmp_path: Path, caplog
) -> None:
    caplog.set_level(logging.ERROR)
    db = make_catalogue(tmp_path / "c.db")
    reader = PushReader()
    rig = KioskRig(reader, db, tmp_path / "t.jsonl")
    made: list[VanishingOutput] = []
    card_present = threading.Event()
    card_present.set()
    lost, back = threading.Event(), threading.Event()
    faults: list[str] = []

    def open_card() -> VanishingOutput:
        # The device: opening fails while it is unplugged; a fresh one each time it returns.
        if not card_present.is_set():
            raise OSError("no such audio device")
        made.append(VanishingOutput())
        return made[-1]

    output = FallbackOutput(
        open_card,
        EarconNullOutput(),
        on_fault=lambda message: (faults.append(message), lost.set()),
        on_recover=back.set,
        retry_initial=0.05,
        retry_max=0.2,
        probe_interval=0.05,
    )
    output.open()
    rig.speaker._output = output  # the rig's Speaker, on a device we can pull out
    with rig:
        reader.scan(TOVE_ISBN)
        rig.wait_done(TOVE)
        assert made[0].failed.is_set() is False  # heard on the device
        card_present.clear()
        made[0].gone = True  # unplugged: the next playback fails on the device
        reader.scan(GUILLOU_ISBN)
        events = rig.wait_done(GUILLOU)  # ...and is still "said", silently, in real time
        assert lost.wait(30) and made[0].failed.is_set()
        card_present.set()
        assert back.wait(30)
        reader.scan(TOVE_ISBN)
        events = rig.wait_done(TOVE, count=2)
    assert len(made) == 2  # the device was opened again and used
    assert faults == ["OSError: audio device disappeared"]
    assert [(e["event"], e["text"]) for e in events if e["event"] != "ready"] == [
        ("speak", TOVE), ("done", TOVE),
        ("speak", GUILLOU), ("done", GUILLOU),
        ("speak", TOVE), ("done", TOVE),
    ]  # fmt: skip
    lost_lines = [r for r in caplog.records if "AUDIO DEVICE LOST" in r.getMessage()]
    assert len(lost_lines) == 1 and lost_lines[0].levelname == "ERROR"
    assert rig.thread is not None and not rig.errors
