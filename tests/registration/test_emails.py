"""Every message, sent through a real SMTP server on loopback and parsed as it arrives."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from eventsapp.models import Registration, utcnow
from eventsapp.registration import services
from tests.registration.conftest import UNICODE_NAMES, body, form_data


def booking_link(message) -> str:
    text = body(message)
    return text.split("Your booking (see, change or cancel): ")[1].split()[0]


@pytest.mark.parametrize(("first", "last"), UNICODE_NAMES)
def test_confirmation_email_with_calendar_file(client, db, smtp, make_event, known_org, first, last):
    event = make_event(title="Good relations in Leeds", capacity=5)
    email = f"person{UNICODE_NAMES.index((first, last))}@example.org"
    client.post(f"/events/{event.id}/register", data=form_data(first_name=first, last_name=last, email=email))
    (message,) = smtp.parsed()
    assert message["Subject"] == "Your place is confirmed: Good relations in Leeds"
    assert message["To"].addresses[0].display_name == f"{first} {last}"
    assert message["To"].addresses[0].addr_spec == email
    assert f"Dear {first}," in body(message) and f"Dear {first}," in body(message, "html")
    assert "Your place is confirmed" in body(message, "html")
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "event.ics"
    (vevent,) = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Good relations in Leeds"
    # The link in the email opens the booking page.
    page = client.get(booking_link(message).replace("http://localhost", ""))
    assert page.status_code == 200 and f"{first} {last}" in page.get_data(as_text=True)


def test_waitlisted_promoted_and_cancelled_emails(client, db, smtp, make_event, known_org):
    event = make_event(capacity=1)
    client.post(f"/events/{event.id}/register", data=form_data(email="first@example.org"))
    client.post(f"/events/{event.id}/register", data=form_data(email="second@example.org", first_name="Łukasz"))
    (waitlisted,) = smtp.to("second@example.org")
    assert waitlisted["Subject"].startswith("You are on the waiting list")
    assert not list(waitlisted.iter_attachments())

    link = booking_link(smtp.to("first@example.org")[0]).replace("http://localhost", "")
    client.post(f"{link}/cancel")
    cancelled = smtp.to("first@example.org")[-1]
    assert cancelled["Subject"].startswith("Registration cancelled")
    assert "cancelled, as you asked" in body(cancelled)
    promoted = smtp.to("second@example.org")[-1]
    assert promoted["Subject"].startswith("A place has come free")
    assert "Dear Łukasz," in body(promoted)
    assert [a.get_filename() for a in promoted.iter_attachments()] == ["event.ics"]


def test_nothing_is_sent_when_the_transaction_does_not_commit(app, db, smtp, make_event):
    event = make_event()
    with app.test_request_context():
        services.register(event, {"first_name": "Rolled", "last_name": "Back", "email": "rb@example.org"})
        db.session.rollback()
        db.session.commit()
    assert smtp.parsed() == []
    assert db.session.scalar(select(Registration)) is None


def test_event_changed_and_cancelled_emails(app, db, smtp, make_event, make_registration):
    event = make_event(capacity=1)
    confirmed = make_registration(event=event)
    waiting = make_registration(event=event, status="waitlisted")
    make_registration(event=event, status="cancelled")
    with app.test_request_context():
        assert services.notify_event_changed(event, "The start time is now 18:30.") == 2
        db.session.commit()
        db.session.commit()
        event.status, event.cancel_reason = "cancelled", "The venue flooded."
        db.session.commit()
        services.notify_event_changed(event, "cancelled")
        db.session.commit()
    changed = [m for m in smtp.parsed() if m["Subject"].startswith("Event details changed")]
    assert sorted(str(m["To"].addresses[0].addr_spec) for m in changed) == sorted(
        [confirmed.person.email, waiting.person.email])
    assert all("The start time is now 18:30." in body(m) for m in changed)
    cancelled = [m for m in smtp.parsed() if m["Subject"].startswith("Event cancelled")]
    assert len(cancelled) == 2 and "The venue flooded." in body(cancelled[0])


def test_send_reminders_cli_is_idempotent(app, db, smtp, runner, make_event, make_registration):
    soon = make_event(starts_at=utcnow() + timedelta(hours=5))
    confirmed = make_registration(event=soon)
    make_registration(event=soon, status="waitlisted")
    make_registration(event=make_event(starts_at=utcnow() + timedelta(days=5)))
    result = runner.invoke(args=["send-reminders", "--hours", "24"])
    assert result.exit_code == 0, result.output
    assert "Sent 1 reminder " in result.output
    (reminder,) = smtp.parsed()
    assert reminder["Subject"].startswith("Reminder:")
    assert reminder["To"].addresses[0].addr_spec == confirmed.person.email
    assert "/booking/" in body(reminder)
    again = runner.invoke(args=["send-reminders", "--hours", "24"])
    assert "Sent 0 reminders" in again.output
    assert len(smtp.parsed()) == 1
    db.session.expire_all()
    assert db.session.get(Registration, confirmed.id).reminder_sent_at is not None



def test_a_mail_server_that_is_down_does_not_lose_the_registration(app, client, db, make_event, known_org):
    from tests.smtp import free_port

    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    event = make_event()
    response = client.post(f"/events/{event.id}/register", data=form_data())
    assert response.status_code == 302
    assert db.session.scalar(select(Registration)).status == "confirmed"


def test_calendar_files_follow_every_change_to_the_event(app, client, db, smtp, make_event, known_org):
    """The .ics is built once per version of the event and shared by the confirmations of a burst:
    a change to the event, its host's name or the site's address gives the next one a new file."""
    app.config["SERVER_NAME"] = None
    event = make_event(title="Good relations in Leeds", capacity=50)

    def register(n: int, host: str = "localhost"):
        client.post(f"/events/{event.id}/register", base_url=f"http://{host}",
                    data=form_data(first_name=f"Person{n}", email=f"p{n}@example.org"))
        (vevent,) = Calendar.from_ical(list(smtp.parsed()[-1].iter_attachments())[0].get_content()).walk("VEVENT")
        return vevent

    first, second = register(1), register(2)
    assert str(first["SUMMARY"]) == str(second["SUMMARY"]) == "Good relations in Leeds"
    assert first.to_ical() == second.to_ical()  # the same version of the event: the same file

    event.title, event.venue = "Good relations in Bradford", "City Hall"
    db.session.commit()
    third = register(3)
    assert str(third["SUMMARY"]) == "Good relations in Bradford" and "City Hall" in str(third["LOCATION"])

    event.host.name = "Renamed Community Trust"
    db.session.commit()
    assert "Renamed Community Trust" in register(4)["ORGANIZER"].params["CN"]

    assert str(register(5, host="events.example.org")["URL"]).startswith("http://events.example.org/")
