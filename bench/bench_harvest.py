"""Harvest benchmark: OAI-PMH harvest rate against importing the same records as MARCXML.

    python bench/bench_harvest.py [--quick]

The same real records as the import benchmark (Libris, Fennica, Koha from ``../shared``, the
project's CC0 fixtures when it is absent), repeated to 100,000 with fresh 001s and 952$p
barcodes, written as one MARCXML file.  A real OAI-PMH server (the ``oaipmh`` package's, the
one the tests use) serves that file on loopback in its own process, 500 records a page.  Each
run is a child process on a fresh catalogue, so its peak memory is its own: ``talkcat
import`` of the file, and the harvest of the same records, alternated twice each, best of
each compared.  Beside the rates, each run's CPU seconds per record (and the server's during
the harvest): on a shared machine the wall-clock rates move with the load, the CPU cost much
less.  Memory flatness: the harvest's peak RSS at a tenth of the records beside the full
run's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pymarc  # noqa: E402

from bench.bench_catalog import _source_records  # noqa: E402

ROUNDS = 2
BATCH = 500

_IMPORT = """
import json, resource, sys, time
from catalog.importing import import_files
started = time.perf_counter()
report = import_files(sys.argv[1], [sys.argv[2]])
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - started, "records": report.added,
                  "cpu": usage.ru_utime + usage.ru_stime, "rss_kb": usage.ru_maxrss}))
"""

_HARVEST = """
import json, resource, sys, time
from catalog.harvest import harvest
started = time.perf_counter()
report = harvest(sys.argv[1], sys.argv[2])
assert report.complete, report.problem
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - started, "records": report.added,
                  "pages": report.pages, "cpu": usage.ru_utime + usage.ru_stime,
                  "rss_kb": usage.ru_maxrss}))
"""


def _templates() -> tuple[list[bytes], str]:
    """Each source record as MARCXML with placeholders for its 001 and 952$p barcodes."""
    records, names = _source_records()
    out = []
    for record in records:
        for field in record.get_fields("001"):
            field.data = "@ID@"
        if not record.get_fields("001"):
            record.add_ordered_field(pymarc.Field(tag="001", data="@ID@"))
        for field in record.get_fields("952"):
            for index, sub in enumerate(field.subfields):
                if sub.code == "p":
                    field.subfields[index] = pymarc.Subfield("p", "@BC@")
        out.append(pymarc.record_to_xml(record))
    return out, names


def build_marcxml(path: Path, count: int) -> str:
    """``count`` records cycling through the real ones, each with a fresh 001 and fresh
    barcodes (as the import benchmark makes them), as one MARCXML collection."""
    templates, names = _templates()
    with open(path, "wb") as out:
        out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(b'<collection xmlns="http://www.loc.gov/MARC21/slim">\n')
        for i in range(count):
            rep = i // len(templates)
            record = templates[i % len(templates)]
            record = record.replace(b"@ID@", f"b{rep}-{i}".encode())
            record = record.replace(b"@BC@", f"B{rep:04d}{i:07d}".encode())
            out.write(record + b"\n")
        out.write(b"</collection>\n")
    return names


def _child(code: str, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


class Server:
    """``python -m tests.catalog.oai_server FILE`` in its own process."""

    def __init__(self, collection: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.catalog.oai_server", str(collection),
             "--batch", str(BATCH)],
            stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http"):
            self.close()
            raise RuntimeError("the OAI-PMH server did not start")

    def cpu(self) -> float:
        """CPU seconds the server process has used so far (Linux ``/proc``; 0 elsewhere)."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


def _fresh(db: Path) -> Path:
    for leftover in db.parent.glob(f"{db.name}*"):
        leftover.unlink()
    return db


def run(quick: bool) -> list[dict]:
    records = 1_000 if quick else 100_000
    small = max(records // 10, 2 * BATCH)  # several pages either way: memory is per page
    rounds = 1 if quick else ROUNDS
    with tempfile.TemporaryDirectory(prefix="talkcat-bench-harvest-") as tmp:
        folder = Path(tmp)
        collection = folder / "bench.xml"
        names = build_marcxml(collection, records)
        little = folder / "small.xml"
        build_marcxml(little, small)
        imports: list[dict] = []
        harvests: list[dict] = []
        server = Server(collection)
        try:
            for _round in range(rounds):
                imports.append(_child(_IMPORT, str(_fresh(folder / "i.db")), str(collection)))
                before = server.cpu()
                harvests.append(_child(_HARVEST, str(_fresh(folder / "h.db")), server.url))
                harvests[-1]["server_cpu"] = server.cpu() - before
        finally:
            server.close()
        server = Server(little)
        try:
            small_run = _child(_HARVEST, str(_fresh(folder / "s.db")), server.url)
        finally:
            server.close()
    for run_ in harvests:  # exactly what the import of the file loaded
        assert run_["records"] == imports[0]["records"], (run_, imports[0])
    import_rates = [r["records"] / r["seconds"] for r in imports]
    harvest_rates = [r["records"] / r["seconds"] for r in harvests]
    best_import, best_harvest = max(import_rates), max(harvest_rates)
    runs = " / ".join(f"{r:,.0f}" for r in harvest_rates)
    import_runs = " / ".join(f"{r:,.0f}" for r in import_rates)
    peak = max(r["rss_kb"] for r in harvests) / 1024

    def per_record(runs: list[dict], key: str) -> str:
        return " / ".join(f"{r[key] * 1000 / r['records']:.2f}" for r in runs)

    return [
        {
            "figure": f"harvest rate, OAI-PMH on loopback ({records:,} records: {names};"
            f" {BATCH} a page)",
            "value": round(best_harvest),
            "unit": "records/s",
            "target": ">= 0.8 x import of the same MARCXML",
            "compare": f"import of the same records as one MARCXML file {best_import:,.0f}"
            f" records/s = {best_harvest / best_import:.2f} x (best of {rounds} alternating"
            f" runs each; harvest {runs}, import {import_runs})",
        },
        {
            "figure": "harvest CPU per record (the harvesting process; load moves it less than"
            " the rates)",
            "value": round(min(r["cpu"] * 1000 / r["records"] for r in harvests), 2),
            "unit": "ms",
            "target": "<= the import's",
            "compare": f"import {per_record(imports, 'cpu')} ms; harvest"
            f" {per_record(harvests, 'cpu')} ms, plus the OAI-PMH server's"
            f" {per_record(harvests, 'server_cpu')} ms",
        },
        {
            "figure": "harvest peak memory (RSS of the harvesting process)",
            "value": round(peak, 1),
            "unit": "MB",
            "target": "flat in the number of records",
            "compare": f"{small_run['rss_kb'] / 1024:.1f} MB harvesting {small:,} records;"
            f" import of the file {max(r['rss_kb'] for r in imports) / 1024:.1f} MB",
        },
    ]


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(json.dumps(row, ensure_ascii=False))
