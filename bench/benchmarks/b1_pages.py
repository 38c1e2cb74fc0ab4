"""B1: public event list and detail pages under gunicorn, against hello-world in the same server.

The list is measured twice: as configured by default, where anonymous visitors share a
page rendered less than ``EVENT_LIST_CACHE_SECONDS`` (5) ago, and with that cache off,
which is what every rebuild of the page costs (the target is judged on the default).
"""

from __future__ import annotations

from bench.core import Context, FeatureMissing, Row, ratio
from bench.server import Gunicorn, load

TITLE = "event list / detail throughput"
TARGET = "list >= 0.35 x hello, event page >= 0.30 x hello"
LIST_TARGET = 0.35
#: The public event page, as configured (anonymous visitors share a page up to 5 s old).
DETAIL_TARGET = 0.30


#: Rounds of (hello, pages), alternating; the best of each is compared.
ROUNDS = 2


def throughput(port: int, path: str, duration: float, concurrency: int) -> tuple[float, int, list[str]]:
    result = load(port, lambda _i: ("GET", path, None, {}), concurrency=concurrency,
                  duration=duration, max_requests=200_000)
    return result.throughput, result.errors, result.error_samples


def measure_pages(url: str, workers: int, paths: list[str], duration: float, app_config: dict | None = None):
    """Best throughput of hello-world and of each path over alternating rounds:
    {path: (req/s, errors, error samples)}."""
    concurrency = 4 * workers
    best: dict[str, tuple[float, int, list[str]]] = {}
    with Gunicorn(url, workers=workers, app_config=app_config) as server:
        for path in ("/bench/hello", *paths):  # warm every worker up
            load(server.port, lambda _i, p=path: ("GET", p, None, {}), concurrency=concurrency,
                 duration=0.5, max_requests=20 * workers)
        for _round in range(ROUNDS):
            for path in ("/bench/hello", *paths):
                value, errors, samples = throughput(server.port, path, duration, concurrency)
                previous = best.get(path)
                best[path] = (max(value, previous[0]) if previous else value,
                              errors + (previous[1] if previous else 0),
                              (previous[2] if previous else []) + samples)
    return best


def run(ctx: Context) -> list[Row]:
    ctx.require_route("/events/")
    ctx.require_route("/events/<int:event_id>")
    backend = ctx.server_backend()
    url, counts = ctx.dataset(backend)
    if not counts.upcoming_event_ids:
        raise FeatureMissing("the dataset has no upcoming events")
    detail = f"/events/{counts.upcoming_event_ids[len(counts.upcoming_event_ids) // 2]}"
    duration = min(8.0, max(1.5, 8 * ctx.scale))
    rows: list[Row] = []
    for workers in (2, 4):
        cached = measure_pages(url, workers, ["/events/", detail], duration)
        uncached = measure_pages(url, workers, ["/events/"], duration, {"EVENT_LIST_CACHE_SECONDS": 0})
        for label, result, path, target in (
            ("event list /events/ (default: 5 s page cache)", cached, "/events/", LIST_TARGET),
            ("event page (default: 5 s page cache for anonymous visitors)", cached, detail, DETAIL_TARGET),
            ("event list, page cache off", uncached, "/events/", None),
        ):
            hello, hello_errors, _ = result["/bench/hello"]
            value, errors, samples = result[path]
            r = ratio(value, hello)
            note = f"{errors} errors: {samples[:1]}" if errors else ""
            if hello_errors:
                note += f" hello-world had {hello_errors} errors"
            rows.append(Row(
                "B1", f"{label}, {workers} workers ({backend})", f"{value:,.0f} req/s",
                f"{hello:,.0f} req/s hello", r,
                f">= {target} x hello" if target else
                ("(no target: what a rebuild costs)" if result is uncached else "(no target)"),
                (r is not None and r >= target and not errors) if target else None,
                (note.strip() + f" best of {ROUNDS} alternating rounds").strip(),
                data={"workers": workers, "path": path, "rps": value, "hello_rps": hello, "errors": errors,
                      "duration_s": duration, "concurrency": 4 * workers,
                      "page_cache": result is cached},
            ))
    return rows
