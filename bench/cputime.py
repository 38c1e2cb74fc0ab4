"""CPU and wall time per desk search against hello-world, in-process: ``python -m bench.cputime [--rounds 3]``.

Flask's test client calls the bench app on the B7 dataset (PostgreSQL when ``BENCH_DATABASE_URL``
is set), signed in as the bench organiser; searches and hello-world alternate request by request,
each timed with ``time.process_time()`` (CPU of this process: what the app's Python costs, the
database's work left out) and ``time.perf_counter()``. CPU time barely moves with other load on
the machine, so this compares two versions of the search where gunicorn's p95 (B7) cannot.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from urllib.parse import quote

from bench.core import Context, percentile, postgres_url
from bench.generate import default_sqlite_url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cputime", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over the 400 queries (default 3)")
    parser.add_argument("--sqlite", action="store_true", help="use the SQLite dataset")
    args = parser.parse_args(argv)
    from bench.benchmarks.b7_checkin_search import queries
    from bench.wsgi_bench import create_bench_app

    ctx = Context(scale=1.0, sqlite_url=default_sqlite_url("bench-s1"), pg_url=None if args.sqlite else postgres_url(1.0),
                  log=lambda m: print(m, file=sys.stderr))
    url, counts = ctx.dataset(ctx.server_backend())
    client = create_bench_app(url).test_client()
    client.get("/bench/login/2")
    words = queries(2026, 400)
    path = f"/events/{counts.checkin_event_id}/checkin/search.json?q="
    for word in words[:40]:  # warm: statements prepared, templates and caches filled
        if client.get(path + quote(word)).status_code != 200:
            raise RuntimeError("the search did not answer 200")
        client.get("/bench/hello")
    times: dict[str, list[float]] = {"search cpu": [], "hello cpu": [], "search wall": [], "hello wall": []}
    for _round in range(args.rounds):
        for word in words:
            for name, target in (("search", path + quote(word)), ("hello", "/bench/hello")):
                cpu, wall = time.process_time(), time.perf_counter()
                client.get(target)
                times[f"{name} cpu"].append(time.process_time() - cpu)
                times[f"{name} wall"].append(time.perf_counter() - wall)
    print(f"{len(words) * args.rounds} searches and as many hello-worlds ({ctx.server_backend()}), ms per request:")
    for name, values in times.items():
        print(f"  {name:12s} mean {statistics.mean(values) * 1000:.3f}  p50 {percentile(values, 50) * 1000:.3f}"
              f"  p95 {percentile(values, 95) * 1000:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
