"""A whole day through nginx in front of two app servers: the production shape on several servers.

nginx (Debian's package) balances round robin over two gunicorn servers, each with an instance
folder of its own, sharing one PostgreSQL, one Redis (Celery's broker and the rate limits) and one
Celery worker. Through it: an organiser publishes an event, 200 people register at once for 50
places, every confirmation leaves through the outbox, an attendance list is imported (its requests
answered by both servers), two door volunteers check people in from two phones at once, and the
report counts exactly what happened. ``.ci/run`` installs nginx; under
``EVENTSAPP_REQUIRE_SERVICES=1`` a missing nginx or Redis fails the test instead of skipping it.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import threading
import uuid
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select, update
from werkzeug.datastructures import FileStorage

from eventsapp.models import Attendance, Event, Registration, utcnow
from eventsapp.timeutil import to_local
from tests import factories
from tests.conftest import REQUIRE_SERVICES
from tests.registration.gunicorn_harness import (
    NGINX,
    Browser,
    CeleryWorker,
    Gunicorn,
    Nginx,
    simultaneous_posts,
    wait_for,
)
from tests.registration.test_concurrency import registration_form, smtp_url  # noqa: F401 (a fixture)

pytestmark = pytest.mark.postgres_only  # several servers share PostgreSQL, never a SQLite file

REGISTRATIONS, PLACES = 200, 50
IMPORTED = 120


def required(available: bool, what: str) -> None:
    if not available:
        if REQUIRE_SERVICES:
            pytest.fail(f"{what} is required under EVENTSAPP_REQUIRE_SERVICES=1 (.ci/run installs it)")
        pytest.skip(f"{what} is not available on this machine")


def served_paths(server: Gunicorn) -> list[str]:
    """The request paths in a server's access log."""
    return re.findall(r'"(?:GET|POST) (\S+) HTTP', server.errors_logged())


