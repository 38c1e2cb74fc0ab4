"""Profile the product side of a benchmark with pyinstrument: ``python -m bench.profile B3 [--scale 0.1]``.

Runs in-process (test client for pages) on the same datasets as the
benchmarks and writes the call tree to bench/data/profile-<B>.txt (and prints
it). Use it to see why a target is missed.
"""

from __future__ import annotations

import argparse
import sys
from urllib.parse import quote

from bench.core import DATA_DIR, Context, postgres_url
from bench.generate import default_sqlite_url


def _pages(ctx: Context):
    from bench.wsgi_bench import create_bench_app

    url, counts = ctx.dataset(ctx.server_backend())
    client = create_bench_app(url).test_client()
    detail = f"/events/{counts.upcoming_event_ids[len(counts.upcoming_event_ids) // 2]}"
    client.get("/events/")

    def work():
        for _ in range(40):
            client.get("/events/")
            client.get(detail)
    return work


def _registration(ctx: Context):
    from bench.benchmarks.b2_registration import form, hide_event, make_burst_event
    from bench.wsgi_bench import create_bench_app

    url, counts = ctx.dataset("postgresql" if ctx.pg_url else "sqlite")
    event_id = make_burst_event(url, 25, counts.upcoming_event_ids[0])
    client = create_bench_app(url).test_client()

    def work():
        for i in range(50):
            client.post(f"/events/{event_id}/register", data=form(i, f"p{event_id}").decode(),
                        content_type="application/x-www-form-urlencoded")
        hide_event(url, event_id)
    return work


def _report(ctx: Context):
    from bench.generate import make_app
    from eventsapp.reports.aggregate import ReportScope
    from eventsapp.reports.build import build_report

    url, counts = ctx.dataset(ctx.profile_backend)
    app = make_app(url, CHECK_DATABASE_ON_START=False)

    def work():
        with app.app_context():
            build_report(ReportScope(programme_id=counts.programme_id))
    return work


def _pdf(ctx: Context):
    from bench.generate import Sizes, ensure_dataset, make_app
    from eventsapp.checkin.pdf import render_sign_in_sheet
    from eventsapp.extensions import db
    from eventsapp.models import Event

    n = ctx.n(10_000, minimum=100)
    url = ctx.sqlite_path("b4-10000")
    counts = ensure_dataset(url, Sizes(organisations=500, people=int(n * 1.25) + 10, events=4,
                                       attendances=10, checkin_registrations=n, upcoming_per_event=2))
    app = make_app(url, CHECK_DATABASE_ON_START=False)

    def work():
        with app.app_context(), app.test_request_context():
            render_sign_in_sheet(db.session.get(Event, counts.checkin_event_id), blank_rows=0)
    return work


def _import(ctx: Context):
    from bench.benchmarks.b5_import import copy_database, write_csv
    from bench.generate import Sizes, ensure_dataset, make_app
    from eventsapp.imports.services import commit_import
    from eventsapp.imports.summary import ImportTarget

    base = ctx.sqlite_path("b5-base")
    counts = ensure_dataset(base, Sizes(organisations=2000, people=2000, events=4, attendances=2000,
                                        checkin_registrations=10, upcoming_per_event=5))
    n = ctx.n(10_000, minimum=200)
    csv_path = DATA_DIR / f"b5-{n}.csv"
    if not csv_path.exists():
        write_csv(csv_path, n, counts.organisations)
    app = make_app(copy_database(base, DATA_DIR / "b5-work-profile.db"), CHECK_DATABASE_ON_START=False)

    def work():
        with app.app_context():
            commit_import(csv_path, ImportTarget(event_id=1))
    return work


def _search(ctx: Context):
    from bench.benchmarks.b7_checkin_search import queries
    from bench.wsgi_bench import create_bench_app

    url, counts = ctx.dataset(ctx.server_backend())
    client = create_bench_app(url).test_client()
    client.get("/bench/login/2")
    words = queries(2026, 100)

    def work():
        for word in words:
            client.get(f"/events/{counts.checkin_event_id}/checkin/search.json?q={quote(word)}")
    return work


PROFILES = {"B1": _pages, "B2": _registration, "B3": _report, "B4": _pdf, "B5": _import, "B7": _search}


def main(argv: list[str] | None = None) -> int:
    from pyinstrument import Profiler

    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("benchmark", choices=sorted(PROFILES))
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite",
                        help="for B3 (the others use the benchmark's own backend)")
    args = parser.parse_args(argv)
    pg = postgres_url(args.scale)
    ctx = Context(scale=args.scale, sqlite_url=default_sqlite_url(f"bench-s{args.scale:g}"), pg_url=pg,
                  log=lambda m: print(m, file=sys.stderr))
    ctx.profile_backend = args.backend  # type: ignore[attr-defined]
    work = PROFILES[args.benchmark](ctx)
    profiler = Profiler(interval=0.002)
    profiler.start()
    work()
    profiler.stop()
    text = profiler.output_text(unicode=False, color=False, show_all=False)
    out = DATA_DIR / f"profile-{args.benchmark}.txt"
    out.write_text(text)
    print(text)
    print(f"(written to {out})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
