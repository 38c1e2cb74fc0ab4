"""No overbooking, ever: simultaneous registrations against real gunicorn workers.

On PostgreSQL (4 workers): 200 simultaneous registrations for 50 places give
exactly 50 confirmed and 150 waitlisted with no server error; a control run
with the lock switched off (race_hooks.py replaces the lock in the servers)
shows that this harness does detect overbooking. On SQLite: 50 requests for
10 places give exactly 10 confirmed, and no "database is locked" reaches anyone.

Both runs widen the window between counting and inserting with the test-only
race_hooks.py's delay, so the control run overbooks reliably and the locked
run is tested against the same pressure.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from eventsapp.models import Registration
from tests.conftest import REQUIRE_SERVICES, TEST_DATABASE_URL
from tests.registration.gunicorn_harness import (
    GUNICORN,
    CeleryWorker,
    Gunicorn,
    request,
    simultaneous_posts,
    wait_for,
)
from tests.smtp import Collector, free_port

#: (requests, places) per backend, from the issue's acceptance criteria.
LOAD = {"postgresql": (200, 50), "sqlite": (50, 10)}
RACE_DELAY = 0.02
CONTROL_RACE_DELAY = 0.2


def registration_form(n: int, email: str | None = None) -> dict:
    return {"first_name": f"Racer{n}", "last_name": "Ó Súilleabháin", "email": email or f"racer{n}@example.org",
            "organisation_name": "", "individual": "y", "consent_privacy": "y"}


def counts(db, event) -> dict[str, int]:
    db.session.rollback()  # end the test's read transaction (and its SQLite snapshot)
    rows = db.session.execute(select(Registration.status, func.count()).where(Registration.event_id == event.id)
                              .group_by(Registration.status)).all()
    return dict(rows)


@pytest.fixture
def smtp_url():
    from aiosmtpd.controller import Controller

    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield f"smtp://127.0.0.1:{controller.port}", collector
    controller.stop()


def serve(app, tmp_path, mail_url=None, *, race_delay=RACE_DELAY, locking=True):
    assert GUNICORN.exists(), f"gunicorn is required at {GUNICORN}"
    return Gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "gunicorn", workers=4,
                    mail_url=mail_url, race_delay=race_delay, locking=locking)


def test_postgresql_run_is_required_when_services_are(backend):
    """Under EVENTSAPP_REQUIRE_SERVICES=1 a missing PostgreSQL is a failure (conftest stops the run too)."""
    if REQUIRE_SERVICES:
        assert TEST_DATABASE_URL, "EVENTSAPP_REQUIRE_SERVICES=1 but TEST_DATABASE_URL is not set"


def test_simultaneous_registrations_never_overbook(app, db, backend, make_event, tmp_path, smtp_url):
    requests, places = LOAD[backend]
    event = make_event(capacity=places)
    mail_url, collector = smtp_url
    with serve(app, tmp_path, mail_url=mail_url) as server:
        outcomes = simultaneous_posts(server.port, f"/events/{event.id}/register",
                                      [registration_form(n) for n in range(requests)])
        log = server.errors_logged()
        assert collector.messages == [], "a request talked to the mail server itself"
        # The confirmations left through the outbox: a real Celery worker delivers them.
        with CeleryWorker(server.env, tmp_path / "worker.log") as worker:
            delivered = wait_for(lambda: len(collector.messages) >= requests, timeout=90)
        assert delivered, f"{len(collector.messages)} of {requests} delivered; worker: {worker.output()[-3000:]}"
    assert [o.status for o in outcomes if o.status >= 500] == []
    assert all(o.status == 302 for o in outcomes), {o.status for o in outcomes}
    assert "database is locked" not in log and "Traceback" not in log
    assert counts(db, event) == {"confirmed": places, "waitlisted": requests - places}
    stored, fresh, check = stored_and_fresh_counters(db, event)
    assert stored == fresh and check.ok
    subjects = [m["Subject"] for m in collector.parsed()]
    assert sum(s.startswith("Your place is confirmed") for s in subjects) == places
    assert sum(s.startswith("You are on the waiting list") for s in subjects) == requests - places


@pytest.mark.postgres_only  # SQLite without BEGIN IMMEDIATE fails with "database is locked" instead
def test_control_without_the_lock_the_harness_sees_overbooking(app, db, backend, make_event, tmp_path):
    requests, places = LOAD[backend]
    event = make_event(capacity=places)
    # A wider count-to-insert window than the locked runs use, so the four workers overlap
    # there even on a loaded machine (without the lock nothing serialises the requests).
    with serve(app, tmp_path, locking=False, race_delay=CONTROL_RACE_DELAY) as server:
        simultaneous_posts(server.port, f"/events/{event.id}/register",
                           [registration_form(n) for n in range(requests)])
    assert counts(db, event)["confirmed"] > places  # the harness detects what the lock prevents


# Without the lock SQLite refuses concurrent writers, so the unlocked run (the unique index
# alone stopping duplicates) is PostgreSQL's; in-process, test_services covers it on both.
@pytest.mark.parametrize("locking", [True, pytest.param(False, marks=pytest.mark.postgres_only)],
                         ids=["locked", "unlocked"])
def test_the_same_email_ten_times_at_once_makes_one_registration(app, db, backend, make_event, tmp_path,
                                                                 locking):
    event = make_event(capacity=50)
    with serve(app, tmp_path, locking=locking) as server:
        outcomes = simultaneous_posts(server.port, f"/events/{event.id}/register",
                                      [registration_form(1, email="same.person@example.org")] * 10)
    statuses = sorted(o.status for o in outcomes)
    assert statuses == [200] * 9 + [302]
    assert all("already registered" in o.body and "resent your link" in o.body
               for o in outcomes if o.status == 200)
    assert counts(db, event) == {"confirmed": 1}


def stored_and_fresh_counters(db, event):
    """The event row's counters (kept by triggers) and a fresh COUNT(*), read in one transaction."""
    from eventsapp.models import Event
    from eventsapp.registration import counters

    found = counts(db, event)
    stored = db.session.execute(select(Event.confirmed_count, Event.waitlisted_count, Event.cancelled_count)
                                .where(Event.id == event.id)).one()
    fresh = (found.get("confirmed", 0), found.get("waitlisted", 0), found.get("cancelled", 0))
    return tuple(stored), fresh, counters.check()


