"""The speech engine raises or hangs: the visitor hears the error earcon, the next scan speaks.

The engine fault is injected through the registered ``recording`` synthesiser's ``fail_on`` /
``hang_on`` options; the watchdog, restart and earcon are the real ``Speaker``'s.
"""

from __future__ import annotations

from pathlib import Path

from tests.hardware.reader_support import wait_for
from tests.reliability.rig import (
    GUILLOU,
    GUILLOU_ISBN,
    TOVE,
    TOVE_ISBN,
    KioskRig,
    PushReader,
    make_catalogue,
)


def test_engine_that_raises_gives_the_error_earcon_and_the_next_scan_speaks(
    tmp_path: Path,
) -> None:
    db = make_catalogue(tmp_path / "c.db")
    reader = PushReader()
    # Every engine (the first and each restarted one) fails on Tove Jansson's book, whose
    # first chunk ("Anteckningar från en ö,") is the one that fails: no audio at all.
    options = {"fail_on": "Anteckningar"}
    with KioskRig(reader, db, tmp_path / "t.jsonl", synth_options=options) as rig:
        reader.scan(TOVE_ISBN)
        assert wait_for(lambda: "error" in rig.output.names(), timeout=30)
        reader.scan(GUILLOU_ISBN)
        events = rig.wait_done(GUILLOU)
        assert len(rig.engines) >= 2, "the failed engine was not replaced"
    assert TOVE not in rig.spoken()  # no audio was made, so no "speak" line
    assert rig.spoken()[-1] == GUILLOU
    assert [e["event"] for e in events if e["text"] == GUILLOU][-2:] == ["speak", "done"]
    assert not rig.errors


def test_engine_failing_mid_utterance_plays_what_was_made_then_stops(tmp_path: Path) -> None:
    db = make_catalogue(tmp_path / "c.db")
    reader = PushReader()
    # "Anteckningar från en ö," is made and starts playing; "av Tove Jansson ..." fails.
    with KioskRig(reader, db, tmp_path / "t.jsonl", synth_options={"fail_on": "Tove"}) as rig:
        reader.scan(TOVE_ISBN)
        rig.wait(lambda ev: any(e["event"] == "stop" and e["text"] == TOVE for e in ev))
        assert wait_for(lambda: "error" in rig.output.names(), timeout=30)
        reader.scan(GUILLOU_ISBN)
        events = rig.wait_done(GUILLOU)
    assert [(e["event"], e["text"]) for e in events if e["event"] != "ready"] == [
        ("speak", TOVE), ("stop", TOVE), ("speak", GUILLOU), ("done", GUILLOU),
    ]


def test_engine_that_hangs_is_abandoned_by_the_watchdog_and_the_next_scan_speaks(
    tmp_path: Path,
) -> None:
    db = make_catalogue(tmp_path / "c.db")
    reader = PushReader()
    rig = KioskRig(
        reader, db, tmp_path / "t.jsonl", synth_options={"hang_on": "Anteckningar"}, watchdog=0.5
    )
    with rig:
        reader.scan(TOVE_ISBN)
        assert rig.synth.hung.wait(30), "the injected hang never happened"
        # No answer within the watchdog time: the visitor hears the fallback cue ...
        assert wait_for(lambda: "error" in rig.output.names(), timeout=30)
        # ... and the kiosk goes on with a fresh engine.
        reader.scan(GUILLOU_ISBN)
        rig.wait_done(GUILLOU)
        assert len(rig.engines) >= 2
        assert rig.synth.calls[-1].text.startswith("Anteckningar")  # the hung one, not reused
        assert any(c.text.startswith("Ondskan") for e in rig.engines[1:] for c in e.calls)
    assert rig.spoken() == [GUILLOU]
    assert not rig.errors


def test_repeated_engine_failures_do_not_wear_the_kiosk_out(tmp_path: Path) -> None:
    db = make_catalogue(tmp_path / "c.db")
    reader = PushReader()
    options = {"fail_on": "Anteckningar"}
    with KioskRig(reader, db, tmp_path / "t.jsonl", synth_options=options) as rig:
        for round_ in range(1, 6):
            reader.scan(TOVE_ISBN)
            assert wait_for(lambda r=round_: rig.output.names().count("error") >= r, 30)
            reader.scan(GUILLOU_ISBN)
            rig.wait_done(GUILLOU, count=round_)
    assert rig.spoken() == [GUILLOU] * 5
    assert len(rig.engines) >= 6  # one restart per failure
