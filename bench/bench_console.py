"""Staff console figures: page times at a million items, and an upload against the CLI import.

The console runs as staff run it - ``talkcat console`` in its own process, real catalogue,
real health checks in the background - and is driven over HTTP from here.

- page time: the server's own time for each request, from the ``Server-Timing`` header the
  console adds to every response (request in -> response start), so the figure is the
  console's, not this client's; the client's round trip is reported beside it.  Dashboard,
  search and record pages (random items) on the shared 1,000,000-item catalogue; the first
  requests of each kind warm caches and are not counted.  Searches are what staff type, in
  turn (:data:`QUERY_KINDS`): a title word, two title words, a word as far as it was typed
  (two letters up to all but one), an author's surname (drawn as the catalogue's authors
  are: common ones more often), and an ISBN; mostly the first page, sometimes the second or
  third.  Every title word matches about one item in six (150,000+ at a million): the
  catalogue's worst case, not its average.  The p95 of each kind is reported beside the
  overall one, so a slow kind cannot hide in the mix.
- upload: a real-record MARC file (the import benchmark's, 100,000 records) uploaded through
  ``POST /import`` until the report is ready, against ``talkcat import`` of the same file
  into an empty catalogue, both wall time from outside; alternated, best of two each.
"""

from __future__ import annotations

import itertools
import random
import re
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from bench import catalogue_db
from bench.bench_catalog import build_marc_file
from kiosk.staff import hash_pin

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench password"
ROUNDS = 2


def _config(folder: Path, db: Path) -> Path:
    path = folder / "kiosk.toml"
    path.write_text(
        f'[kiosk]\ndb = "{db}"\n[staff]\npassword_hash = "{hash_pin(PASSWORD)}"\n'
        "[console]\nmax_upload_mb = 2048\n",
        encoding="utf-8",
    )
    return path


def _start(config: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "console", "--config", str(config),
         "--bind", "127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
    )
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    if selector.select(timeout=120):
        match = re.match(r"console listening on (\S+)", process.stdout.readline())
        if match:
            return process, match.group(1)
    process.kill()
    raise RuntimeError("talkcat console did not start")


def _stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def _login(client: httpx.Client) -> None:
    page = client.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    response = client.post("/login", data={"password": PASSWORD, "csrf": csrf})
    assert response.status_code == 200 and "Dashboard" in response.text, "login failed"


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _timed(client: httpx.Client, path: str, **params: str) -> tuple[float, float]:
    started = time.perf_counter()
    response = client.get(path, params=params)
    total = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (path, response.status_code)
    server = float(re.search(r"dur=([\d.]+)", response.headers["server-timing"]).group(1))  # type: ignore[union-attr]
    return server, total


def _typed(rng: random.Random, word: str) -> str:
    return word[: rng.randint(2, max(2, len(word) - 1))]


QUERY_KINDS: dict[str, Callable[[random.Random, int], str]] = {
    "word": lambda rng, _: rng.choice(catalogue_db.WORDS),
    "two words": lambda rng, _: " ".join(rng.sample(catalogue_db.WORDS, 2)),
    "prefix": lambda rng, _: _typed(rng, rng.choice(catalogue_db.WORDS)),
    "surname": lambda rng, _: catalogue_db.author(rng).split(",")[0],
    "ISBN": lambda rng, items: catalogue_db.isbn13(rng.randrange(items)),
}
"""What staff type into the search box, each kind in turn."""


