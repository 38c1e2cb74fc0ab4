"""Where a request's time goes, by cProfile: ``python -m bench.cprofile B2|B7 [--scale 1] [--requests 200]``.

In-process (Flask's test client) on the benchmark's own dataset. Prints the functions with the
most cumulative time per request, as a share of the whole, leaving out the frames every request
passes through (Flask's dispatch, the WSGI app, Werkzeug's test client): those say nothing about
where the time goes. B2 prints this next to its ratio (:func:`registration_profile`).

``--orm-user`` (B7) loads the signed-in user through the ORM as every other view does, to
compare with the desk's Core loader (:mod:`eventsapp.auth.session_user`).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from bench.core import Context, postgres_url
from bench.generate import default_sqlite_url

#: Frames a share this close to the whole are the request's envelope, not where its time goes.
ENVELOPE = 0.9
#: A frame within this share of the one listed before it, called as often, is the same time (a wrapper).
SAME = 0.015


@dataclass(frozen=True)
class Hotspot:
    """One function's cumulative time, per request and as a share of the profiled total."""

    function: str
    ms_per_request: float
    share: float
    calls_per_request: float

    def line(self) -> str:
        return (f"{self.share * 100:5.1f} %  {self.ms_per_request:6.2f} ms  "
                f"{self.calls_per_request:6.1f} calls  {self.function}")


def short_name(key: tuple[str, int, str]) -> str:
    filename, line, name = key
    if filename == "~":
        return name  # a built-in, e.g. <method 'execute' of 'psycopg...'>
    path = Path(filename)
    parts = path.parts
    for anchor in ("eventsapp", "site-packages", "bench", "lib"):
        if anchor in parts:
            index = len(parts) - 1 - parts[::-1].index(anchor)
            rest = parts[index + 1:] if anchor in ("site-packages", "lib") else parts[index:]
            return f"{'/'.join(rest)}:{line}({name})"
    return f"{path.name}:{line}({name})"


def hotspots(stats: pstats.Stats, requests: int, top: int = 15, total: float | None = None) -> list[Hotspot]:
    """The ``top`` functions by cumulative time, below the request's envelope (see :data:`ENVELOPE`)."""
    entries = stats.stats  # {(file, line, name): (primitive calls, calls, tottime, cumtime, callers)}
    total = total or max((cum for _p, _c, _t, cum, _callers in entries.values()), default=0.0)
    if not total:
        return []
    ranked = sorted(entries.items(), key=lambda item: item[1][3], reverse=True)
    out: list[Hotspot] = []
    previous: tuple[float, int] | None = None
    for key, (_primitive, calls, _tottime, cumtime, _callers) in ranked:
        if cumtime >= total * ENVELOPE or key[2] in ("<module>", "work"):
            continue
        # a chain of wrappers (execute -> _execute_on_connection -> ...) is one line: its outermost
        if previous and calls == previous[1] and previous[0] - cumtime < total * SAME:
            continue
        previous = (cumtime, calls)
        out.append(Hotspot(short_name(key), cumtime * 1000 / requests, cumtime / total, calls / requests))
        if len(out) == top:
            break
    return out


def profile(work: Callable[[], int], top: int = 15) -> tuple[list[Hotspot], float]:
    """Run ``work`` (which returns how many requests it made) under cProfile: (hotspots, ms per request).

    Shares are of the time inside Flask's ``wsgi_app``. The time per request is wall time with the profiler on, which inflates Python-heavy code
    more than database waits; read the shares, not the milliseconds, against other runs.
    """
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    requests = work()
    profiler.disable()
    elapsed = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    in_app = app_time(stats) or elapsed
    return hotspots(stats, requests, top, total=in_app), in_app * 1000 / max(1, requests)


def app_time(stats: pstats.Stats) -> float:
    """Seconds inside Flask's ``wsgi_app`` (the test client's own work left out)."""
    return max((cum for (filename, _line, name), (_p, _c, _t, cum, _callers) in stats.stats.items()
                if name == "wsgi_app" and filename.endswith(("flask/app.py", "flask\\app.py"))), default=0.0)


def registration_work(url: str, source_event_id: int, posts: int = 60,
                      app_config: dict | None = None) -> Callable[[], int]:
    """``posts`` registration POSTs for a fresh event (capacity half of them), in-process."""
    from bench.benchmarks.b2_registration import form, hide_event, make_burst_event
    from bench.wsgi_bench import create_bench_app

    event_id = make_burst_event(url, posts // 2, source_event_id)
    client = create_bench_app(url, **(app_config or {})).test_client()
    client.get(f"/events/{event_id}")  # warm: templates compiled, caches filled
    path = f"/events/{event_id}/register"

    def work() -> int:
        try:
            for i in range(posts):
                response = client.post(path, data=form(i, f"prof{event_id}"),
                                       content_type="application/x-www-form-urlencoded")
                if response.status_code not in (302, 303):
                    raise RuntimeError(f"registration answered {response.status_code}")
        finally:
            hide_event(url, event_id)
        return posts
    return work


def registration_profile(url: str, source_event_id: int, posts: int = 60, top: int = 12,
                         app_config: dict | None = None) -> tuple[list[Hotspot], float]:
    """cProfile of ``posts`` registration POSTs (B2 prints it next to its ratio)."""
    return profile(registration_work(url, source_event_id, posts, app_config), top)


def search_work(url: str, checkin_event_id: int, requests: int = 300, orm_user: bool = False) -> Callable[[], int]:
    """``requests`` desk searches by the bench organiser, in-process (see :mod:`bench.benchmarks.b7_checkin_search`)."""
    from bench.benchmarks.b7_checkin_search import queries
    from bench.wsgi_bench import create_bench_app

    if orm_user:
        import eventsapp.auth.services as auth_services

        auth_services.current_view_needs_only_facts = lambda: False
    client = create_bench_app(url).test_client()
    client.get("/bench/login/2")
    words = queries(2026, requests)
    path = f"/events/{checkin_event_id}/checkin/search.json?q="
    for word in words[:20]:
        client.get(path + quote(word))  # warm: statements prepared, keys checked

    def work() -> int:
        for word in words:
            response = client.get(path + quote(word))
            if response.status_code != 200:
                raise RuntimeError(f"search answered {response.status_code}")
        return len(words)
    return work


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cprofile", description=__doc__.split("\n\n")[0])
    parser.add_argument("benchmark", choices=("B2", "B7"))
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=0, help="default: 60 POSTs (B2), 300 searches (B7)")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--orm-user", action="store_true", help="B7: load the user through the ORM (before)")
    parser.add_argument("--sqlite", action="store_true", help="use the SQLite dataset")
    args = parser.parse_args(argv)
    pg = None if args.sqlite else postgres_url(args.scale)
    ctx = Context(scale=args.scale, sqlite_url=default_sqlite_url(f"bench-s{args.scale:g}"), pg_url=pg,
                  log=lambda m: print(m, file=sys.stderr))
    url, counts = ctx.dataset(ctx.server_backend())
    if args.benchmark == "B2":
        from bench.benchmarks.b2_registration import usable_broker

        broker = usable_broker()
        work = registration_work(url, counts.upcoming_event_ids[0], args.requests or 60,
                                 {"CELERY_BROKER_URL": broker} if broker else {})
    else:
        work = search_work(url, counts.checkin_event_id, args.requests or 300, orm_user=args.orm_user)
    spots, per_request = profile(work, args.top)
    print(f"{args.benchmark} ({ctx.server_backend()}): {per_request:.2f} ms per request under cProfile")
    print("share    per request  calls  function (cumulative)")
    for spot in spots:
        print(spot.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
