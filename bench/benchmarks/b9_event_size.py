"""B9: is a request's cost flat in the event's size?

The public event page and a registration burst on an event already holding 25,000
registrations, each against the same measurement on an empty event, in the same server,
alternating in short blocks. What is compared is the median time the app spends on one
request (``Server-Timing: app;dur``, which includes its database round trips and waits for the
event's lock, but not HTTP or gunicorn's queue), big / empty: 1.0 means the size costs
nothing. (Throughput, which the shared machine's load swings by +-50 % from one second to the
next, is in the notes.)

The event page is measured with the anonymous page cache off (``EVENT_PAGE_CACHE_SECONDS`` = 0),
so that every request renders it: what is measured is the render, not the cache.
"""

from __future__ import annotations

import re
import statistics
import threading
import time
from datetime import datetime

from bench.benchmarks.b2_registration import form, hide_event, make_burst_event
from bench.core import Context, FeatureMissing, Row, ratio
from bench.server import Gunicorn, Request, load, request_once

TITLE = "cost flat in the event's size (25,000 registrations vs empty)"
TARGET = "<= 1.1 x empty event"
GOAL = 1.1
BIG = 25_000
ROUNDS = 3
#: (pages are sent in blocks of 20, bursts in blocks of ``burst_size``; ROUNDS x 2 blocks a side)
CLIENTS = 10
BIG_TITLE = "B9: an event of 25,000 registrations"


def big_event(url: str, source_event_id: int) -> int:
    """The event holding BIG registrations (made once per dataset, then reused)."""
    from sqlalchemy import func, insert, select, update

    from bench.generate import make_app
    from eventsapp.extensions import db
    from eventsapp.models import Event, Person, Registration

    try:
        from eventsapp.models import counters as registration_counters
    except ImportError:  # before the counters (to measure the code without them)
        registration_counters = None

    app = make_app(url, CHECK_DATABASE_ON_START=False)
    with app.app_context():
        found = db.session.scalar(select(Event.id).where(Event.title == BIG_TITLE))
        if found is not None:
            event_id = found
            db.session.execute(update(Event).where(Event.id == event_id).values(status="published"))
            db.session.commit()
        else:
            event_id = None
        db.session.remove()
        db.engine.dispose()
    if event_id is None:
        event_id = make_burst_event(url, 2 * BIG, source_event_id)
        app = make_app(url, CHECK_DATABASE_ON_START=False)
        with app.app_context():
            db.session.execute(update(Event).where(Event.id == event_id).values(title=BIG_TITLE))
            people = list(db.session.scalars(select(Person.id).order_by(Person.id).limit(BIG)))
            now = datetime.now().replace(microsecond=0)  # noqa: DTZ005 (naive UTC-ish stamp, bench data)
            rows = [{"event_id": event_id, "person_id": people[n % len(people)],
                     "status": "cancelled" if n % 10 == 9 else "confirmed", "source": "import",
                     "first_name": "Bench", "last_name": f"Attendee {n}", "organisation_name_entered": "",
                     "created_at": now, "updated_at": now} for n in range(BIG)]
            connection = db.session.connection()
            # one backfill instead of an event-row update per registration (the triggers)
            if registration_counters:
                registration_counters.drop_triggers(connection)
            for start in range(0, BIG, 5000):
                connection.execute(insert(Registration), rows[start:start + 5000])
            if registration_counters:
                registration_counters.backfill(connection, [event_id])
                registration_counters.create_triggers(connection)
            db.session.commit()
            assert db.session.scalar(select(func.count()).where(Registration.event_id == event_id)) == BIG
            db.session.remove()
            if db.engine.dialect.name == "postgresql":
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as raw:
                    raw.exec_driver_sql("VACUUM ANALYZE event")
                    raw.exec_driver_sql("VACUUM ANALYZE registration")
            db.engine.dispose()
    return event_id


def app_ms(headers: dict) -> float | None:
    """The app's own time for one response (``Server-Timing: app;dur=…``, added by bench.wsgi_bench)."""
    found = re.search(r"app;dur=([0-9.]+)", headers.get("Server-Timing", ""))
    return float(found.group(1)) if found else None


