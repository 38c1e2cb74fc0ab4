"""With CSRF protection on (as in production): scheduling forms carry a token; without one nothing is saved.

These tests push an app context only around setup and checks: a context held
open across requests would share ``g`` (and so Flask-WTF's cached token)
between requests, which never happens in production.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from eventsapp.extensions import db
from eventsapp.models import Event
from tests import factories

pytestmark = pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


@pytest.fixture
def signed_in(app, client):
    """An organiser signed in through the login form with its token; returns (host id, region id)."""
    with app.app_context():
        host = factories.make_organisation()
        user = factories.make_user("organiser", host)
        email, host_id, region_id = user.email, host.id, factories.region("TLJ").id
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    response = client.post("/auth/login", data={"email": email, "password": factories.PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return host_id, region_id


def form(host_id: int, region_id: int) -> dict:
    return {"title": "Token test", "host": str(host_id), "region": str(region_id), "programme": "0",
            "starts_at": "2031-05-01T18:00", "ends_at": "2031-05-01T20:00", "status": "draft"}


def event_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Event.id)))


def test_new_event_without_a_token_saves_nothing(app, client, signed_in):
    response = client.post("/events/new", data=form(*signed_in))
    assert response.status_code == 400
    assert "This form expired or was sent from elsewhere" in response.get_data(as_text=True)
    assert event_count(app) == 0


def test_new_event_with_the_token_is_saved(app, client, signed_in):
    token = csrf_token(client.get("/events/new").get_data(as_text=True))
    assert client.post("/events/new", data={**form(*signed_in), "csrf_token": token}).status_code == 302
    assert event_count(app) == 1


def test_publish_without_a_token_is_refused(app, client, signed_in):
    host_id, _ = signed_in
    with app.app_context():
        event_id = factories.make_event(host=db.session.get(factories.Organisation, host_id), status="draft").id

    def status() -> str:
        with app.app_context():
            return db.session.get(Event, event_id).status

    manage = client.get(f"/events/{event_id}/manage").get_data(as_text=True)
    assert client.post(f"/events/{event_id}/publish").status_code == 400
    assert status() == "draft"
    assert client.post(f"/events/{event_id}/publish", data={"csrf_token": csrf_token(manage)}).status_code == 302
    assert status() == "published"
