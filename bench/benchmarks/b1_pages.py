"""B1: public event list and detail pages under gunicorn, against hello-world in the same server.

The list is measured twice: as configured by default, where anonymous visitors share a
page rendered less than ``EVENT_LIST_CACHE_SECONDS`` (5) ago, and with that cache off,
which is what every rebuild of the page costs (the target is judged on the default).
"""

from __future__ import annotations

from bench.core import Context, FeatureMissing, Row, ratio
from bench.server import Gunicorn, load

TITLE = "event list / detail throughput"
TARGET = "list >= 0.35 x hello"
LIST_TARGET = 0.35


def throughput(port: int, path: str, duration: float, concurrency: int) -> tuple[float, int, list[str]]:
    result = load(port, lambda _i: ("GET", path, None, {}), concurrency=concurrency,
                  duration=duration, max_requests=200_000)
    return result.throughput, result.errors, result.error_samples


def run(ctx: Context) -> list[Row]:
    ctx.require_route("/events/")
    ctx.require_route("/events/<int:event_id>")
    backend = ctx.server_backend()
    url, counts = ctx.dataset(backend)
    if not counts.upcoming_event_ids:
        raise FeatureMissing("the dataset has no upcoming events")
    detail = f"/events/{counts.upcoming_event_ids[len(counts.upcoming_event_ids) // 2]}"
    duration = min(10.0, max(1.5, 10 * ctx.scale))
    rows: list[Row] = []
    for workers in (2, 4):
        concurrency = 4 * workers
        with Gunicorn(url, workers=workers) as server:
            for path in ("/bench/hello", "/events/", detail):  # warm every worker up
                load(server.port, lambda _i, p=path: ("GET", p, None, {}), concurrency=concurrency,
                     duration=0.5, max_requests=20 * workers)
            hello, hello_errors, _ = throughput(server.port, "/bench/hello", duration, concurrency)
            for label, path, target in (("event list /events/ (default: 5 s page cache)", "/events/", LIST_TARGET),
                                        ("event detail", detail, None)):
                value, errors, samples = throughput(server.port, path, duration, concurrency)
                r = ratio(value, hello)
                note = f"{errors} errors: {samples[:1]}" if errors else ""
                if hello_errors:
                    note += f" hello-world had {hello_errors} errors"
                rows.append(Row(
                    "B1", f"{label}, {workers} workers ({backend})", f"{value:,.0f} req/s",
                    f"{hello:,.0f} req/s hello", r,
                    f">= {target} x hello" if target else "(no target)",
                    (r is not None and r >= target and not errors) if target else None, note.strip(),
                    data={"workers": workers, "path": path, "rps": value, "hello_rps": hello,
                          "errors": errors, "duration_s": duration, "concurrency": concurrency},
                ))
        with Gunicorn(url, workers=workers, app_config={"EVENT_LIST_CACHE_SECONDS": 0}) as server:
            for path in ("/bench/hello", "/events/"):
                load(server.port, lambda _i, p=path: ("GET", p, None, {}), concurrency=concurrency,
                     duration=0.5, max_requests=20 * workers)
            hello, _, _ = throughput(server.port, "/bench/hello", duration, concurrency)
            value, errors, samples = throughput(server.port, "/events/", duration, concurrency)
            r = ratio(value, hello)
            rows.append(Row(
                "B1", f"event list, page cache off, {workers} workers ({backend})", f"{value:,.0f} req/s",
                f"{hello:,.0f} req/s hello", r, "(no target: the cost of a rebuild)", None,
                f"{errors} errors: {samples[:1]}" if errors else "",
                data={"workers": workers, "path": "/events/", "rps": value, "hello_rps": hello, "errors": errors,
                      "duration_s": duration, "concurrency": concurrency, "EVENT_LIST_CACHE_SECONDS": 0},
            ))
    return rows
