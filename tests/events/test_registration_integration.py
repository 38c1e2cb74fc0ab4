"""Scheduling changes reach registrants through the registration services (real, not mocked)."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

from eventsapp.models import Registration


def outbox(app) -> list:
    folder = Path(app.instance_path) / "outbox"
    if not folder.exists():
        return []
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in sorted(folder.glob("*.eml"))]


def test_cancelling_emails_everyone_registered(app, client, organiser, host, make_event, make_registration):
    event = make_event(host=host, title="Bridges")
    confirmed = make_registration(event)
    waitlisted = make_registration(event, status="waitlisted")
    make_registration(event, status="cancelled")
    assert client.post(f"/events/{event.id}/cancel", data={"reason": "Storm warning."}).status_code == 302
    messages = outbox(app)
    assert sorted(m["To"].addresses[0].addr_spec for m in messages) == sorted(
        [confirmed.person.email, waitlisted.person.email])
    assert all("cancelled" in m["Subject"].lower() for m in messages)
    assert "Storm warning." in messages[0].get_body(("plain",)).get_content()


def test_a_new_venue_emails_registrants(app, client, organiser, host, make_event, make_registration,
                                        event_form):
    event = make_event(host=host)
    client.post(f"/events/{event.id}/edit", data=event_form(status="published"))  # same as the form data
    make_registration(event)
    client.post(f"/events/{event.id}/edit", data=event_form(venue="Crawley Library", status="published"))
    messages = outbox(app)
    assert len(messages) == 1
    assert "What changed: the venue." in messages[0].get_body(("plain",)).get_content()


def test_raising_capacity_confirms_the_waitlist_first_come_first_served(app, db, client, organiser, host,
                                                                       make_event, make_registration, event_form):
    event = make_event(host=host, capacity=1)
    make_registration(event)
    first = make_registration(event, status="waitlisted")
    second = make_registration(event, status="waitlisted")
    response = client.post(f"/events/{event.id}/edit", data=event_form(capacity="2", status="published"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, first.id).status == "confirmed"
    assert db.session.get(Registration, second.id).status == "waitlisted"
