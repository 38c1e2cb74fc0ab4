"""The API's report figures are the report page's, for every scope the page offers, in the demo data."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from eventsapp.api.tokens import create_token
from eventsapp.demo import DEMO_PASSWORD, DEMO_PROGRAMME_SLUG, DEMO_USERS, seed_demo
from eventsapp.models import Event, Programme, Region, User, utcnow
from tests.api.conftest import bearer

#: The key figures on the page (``data-figure``) and their names in the JSON.
FIGURES = {"events held": "events", "regions": "regions", "people": "people", "attendances": "attendances",
           "organisations": "organisations", "registrations": "registrations"}


def page_figures(html: str) -> dict[str, int]:
    found = dict(re.findall(r'data-figure="([^"]+)">([\d,]+)<', html))
    assert set(found) == set(FIGURES), found
    return {FIGURES[label]: int(value.replace(",", "")) for label, value in found.items()}


def test_api_figures_equal_the_report_page_for_every_scope(app, client, db):
    seed_demo()
    db.session.commit()
    coordinator = db.session.scalar(select(User).where(User.email == DEMO_USERS["coordinator"]))
    organiser = db.session.scalar(select(User).where(User.email == DEMO_USERS["organiser"]))
    programme = db.session.scalar(select(Programme).where(Programme.slug == DEMO_PROGRAMME_SLUG))
    coordinator_token = create_token(coordinator, name="Dashboard", access="read", days=30,
                                     programme_id=programme.id).secret
    host_id = organiser.memberships[0].organisation_id
    organiser_token = create_token(organiser, name="Website", access="read", days=30,
                                   organisation_id=host_id).secret
    db.session.commit()
    events = db.session.execute(select(Event.id, Event.host_organisation_id, Event.starts_at)
                                .where(Event.programme_id == programme.id, Event.status == "published")
                                .order_by(Event.starts_at)).all()
    assert len(events) >= 11
    regions = sorted(set(db.session.scalars(
        select(Region.code).join(Event, Event.region_id == Region.id).where(Event.programme_id == programme.id))))
    first, last = events[0].starts_at.date(), events[len(events) // 2].starts_at.date()
    coordinator_scopes = (
        [f"programme={programme.slug}", f"programme={programme.slug}&from={first}&to={last}"]
        + [f"programme={programme.slug}&region={code}" for code in regions]
        + [f"programme={programme.slug}&host={host}" for host in sorted({e.host_organisation_id for e in events})]
        + [f"event={e.id}" for e in events]
    )
    organiser_scopes = [f"host={host_id}", f"host={host_id}&from={first}"] + [
        f"event={e.id}" for e in events if e.host_organisation_id == host_id]

    checked = 0
    for email, token, scopes in ((DEMO_USERS["coordinator"], coordinator_token, coordinator_scopes),
                                 (DEMO_USERS["organiser"], organiser_token, organiser_scopes)):
        browser = app.test_client()
        assert browser.post("/auth/login", data={"email": email, "password": DEMO_PASSWORD}).status_code == 302
        machine = app.test_client()
        for query in scopes:
            page = browser.get(f"/reports/?{query}")
            assert page.status_code == 200, query
            api = machine.get(f"/api/v1/reports?{query}", headers=bearer(token))
            assert api.status_code == 200, (query, api.get_json())
            payload = api.get_json()
            assert {name: payload[name] for name in FIGURES.values()} == page_figures(page.get_data(as_text=True)), query
            session_payload = browser.get(f"/api/v1/reports?{query}").get_json()
            assert {k: v for k, v in session_payload.items() if k != "generated_at"} == {
                k: v for k, v in payload.items() if k != "generated_at"}
            checked += 1
    assert checked == len(coordinator_scopes) + len(organiser_scopes)
    # The programme's figures are the demo's known ones, not merely equal.
    whole = client.get(f"/api/v1/reports?programme={programme.slug}", headers=bearer(coordinator_token)).get_json()
    assert (whole["people"], whole["organisations"]) == (346, 235)


def test_a_programme_token_reaches_its_programme_only(client, db):
    seed_demo()
    db.session.commit()
    coordinator = db.session.scalar(select(User).where(User.email == DEMO_USERS["coordinator"]))
    programme = db.session.scalar(select(Programme).where(Programme.slug == DEMO_PROGRAMME_SLUG))
    other = Programme(slug="another-programme", name="Another programme",
                      coordinator_organisation_id=programme.coordinator_organisation_id)
    db.session.add(other)
    db.session.commit()
    token = create_token(coordinator, name="One programme", access="read", days=7, programme_id=other.id).secret
    db.session.commit()
    assert client.get(f"/api/v1/reports?programme={programme.slug}", headers=bearer(token)).status_code == 404
    default = client.get("/api/v1/reports", headers=bearer(token)).get_json()
    assert default["scope"]["programme_id"] == other.id and default["events"] == 0
    event_id = db.session.scalar(select(Event.id).where(Event.programme_id == programme.id).limit(1))
    assert client.get(f"/api/v1/events/{event_id}/registrations", headers=bearer(token)).status_code == 404


def test_the_report_answers_304_while_its_figures_stay_the_same(client, db, api_world):
    from tests import factories

    headers = bearer(api_world.tokens["a_read"])
    url = f"/api/v1/reports?host={api_world.org_a.id}"
    first = client.get(url, headers=headers)
    etag = first.headers["ETag"]
    assert client.get(url, headers={**headers, "If-None-Match": etag}).status_code == 304
    held = factories.make_event(host=api_world.org_a, starts_at=utcnow().replace(microsecond=0) - timedelta(days=3))
    factories.make_registration(event=held, organisation=api_world.org_a, attended=True)
    changed = client.get(url, headers={**headers, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["attendances"] == first.get_json()["attendances"] + 1
