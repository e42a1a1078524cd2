"""Import memory on hostile input: peak RSS of the whole ``talkcat import`` process tree.

    python -m bench --only import_memory [--quick]

Inputs an outside tester used: random bytes saved as ``.mrc`` (millions of "records", every
one rejected: 805 MB peak when each rejection was kept in a list) and a MARCXML file of a
million elements that are not records (483 MB when the element tree was kept).  Each is
imported by the real command in a child process; this process samples the resident memory
of that child and all its descendants (parse workers, resource tracker) from ``/proc`` every
20 ms and reports the largest sum seen.  The comparison figure is the same tree importing
the real records of ``../shared`` (or the fixtures): a flat import costs about the same.
Target: <= 200 MB whatever the input.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_SECONDS = 0.02
TARGET_MB = 200


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _tree(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree = {root}
    frontier = {root}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - tree
        tree |= frontier
    return tree


def peak_tree_rss_mb(args: list[str]) -> tuple[float, float]:
    """Run ``talkcat`` with ``args``; return (peak RSS of its process tree in MB, seconds)."""
    command = [sys.executable, "-c", "from kiosk.cli import main; main()", *args]
    started = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    peak = 0
    while child.poll() is None:
        peak = max(peak, sum(_rss_kb(pid) for pid in _tree(child.pid)))
        time.sleep(SAMPLE_SECONDS)  # sampling interval of a measurement, not a wait
    return peak / 1024, time.perf_counter() - started


def _random_mrc(path: Path, megabytes: int) -> Path:
    block = 1 << 20
    with open(path, "wb") as out:
        for _ in range(megabytes):
            out.write(os.urandom(block))
    return path


def _non_records_xml(path: Path, elements: int) -> Path:
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0"?>\n<collection xmlns="http://www.loc.gov/MARC21/slim">\n')
        chunk = "<junk>x</junk>\n" * 10_000
        for _ in range(elements // 10_000):
            out.write(chunk)
        out.write("</collection>\n")
    return path


def _real_records() -> Path:
    shared = ROOT.parent / "shared" / "data" / "marc" / "koha_sample_436_952.mrc"
    return shared if shared.exists() else ROOT / "tests" / "fixtures" / "libris_bib_28.mrc"


def run(quick: bool) -> list[dict]:
    """Rows ``{figure, value, unit, target, compare}`` for the bench table."""
    if not Path("/proc/self/status").exists():
        return []
    random_mb = 8 if quick else 500
    elements = 100_000 if quick else 1_000_000
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="talkcat-bench-mem-") as tmp:
        folder = Path(tmp)
        baseline, _ = peak_tree_rss_mb(
            ["import", str(_real_records()), "--db", str(folder / "real.db")]
        )
        cases = (
            (f"{random_mb} MB of random bytes as .mrc", _random_mrc(folder / "r.mrc", random_mb)),
            (f"MARCXML of {elements:,} non-record elements",
             _non_records_xml(folder / "x.xml", elements)),
        )  # fmt: skip
        for name, path in cases:
            peak, seconds = peak_tree_rss_mb(
                ["import", str(path), "--db", str(folder / "h.db"), "--report",
                 str(folder / "report.csv")]
            )  # fmt: skip
            rows.append(
                {
                    "figure": f"import peak RSS, process tree ({name})",
                    "value": round(peak, 1),
                    "unit": "MB",
                    "target": f"<= {TARGET_MB} MB",
                    "compare": f"real records {baseline:.1f} MB; {seconds:.0f} s,"
                    f" report {(folder / 'report.csv').stat().st_size / 1e6:.0f} MB on disk",
                }
            )
            path.unlink()
    return rows
