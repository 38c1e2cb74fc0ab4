"""Finding 7: a request that fails its CSRF check answers 400 and runs nothing.

Before the fix the CSRF handler ran the view again ("replay") and only refused database
commits, so a side effect outside the database (deleting an upload) still happened.
"""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from eventsapp.extensions import db
from eventsapp.imports.services import add_sector_synonym
from eventsapp.models import Event, Membership, SectorSynonym
from tests import factories

pytestmark = pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": True}], indirect=True)


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def sign_in(client, email: str) -> None:
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    response = client.post("/auth/login", data={"email": email, "password": factories.PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def assert_friendly_400(response) -> None:
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This form expired or was sent from elsewhere" in html
    assert "go back, reload" in html.lower()


def test_discarding_an_upload_without_a_token_keeps_the_upload(app, client):
    from eventsapp.imports import jobs
    from eventsapp.imports.services import ImportTarget

    with app.test_request_context():
        host = factories.make_organisation()
        user = factories.make_user("organiser", host)
        event = factories.make_event(host=host)
        upload = FileStorage(io.BytesIO(b"Name,Email,Attended\nMo Matrix,mo@example.org,yes\n"), filename="list.csv")
        job_id = jobs.create(upload, user.id, ImportTarget(event_id=event.id))["id"]
        email = user.email
    sign_in(client, email)
    assert client.get(f"/imports/{job_id}").status_code == 200

    assert_friendly_400(client.post(f"/imports/{job_id}/discard"))
    assert_friendly_400(client.post(f"/imports/{job_id}/discard", data={"csrf_token": "forged"}))
    with app.app_context():
        assert jobs.load(job_id) is not None, "the upload was deleted by a request without a CSRF token"
    # With the page's own token it is discarded.
    token = csrf_token(client.get(f"/imports/{job_id}").get_data(as_text=True))
    assert client.post(f"/imports/{job_id}/discard", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert jobs.load(job_id) is None


def test_other_side_effecting_posts_without_a_token_change_nothing(app, client):
    with app.app_context():
        host = factories.make_organisation()
        network = factories.make_organisation("Token Network")
        user = factories.make_user("organiser", host)
        administrator = factories.make_user("coordinator", network, is_admin=True)  # who may remove synonyms
        door = factories.make_user("door", host)
        draft = factories.make_event(host=host, status="draft")
        published = factories.make_event(host=host, status="published")
        synonym = add_sector_synonym("token phrase", factories.sector("police"))
        db.session.commit()
        ids = {"draft": draft.id, "published": published.id, "host": host.id, "synonym": synonym.id,
               "door": db.session.scalar(select(Membership.id).where(Membership.user_id == door.id))}
        organiser_email, administrator_email = user.email, administrator.email

    sign_in(client, organiser_email)
    for url in (f"/events/{ids['draft']}/publish", f"/events/{ids['published']}/unpublish",
                f"/organisations/{ids['host']}/members/{ids['door']}/remove", "/events/new", "/auth/logout"):
        assert_friendly_400(client.post(url, data={"title": "Sent from elsewhere"}))
    with app.app_context():
        assert db.session.get(Event, ids["draft"]).status == "draft"
        assert db.session.get(Event, ids["published"]).status == "published"
        assert db.session.get(Membership, ids["door"]) is not None
        assert db.session.scalar(select(func.count(Event.id)).where(Event.title == "Sent from elsewhere")) == 0
    assert "Sign out" in client.get("/").get_data(as_text=True), "logout ran without a token"

    other = app.test_client()
    sign_in(other, administrator_email)
    assert_friendly_400(other.post(f"/imports/synonyms/{ids['synonym']}/delete"))
    with app.app_context():
        assert db.session.get(SectorSynonym, ids["synonym"]) is not None

