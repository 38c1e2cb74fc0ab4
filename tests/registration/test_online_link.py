"""The joining link of an online event reaches confirmed registrants: booking page, emails, .ics
(issue #13, finding 13). Waitlisted and cancelled registrations do not get it."""

from __future__ import annotations

from datetime import timedelta

import icalendar
from sqlalchemy import select

from eventsapp.models import Registration, utcnow
from eventsapp.tokens import make_token
from tests.registration.conftest import body, form_data

JOIN = "https://meet.example.org/secret-room-4821"


def ics_attachment(message) -> icalendar.Calendar | None:
    for part in message.iter_attachments():
        if part.get_content_type() == "text/calendar":
            return icalendar.Calendar.from_ical(part.get_content())
    return None


def only_vevent(calendar: icalendar.Calendar):
    (vevent,) = calendar.walk("VEVENT")
    return vevent


def test_a_confirmed_registrant_gets_the_link_by_email_page_and_calendar(client, db, smtp, make_event, known_org):
    event = make_event(capacity=1, online_url=JOIN)
    confirmed = client.post(f"/events/{event.id}/register", data=form_data())
    waiting = client.post(f"/events/{event.id}/register", data=form_data(email="second@example.org"))
    assert confirmed.status_code == waiting.status_code == 302

    (confirmation,) = smtp.to("zoe@example.org")
    assert JOIN in body(confirmation) and JOIN in body(confirmation, "html")
    vevent = only_vevent(ics_attachment(confirmation))
    assert str(vevent["CONFERENCE"]) == JOIN and f"Join online: {JOIN}" in str(vevent["DESCRIPTION"])
    (waitlisted,) = smtp.to("second@example.org")
    assert JOIN not in body(waitlisted) and JOIN not in body(waitlisted, "html")
    assert ics_attachment(waitlisted) is None

    page = client.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert JOIN in page
    assert JOIN not in client.get(waiting.headers["Location"]).get_data(as_text=True)

    registrations = {r.email_key: r for r in db.session.scalars(select(Registration))}
    own = client.get(f"/booking/{make_token('booking', registrations['zoe@example.org'].id)}/event.ics")
    assert str(only_vevent(icalendar.Calendar.from_ical(own.data))["CONFERENCE"]) == JOIN
    other = client.get(f"/booking/{make_token('booking', registrations['second@example.org'].id)}/event.ics")
    assert other.status_code == 200 and JOIN.encode() not in other.data
    assert "CONFERENCE" not in only_vevent(icalendar.Calendar.from_ical(other.data))


def test_a_cancelled_registration_no_longer_shows_the_link(client, db, make_event, make_registration):
    event = make_event(online_url=JOIN)
    registration = make_registration(event=event, status="cancelled")
    token = make_token("booking", registration.id)
    assert JOIN not in client.get(f"/booking/{token}").get_data(as_text=True)
    assert JOIN.encode() not in client.get(f"/booking/{token}/event.ics").data


def test_reminders_carry_the_link_to_confirmed_people(app, db, smtp, runner, make_event, make_registration):
    event = make_event(starts_at=utcnow() + timedelta(hours=5), online_url=JOIN)
    confirmed = make_registration(event=event)
    make_registration(event=event, status="waitlisted")
    result = runner.invoke(args=["send-reminders", "--hours", "24"])
    assert result.exit_code == 0, result.output
    (reminder,) = smtp.parsed()
    assert reminder["To"].addresses[0].addr_spec == confirmed.person.email
    assert JOIN in body(reminder) and JOIN in body(reminder, "html")


def test_promotion_from_the_waitlist_sends_the_link(client, db, smtp, make_event, make_registration):
    from eventsapp.registration import services

    event = make_event(capacity=1, online_url=JOIN)
    first = make_registration(event=event)
    waiting = make_registration(event=event, status="waitlisted")
    services.cancel_registration(first)
    db.session.commit()
    (promoted,) = [m for m in smtp.to(waiting.person.email) if m["Subject"].startswith("A place has come free")]
    assert JOIN in body(promoted)
    assert str(only_vevent(ics_attachment(promoted))["CONFERENCE"]) == JOIN
    (cancelled,) = smtp.to(first.person.email)
    assert JOIN not in body(cancelled)


def test_the_booking_page_offers_one_ics_download_the_bookings_own(client, db, smtp, make_event, known_org):
    """One .ics on the booking page (there were two: a button and the "Add to your calendar" box), and
    it is the booking's, which carries the joining link the event's public .ics leaves out."""
    import re

    event = make_event(online_url=JOIN)
    confirmed = client.post(f"/events/{event.id}/register", data=form_data())
    assert confirmed.status_code == 302
    booking_url = confirmed.headers["Location"]
    page = client.get(booking_url).get_data(as_text=True)
    calendar_files = [href for href in re.findall(r'href="([^"]+)"', page)
                      if href.split("?")[0].endswith(".ics") and not href.startswith("webcal:")]  # not the feeds
    assert calendar_files == [booking_url.split("?")[0].rstrip("/") + "/event.ics"]
    assert "Add to your calendar" in page and "Google Calendar" in page
    vevent = only_vevent(icalendar.Calendar.from_ical(client.get(calendar_files[0]).data))
    assert str(vevent["CONFERENCE"]) == JOIN
