"""B2: a registration burst on PostgreSQL: 50 concurrent clients, 4 gunicorn workers, capacity enforced.

Baseline: the same clients sending the same number of trivial POSTs that
insert one row each (``/bench/insert``, bench-only) to the same server.
Afterwards the database must hold exactly one registration per successful
POST and no more confirmed places than the capacity.
"""

from __future__ import annotations

import os
from urllib.parse import urlencode

from bench.core import Context, Row, ratio
from bench.server import Gunicorn, load

TITLE = "registration burst (PostgreSQL)"
TARGET = ">= 0.5 x trivial POST, 0 errors, confirmed <= capacity"
THROUGHPUT_TARGET = 0.5
CLIENTS = 50
#: Rounds of (baseline, burst), alternating.
ROUNDS = 3
ROUTE = "/events/<int:event_id>/register"
#: Where the served app queues its after-commit tasks (the outbox's delivery of the confirmation):
#: Redis, as in production. Without it the app's fallback broker is a SQLite file (kombu's SQL
#: transport), which writes and fsyncs a row per task, one worker at a time: a development
#: convenience that would dominate the burst. The bench deletes the queued messages afterwards,
#: so never point it at a Redis database that holds anything else.
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/15")
#: Registration POSTs profiled in-process (cProfile) for the "where the time goes" row.
PROFILED_POSTS = 60


def make_burst_event(url: str, capacity: int, source_event_id: int) -> int:
    """A fresh upcoming event, copied from one in the dataset, with ``capacity`` places."""
    from bench.generate import make_app
    from eventsapp.extensions import db
    from eventsapp.models import Event

    app = make_app(url, CHECK_DATABASE_ON_START=False)
    with app.app_context():
        source = db.session.get(Event, source_event_id)
        event = Event(
            host_organisation_id=source.host_organisation_id, region_id=source.region_id,
            title="Registration burst", town=source.town, venue=source.venue,
            starts_at=source.starts_at, ends_at=source.ends_at, capacity=capacity, status="published",
        )
        db.session.add(event)
        db.session.commit()
        event_id = event.id
        db.session.remove()
        db.engine.dispose()
    return event_id


def registration_counts(url: str, event_id: int) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT status, COUNT(*) FROM registration WHERE event_id = :e GROUP BY status"),
            {"e": event_id},
        ).all()
    engine.dispose()
    return {status: count for status, count in rows}


