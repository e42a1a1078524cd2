"""Rapid barge-in on the real pygame mixer (SDL ``dummy``) must not crash the process.

The kiosk used to die with SIGSEGV/SIGABRT after tens of rapid scans on pygame (not on
``none``): pygame freed a finished ``Sound`` on SDL's audio thread, mid-callback, while a
feeder thread queued the next block on that channel.  This drives the same pattern - a
streamed utterance cut off by the next one, earcons, pause/resume, volume - a few hundred
times in a child process (a crash there must fail the test, not kill pytest) and asserts a
clean exit.  It takes a few seconds; the soak of ``bench/bench_kiosk.py`` does it at scale.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.support import talkcat_env

_SCRIPT = textwrap.dedent(
    """
    import math, random, threading, time
    from hardware.audio.fallback import FallbackOutput
    from hardware.audio.null import NullOutput
    from hardware.audio.pygame_output import PygameOutput
    from hardware.protocols import Audio

    random.seed(7)
    def tone(seconds):
        count = int(22050 * seconds)
        return Audio(pcm=b"".join(
            int(8000 * math.sin(i / 5)).to_bytes(2, "little", signed=True) for i in range(count)
        ), sample_rate=22050)

    blocks = [tone(s) for s in (0.01, 0.03, 0.05)]
    def utterance(count):
        for _ in range(count):
            time.sleep(random.random() * 0.01)  # the synthesiser producing the next block
            yield random.choice(blocks)

    out = FallbackOutput(PygameOutput, NullOutput())
    out.open()
    ends = []
    for token in range(BARGE_INS):
        started = threading.Event()
        def listener(event, tok, started=started):
            if event == "started":
                started.set()
            else:
                ends.append(event)
        if random.random() < 0.5:
            out.earcon(blocks[1])
        out.play(utterance(random.randint(1, 6)), token, listener)
        started.wait(random.random() * 0.05)
        roll = random.random()
        if roll < 0.15:
            out.pause(); out.resume()
        elif roll < 0.4:
            out.stop()
        elif roll < 0.5:
            out.set_volume(random.random())
    out.stop()
    out.close()
    assert out.device_fault() is None, out.device_fault()
    print("survived", BARGE_INS, "ends", len(ends))
    """
)

BARGE_INS = 400


def test_hundreds_of_rapid_barge_ins_on_pygame_do_not_crash() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", f"BARGE_INS = {BARGE_INS}\n" + _SCRIPT],
        capture_output=True,
        text=True,
        env=talkcat_env(),
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stderr[-4000:]}"
    assert result.stdout.strip().startswith(f"survived {BARGE_INS}"), result.stdout
