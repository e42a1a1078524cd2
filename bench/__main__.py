"""Run every benchmark module, print one table, write ``bench/results.json``.

Each module exposes ``run(quick: bool) -> list[dict]`` with rows
``{"figure", "value", "unit", "target", "compare"}``; ``compare`` is the comparison figure
measured in the same run, so a number is never read without its yardstick.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

MODULES = (
    "bench.bench_kiosk", "bench.bench_availability", "bench.bench_speech", "bench.bench_heard",
    "bench.bench_catalog", "bench.bench_harvest", "bench.bench_console",
    "bench.bench_import_memory",
)


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute")
    parser.add_argument("--only", action="append", help="run only modules containing this")
    parser.add_argument("--output", default=str(Path(__file__).with_name("results.json")))
    args = parser.parse_args(argv)
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    rows: list[dict] = []
    failed = []
    for name in MODULES:
        if args.only and not any(o in name for o in args.only):
            continue
        started = time.monotonic()
        try:
            module = importlib.import_module(name)
            for row in module.run(quick=args.quick):
                rows.append({"module": name.split(".")[-1], **row})
        except Exception:
            traceback.print_exc()
            failed.append(name)
        print(f"# {name}: {time.monotonic() - started:.1f} s", file=sys.stderr)
    header = ("figure", "value", "unit", "target", "compare")
    widths = [max(len(h), *(len(str(r.get(h, ""))) for r in rows)) for h in header] if rows else []
    print(f"Machine: {machine()}; mode: {'quick' if args.quick else 'full'}")
    if rows:
        print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
        print("-+-".join("-" * w for w in widths))
        for row in rows:
            cells = (str(row.get(h, "")) for h in header)
            print(" | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)))
    Path(args.output).write_text(
        json.dumps({"machine": machine(), "quick": args.quick, "rows": rows}, indent=2,
                   ensure_ascii=False),
        encoding="utf-8",
    )
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
