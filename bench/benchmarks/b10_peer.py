"""B10: our public event page beside pretix's shop front page, each against its own framework's hello-world.

Both run under the same gunicorn settings (2 sync workers, 8 clients, loopback) on SQLite, in
alternating rounds (the best of each kept). Each app's page is divided by a hello-world route
served by the same server through the same middleware (``/bench/hello``: Flask in ours, Django
in pretix, :mod:`bench.peer.pretix_wsgi`), which takes the framework and the machine out; the
ratio of those two ratios says how much nearer its framework's limit our page is (> 1: nearer).

Optional: without pretix (:func:`bench.peer.pretix.find`) it prints one line saying how to
install it and adds no row.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.core import Context, FeatureMissing, Row
from bench.server import Gunicorn, load

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


def best_throughputs(port: int, paths: list[str], duration: float, best: dict[str, float], errors: dict[str, int]) -> None:
    for path in paths:
        result = load(port, lambda _i, p=path: ("GET", p, None, {}), concurrency=4 * WORKERS,
                      duration=duration, max_requests=200_000)
        best[path] = max(best.get(path, 0.0), result.throughput)
        errors[path] = errors.get(path, 0) + result.errors


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
    theirs: dict[str, float] = {}
    errors: dict[str, int] = {}
    their_errors: dict[str, int] = {}
    with Gunicorn(url, workers=WORKERS) as server, peer.PretixServer(found, workers=WORKERS) as pretix:
        for port, paths in ((server.port, ["/bench/hello", page]), (pretix.port, [peer.HELLO, peer.FRONT_PAGE])):
            for path in paths:  # warm every worker up
                load(port, lambda _i, p=path: ("GET", p, None, {}), concurrency=4 * WORKERS, duration=1,
                     max_requests=20 * WORKERS)
        for _round in range(ROUNDS):
            best_throughputs(server.port, ["/bench/hello", page], duration, ours, errors)
            best_throughputs(pretix.port, [peer.HELLO, peer.FRONT_PAGE], duration, theirs, their_errors)
    comparison = PeerComparison(ours[page], ours["/bench/hello"], theirs[peer.FRONT_PAGE], theirs[peer.HELLO])
    failed = sum(errors.values()) + sum(their_errors.values())
    note = (f"best of {ROUNDS} alternating rounds, {WORKERS} sync workers each, SQLite; ours {comparison.ours:.3f} "
            f"of Flask hello ({comparison.ours_page:,.0f} / {comparison.ours_hello:,.0f} req/s), pretix "
            f"{found.version} {comparison.peer:.4f} of Django hello ({comparison.peer_page:,.0f} / "
            f"{comparison.peer_hello:,.0f} req/s)" if comparison.ratio_of_ratios is not None else "a side served nothing")
    if failed:
        note += f"; {failed} errors ({errors}, {their_errors})"
    return [Row("B10", f"event page / Flask hello vs pretix {peer.FRONT_PAGE} / Django hello",
                f"{comparison.ours:.3f} x hello" if comparison.ours is not None else "n/a",
                f"{comparison.peer:.4f} x hello (pretix)" if comparison.peer is not None else "n/a",
                comparison.ratio_of_ratios, TARGET, None, note,
                data={"ours_page_rps": comparison.ours_page, "ours_hello_rps": comparison.ours_hello,
                      "peer_page_rps": comparison.peer_page, "peer_hello_rps": comparison.peer_hello,
                      "pretix_version": found.version, "errors": failed})]