def test_a_whole_day_through_a_load_balancer(app, db, backend, tmp_path, smtp_url, broker_url):  # noqa: F811
    required(NGINX.exists(), "nginx")
    redis_url = os.environ.get("TEST_REDIS_URL")
    required(bool(redis_url), "Redis (TEST_REDIS_URL)")
    mail_url, collector = smtp_url
    host = factories.make_organisation("Crawley Interfaith Network")
    organiser = factories.make_user(role="organiser", organisation=host)
    doors = [factories.make_user(role="door", organisation=host) for _ in range(2)]
    earlier = factories.make_event(host=host, title="Earlier evening",
                                   starts_at=utcnow() - timedelta(days=30))
    db.session.commit()
    config = {"CELERY_BROKER_URL": broker_url, "RATELIMIT_STORAGE_URI": redis_url}
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    with Gunicorn(database_url, tmp_path / "one", workers=2, config=config, mail_url=mail_url,
                  access_log=True) as one, \
            Gunicorn(database_url, tmp_path / "two", workers=2, config=config, mail_url=mail_url,
                     access_log=True) as two, \
            Nginx([one.port, two.port], tmp_path / "nginx") as balancer, \
            CeleryWorker(one.env | {"CELERY_BROKER_URL": broker_url, "MAIL_URL": mail_url},
                         tmp_path / "worker.log", concurrency=4) as worker:
        port = balancer.port

        # Morning: the organiser publishes an evening event with 50 places.
        desk = Browser()
        assert desk.request(port, "/auth/login", form={"email": organiser.email,
                                                       "password": factories.PASSWORD})[0] == 302
        starts = to_local(utcnow() + timedelta(hours=2)).replace(second=0, microsecond=0)
        status, headers, body = desk.request(port, "/events/new", form={
            "title": "Building bridges in Crawley", "summary": "Faith and community groups meet.",
            "description": "We will meet, eat and talk.", "themes": "Trust between neighbours",
            "programme": "0", "host": str(host.id), "region": str(factories.region("TLJ").id),
            "town": "Crawley", "venue": "The Hawth", "address": "Hawth Avenue", "postcode": "RH10 6YZ",
            "online_url": "", "starts_at": f"{starts:%Y-%m-%dT%H:%M}",
            "ends_at": f"{starts + timedelta(hours=2):%Y-%m-%dT%H:%M}", "capacity": str(PLACES),
            "registration_opens_at": "", "registration_closes_at": "", "accessibility": "Step-free.",
            "status": "published"})
        assert status == 302, body[:3000]
        event_id = int(re.search(r"/events/(\d+)", headers["Location"]).group(1))
        assert desk.request(port, f"/events/{event_id}")[0] == 200

        # Midday: 200 people register at once for 50 places, through either server.
        outcomes = simultaneous_posts(port, f"/events/{event_id}/register",
                                      [registration_form(n) for n in range(REGISTRATIONS)])
        assert [o.status for o in outcomes if o.status != 302] == []
        db.session.rollback()
        statuses = dict(db.session.execute(
            select(Registration.status, func.count()).where(Registration.event_id == event_id)
            .group_by(Registration.status)).all())
        assert statuses == {"confirmed": PLACES, "waitlisted": REGISTRATIONS - PLACES}
        # Every confirmation leaves through the outbox and the one worker, once.
        assert wait_for(lambda: len(collector.messages) >= REGISTRATIONS, timeout=120), worker.output()[-3000:]
        recipients = [m["To"] for m in collector.parsed()]
        assert len(recipients) == len(set(recipients)) == REGISTRATIONS

        # Afternoon: last month's paper list is imported; progress and confirmation alternate servers.
        rows = "".join(f"Guest{i},Visitor{i},guest{i}@example.org,Organisation {i % 30},yes\n"
                       for i in range(IMPORTED))
        status, headers, body = desk.request(
            port, "/imports/", form={"destination": f"event:{earlier.id}", "source_name": ""},
            files={"file": FileStorage(io.BytesIO(("First name,Last name,Email,Organisation,Attended\n"
                                                   + rows).encode()), "paper-list.csv",
                                       content_type="text/csv")})
        assert status == 302, body[:2000]
        job_path = headers["Location"].split("//", 1)[-1]
        job_path = job_path[job_path.index("/imports/"):]

        def phase() -> str:
            status, _, body = desk.request(port, f"{job_path}/progress")
            assert status == 200, body[:500]
            return json.loads(body)["phase"]

        assert wait_for(lambda: phase() == "previewed", timeout=90), worker.output()[-3000:]
        assert desk.request(port, f"{job_path}/confirm", form={})[0] == 302
        assert wait_for(lambda: phase() == "done", timeout=90), worker.output()[-3000:]
        for server in (one, two):
            assert any(path.startswith(job_path) for path in served_paths(server)), "both servers answer"

        # Evening: two door volunteers check the 50 confirmed people in from two phones at once.
        confirmed = db.session.scalars(select(Registration.id).where(
            Registration.event_id == event_id, Registration.status == "confirmed")).all()
        phones = [Browser() for _ in doors]
        for phone, door in zip(phones, doors, strict=True):
            assert phone.request(port, "/auth/login", form={"email": door.email,
                                                            "password": factories.PASSWORD})[0] == 302
        answers: list[int] = []

        def check_in(phone: Browser, registration_ids: list[int]) -> None:
            for registration_id in registration_ids:
                answers.append(phone.request(port, f"/events/{event_id}/checkin/{registration_id}/check-in",
                                             form={})[0])

        threads = [threading.Thread(target=check_in, args=(phone, confirmed[i::2]))
                   for i, phone in enumerate(phones)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert len(answers) == PLACES and set(answers) == {302}
        status, _, body = phones[0].request(port, f"/events/{event_id}/checkin/counts.json")
        assert status == 200 and json.loads(body)["checked_in"] == PLACES

        # Night: the report counts exactly what happened, whichever server answers. (An event counts
        # as held once it has started; the clock is moved on rather than waited for.)
        db.session.execute(update(Event).where(Event.id == event_id)
                           .values(starts_at=utcnow() - timedelta(hours=3), ends_at=utcnow() - timedelta(hours=1)))
        db.session.commit()
        figures = []
        for _ in range(2):
            status, _, body = desk.request(port, f"/api/v1/reports?host={host.id}")
            assert status == 200, body[:500]
            figures.append(json.loads(body))
        for document in figures:
            document.pop("generated_at")  # the moment each answer was made, not a figure
        assert figures[0] == figures[1]
        assert (figures[0]["events"], figures[0]["attendances"], figures[0]["people"]) == (
            2, PLACES + IMPORTED, PLACES + IMPORTED)
        log = one.errors_logged() + two.errors_logged() + worker.output()
        assert "Traceback" not in log
        assert not re.search(r'" 5\d\d ', log), "no request answered with a server error"
    db.session.rollback()
    assert db.session.scalar(select(func.count(Attendance.id))) == PLACES + IMPORTED
    assert db.session.scalar(select(func.count(Event.id))) == 2


def sign_in_from(source: str, port: int, email: str, password: str) -> tuple[int, str]:
    """POST the sign-in form to the balancer from the loopback address ``source`` (127.0.0.x)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
    try:
        connection.request("POST", "/auth/login", urlencode({"email": email, "password": password}),
                           {"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        connection.close()


def test_the_sign_in_throttle_counts_across_servers_per_client_address(app, db, tmp_path):
    """Five wrong passwords through nginx, answered by both servers, fill one counter in Redis.

    nginx passes the client's address in X-Forwarded-For and ``PROXY_FIX=1`` makes each server
    read it, so the guesser's address is held back (even with the right password, which is then
    not checked) while the owner, from another address, still gets in.
    """
    required(NGINX.exists(), "nginx")
    redis_url = os.environ.get("TEST_REDIS_URL")
    required(bool(redis_url), "Redis (TEST_REDIS_URL)")
    owner = factories.make_user(role="organiser", email=f"owner.{uuid.uuid4().hex[:12]}@example.org")
    db.session.commit()
    config = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": redis_url, "PROXY_FIX": 1,
              "RATELIMIT_KEY_PREFIX": f"scaleout-{uuid.uuid4().hex[:8]}"}
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    with Gunicorn(database_url, tmp_path / "one", workers=1, config=config, access_log=True) as one, \
            Gunicorn(database_url, tmp_path / "two", workers=1, config=config, access_log=True) as two, \
            Nginx([one.port, two.port], tmp_path / "nginx") as balancer:
        guesses = [sign_in_from("127.0.0.2", balancer.port, owner.email, f"wrong-{n}") for n in range(5)]
        assert [status for status, _ in guesses] == [422] * 5  # the form again, "wrong email or password"
        for server in (one, two):
            assert "/auth/login" in served_paths(server), "both servers counted guesses"

        status, body = sign_in_from("127.0.0.2", balancer.port, owner.email, factories.PASSWORD)
        assert status == 429
        assert "Too many attempts to sign in to this account from your network" in body

        status, _ = sign_in_from("127.0.0.3", balancer.port, owner.email, factories.PASSWORD)
        assert status == 302, "the owner, from another address, is not held back"
        log = one.errors_logged() + two.errors_logged()
        assert "Traceback" not in log
