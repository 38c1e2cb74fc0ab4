"""The coordinator's people pages (find, export, erase) and the personal-data access log."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

from sqlalchemy import select

from eventsapp.models import AccessLogEntry, ErasureRecord, Person, utcnow
from eventsapp.privacy import retention
from tests import factories
from tests.privacy.conftest import World, report_json
from tests.privacy.html import parse

EMAIL = "Siobhan.ONeill-Wojcik@Example.org"


def coordinator_of(world: World):
    return factories.make_user(role="coordinator", organisation=world.programme.coordinator_organisation)


def test_a_coordinator_finds_exports_and_erases_a_person_of_their_network(client, db, world, login_as):
    login_as("coordinator", user=coordinator_of(world))
    found = client.post("/privacy/people", data={"email": EMAIL.lower()})
    assert found.status_code == 200
    rows = parse(found).find_all("tbody")[0].find_all("tr")
    assert len(rows) == 3 and world.events[0].title in rows[0].text()
    download = client.post("/privacy/people/export", data={"email": EMAIL})
    assert download.status_code == 200 and download.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        data = json.loads(archive.read("person.json"))
        summary = archive.read("summary.txt").decode()
    assert len(data["registrations"]) == 3 and data["scope"] == "registrations at events of your network, and its messages to them"
    assert "Step-free access for Siobhán" in summary
    now = utcnow()
    before = report_json(world.programme, now=now)
    unconfirmed = client.post("/privacy/people/erase", data={"email": EMAIL})
    assert unconfirmed.status_code == 422 and "Tick to confirm" in unconfirmed.get_data(as_text=True)
    erased = client.post("/privacy/people/erase", data={"email": EMAIL, "confirm": "y"})
    assert erased.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, world.target.id).email is None
    assert report_json(world.programme, now=now) == before
    record = db.session.scalar(select(ErasureRecord))
    assert record.by_id is not None and record.counts["registrations"] == 3
    again = client.post("/privacy/people", data={"email": EMAIL})
    assert again.status_code == 422 and "No one with this email address" in again.get_data(as_text=True)


def test_a_coordinator_cannot_reach_a_person_outside_their_network(client, db, world, login_as):
    other_network = factories.make_organisation("Another Network")
    login_as("coordinator", other_network)
    for url in ("/privacy/people", "/privacy/people/export", "/privacy/people/erase"):
        response = client.post(url, data={"email": EMAIL, "confirm": "y"})
        assert response.status_code == 422, url
        assert "No one with this email address" in response.get_data(as_text=True)
    assert db.session.get(Person, world.target.id).email == EMAIL


def test_views_of_personal_data_are_logged_and_shown_to_the_programme_coordinators(client, db, world, login_as):
    organiser = factories.make_user(role="organiser", organisation=world.host)
    login_as("organiser", user=organiser)
    event = world.events[0]
    assert client.get(f"/events/{event.id}/registrations").status_code == 200
    assert client.get(f"/events/{event.id}/registrations.csv").status_code == 200
    assert client.get(f"/events/{event.id}/checkin").status_code == 200
    entries = list(db.session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id)))
    assert [(e.action, e.what, e.event_id, e.programme_id, e.user_id) for e in entries] == [
        ("view", "registrations list", event.id, world.programme.id, organiser.id),
        ("download", "registrations CSV", event.id, world.programme.id, organiser.id),
        ("view", "check-in desk", event.id, world.programme.id, organiser.id),
    ]
    client.post("/auth/logout")
    login_as("coordinator", user=coordinator_of(world))
    page = parse(client.get("/privacy/access-log"))
    table = page.by_id("access-log").text()
    assert organiser.email in table and "registrations CSV" in table
    client.post("/auth/logout")
    login_as("coordinator", factories.make_organisation("Another Network"))
    assert "registrations CSV" not in client.get("/privacy/access-log").get_data(as_text=True)


def test_retention_prunes_the_access_log(db, world, app):
    old = AccessLogEntry(user_id=None, action="view", what="registrations list",
                         at=utcnow() - timedelta(days=app.config["RETENTION_ACCESS_LOG_DAYS"] + 1))
    recent = AccessLogEntry(user_id=None, action="view", what="registrations list", at=utcnow())
    db.session.add_all([old, recent])
    db.session.commit()
    done = retention.apply(utcnow())
    db.session.commit()
    assert done.access_log_entries == 1
    assert list(db.session.scalars(select(AccessLogEntry.id))) == [recent.id]
