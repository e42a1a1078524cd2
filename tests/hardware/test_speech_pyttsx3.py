"""The real engine: eSpeak NG through pyttsx3, with no system package and nothing on stdout."""

from __future__ import annotations

import pytest

from hardware.audio.pcm import leading_silence, peak, rms, to_wav
from hardware.errors import HardwareError
from hardware.protocols import Synthesizer
from hardware.speech.pyttsx3_engine import MAX_RATE, MIN_RATE, Pyttsx3Synthesizer

SWEDISH = "Pippi Långstrump, av Astrid Lindgren."
ENGLISH = "The Hobbit, by J.R.R. Tolkien."
SILENCE_RMS = 300  # eSpeak speech measures ~2500; digital silence 0


@pytest.fixture(scope="module")
def synth():
    engine = Pyttsx3Synthesizer()
    yield engine
    engine.close()


def test_it_is_a_synthesizer_with_swedish_and_english_voices(synth) -> None:
    assert isinstance(synth, Synthesizer)
    voices = synth.voices()
    assert voices["sv"] == "gmq/sv"
    assert voices["en"].startswith("gmw/en")


@pytest.mark.parametrize(("text", "lang"), [(SWEDISH, "sv"), (ENGLISH, "en")])
def test_a_real_sentence_is_long_loud_speech(synth, text: str, lang: str, tmp_path) -> None:
    audio = synth.synthesize(text, lang, 160)
    wav = tmp_path / "sentence.wav"
    wav.write_bytes(to_wav(audio))
    assert wav.stat().st_size > 44 + 22050 * 2  # header + over a second of samples
    assert audio.sample_rate == 22050
    assert audio.seconds > 1.0
    assert rms(audio) > SILENCE_RMS
    assert peak(audio) < 32767  # not clipped
    assert leading_silence(audio) < 0.1  # speech starts promptly


def test_thirty_utterances_in_a_row_all_synthesise(synth) -> None:
    # pyttsx3's say() drops repeated calls (issues #419, #440); save_to_file must not.
    lengths = []
    for n in range(30):
        audio = synth.synthesize(f"Bok nummer {n}, av Astrid Lindgren.", "sv", 160)
        assert rms(audio) > SILENCE_RMS, n
        lengths.append(audio.seconds)
    assert min(lengths) > 1.0


def test_synthesis_prints_nothing_to_stdout(synth, capfd) -> None:
    capfd.readouterr()
    synth.synthesize(SWEDISH, "sv", 160)
    synth.synthesize(ENGLISH, "en", 200)
    assert capfd.readouterr().out == ""


def test_the_portable_path_through_run_and_wait_works_and_is_quiet_too(capfd) -> None:
    portable = Pyttsx3Synthesizer(fast=False)
    try:
        capfd.readouterr()
        for _ in range(3):
            audio = portable.synthesize(SWEDISH, "sv", 160)
            assert audio.seconds > 1.0 and rms(audio) > SILENCE_RMS
        assert capfd.readouterr().out == ""
    finally:
        portable.close()


def test_a_long_text_comes_back_whole_on_both_paths(synth) -> None:
    # pyttsx3 2.99's runAndWait returns after 10 ms even while eSpeak is still working.
    text = " ".join(["bok"] * 200)
    portable = Pyttsx3Synthesizer(fast=False)
    try:
        for engine in (synth, portable):
            audio = engine.synthesize(text, "sv", 400)
            assert audio.seconds > 20.0
    finally:
        portable.close()


def test_rate_is_words_per_minute_and_clamped(synth) -> None:
    text = "ett två tre fyra fem sex sju åtta nio tio elva tolv"
    slow = synth.synthesize(text, "sv", 100).seconds
    fast = synth.synthesize(text, "sv", 300).seconds
    assert fast < slow * 0.6
    assert synth.synthesize(text, "sv", 5).seconds == pytest.approx(
        synth.synthesize(text, "sv", MIN_RATE).seconds, rel=0.05
    )
    assert synth.synthesize(text, "sv", 5000).seconds == pytest.approx(
        synth.synthesize(text, "sv", MAX_RATE).seconds, rel=0.05
    )


def test_catalogue_language_codes_choose_the_voice(synth) -> None:
    assert synth.synthesize(SWEDISH, "swe", 160).seconds > 1.0
    # A language without an installed voice is still spoken (with the default voice).
    assert synth.synthesize("Tere", "xx", 160).seconds > 0.2


def test_empty_text_is_empty_audio(synth) -> None:
    assert synth.synthesize("  ", "sv", 160).pcm == b""


def test_an_unknown_voice_override_is_a_clear_error() -> None:
    engine = Pyttsx3Synthesizer(voice_sv="gmq/klingon")
    with pytest.raises(HardwareError, match="gmq/klingon"):
        engine.voices()
