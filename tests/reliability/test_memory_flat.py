"""Memory flat in the input: what an import holds does not grow with what it is given.

An outside tester's 500 MB of random bytes as ``.mrc`` peaked at 805 MB (every rejection
kept in a list) and a MARCXML file of a million non-record elements at 483 MB (the element
tree kept).  These tests compare the Python heap (``tracemalloc``) of the same import on an
input four times larger: flat means about the same peak, growth means about four times.
The absolute figure for the whole process tree is a benchmark (``bench/bench_import_memory``),
not an assertion here.
"""

from __future__ import annotations

import csv
import random
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from catalog import importing
from catalog.cli import import_command
from catalog.importers import Rejection
from catalog.importers.marcxml import read_marcxml
from catalog.importing import import_files
from catalog.spill import KEEP_IN_MEMORY, Spilled

GROWTH = 1.6
"""Peak on 4 x the input over peak on 1 x: flat is ~1.0, keeping everything is ~4."""


def _peak(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _random_mrc(path: Path, size: int) -> Path:
    # Seeded so both sizes hold the same kind of garbage; 0x1D bytes make "records".
    path.write_bytes(random.Random(7).randbytes(size))
    return path


def _junk_xml(path: Path, elements: int) -> Path:
    body = "<junk a='1'>x</junk>" * elements
    path.write_text(f"<collection xmlns='http://www.loc.gov/MARC21/slim'>{body}</collection>")
    return path


def test_random_bytes_import_keeps_memory_flat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both sizes parsed in this process, where tracemalloc sees them (the worker path holds
    # a bounded number of batches on top: bench_import_memory measures the whole tree).
    monkeypatch.setattr(importing, "PARALLEL_MIN_BYTES", 1 << 40)
    small = _random_mrc(tmp_path / "s.mrc", 1 << 20)
    big = _random_mrc(tmp_path / "b.mrc", 4 << 20)
    reports = []

    def run(path: Path) -> Callable[[], object]:
        return lambda: reports.append(import_files(tmp_path / f"{path.stem}.db", [path]))

    ratio = _peak(run(big)) / _peak(run(small))
    assert len(reports[0].rejected) > 4 * KEEP_IN_MEMORY, "the input rejects too little"
    assert ratio < GROWTH, f"4 x the input took {ratio:.1f} x the memory"


def test_marcxml_of_non_record_elements_keeps_memory_flat(tmp_path: Path) -> None:
    small = _junk_xml(tmp_path / "s.xml", 50_000)
    big = _junk_xml(tmp_path / "b.xml", 200_000)
    ratio = _peak(lambda: list(read_marcxml(big))) / _peak(lambda: list(read_marcxml(small)))
    assert ratio < GROWTH, f"4 x the elements took {ratio:.1f} x the memory"


def test_a_huge_marcxml_record_is_refused_not_held(tmp_path: Path) -> None:
    text = "x" * 300_000
    path = tmp_path / "huge.xml"
    path.write_text(
        "<collection xmlns='http://www.loc.gov/MARC21/slim'><record>"
        "<leader>00000nam a2200000 a 4500</leader><controlfield tag='001'>h1</controlfield>"
        f"<datafield tag='245' ind1='1' ind2='0'><subfield code='a'>{text}</subfield>"
        "</datafield></record><record><leader>00000nam a2200000 a 4500</leader>"
        "<controlfield tag='001'>ok</controlfield><datafield tag='245' ind1='1' ind2='0'>"
        f"<subfield code='a'>{'y' * 20_000}</subfield></datafield></record></collection>"
    )
    first, second = list(read_marcxml(path))
    assert isinstance(first, Rejection) and "more than" in first.reason
    assert second.record.title == "y" * 9_999 and "cut" in second.notes[0]


def test_spilled_keeps_the_first_ones_and_counts_all() -> None:
    items = Spilled[int](keep=10)
    items.extend(range(25))
    assert len(items) == 25 and items.kept == list(range(10)) and items.spilled == 15
    assert list(items) == list(range(25)) and items == list(range(25))
    assert items[3] == 3 and items[-1] == 24


def test_every_rejection_reaches_the_report_file_but_not_the_terminal(tmp_path: Path) -> None:
    path = _random_mrc(tmp_path / "r.mrc", 1 << 20)
    report = tmp_path / "report.csv"
    result = CliRunner().invoke(
        import_command, [str(path), "--db", str(tmp_path / "c.db"), "--report", str(report)]
    )
    with open(report, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[1:]
    rejected = sum(1 for row in rows if row[0] == "rejected")
    assert rejected > KEEP_IN_MEMORY
    shown = [line for line in result.output.splitlines() if line.startswith("rejected: ")]
    assert len(shown) == KEEP_IN_MEMORY
    assert f"and {rejected - KEEP_IN_MEMORY} more rejections" in result.output
    assert f"{rejected} rejected" in result.output