def timed_requests(port: int, requests: list[Request], concurrency: int, ok) -> tuple[list[float], int, float, list]:
    """Send ``requests`` from ``concurrency`` threads: (app times in ms, errors, seconds, error samples)."""
    times, errors, samples = [], 0, []
    lock = threading.Lock()
    queue = iter(requests)

    def client() -> None:
        nonlocal errors
        while True:
            with lock:
                req = next(queue, None)
            if req is None:
                return
            try:
                status, body, headers = request_once(port, req)
            except OSError as error:
                status, body, headers = 0, repr(error).encode(), {}
            with lock:
                if ok(status):
                    value = app_ms(headers)
                    if value is not None:
                        times.append(value)
                else:
                    errors += 1
                    if len(samples) < 2:
                        samples.append(f"{status}: {body[:160]!r}")

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return times, errors, time.perf_counter() - started, samples


def run(ctx: Context) -> list[Row]:
    ctx.require_route("/events/<int:event_id>")
    ctx.require_route("/events/<int:event_id>/register")
    backend = ctx.server_backend()
    url, counts = ctx.dataset(backend)
    if not counts.upcoming_event_ids:
        raise FeatureMissing("the dataset has no upcoming events")
    source = counts.upcoming_event_ids[0]
    big = big_event(url, source)
    empty = make_burst_event(url, 2 * BIG, source)
    events = {"empty": empty, "big": big}
    page_blocks = max(6, round(20 * ctx.scale))
    burst_size = max(20, round(60 * ctx.scale))
    samples: dict[str, dict[str, list[float]]] = {"page": {"empty": [], "big": []}, "burst": {"empty": [], "big": []}}
    seconds: dict[str, dict[str, float]] = {"page": {"empty": 0.0, "big": 0.0}, "burst": {"empty": 0.0, "big": 0.0}}
    served: dict[str, dict[str, int]] = {"page": {"empty": 0, "big": 0}, "burst": {"empty": 0, "big": 0}}
    errors: list[str] = []
    error_count = 0
    run_tag = f"{int(time.time())}"  # the big event is reused from run to run: new emails each time
    config = {"EVENT_PAGE_CACHE_SECONDS": 0, "EVENT_LIST_CACHE_SECONDS": 0}
    try:
        with Gunicorn(url, workers=2, app_config=config) as server:
            for event_id in (empty, big):  # warm up
                load(server.port, lambda _i, e=event_id: ("GET", f"/events/{e}", None, {}), concurrency=4,
                     duration=1, max_requests=40)
            # Short blocks, alternating sides, so that load from elsewhere on the machine hits both alike.
            for block in range(2 * ROUNDS * page_blocks):
                name = ("empty", "big")[(block + block // 2) % 2]
                pages = [("GET", f"/events/{events[name]}", None, {})] * 20
                times, errs, elapsed, errs_seen = timed_requests(server.port, pages, 1, lambda s: s == 200)
                samples["page"][name] += times
                seconds["page"][name] += elapsed
                served["page"][name] += len(times)
                error_count += errs
                errors += errs_seen
            for block in range(2 * ROUNDS):
                name = ("empty", "big")[(block + block // 2) % 2]
                path = f"/events/{events[name]}/register"
                posts = [("POST", path, form(i, f"b9.{run_tag}.{events[name]}.{block}"), {}) for i in range(burst_size)]
                times, errs, elapsed, errs_seen = timed_requests(server.port, posts, CLIENTS, lambda s: s in (302, 303))
                samples["burst"][name] += times
                seconds["burst"][name] += elapsed
                served["burst"][name] += len(times)
                error_count += errs
                errors += errs_seen
    finally:
        hide_event(url, empty)
        hide_event(url, big)

    rows = []
    for key, label in (("page", "event page (page cache off), one client"),
                       ("burst", f"registration burst ({burst_size} POSTs from {CLIENTS} clients) x {ROUNDS}")):
        median = {name: statistics.median(values) if values else float("nan")
                  for name, values in samples[key].items()}
        rps = {name: served[key][name] / seconds[key][name] if seconds[key][name] else 0.0 for name in median}
        r = ratio(median["big"], median["empty"])
        note = (f"median app time per request (Server-Timing), alternating blocks; throughput "
                f"{rps['big']:,.0f} vs {rps['empty']:,.0f} req/s (ratio {ratio(rps['empty'], rps['big']) or 0:.2f}); "
                f"2 workers ({backend})")
        if error_count:
            note += f"; {error_count} errors, e.g. {errors[:1]}"
        rows.append(Row(
            "B9", f"{label}, event of {BIG:,} registrations vs empty", f"{median['big']:.2f} ms",
            f"{median['empty']:.2f} ms empty event", r, TARGET,
            r is not None and r <= GOAL and not error_count, note,
            data={"median_ms": median, "rps": rps, "errors": error_count, "requests": served[key]}))
    return rows