def hide_event(url: str, event_id: int) -> None:
    """Make the burst event a draft, so later benchmarks' public pages and feeds don't show it."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE event SET status = 'draft' WHERE id = :e"), {"e": event_id})
    engine.dispose()


def usable_broker(url: str = BROKER_URL) -> str | None:
    """``url`` if that Redis answers, else None (the app's SQLite fallback broker is used)."""
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
        client.close()
    except Exception:  # noqa: BLE001  (any failure means: no Redis for this run)
        return None
    return url


def forget_queued_tasks(url: str) -> None:
    """Delete the delivery tasks the bursts queued (no worker runs during the bench)."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    for key in client.scan_iter("celery*"):
        if client.type(key) == b"list":
            client.delete(key)
    client.close()


def form(index: int, run_tag: str) -> bytes:
    return urlencode({
        "first_name": "Burst", "last_name": f"Client{index}",
        "email": f"burst.{run_tag}.{index}@example.org", "organisation_name": "Bench Burst Partnership",
        "sector": "community_voluntary", "job_title": "Coordinator", "consent_privacy": "y",
        "submit": "Register",
    }).encode()


def run(ctx: Context) -> list[Row]:
    ctx.require_route(ROUTE)
    if not ctx.pg_url:
        return [Row("B2", TITLE, "not run: no PostgreSQL", target=TARGET,
                    note="createdb -h 127.0.0.1 -U postgres bench_eventsapp, or set BENCH_DATABASE_URL")]
    url, counts = ctx.dataset("postgresql")
    per_client = max(1, round(6 * ctx.scale))
    total = CLIENTS * per_client
    capacity = total // 2
    trivial_runs, burst_runs, stored_runs = [], [], []
    broker = usable_broker()
    app_config = {"CELERY_BROKER_URL": broker} if broker else {}
    with Gunicorn(url, workers=4, app_config=app_config) as server:
        # warm-up: every worker has served a page before the burst
        load(server.port, lambda _i: ("GET", "/bench/hello", None, {}), concurrency=8, duration=2,
             max_requests=40)
        # Alternate baseline and burst, a fresh event each round, so that a moment of load
        # on the shared machine hits both alike; the best round of each is compared.
        for round_number in range(ROUNDS):
            event_id = make_burst_event(url, capacity, counts.upcoming_event_ids[0])
            path = ROUTE.replace("<int:event_id>", str(event_id))
            tag = f"e{event_id}"
            trivial_runs.append(load(
                server.port, lambda i, r=round_number: ("POST", "/bench/insert", f"note=burst{r}.{i}".encode(), {}),
                concurrency=CLIENTS, duration=120, max_requests=total, ok=lambda s: s == 303))
            burst_runs.append(load(server.port, lambda i, p=path, t=tag: ("POST", p, form(i, t), {}),
                                   concurrency=CLIENTS, duration=120, max_requests=total,
                                   ok=lambda s: s in (302, 303)))
            stored_runs.append((registration_counts(url, event_id), burst_runs[-1]))
            hide_event(url, event_id)
    if broker:
        forget_queued_tasks(broker)
    trivial = max(trivial_runs, key=lambda run: run.throughput)
    burst = max(burst_runs, key=lambda run: run.throughput)
    capacity_kept = all(stored.get("confirmed", 0) <= capacity for stored, _run in stored_runs)
    complete = all(stored.get("confirmed", 0) + stored.get("waitlisted", 0) == run.requests - run.errors
                   for stored, run in stored_runs)
    errors = sum(run.errors for run in burst_runs)
    stored = stored_runs[burst_runs.index(burst)][0]
    confirmed = stored.get("confirmed", 0)
    r = ratio(burst.throughput, trivial.throughput)
    notes = [f"best of {ROUNDS} alternating rounds; ratios per round "
             + ", ".join(f"{ratio(b.throughput, t.throughput):.2f}" for b, t in zip(burst_runs, trivial_runs, strict=True)),
             f"tasks queued on {'Redis' if broker else 'the SQLite fallback broker (no Redis at ' + BROKER_URL + ')'}"]
    if errors:
        samples = [sample for run in burst_runs for sample in run.error_samples]
        notes.append(f"{errors} errors, e.g. {samples[:1]}")
    if not complete:
        notes.append("a round stored a different number of registrations than successful POSTs")
    if any(run.errors for run in trivial_runs):
        notes.append("the trivial POST had errors")
    rows = [
        Row("B2", f"{total} registrations from {CLIENTS} clients, 4 workers", f"{burst.throughput:,.0f} req/s",
            f"{trivial.throughput:,.0f} req/s trivial POST", r, f">= {THROUGHPUT_TARGET} x trivial",
            r is not None and r >= THROUGHPUT_TARGET, "; ".join(notes),
            data={"burst_rps": burst.throughput, "trivial_rps": trivial.throughput,
                  "rounds": [{"burst_rps": b.throughput, "trivial_rps": t.throughput}
                             for b, t in zip(burst_runs, trivial_runs, strict=True)],
                  "statuses": dict(burst.statuses), "p95_s": sorted(burst.latencies)[int(len(burst.latencies) * .95) - 1]
                  if burst.latencies else None}),
        Row("B2", f"errors; confirmed vs capacity {capacity}",
            f"{errors} errors in {ROUNDS} rounds; {confirmed} confirmed, {stored.get('waitlisted', 0)} waitlisted"
            + ("" if capacity_kept else " (a round went over capacity)"),
            "", None, "0 errors, confirmed <= capacity", errors == 0 and capacity_kept and complete,
            data={"stored": stored, "capacity": capacity}),
    ]
    rows[1:1] = registration_profile_rows(ctx, url, counts.upcoming_event_ids[0], broker, r)
    return rows


def registration_profile_rows(ctx: Context, url: str, source_event_id: int, broker: str | None,
                              burst_ratio: float | None) -> list[Row]:
    """Where a registration POST's time goes (cProfile, in-process), printed next to the ratio.

    The whole list goes to the log and results.json; the table's note names the top functions.
    """
    from bench.cprofile import registration_profile

    posts = max(20, round(PROFILED_POSTS * min(1.0, ctx.scale * 4)))
    config = {"CELERY_BROKER_URL": broker} if broker else {}
    spots, per_post = registration_profile(url, source_event_id, posts=posts, top=12, app_config=config)
    if broker:
        forget_queued_tasks(broker)
    ratio_text = "n/a" if burst_ratio is None else f"{burst_ratio:.2f}"
    ctx.log(f"B2 ratio {ratio_text} (goal {THROUGHPUT_TARGET}); a registration POST under cProfile, "
            f"{posts} POSTs in-process, {per_post:.1f} ms each (top functions by cumulative time):")
    for spot in spots:
        ctx.log("    " + spot.line())
    top = "; ".join(f"{spot.function} {spot.share * 100:.0f} %" for spot in spots[:8])
    return [Row("B2", f"where a registration POST's time goes (cProfile, {posts} POSTs in-process)",
                f"{per_post:.1f} ms per POST (profiled)", "", None, "(no target: the profile behind the ratio)",
                None, f"ratio {ratio_text} against the goal {THROUGHPUT_TARGET}; top by cumulative time: {top}",
                data={"ms_per_post_profiled": per_post, "hotspots": [spot.__dict__ for spot in spots]})]
