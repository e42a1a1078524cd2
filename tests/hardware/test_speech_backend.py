"""Contract test of ``hardware.speech.backend``: fails loudly when eSpeak NG or pyttsx3 change.

Each test names the promise of the library that the adapter relies on.  If one fails after
an upgrade, the adapter (one module) is what needs changing - and ``TESTED`` with it.
"""

from __future__ import annotations

import array
import importlib.metadata
import threading
import tomllib
from pathlib import Path

import pytest

from hardware.speech import backend

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def espeak() -> backend.EspeakNG:
    return backend.EspeakNG.instance()


def _pcm(espeak: backend.EspeakNG, document: str, voice: str = "gmq/sv") -> tuple[bytes, int]:
    blocks: list[bytes] = []
    espeak.synthesize(document, voice, 160, lambda pcm: blocks.append(pcm) or True)
    return b"".join(blocks), len(blocks)


def test_installed_versions_are_the_tested_ones_and_pyproject_pins_them(espeak) -> None:
    assert importlib.metadata.version("pyttsx3") == backend.TESTED["pyttsx3"]
    assert importlib.metadata.version("espeakng-loader") == backend.TESTED["espeakng-loader"]
    assert espeak.version.startswith(backend.TESTED["espeak-ng"])
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert f"pyttsx3>={backend.TESTED['pyttsx3']},<2.100" in deps
    assert f"espeakng-loader>={backend.TESTED['espeakng-loader']},<0.3" in deps


def test_synchronous_synthesis_streams_22050_hz_buffers_in_the_calling_thread(espeak) -> None:
    threads: set[int] = set()

    def emit(pcm: bytes) -> bool:
        threads.add(threading.get_ident())
        return True

    assert espeak.synthesize(backend.ssml([("Pippi Långstrump, av Astrid Lindgren.", "gmq/sv")]),
                             "gmq/sv", 160, emit)
    assert threads == {threading.get_ident()}
    pcm, blocks = _pcm(espeak, backend.ssml([("Pippi Långstrump, av Astrid Lindgren.", "gmq/sv")]))
    assert blocks > 10  # many buffers: streamed, not one block at the end
    seconds = len(pcm) / 2 / backend.SAMPLE_RATE
    assert 1.5 < seconds < 5.0


def test_returning_false_from_the_callback_aborts_the_pass(espeak) -> None:
    seen: list[int] = []

    def emit(pcm: bytes) -> bool:
        seen.append(len(pcm))
        return len(seen) < 3

    long_text = "ett två tre fyra fem sex sju åtta nio tio " * 40
    assert not espeak.synthesize(backend.ssml([(long_text, "gmq/sv")]), "gmq/sv", 160, emit)
    assert len(seen) == 3
    pcm, _ = _pcm(espeak, backend.ssml([("Hej.", "gmq/sv")]))  # and the next pass works
    assert pcm


def test_amplitude_leaves_headroom_for_cues(espeak) -> None:
    pcm, _ = _pcm(espeak, backend.ssml([("Tove Jansson: Trollkarlens hatt. Paris, Tokyo.",
                                          "gmq/sv")]))
    samples = array.array("h", pcm)
    assert 0.3 * 32767 < max(abs(s) for s in samples) <= 0.75 * 32767


def test_ssml_voice_elements_switch_language_inside_one_pass(espeak) -> None:
    title = "Kotona maailmankaikkeudessa"
    finnish, _ = _pcm(espeak, backend.ssml([(title, "urj/fi")]), voice="urj/fi")
    inside, _ = _pcm(espeak, backend.ssml([(title, "urj/fi")]), voice="gmq/sv")
    swedish, _ = _pcm(espeak, backend.ssml([(title, "gmq/sv")]), voice="gmq/sv")
    assert finnish != swedish

    def distance(a: bytes, b: bytes) -> float:
        x, y = array.array("h", a), array.array("h", b)
        n = min(len(x), len(y))
        return sum(abs(x[k] - y[k]) for k in range(n)) / n

    # Not byte-identical (the element itself shifts eSpeak's state a little), but the voice
    # inside the element is Finnish, not the Swedish the pass started with.
    assert distance(inside, finnish) < 0.6 * distance(inside, swedish)


def test_voices_are_listed_with_identifiers_and_languages(espeak) -> None:
    voices = {v.identifier: v for v in espeak.voices()}
    for wanted in ("gmq/sv", "gmw/en", "urj/fi", "urj/smj", "sem/ar", "trk/tr", "zle/uk"):
        assert wanted in voices, wanted
    assert "sv" in voices["gmq/sv"].languages


def test_pyttsx3_still_has_what_the_non_espeak_path_uses() -> None:
    import pyttsx3
    from pyttsx3.engine import default_engine_by_sys_platform

    assert callable(default_engine_by_sys_platform)
    for name in ("save_to_file", "runAndWait", "connect", "setProperty", "getProperty", "stop"):
        assert callable(getattr(pyttsx3.Engine, name)), name
