"""The large benchmark catalogue, written straight into the real schema, once per run.

The kiosk and lookup benchmarks both need a catalogue of a million items; loading one through
``talkcat import`` took 100 s of a 5-minute budget and measured nothing (the import rate has
its own benchmark, on real MARC records), and building two cost another 30 s.  So one is
built per bench run (:func:`shared`) and both use it.  Rows are made by the store's own
:func:`~catalog.store.prepare_record`, so the file is what an import would have written: same
JSON, same full-text rows, same keys.

Item ``n`` has id ``b{n}``, an ISBN-13 (:func:`isbn13`) and a 14-digit Koha-style barcode
(:func:`barcode`); its title is a few Swedish words, except that every other one of the first
:data:`LONG_TITLES` has a title of 200+ words without punctuation (the speech benchmark's
worst case).  Its author is one of :data:`SURNAMES` (1,000 Swedish-looking names), drawn with
a long tail as in a real catalogue: the most common ("Lindgren") writes about 2 % of the
items, the rarest a few hundred each - so a surname search has a realistic number of hits.
"""

from __future__ import annotations

import atexit
import functools
import itertools
import random
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from stdnum import ean

from catalog.records import Record
from catalog.store import Catalog, prepare_record

BATCH = 10_000
LONG_TITLES = 200
WORDS = (
    "bok", "hav", "skog", "fjäll", "ljus", "mörker", "vinter", "sommar", "resa", "hem", "barn",
    "berättelse", "natt", "dag", "stad", "land", "minne", "tid", "vatten", "eld", "sten", "vind",
    "röst", "sång",
)  # fmt: skip


_STEMS = (
    "Lind", "Berg", "Sjö", "Ek", "Holm", "Ström", "Dahl", "Lund", "Sand", "Ros", "Björk", "Gran",
    "Hed", "Öst", "Norr", "Söder", "Wall", "Fors", "Åker", "Löv", "Nord", "Sten", "Ås", "Hag",
    "Mal", "Falk", "Lil", "Eng", "Bergs", "Kull", "Fager", "Blom", "Ljung", "Rosen", "Hall",
    "Sol", "Vik", "Ahl", "Mell", "Å",
)  # fmt: skip
_ENDINGS = (
    "gren", "berg", "ström", "lund", "qvist", "man", "ling", "dahl", "holm", "blad", "sten",
    "vall", "by", "hed", "stam", "ander", "kvist", "bäck", "borg", "feldt", "gård", "wall",
    "mark", "näs", "ros",
)  # fmt: skip
SURNAMES = tuple(stem + ending for stem in _STEMS for ending in _ENDINGS)
"""1,000 surnames, "Lindgren" first; :data:`SURNAME_WEIGHTS` makes the first the commonest."""
SURNAME_WEIGHTS = tuple(itertools.accumulate(1 / (rank + 10) for rank in range(len(SURNAMES))))
"""Cumulative (``random.choices(cum_weights=...)``): rank ``r`` is drawn in proportion to
``1 / (r + 10)``."""
GIVEN = ("Astrid", "Karin", "Lars", "Anna", "Per", "Eva", "Johan", "Maria", "Erik", "Sara",
         "Klas", "Selma", "Vilhelm", "Kerstin", "Henning", "Tove")  # fmt: skip


def author(rng: random.Random) -> str:
    """"Surname, Given", the surname drawn with :data:`SURNAME_WEIGHTS`."""
    surname = rng.choices(SURNAMES, cum_weights=SURNAME_WEIGHTS)[0]
    return f"{surname}, {rng.choice(GIVEN)}"


def isbn13(n: int) -> str:
    body = f"97891{n:07d}"
    return body + ean.calc_check_digit(body)


def barcode(n: int) -> str:
    return f"3{n:013d}"  # 14 digits, as Koha's


def title(rng: random.Random, long: bool) -> str:
    count = rng.randint(200, 230) if long else rng.randint(2, 6)
    return " ".join(rng.choice(WORDS) for _ in range(count)).capitalize()


def items(count: int, seed: int = 7) -> Iterator[tuple[Record, list[str]]]:
    rng = random.Random(seed)
    people = random.Random(seed + 1)  # its own stream: the titles stay as they always were
    for n in range(count):
        isbn, copy = isbn13(n), barcode(n)
        record = Record(
            id=f"b{n}",
            title=title(rng, n < LONG_TITLES and n % 2 == 1),
            authors=(author(people),),
            language="swe",
            isbns=(isbn,),
            barcodes=(copy,),
        )
        yield record, [isbn, copy]


@functools.cache
def shared(count: int) -> Path:
    """The catalogue of ``count`` :func:`items`, built on first use, removed at exit."""
    folder = tempfile.mkdtemp(prefix="talkcat-bench-db-")
    atexit.register(shutil.rmtree, folder, True)
    path = Path(folder) / "catalogue.db"
    build(path, items(count))
    return path


def build(path: Path, records: Iterable[tuple[Record, list[str]]]) -> int:
    """Write ``(record, keys)`` pairs into a new catalogue at ``path``; return how many.

    The full-text index follows the records table through its triggers, as in an import.
    """
    Catalog.open(path).close()  # create it with the real schema and header
    lock = path.with_name(path.name + ".lock")
    lock.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    rows: list[tuple[int, str, str, str | None, str, str, str, str, str]] = []
    keys: list[tuple[str, str]] = []

    def flush() -> None:
        conn.executemany(
            "INSERT INTO records (rowid, id, kind, language, data, search_title, search_people,"
            " search_series, search_subjects) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.executemany("INSERT INTO identifiers (key, record_id) VALUES (?, ?)", keys)
        rows.clear()
        keys.clear()

    count = 0
    conn.execute("BEGIN")
    for count, (record, record_keys) in enumerate(records, 1):
        record_id, kind, language, data, texts = prepare_record(record)
        rows.append((count, record_id, kind, language, data, *texts))
        keys.extend((key, record_id) for key in record_keys)
        if len(rows) >= BATCH:
            flush()
    flush()
    conn.execute("COMMIT")
    conn.close()
    return count