def page_figures(
    items: int, requests: int
) -> tuple[dict[str, tuple[list[float], list[float]]], dict[str, list[float]]]:
    """Server and client times per page; and the search server times per query kind."""
    db = catalogue_db.shared(items)
    rng = random.Random(11)
    kinds = itertools.cycle(QUERY_KINDS.items())
    by_kind: dict[str, list[float]] = {kind: [] for kind in QUERY_KINDS}
    last_kind = [""]

    def query() -> str:
        kind, make = next(kinds)
        last_kind[0] = kind
        return make(rng, items)

    with tempfile.TemporaryDirectory(prefix="talkcat-bench-console-") as tmp:
        process, url = _start(_config(Path(tmp), db))
        try:
            with httpx.Client(base_url=url, timeout=120, follow_redirects=True) as client:
                _login(client)
                out: dict[str, tuple[list[float], list[float]]] = {}
                pages = {
                    "dashboard": lambda: ("/", {}),
                    "search": lambda: ("/search", {
                        "q": query(), "page": str(rng.choice((1, 1, 1, 2, 3))),
                    }),
                    "record": lambda: (f"/record/b{rng.randrange(items)}", {}),
                }
                for name, make in pages.items():
                    for _ in range(5):  # warm-up: caches, first counts
                        path, params = make()
                        _timed(client, path, **params)
                    server, total = [], []
                    for _ in range(requests):
                        path, params = make()
                        s, t = _timed(client, path, **params)
                        server.append(s)
                        total.append(t)
                        if name == "search":
                            by_kind[last_kind[0]].append(s)
                    out[name] = (server, total)
        finally:
            _stop(process)
    return out, by_kind


def _cli_import(db: Path, marc: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "kiosk", "import", str(marc), "--db", str(db)],
        check=True, capture_output=True, cwd=ROOT,
    )
    return time.perf_counter() - started


def _console_import(folder: Path, db: Path, marc: Path) -> float:
    process, url = _start(_config(folder, db))
    try:
        with httpx.Client(base_url=url, timeout=600, follow_redirects=True) as client:
            _login(client)
            csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/import").text).group(1)  # type: ignore[union-attr]
            started = time.perf_counter()
            with open(marc, "rb") as handle:
                response = client.post(
                    "/import", files={"file": (marc.name, handle)}, data={"csrf": csrf},
                    follow_redirects=False,
                )
            job = response.headers["location"]
            while client.get(job + "/progress.json").json()["running"]:
                time.sleep(0.02)  # polling as the page does; 20 ms granularity
            seconds = time.perf_counter() - started
            summary = client.get(job).text
            assert "added" in summary
    finally:
        _stop(process)
    return seconds


def upload_figures(records: int, rounds: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="talkcat-bench-upload-") as tmp:
        folder = Path(tmp)
        marc = folder / "upload.mrc"
        names = build_marc_file(marc, records)
        cli, console = [], []
        for round_ in range(rounds):
            db = folder / f"cli{round_}.db"
            cli.append(records / _cli_import(db, marc))
            db = folder / f"console{round_}.db"
            console.append(records / _console_import(folder, db, marc))
        return {"names": names, "cli": cli, "console": console,
                "mb": marc.stat().st_size / 1e6}


def run(quick: bool) -> list[dict]:
    items = 50_000 if quick else 1_000_000
    requests = 40 if quick else 300
    records = 2_000 if quick else 100_000
    rounds = 1 if quick else ROUNDS
    rows: list[dict] = []
    figures, by_kind = page_figures(items, requests)
    for name, (server, total) in figures.items():
        kinds = ""
        if name == "search":
            kinds = "; p95 by query: " + ", ".join(
                f"{kind} {_pct(times, 0.95):.1f}" for kind, times in by_kind.items() if times
            )
        rows.append({
            "figure": f"console {name} page at {items:,} items, server time ({requests} requests)",
            "value": round(_pct(server, 0.95), 1),
            "unit": "ms p95",
            "target": "<= 100 ms",
            "compare": f"median {_pct(server, 0.5):.1f} ms; client round trip p95"
                       f" {_pct(total, 0.95):.1f} ms{kinds}",
        })
    upload = upload_figures(records, rounds)
    cli, console = max(upload["cli"]), max(upload["console"])  # type: ignore[type-var]
    rows.append({
        "figure": f"console upload + import ({records:,} MARC records, {upload['mb']:.0f} MB:"
                  f" {upload['names']})",
        "value": round(console),
        "unit": "records/s",
        "target": ">= 0.9 x CLI import",
        "compare": f"talkcat import of the same file {cli:,.0f} records/s ="
                   f" {console / cli:.2f} x (best of {rounds} alternating runs each; console"
                   f" {' / '.join(f'{r:,.0f}' for r in upload['console'])}, CLI"  # type: ignore[attr-defined]
                   f" {' / '.join(f'{r:,.0f}' for r in upload['cli'])})",  # type: ignore[attr-defined]
    })
    return rows


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(row)
