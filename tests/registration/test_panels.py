"""The partials other areas include, and the check-in QR code on the booking page."""

from __future__ import annotations

from datetime import timedelta

import segno
from flask import render_template_string, url_for

from eventsapp.models import utcnow
from eventsapp.tokens import make_token, read_token

EVENT_PANEL = '{% include "registration/_event_panel.html" %}'
ORGANISER_PANEL = '{% include "registration/_organiser_panel.html" %}'


def render(app, template, event) -> str:
    with app.test_request_context():
        return render_template_string(template, event=event)


def test_event_panel_open_full_and_closed(app, db, make_event, make_registration):
    open_event = make_event(capacity=3)
    make_registration(event=open_event)
    html = render(app, EVENT_PANEL, open_event)
    assert "2 places left" in html and f"/events/{open_event.id}/register" in html

    full = make_event(capacity=1)
    make_registration(event=full)
    make_registration(event=full, status="waitlisted")
    html = render(app, EVENT_PANEL, full)
    assert "This event is full" in html and "Join the waiting list" in html and "1 person waiting" in html

    unlimited = make_event(capacity=None)
    assert "Registration is open" in render(app, EVENT_PANEL, unlimited)

    cancelled = make_event(status="cancelled")
    html = render(app, EVENT_PANEL, cancelled)
    assert "has been cancelled" in html and "/register" not in html
    past = make_event(starts_at=utcnow() - timedelta(days=5))
    assert "already taken place" in render(app, EVENT_PANEL, past)
    not_yet = make_event(registration_opens_at=utcnow() + timedelta(days=1))
    assert "has not opened yet" in render(app, EVENT_PANEL, not_yet)


def test_organiser_panel_counts_and_links(app, db, make_event, make_registration):
    event = make_event(capacity=5)
    for status in ("confirmed", "confirmed", "waitlisted", "cancelled"):
        make_registration(event=event, status=status)
    html = render(app, ORGANISER_PANEL, event)
    assert "<strong>2</strong> confirmed" in html and "<strong>1</strong> waiting" in html
    assert "<strong>1</strong> cancelled" in html and "<strong>3</strong> places left of 5" in html
    for path in ("registrations", "registrations/new", "registrations.csv", "questions"):
        assert f"/events/{event.id}/{path}" in html


def test_the_booking_qr_code_encodes_the_check_in_link(app, client, db, make_registration, monkeypatch):
    from itsdangerous.timed import TimestampSigner

    # Tokens carry the second they were made: one fixed second, so the test's and the page's agree.
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: 1_790_000_000)
    registration = make_registration()
    with app.test_request_context(base_url="http://localhost"):
        token = make_token("booking", registration.id)
        scan_url = url_for("checkin.scan", token=make_token("checkin", registration.id), _external=True)
    page = client.get(f"/booking/{token}").get_data(as_text=True)
    expected = segno.make(scan_url, error="m").svg_data_uri(scale=5, border=2)
    assert expected in page
    with app.app_context():
        assert read_token("checkin", scan_url.rsplit("/", 1)[1]) == registration.id
