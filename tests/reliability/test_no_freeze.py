"""No freeze: every function that runs a pattern over catalogue text does work linear in it.

An outside tester froze the kiosk with a title of ``", " * 40_000`` (51 s per scan), a
5,000-comma author (4.5 s) and a summary of 20,000 dots (10 s): quadratic regular
expressions in the punctuation cleaner, the name turner and the sentence splitters.  Here
each of those functions gets hostile inputs of 10 kB and of 1 MB (100 times more).  Linear
work costs about 100 times more on the big one, quadratic about 10,000 times; the test
asserts the ratio of CPU time stays under 1,000.  CPU time of the process doing the work, not
wall-clock time, and a ratio, not an absolute figure: neighbours on a shared machine change
neither much.  The big input runs in a forked child that is killed once it has used far
more than a linear budget, so a regression fails in seconds instead of hanging the suite.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from typing import Any

import pytest

from catalog import punctuation
from catalog.importers import describe
from catalog.importers.fields import MarcField, MarcRecord
from catalog.importers.headings import looks_corporate
from catalog.importers.mapping import map_record
from catalog.records import Record
from hardware.speech import text as speech_text
from hardware.speech.voices import script_language
from kiosk import browse, levels, phrasing, reading
from kiosk.subjects import subject_voices

SMALL = 10_000
BIG = 1_000_000
MAX_RATIO = 1_000

# Runs of what cataloguers' punctuation and hostile testers are made of.  Each quadratic
# pattern found so far blows up on one of these runs; ``_gauntlet`` strings them together so
# one input of 1 MB holds all of them at once (each run is ~1/13 of it: still 6,000 times the
# work of the 10 kB input if anything is quadratic, against 100 times if all is linear).
RUNS: tuple[str, ...] = (
    ", ",  # the 40,000-comma title
    " .",  # spaced dots
    ".",  # the 20,000-dot summary
    "A. ",  # initials
    "Dr. ",  # abbreviations the sentence rule looks round
    "[",  # open brackets
    "[sic] ",  # cataloguers' notes
    "(",  # a fuller form that never closes
    "1",  # digit runs (years, ISBNs, playing times)
    " ",  # whitespace before a dash or a date
    " /:;,=+.",  # every ISBD mark
    "Smith, ",  # a 5,000-comma author
    "...",  # ellipses
    "\u2026 ",  # the ellipsis character
    "sec. XIV гл. 4 ",  # abbreviations before their number, with and without a table
)


def _gauntlet(n: int) -> str:
    """Every run in :data:`RUNS`, each about ``n / len(RUNS)`` characters, word between."""
    share = n // len(RUNS)
    return "x".join(run * (share // len(run)) for run in RUNS) + "x"


def _tail(n: int) -> str:
    """A word, then punctuation to the end: what the end-anchored patterns walk back over."""
    third = n // 3
    return "Title" + " ." * (third // 2) + ", " * (third // 2) + " /:;,=+" * (third // 7)


def _escapes(n: int) -> str:
    """Terminal control sequences that never end, strings that never close, and runs of
    introducers: what the escape-sequence pattern (:func:`punctuation.plain`) walks."""
    runs = ("\x1b]", "\x1b[", "\x1b[1;", "\x9b", "\x9d", "\x1bP", "\x07", "\x00", "1;")
    share = n // (len(runs) + 2)
    body = "x".join(run * (share // len(run)) for run in runs)
    return body + "\x1b]0;" + "x" * share + "\x1b[" + "1" * share + "x"


HOSTILE: dict[str, Callable[[int], str]] = {
    "gauntlet": _gauntlet, "punctuated tail": _tail, "terminal escapes": _escapes,
}


def _cpu(fn: Callable[[str], Any], text: str) -> float:
    started = time.process_time()
    fn(text)
    return time.process_time() - started


def _child(fn: Callable[[str], Any], text: str, conn: Any) -> None:
    conn.send(_cpu(fn, text))


def _ratio(fn: Callable[[str], Any], make: Callable[[int], str]) -> float:
    small_text, big_text = make(SMALL), make(BIG)
    small = min(_cpu(fn, small_text) for _ in range(5))
    small = max(small, 2e-4)  # below the clock's useful resolution
    budget = max(30.0, small * MAX_RATIO * 4)
    ctx = multiprocessing.get_context("fork")
    ours, theirs = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(fn, big_text, theirs), daemon=True)
    child.start()
    try:
        if not ours.poll(budget):
            pytest.fail(f"{BIG:,} characters not done after {budget:.0f} s: not linear")
        big = ours.recv()
    finally:
        child.kill()
        child.join(10)
    return big / small


def _record_title(text: str) -> Any:
    return levels.level_one(Record(id="x", title=text, authors=(text,)), "sv")


def _record_summary(text: str) -> Any:
    return levels.level_three(Record(id="x", title="t", summary=text), "sv")


def _record_details(text: str) -> Any:
    record = Record(
        id="x", title=text, subtitle=text, series=text, extent=text, edition=text,
        subjects=(text,), genres=(text,), publisher=text,
    )  # fmt: skip
    return levels.level_two(record, "sv")


def _mapped(text: str) -> Any:
    """The whole MARC mapping on a record whose every text is ``text`` (a MARCXML record
    has no ISO 2709 length limit, so this is what a hostile .xml file reaches)."""
    fields = [MarcField("001", data="x"), MarcField("008", data=text)]
    for tag, code in (("020", "a"), ("100", "a"), ("100", "e"), ("245", "a"), ("245", "c"),
                      ("260", "c"), ("300", "a"), ("500", "a"), ("511", "a"), ("520", "a"),
                      ("700", "4"), ("876", "j"), ("600", "a"), ("700", "a"),
                      ("110", "b")):  # fmt: skip
        fields.append(MarcField(tag, "1", " ", [(code, text)]))
    # A relator-less added name judged against the statement of responsibility (credits.py).
    fields.append(MarcField("700", "1", " ", [("a", f"{text[:50]}, {text}")]))
    return map_record(MarcRecord("00000nam a2200000 a 4500", fields), "record 1", "f.xml")


CLEANERS: dict[str, Callable[[str], Any]] = {
    "punctuation.clean": punctuation.clean,
    "punctuation.clean(notes)": lambda t: punctuation.clean(t, notes=True),
    "punctuation.spoken": punctuation.spoken,
    # A summary's paragraphs: every space a line break, so each word is a line to group.
    "punctuation.paragraphs": lambda t: punctuation.paragraphs([t, t.replace(" ", "\n")]),
    "punctuation.plain": punctuation.plain,
    "phrasing.clean": phrasing.clean,
    "phrasing.natural_name": phrasing.natural_name,
    "levels.person": levels.person,
    "levels.split_sentences": lambda t: levels.split_sentences(t, "sv"),
    # The sentence rule the splitter asks walks a few words round every full stop.
    "levels.split_sentences(en)": lambda t: levels.split_sentences(t, "en"),
    "levels.split_sentences(fi)": lambda t: levels.split_sentences(t, "fi"),
    "reading.normalise(en)": lambda t: reading.normalise(t, "en"),
    "reading.normalise(fi)": lambda t: reading.normalise(t, "fi"),
    "reading.as_name": lambda t: reading.as_name(t, "sv"),
    "levels.level_one": _record_title,
    "levels.level_two": _record_details,
    "levels.level_three": _record_summary,
    "levels.subject_heading": levels.subject_heading,
    "phrasing.personal_heading": phrasing.personal_heading,
    "headings.looks_corporate": looks_corporate,
    "browse subject key": browse._subject_key,
    "browse person key": browse._person_key,
    "speech.clean_text": speech_text.clean_text,
    "speech.split_sentences": speech_text.split_sentences,
    "describe.playing_minutes": describe.playing_minutes,
    "describe.pages": describe.pages,
    "mapping.map_record": _mapped,
    # The reading tables of the shelves' other languages and the voice choice (issue 14).
    **{f"reading.normalise({lang})": (lambda t, lang=lang: reading.normalise(t, lang))
       for lang in ("de", "nb", "da", "fr", "es", "it")},
    "levels.split_sentences(de)": lambda t: levels.split_sentences(t, "de"),
    # The rule every language shares ("pag. 12", "гл. 4"), with a table and without.
    "levels.split_sentences(it)": lambda t: levels.split_sentences(t, "it"),
    "levels.split_sentences(ru)": lambda t: levels.split_sentences(t, "ru"),
    "reading.normalise(ru)": lambda t: reading.normalise(t, "ru"),
    "voices.script_language": lambda t: script_language(t, {"ru", "ar", "fa", "cmn"}),
    "subjects.subject_voices": lambda t: subject_voices(
        t.split(" "), ["fin", "swe"] * (len(t) // 4), "fin", "sv", {"sv", "fi"}
    ),
}  # fmt: skip


@pytest.mark.parametrize("cleaner", sorted(CLEANERS))
@pytest.mark.parametrize("hostile", sorted(HOSTILE))
def test_cleaner_work_is_linear_in_its_input(cleaner: str, hostile: str) -> None:
    ratio = _ratio(CLEANERS[cleaner], HOSTILE[hostile])
    assert ratio < MAX_RATIO, (
        f"{cleaner} on {hostile}: 100 x the input cost {ratio:,.0f} x the work"
        " (linear is about 100 x, quadratic about 10,000 x)"
    )


def test_the_reported_freezes_are_gone() -> None:
    """The three inputs of the report, through the kiosk's own levels: each costs no more
    than a thousand times a one-word record (it was 10,000,000 times and more)."""
    plain = Record(id="p", title="Mio", authors=("Lindgren, Astrid",), summary="Mio.")
    base = min(_cpu(lambda _t: (levels.level_one(plain, "sv"), levels.level_three(plain, "sv")), "")
               for _ in range(5))  # fmt: skip
    hostile = Record(
        id="h", title=", " * 40_000, authors=("Smith" + ", " * 5_000,), summary="." * 20_000
    )
    cost = _cpu(lambda _t: (levels.level_one(hostile, "sv"), levels.level_three(hostile, "sv")), "")
    assert cost / max(base, 2e-4) < 100_000
