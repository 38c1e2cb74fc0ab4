"""``make bench`` / ``python -m bench [B1 B3 ...] [--scale 0.1]``: run benchmarks, print one table.

Every measurement is a ratio against a baseline measured side by side in the
same run (the machines are shared and noisy; absolute times mean little).
Results also go to bench/results.json. The exit status is 0 whether or not
targets are met: benchmarks never decide whether anything "passes".
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
import traceback
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from bench.core import DATA_DIR, MISSING, Context, FeatureMissing, Row, postgres_url
from bench.generate import default_sqlite_url

BENCHMARKS = {
    "B1": "bench.benchmarks.b1_pages",
    "B2": "bench.benchmarks.b2_registration",
    "B3": "bench.benchmarks.b3_report",
    "B4": "bench.benchmarks.b4_pdf",
    "B5": "bench.benchmarks.b5_import",
    "B6": "bench.benchmarks.b6_export",
    "B7": "bench.benchmarks.b7_checkin_search",
    "B8": "bench.benchmarks.b8_ical",
    "B9": "bench.benchmarks.b9_event_size",
    "B10": "bench.benchmarks.b10_peer",
}
RESULTS = Path(__file__).resolve().parent / "results.json"
README = Path(__file__).resolve().parent / "README.md"
#: The project README's performance section carries the same table.
PROJECT_README = Path(__file__).resolve().parent.parent / "README.md"
HEADERS = ("benchmark", "measurement", "value", "baseline", "ratio", "target", "met?")


def run_benchmark(key: str, ctx: Context) -> list[Row]:
    module = importlib.import_module(BENCHMARKS[key])
    try:
        return module.run(ctx)
    except FeatureMissing as missing:
        return [Row.missing(key, module.TITLE, getattr(module, "TARGET", ""), str(missing))]
    except Exception as error:  # noqa: BLE001  (one broken benchmark never stops the others)
        traceback.print_exc()
        return [Row.failed(key, module.TITLE, f"{type(error).__name__}: {error}", getattr(module, "TARGET", ""))]


def cells(row: Row) -> tuple[str, ...]:
    ratio = "" if row.ratio is None else f"{row.ratio:.2f}"
    met = {True: "yes", False: "NO", None: "-"}[row.met]
    if row.value == MISSING:
        met = "-"
    return (row.benchmark, row.measurement, row.value, row.baseline, ratio, row.target, met)


def render_table(rows: list[Row], markdown: bool = False) -> str:
    table = [HEADERS] + [cells(row) for row in rows]
    if markdown:
        lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in line) + " |" for line in table[1:]]
        return "\n".join(lines)
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    out = []
    for n, line in enumerate(table):
        out.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def update_readme(sources: list[Path], readmes: tuple[Path, ...] = (README, PROJECT_README)) -> None:
    """Put the table from one or more results files into bench/README.md and the project README
    (between their markers).

    With several files, a later file's rows replace an earlier one's for the same benchmark.
    """
    by_benchmark: dict[str, list[Row]] = {}
    runs = []
    for source in sources:
        results = json.loads(source.read_text())
        fresh: dict[str, list[Row]] = {}
        for row in results["rows"]:
            fresh.setdefault(row["benchmark"], []).append(Row(**row))
        by_benchmark.update(fresh)
        where = "PostgreSQL and SQLite" if results["postgresql"] else "SQLite only"
        runs.append(f"{', '.join(sorted(fresh))}: run at {results['run_at']} (UTC), scale {results['scale']:g}, "
                    f"{where}, Python {results['python']}, {results['seconds'] / 60:.0f} minutes.")
    rows = [row for key in sorted(by_benchmark, key=lambda b: int(b[1:])) for row in by_benchmark[key]]
    table = render_table(rows, markdown=True)
    notes = [f"- **{row.benchmark}** {row.measurement}: {row.note}" for row in rows if row.note]
    block = "\n\n".join(part for part in ("\n".join(f"- {run}" for run in runs), table, "\n".join(notes)) if part)
    start, end = "<!-- TABLE:START -->", "<!-- TABLE:END -->"
    for readme in readmes:
        text = readme.read_text()
        before, rest = text.split(start, 1)
        _old, after = rest.split(end, 1)
        readme.write_text(f"{before}{start}\n{block}\n{end}{after}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("benchmarks", nargs="*", metavar="B1..B10", help="which to run (default: all)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the issue's data sizes and load durations (default 1)")
    parser.add_argument("--no-postgres", action="store_true", help="skip PostgreSQL measurements")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--update-readme", nargs="*", metavar="RESULTS_JSON", type=Path,
                        help="only copy the table of these results files (default bench/results.json) "
                             "into bench/README.md and README.md")
    args = parser.parse_args(argv)
    if args.update_readme is not None:
        update_readme(args.update_readme or [RESULTS])
        return 0
    selected = [b.upper() for b in args.benchmarks] or list(BENCHMARKS)
    unknown = [b for b in selected if b not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")

    def log(message: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    pg = None if args.no_postgres else postgres_url(args.scale)
    if pg is None:
        log("PostgreSQL: not used (set BENCH_DATABASE_URL or createdb bench_eventsapp)")
    ctx = Context(scale=args.scale, sqlite_url=default_sqlite_url(f"bench-s{args.scale:g}"), pg_url=pg, log=log)

    rows: list[Row] = []
    started = time.perf_counter()
    for key in selected:
        log(f"{key} ...")
        began = time.perf_counter()
        new_rows = run_benchmark(key, ctx)
        rows += new_rows
        log(f"{key} done in {time.perf_counter() - began:.1f} s")
        for row in new_rows:
            log("  " + " | ".join(c for c in cells(row) if c))

    print(render_table(rows, markdown=args.markdown))
    notes = [f"{row.benchmark} {row.measurement}: {row.note}" for row in rows if row.note]
    if notes:
        print("\nNotes:")
        for note in notes:
            print(f"- {note}")
    results = json.dumps({
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "scale": args.scale,
        "postgresql": bool(pg),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {platform.node()}",
        "seconds": round(time.perf_counter() - started, 1),
        "rows": [asdict(row) for row in rows],
    }, indent=1, default=str)
    RESULTS.write_text(results)
    # a copy per run, which later (smaller) runs by others do not overwrite
    keep = DATA_DIR / f"results-s{args.scale:g}-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    keep.write_text(results)
    print(f"\n({len(rows)} rows, {time.perf_counter() - started:.0f} s; written to {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
