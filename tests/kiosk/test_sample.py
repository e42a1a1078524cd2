"""A talking book's sample plays on a further "more", and stops like speech."""

from __future__ import annotations

import array
import math
import wave
from pathlib import Path

from catalog.importing import import_files
from tests.kiosk.visit_support import Visit


def write_tone(path: Path, seconds: float, rate: int = 44100) -> None:
    count = int(seconds * rate)
    step = 2 * math.pi * 440 / rate
    samples = array.array("h", (int(8000 * math.sin(step * i)) for i in range(count)))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())


def catalogue_with_sample(tmp_path: Path, sample: str) -> Path:
    source = tmp_path / "books.csv"
    source.write_text(
        "id,title,author,isbn,kind,sample\n"
        f"t1,Mio min Mio,\"Lindgren, Astrid\",9789129688313,talking_book,{sample}\n",
        encoding="utf-8",
    )
    db = tmp_path / "catalogue.db"
    report = import_files(str(db), [str(source)])
    assert report.added == 1, report.summary()
    return db


def test_more_after_the_description_plays_the_sample_and_stop_cuts_it(tmp_path: Path) -> None:
    write_tone(tmp_path / "mio.wav", seconds=30)
    db = catalogue_with_sample(tmp_path, "mio.wav")  # relative to the catalogue's folder
    v = Visit(db, tmp_path / "visit")
    try:
        v.scan("9789129688313")
        assert "Mio min Mio" in v.wait_speak(1).text
        v.press("KP_5")  # level 2
        v.wait_speak(2)
        v.press("KP_5")  # no summary: the sample
        sample = v.wait_speak(3)
        assert sample.text == "Provlyssning: Mio min Mio." and sample.item == "t1"
        v.press("KP_Decimal")  # stop
        v.wait_end(sample.text, "stop")
        v.press("KP_5")  # past the sample: the end of the record
        assert v.wait_speak(4).text == "Slut på beskrivningen."
    finally:
        v.close()


def test_a_missing_sample_file_ends_the_record_instead(tmp_path: Path) -> None:
    db = catalogue_with_sample(tmp_path, "gone.wav")
    v = Visit(db, tmp_path / "visit")
    try:
        v.scan("9789129688313")
        v.wait_speak(1)
        v.press("KP_5")
        v.wait_speak(2)
        v.press("KP_5")
        assert v.wait_speak(3).text == "Slut på beskrivningen."
    finally:
        v.close()