def test_counters_equal_count_after_registrations_cancellations_and_promotions_at_once(
        app, db, backend, make_event, make_registration, tmp_path):
    """200 registrations for 50 places (PostgreSQL; 50 for 10 on SQLite) while 20 earlier ones cancel
    through their booking links, each cancellation promoting from the waitlist, all at once:
    the counters on the event row equal COUNT(*) afterwards, and places were never overbooked."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from eventsapp.tokens import make_token

    requests, places = LOAD[backend]
    early = 20 if backend == "postgresql" else 6
    event = make_event(capacity=places)
    earlier = [make_registration(event=event, status="confirmed") for _ in range(early)]
    app.config["SECRET_KEY"] = "concurrency-test-secret"  # the servers' key (gunicorn_harness)
    with app.test_request_context():
        cancel_paths = [f"/booking/{make_token('booking', r.id)}/cancel" for r in earlier]
    jobs = [(f"/events/{event.id}/register", registration_form(n)) for n in range(requests)]
    jobs += [(path, {}) for path in cancel_paths]
    jobs.sort(key=lambda job: hash(job[0]) % 7)  # cancellations among the registrations
    barrier = Barrier(len(jobs))

    def post(job):
        barrier.wait(timeout=60)
        return request("POST", server.port, *job)

    with serve(app, tmp_path) as server, ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        outcomes = list(pool.map(post, jobs))
        log = server.errors_logged()
    assert [status for status, _body in outcomes if status >= 500] == []
    assert "Traceback" not in log and "database is locked" not in log, log[-4000:]
    stored, fresh, check = stored_and_fresh_counters(db, event)
    assert stored == fresh
    assert check.ok, check
    # every place taken (the waitlist is never empty here), none overbooked; every early one cancelled
    assert fresh == (places, requests + early - places - early, early)
