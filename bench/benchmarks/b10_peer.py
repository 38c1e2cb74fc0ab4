"""B10: our public event page beside pretix's shop front page, each against its own framework's hello-world.

Both run under the same gunicorn settings (2 sync workers, 8 clients, loopback) on SQLite, in
alternating rounds (the best of each kept). Our page is measured as configured (anonymous
visitors share a page rendered less than 5 s ago, per worker) and with that cache off (a second
server, ``EVENT_PAGE_CACHE_SECONDS`` = 0, against the same hello-world): pretix's front page has
no whole-page cache, so the second row is the like-for-like render. Each app's page is divided by a hello-world route
served by the same server through the same middleware (``/bench/hello``: Flask in ours, Django
in pretix, :mod:`bench.peer.pretix_wsgi`), which takes the framework and the machine out; the
ratio of those two ratios says how much nearer its framework's limit our page is (> 1: nearer).

Before measuring, each page is fetched once: pretix's hello-world must answer 200 with its text
and its front page 200 with the bench event's shop (:func:`bench.peer.pretix.check_pages`), ours
200; under load only a 200 counts (a redirect or an error page would be a different page).

pretix runs with Redis as its cache and session store, as its install guide requires, when Redis
answers (``PRETIX_REDIS_URL``, :func:`bench.peer.pretix.redis_url`); the note says which.

Optional: without pretix (:func:`bench.peer.pretix.find`) it prints one line saying how to
install it and adds no row.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.core import Context, FeatureMissing, Row
from bench.server import Gunicorn, load, request_once

TITLE = "event page beside pretix's front page (ratio of ratios)"
TARGET = "(no target: > 1 is nearer the framework's limit than pretix)"
WORKERS = 2
ROUNDS = 3


@dataclass(frozen=True)
class PeerComparison:
    """Throughputs (req/s) of each app's page and its own hello-world, and the ratios."""

    ours_page: float
    ours_hello: float
    peer_page: float
    peer_hello: float

    @property
    def ours(self) -> float | None:
        return self.ours_page / self.ours_hello if self.ours_hello > 0 else None

    @property
    def peer(self) -> float | None:
        return self.peer_page / self.peer_hello if self.peer_hello > 0 else None

    @property
    def ratio_of_ratios(self) -> float | None:
        """(our page / our hello) / (pretix's page / pretix's hello); None when a side served nothing."""
        if self.ours is None or not self.peer:
            return None
        return self.ours / self.peer


def only_200(status: int) -> bool:
    return status == 200


def best_throughputs(port: int, paths: list[str], duration: float, best: dict[str, float], errors: dict[str, int],
                     rounds: dict[str, list[float]] | None = None) -> None:
    for path in paths:
        result = load(port, lambda _i, p=path: ("GET", p, None, {}), concurrency=4 * WORKERS,
                      duration=duration, max_requests=200_000, ok=only_200)
        best[path] = max(best.get(path, 0.0), result.throughput)
        errors[path] = errors.get(path, 0) + result.errors
        if rounds is not None:
            rounds.setdefault(path, []).append(round(result.throughput, 1))


def warm_up(port: int, paths: list[str]) -> None:
    for path in paths:  # every worker has imported, connected and compiled its templates
        load(port, lambda _i, p=path: ("GET", p, None, {}), concurrency=4 * WORKERS, duration=1,
             max_requests=20 * WORKERS)


def run(ctx: Context) -> list[Row]:
    from bench.peer import pretix as peer

    found, why = peer.find()
    if found is None:
        print(peer.skip_message(why), flush=True)
        return []
    ctx.require_route("/events/<int:event_id>")
    url, counts = ctx.dataset("sqlite")
    if not counts.upcoming_event_ids:
        raise FeatureMissing("the dataset has no upcoming events")
    page = f"/events/{counts.upcoming_event_ids[len(counts.upcoming_event_ids) // 2]}"
    peer.set_up(found, log=ctx.log)
    duration = min(8.0, max(1.5, 8 * ctx.scale))
    ours: dict[str, float] = {}
    uncached: dict[str, float] = {}
    theirs: dict[str, float] = {}
    errors: dict[str, int] = {}
    their_errors: dict[str, int] = {}
    rounds: dict[str, dict[str, list[float]]] = {"ours": {}, "ours, page cache off": {}, "pretix": {}}
    with Gunicorn(url, workers=WORKERS) as server, \
            Gunicorn(url, workers=WORKERS, app_config={"EVENT_PAGE_CACHE_SECONDS": 0}) as live, \
            peer.PretixServer(found, workers=WORKERS) as pretix:
        for port in (server.port, live.port):
            status, _body, _headers = request_once(port, ("GET", page, None, {}))
            if status != 200:
                raise RuntimeError(f"our event page {page} answered {status}")
        peer.check_pages(pretix.port)
        warm_up(server.port, ["/bench/hello", page])
        warm_up(live.port, [page])
        warm_up(pretix.port, [peer.HELLO, peer.FRONT_PAGE])
        for _round in range(ROUNDS):
            best_throughputs(server.port, ["/bench/hello", page], duration, ours, errors, rounds["ours"])
            best_throughputs(live.port, [page], duration, uncached, errors, rounds["ours, page cache off"])
            best_throughputs(pretix.port, [peer.HELLO, peer.FRONT_PAGE], duration, theirs, their_errors,
                             rounds["pretix"])
    cache = ("its cache and sessions on Redis" if found.redis_url
             else "no Redis (pretix's dummy cache, sessions in SQLite; not its documented setup)")
    failed = sum(errors.values()) + sum(their_errors.values())
    data = {"ours_hello_rps": ours["/bench/hello"], "peer_page_rps": theirs[peer.FRONT_PAGE],
            "peer_hello_rps": theirs[peer.HELLO], "pretix_version": found.version,
            "pretix_redis": bool(found.redis_url), "errors": failed, "rounds": rounds}
    rows = []
    for label, page_rps, page_cache in (("as configured: 5 s page cache for anonymous visitors", ours[page], True),
                                        ("page cache off", uncached[page], False)):
        comparison = PeerComparison(page_rps, ours["/bench/hello"], theirs[peer.FRONT_PAGE], theirs[peer.HELLO])
        note = (f"best of {ROUNDS} alternating rounds, {WORKERS} sync workers each, SQLite; ours {comparison.ours:.3f} "
                f"of Flask hello ({comparison.ours_page:,.0f} / {comparison.ours_hello:,.0f} req/s), pretix "
                f"{found.version} {comparison.peer:.4f} of Django hello ({comparison.peer_page:,.0f} / "
                f"{comparison.peer_hello:,.0f} req/s), {cache}"
                if comparison.ratio_of_ratios is not None else "a side served nothing")
        if failed:
            note += f"; {failed} errors ({errors}, {their_errors})"
        rows.append(Row("B10", f"event page ({label}) / Flask hello vs pretix {peer.FRONT_PAGE} / Django hello",
                        f"{comparison.ours:.3f} x hello" if comparison.ours is not None else "n/a",
                        f"{comparison.peer:.4f} x hello (pretix)" if comparison.peer is not None else "n/a",
                        comparison.ratio_of_ratios, TARGET, None, note,
                        data={**data, "ours_page_rps": page_rps, "page_cache": page_cache}))
    return rows
