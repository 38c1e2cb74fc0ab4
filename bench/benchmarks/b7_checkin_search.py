"""B7: check-in search-as-you-type latency (p50/p95) over the check-in event, against hello-world.

One client sends requests one after another (the door volunteer typing), so
the figures are latencies, not throughput. Both routes run in the same
gunicorn server (2 workers) with the same signed-in session cookie.
"""

from __future__ import annotations

import random
from urllib.parse import quote

from bench.core import Context, FeatureMissing, Row, percentile, ratio
from bench.generate import BENCH_ORGANISER, name_lists
from bench.server import Gunicorn, load, request_once

TITLE = "check-in search latency"
TARGET = "p95 <= 3 x hello p95"
P95_TARGET = 3.0
SEARCH = "/events/<int:event_id>/checkin/search.json"


def queries(seed: int, count: int) -> list[str]:
    """What people type at the desk: a few letters of a surname, a surname, a full name."""
    firsts, lasts, _towns = name_lists(seed)
    rng = random.Random(seed + 7)
    out = []
    for i in range(count):
        last = rng.choice(lasts)
        kind = i % 4
        out.append(last[:3] if kind == 0 else last if kind == 1 else f"{rng.choice(firsts)} {last}"
                   if kind == 2 else last[:5].lower())
    return out


def session_cookie(port: int, user_id: int) -> str:
    status, _body, headers = request_once(port, ("GET", f"/bench/login/{user_id}", None, {}))
    cookie = headers.get("Set-Cookie", "")
    if status != 200 or not cookie:
        raise RuntimeError(f"bench login failed: {status}")
    return cookie.split(";", 1)[0]


def run(ctx: Context) -> list[Row]:
    ctx.require_route(SEARCH)
    backend = ctx.server_backend()
    url, counts = ctx.dataset(backend)
    n = ctx.n(600, minimum=80)
    words = queries(2026, n)
    with Gunicorn(url, workers=2) as server:
        cookie = {"Cookie": session_cookie(server.port, 2)}
        path = SEARCH.replace("<int:event_id>", str(counts.checkin_event_id))
        status, body, _h = request_once(server.port, ("GET", f"{path}?q={quote(words[1])}", None, cookie))
        if status == 404:
            raise FeatureMissing(f"search answered 404 for {BENCH_ORGANISER}")
        if status != 200 or b"results" not in body:
            raise RuntimeError(f"search answered {status} for {BENCH_ORGANISER} "
                               "(see bench/data/gunicorn.log)")
        warm = max(10, n // 10)
        load(server.port, lambda i: ("GET", f"{path}?q={quote(words[i % n])}", None, cookie),
             concurrency=1, duration=30, max_requests=warm)
        load(server.port, lambda _i: ("GET", "/bench/hello", None, cookie), concurrency=1, duration=30,
             max_requests=warm)
        # interleave the two so that background load on the machine hits both alike
        search_latencies: list[float] = []
        hello_latencies: list[float] = []
        errors = 0
        for block in range(0, n, 20):
            s = load(server.port, lambda i, b=block: ("GET", f"{path}?q={quote(words[(b + i) % n])}", None, cookie),
                     concurrency=1, duration=60, max_requests=min(20, n - block))
            h = load(server.port, lambda _i: ("GET", "/bench/hello", None, cookie), concurrency=1,
                     duration=60, max_requests=min(20, n - block))
            search_latencies += s.latencies
            hello_latencies += h.latencies
            errors += s.errors + h.errors
    p50, p95 = percentile(search_latencies, 50), percentile(search_latencies, 95)
    h50, h95 = percentile(hello_latencies, 50), percentile(hello_latencies, 95)
    r = ratio(p95, h95)
    label = f"search.json over {ctx.n(5000, 10):,} registrations, {n} queries ({backend})"
    return [Row("B7", label, f"p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms",
                f"p50 {h50 * 1000:.1f} ms, p95 {h95 * 1000:.1f} ms hello", r, TARGET,
                r is not None and r <= P95_TARGET and errors == 0, f"{errors} errors" if errors else "",
                data={"p50": p50, "p95": p95, "hello_p50": h50, "hello_p95": h95, "queries": n})]
