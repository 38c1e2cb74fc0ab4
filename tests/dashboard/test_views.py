"""The organiser dashboard: my organisations' events grouped, with registration counts."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import event as sa_event

from eventsapp.extensions import db as _db
from eventsapp.models import utcnow


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    end = html.find("<section", start)
    return html[start:end if end != -1 else None]


def row_counts(html: str, title: str) -> tuple[int, int]:
    row = html[html.index(title):]
    row = row[: row.index("</tr>")]
    confirmed = re.search(r'data-count="confirmed">(\d+)<', row).group(1)
    waitlisted = re.search(r'data-count="waitlisted">(\d+)<', row).group(1)
    return int(confirmed), int(waitlisted)


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_groups_my_events_with_counts(client, login_as, make_organisation, make_event, make_registration):
    mine = make_organisation()
    now = utcnow()
    upcoming = make_event(host=mine, title="Soon event", starts_at=now + timedelta(days=3), capacity=2)
    make_event(host=mine, title="Draft event", status="draft")
    make_event(host=mine, title="Old event", starts_at=now - timedelta(days=30))
    make_event(host=mine, title="Called off", status="cancelled", starts_at=now + timedelta(days=8))
    make_event(title="Someone else's event")
    make_registration(upcoming)
    make_registration(upcoming)
    make_registration(upcoming, status="waitlisted")
    make_registration(upcoming, status="cancelled")
    login_as("organiser", mine)
    html = client.get("/dashboard/").get_data(as_text=True)
    assert "Someone else" not in html
    upcoming_html = section(html, "upcoming-heading")
    assert "Soon event" in upcoming_html and "Called off" in upcoming_html
    assert "Draft event" in section(html, "drafts-heading")
    assert "Old event" in section(html, "past-heading")
    assert row_counts(html, "Soon event") == (2, 1)
    assert row_counts(html, "Draft event") == (0, 0)


def test_coordinator_sees_every_event_of_its_programmes(client, login_as, make_organisation, make_programme,
                                                        make_event):
    coordinating = make_organisation()
    programme = make_programme(coordinator_organisation=coordinating)
    make_event(title="Programme draft", programme=programme, status="draft")
    make_event(title="Programme event", programme=programme)
    make_event(title="Outside event")
    login_as("coordinator", coordinating)
    html = client.get("/dashboard/").get_data(as_text=True)
    assert "Programme draft" in html and "Programme event" in html and "Outside event" not in html
    assert "Schedule an event" in html


def test_empty_dashboard_is_helpful(client, login_as):
    login_as("organiser")
    html = client.get("/dashboard/").get_data(as_text=True)
    assert "No upcoming events" in html and "No drafts" in html


def test_counts_take_one_query_however_many_events(app, client, login_as, make_organisation, make_event,
                                                   make_registration):
    mine = make_organisation()
    for n in range(6):
        make_registration(make_event(host=mine, title=f"Event {n}"))
    login_as("organiser", mine)
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = _db.engine
    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        client.get("/dashboard/")
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)
    # the counts are the counters on the event rows (eventsapp.models.counters): no count over registrations
    assert [s for s in statements if "FROM registration" in s] == []
    assert len([s for s in statements if "FROM event" in s]) <= 6  # the three lists, each a count and a page


def test_door_volunteer_sees_events_with_a_link_to_the_desk_not_to_manage(client, login_as, make_organisation,
                                                                          make_event):
    mine = make_organisation()
    event = make_event(host=mine, title="Door event")
    login_as("door", mine)
    html = client.get("/dashboard/").get_data(as_text=True)
    assert f'href="/events/{event.id}/checkin"' in html
    assert f'href="/events/{event.id}/manage"' not in html
    assert f'href="/events/{event.id}"' in html
    assert "Schedule an event" not in html


def test_each_group_is_paginated_on_its_own(app, client, login_as, make_organisation, make_event):
    mine = make_organisation()
    now = utcnow()
    for n in range(27):
        make_event(host=mine, title=f"Upcoming {n:02d}", starts_at=now + timedelta(days=n + 1))
    make_event(host=mine, title="Only draft", status="draft")
    login_as("organiser", mine)
    first = client.get("/dashboard/").get_data(as_text=True)
    assert "Upcoming 24" in first and "Upcoming 25" not in first
    assert "/dashboard/?upcoming=2" in first
    second = client.get("/dashboard/?upcoming=2").get_data(as_text=True)
    upcoming = section(second, "upcoming-heading")
    assert "Upcoming 25" in upcoming and "Upcoming 26" in upcoming and "Upcoming 24" not in upcoming
    assert "Only draft" in second  # the other groups stay on their first page
