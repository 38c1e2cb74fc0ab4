"""The public registration form and the attendee's booking pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from eventsapp.models import (
    EqualityResponse,
    EventQuestion,
    Organisation,
    Person,
    Registration,
    RegistrationAnswer,
    utcnow,
)
from eventsapp.tokens import make_token
from tests.registration.conftest import UNICODE_NAMES, form_data


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def booking_token(response) -> str:
    match = re.search(r"/booking/([^/?\"]+)", response.headers["Location"])
    return match.group(1)


def test_form_shows_every_field(client, make_event):
    event = make_event(capacity=10)
    page = client.get(f"/events/{event.id}/register").get_data(as_text=True)
    for name in ("first_name", "last_name", "email", "organisation_name", "individual", "sector", "job_title",
                 "access_requirements", "dietary_requirements", "consent_privacy", "consent_contact"):
        assert f'name="{name}"' in page
    assert "10 places left" in page
    assert "<script>" not in page and " style=" not in page and "onclick" not in page


def test_registering_confirms_a_place_and_shows_the_booking(client, db, make_event, known_org):
    event = make_event(capacity=10)
    response = client.post(f"/events/{event.id}/register", data=form_data(consent_contact="y"))
    assert response.status_code == 302
    registration = db.session.scalar(select(Registration))
    assert registration.status == "confirmed" and registration.source == "web"
    assert registration.organisation_id == known_org.id
    assert registration.consent_privacy_at is not None and registration.consent_contact is True
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your place is <strong>confirmed</strong>" in page
    assert "Zoë Ó Súilleabháin" in page
    assert 'src="data:image/svg+xml' in page  # the check-in QR code


def test_a_new_organisation_needs_a_sector_and_is_matched_when_spelt_differently(client, db, make_event):
    event = make_event()
    organisations = count(db, Organisation)
    data = form_data(organisation_name="Thames Valley Police.", sector="")
    response = client.post(f"/events/{event.id}/register", data=data)
    assert response.status_code == 422
    assert "choose the sector it works in" in response.get_data(as_text=True)
    assert count(db, Registration) == 0 and count(db, Organisation) == organisations
    assert client.post(f"/events/{event.id}/register", data={**data, "sector": "police"}).status_code == 302
    second = form_data(email="second@example.org", organisation_name="thames valley police ")
    assert client.post(f"/events/{event.id}/register", data=second).status_code == 302  # known now: no sector
    assert count(db, Organisation) == organisations + 1
    assert db.session.scalar(select(Organisation).order_by(Organisation.id.desc())).sector.code == "police"


def test_individuals_register_without_an_organisation(client, db, make_event):
    event = make_event()
    response = client.post(f"/events/{event.id}/register",
                           data=form_data(organisation_name="", individual="y"))
    assert response.status_code == 302
    assert db.session.scalar(select(Registration)).organisation_id is None
    missing = client.post(f"/events/{event.id}/register",
                          data=form_data(email="b@example.org", organisation_name=""))
    assert missing.status_code == 422
    assert "tick that you are coming as an individual" in missing.get_data(as_text=True)


def test_privacy_consent_is_required(client, db, make_event, known_org):
    event = make_event()
    response = client.post(f"/events/{event.id}/register", data=form_data(consent_privacy=None))
    assert response.status_code == 422
    assert "agree to the privacy notice" in response.get_data(as_text=True)
    assert count(db, Registration) == 0


def test_a_full_event_puts_people_on_the_waitlist(client, db, make_event, make_registration, known_org):
    event = make_event(capacity=1)
    make_registration(event=event)
    page = client.get(f"/events/{event.id}/register").get_data(as_text=True)
    assert "This event is full" in page
    response = client.post(f"/events/{event.id}/register", data=form_data())
    assert "waiting list" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(Registration).where(Registration.email_key == "zoe@example.org")).status \
        == "waitlisted"


def test_registering_twice_is_answered_kindly_and_resends_the_link(client, db, make_event, known_org, outbox):
    event = make_event()
    client.post(f"/events/{event.id}/register", data=form_data())
    again = client.post(f"/events/{event.id}/register", data=form_data(email="ZOE@example.org "))
    assert again.status_code == 200
    text = again.get_data(as_text=True)
    assert "already registered" in text and "resent your link" in text
    assert "/booking/" not in text  # the link goes only to the mailbox, never to whoever typed the email
    assert count(db, Registration) == 1
    subjects = [m["Subject"] for m in outbox()]
    assert any(s.startswith("Your booking link") for s in subjects)


def test_event_questions_are_asked_validated_and_stored(client, db, make_event, known_org):
    event = make_event()
    db.session.add_all([
        EventQuestion(event_id=event.id, label="Which workshop?", kind="single_choice",
                      choices="Morning\nAfternoon", required=True, position=1),
        EventQuestion(event_id=event.id, label="Topics", kind="multiple_choice",
                      choices="Faith\nYouth\nPolicing", position=2),
        EventQuestion(event_id=event.id, label="First time?", kind="yes_no", required=True, position=3),
        EventQuestion(event_id=event.id, label="Anything else?", kind="long_text", position=4),
    ])
    db.session.commit()
    workshop, topics, first_time, other = db.session.scalars(select(EventQuestion).order_by(EventQuestion.position))
    page = client.get(f"/events/{event.id}/register").get_data(as_text=True)
    assert "Which workshop?" in page and "<legend" in page
    missing = client.post(f"/events/{event.id}/register", data=form_data())
    assert missing.status_code == 422 and count(db, Registration) == 0
    forged = client.post(f"/events/{event.id}/register", data=form_data(
        **{f"question_{workshop.id}": "Evening", f"question_{first_time.id}": "Yes"}))
    assert forged.status_code == 422
    response = client.post(f"/events/{event.id}/register", data={
        **form_data(), f"question_{workshop.id}": "Afternoon", f"question_{topics.id}": ["Faith", "Youth"],
        f"question_{first_time.id}": "No", f"question_{other.id}": "Step-free please"})
    assert response.status_code == 302
    answers = {a.question_id: a.value for a in db.session.scalars(select(RegistrationAnswer))}
    assert answers == {workshop.id: "Afternoon", topics.id: "Faith\nYouth", first_time.id: "No",
                       other.id: "Step-free please"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": "cancelled"}, "has been cancelled"),
        ({"starts_at_days": -3}, "already taken place"),
        ({"registration_opens_at_days": 2}, "has not opened yet"),
        ({"registration_closes_at_days": -1}, "Registration for this event has closed"),
    ],
)
def test_closed_events_say_why(client, db, make_event, known_org, changes, message):
    now = utcnow()
    kw = {"status": changes.get("status", "published")}
    if "starts_at_days" in changes:
        kw["starts_at"] = now + timedelta(days=changes["starts_at_days"])
    for key in ("registration_opens_at", "registration_closes_at"):
        if f"{key}_days" in changes:
            kw[key] = now + timedelta(days=changes[f"{key}_days"])
    event = make_event(**kw)
    for response in (client.get(f"/events/{event.id}/register"),
                     client.post(f"/events/{event.id}/register", data=form_data())):
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
    assert count(db, Registration) == 0


def test_drafts_and_missing_events_are_404(client, db, make_event, known_org):
    draft = make_event(status="draft")
    assert client.get(f"/events/{draft.id}/register").status_code == 404
    assert client.post(f"/events/{draft.id}/register", data=form_data()).status_code == 404
    assert client.post("/events/999999/register", data=form_data()).status_code == 404
    assert count(db, Registration) == 0


HOSTILE = {
    "missing everything": {},
    "missing email": form_data(email=""),
    "10,000-character first name": form_data(first_name="Z" * 10_000),
    "10,000-character organisation": form_data(organisation_name="O" * 10_000, sector="police"),
    "NUL byte in the name": form_data(first_name="Zo\x00ë"),
    "control character in email": form_data(email="zoe\x07@example.org"),
    "forged sector": form_data(organisation_name="Brand New Org", sector="not-a-sector"),
    "forged choice of consent": form_data(consent_privacy=None, status="confirmed"),
}


@pytest.mark.parametrize("data", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_posts_write_nothing_and_keep_the_input(client, db, make_event, known_org, data):
    event = make_event()
    response = client.post(f"/events/{event.id}/register", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There are problems" in page or "There is a problem" in page
    assert count(db, Registration) == 0 and count(db, Person) == 0
    if data.get("last_name"):
        assert 'value="Ó Súilleabháin"' in page  # the input comes back


def test_invalid_utf8_is_refused_without_a_500(client, db, make_event, known_org):
    event = make_event()
    body = (b"first_name=Zo%FF%FE&last_name=Test&email=zoe%40example.org"
            b"&organisation_name=Thames+Valley+Police&consent_privacy=y")
    response = client.post(f"/events/{event.id}/register", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400  # refused before the form is read (tests/hostile)
    assert "not valid UTF-8" in response.get_data(as_text=True)
    raw = client.post(f"/events/{event.id}/register", data=b"\xff\xfe\x00garbage",
                      content_type="application/x-www-form-urlencoded")
    assert raw.status_code == 400
    assert count(db, Registration) == 0


def test_forged_status_organisation_and_event_ids_are_ignored(client, db, make_event, make_registration,
                                                              make_organisation, known_org):
    event = make_event(capacity=1)
    other_event = make_event(capacity=100)
    make_registration(event=event)
    other_org = make_organisation("Somebody Else")
    response = client.post(f"/events/{event.id}/register", data=form_data(
        status="confirmed", organisation_id=str(other_org.id), event_id=str(other_event.id),
        source="import", id="1"))
    assert response.status_code == 302
    registration = db.session.scalar(select(Registration).where(Registration.email_key == "zoe@example.org"))
    assert (registration.status, registration.event_id, registration.organisation_id, registration.source) == (
        "waitlisted", event.id, known_org.id, "web")


@pytest.mark.parametrize(("first", "last"), UNICODE_NAMES)
def test_unicode_names_survive_the_form_and_the_booking_page(client, db, make_event, known_org, first, last):
    event = make_event()
    response = client.post(f"/events/{event.id}/register", data=form_data(first_name=first, last_name=last))
    person = db.session.scalar(select(Person))
    assert (person.first_name, person.last_name) == (first, last)
    assert f"{first} {last}" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_organisation_type_ahead(client, make_organisation):
    make_organisation("Thames Valley Police", sector_code="police")
    make_organisation("Kent Police", sector_code="police")
    make_organisation("Police & Communities Trust")
    assert client.get("/registration/organisations.json?q=p").get_json() == {"organisations": []}
    names = client.get("/registration/organisations.json?q=police").get_json()["organisations"]
    assert names[0] == "Police & Communities Trust"  # names starting with the words come first
    assert set(names) == {"Thames Valley Police", "Kent Police", "Police & Communities Trust"}
    assert client.get("/registration/organisations.json?q=%25").get_json() == {"organisations": []}


# --- the booking link ------------------------------------------------------------


def test_a_forged_booking_link_is_404(client, db, make_registration):
    registration = make_registration()
    assert client.get("/booking/not-a-token").status_code == 404
    with client.application.app_context():
        wrong_purpose = make_token("checkin", registration.id)
    assert client.get(f"/booking/{wrong_purpose}").status_code == 404


def test_the_attendee_edits_their_details(client, db, make_event, known_org):
    event = make_event()
    token = booking_token(client.post(f"/events/{event.id}/register", data=form_data()))
    page = client.get(f"/booking/{token}/edit").get_data(as_text=True)
    assert 'value="Zoë"' in page and 'value="Thames Valley Police"' in page
    bad = client.post(f"/booking/{token}/edit", data={**form_data(), "first_name": ""})
    assert bad.status_code == 422
    response = client.post(f"/booking/{token}/edit", data={
        **form_data(), "first_name": "Łukasz", "last_name": "Wójcik", "dietary_requirements": "Vegan",
        "email": "attacker@example.org", "status": "cancelled"})
    assert response.status_code == 302
    registration = db.session.scalar(select(Registration))
    assert registration.person.full_name == "Łukasz Wójcik"
    assert registration.dietary_requirements == "Vegan"
    assert registration.person.email == "zoe@example.org" and registration.status == "confirmed"


def test_the_attendee_cancels_with_a_confirmation_step(client, db, make_event, make_registration, known_org):
    event = make_event(capacity=1)
    token = booking_token(client.post(f"/events/{event.id}/register", data=form_data()))
    waiting = make_registration(event=event, status="waitlisted")
    confirm = client.get(f"/booking/{token}/cancel")
    assert confirm.status_code == 200 and "Yes, cancel my registration" in confirm.get_data(as_text=True)
    assert db.session.scalar(select(Registration).where(Registration.email_key == "zoe@example.org")).status \
        == "confirmed"  # a GET changes nothing
    assert client.post(f"/booking/{token}/cancel").status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, waiting.id).status == "confirmed"
    page = client.get(f"/booking/{token}").get_data(as_text=True)
    assert "<strong>cancelled</strong>" in page and "data:image/svg+xml" not in page


WAITLIST_LINE = "Your place will go to the next person on the waiting list."


@pytest.mark.parametrize(("capacity", "waiting", "over_capacity", "says_so"), [
    (1, 1, 0, True),       # full, someone waiting: their place goes to them
    (1, 0, 0, False),      # full, nobody waiting
    (None, 0, 0, False),   # no limit: no waiting list at all
    (1, 1, 1, False),      # confirmed over capacity: giving a place up frees none
])
def test_the_cancel_page_mentions_the_waiting_list_only_when_someone_gets_the_place(
        client, db, make_event, make_registration, known_org, capacity, waiting, over_capacity, says_so):
    event = make_event(capacity=capacity)
    token = booking_token(client.post(f"/events/{event.id}/register", data=form_data()))
    for _ in range(over_capacity):
        make_registration(event=event, status="confirmed")
    waiters = [make_registration(event=event, status="waitlisted") for _ in range(waiting)]
    page = client.get(f"/booking/{token}/cancel").get_data(as_text=True)
    assert (WAITLIST_LINE in page) is says_so
    client.post(f"/booking/{token}/cancel")
    db.session.expire_all()
    promoted = [db.session.get(Registration, w.id).status == "confirmed" for w in waiters]
    assert any(promoted) is says_so  # the page said what cancelling did


def test_the_booking_page_offers_the_event_as_ics(client, db, make_event, known_org):
    event = make_event(title="Good relations in Leeds")
    token = booking_token(client.post(f"/events/{event.id}/register", data=form_data()))
    response = client.get(f"/booking/{token}/event.ics")
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Good relations in Leeds"
    assert vevent.decoded("DTSTART").replace(tzinfo=None) == event.starts_at


def test_equality_monitoring_is_optional_consented_and_kept_apart(client, db, make_event, known_org):
    event = make_event()
    token = booking_token(client.post(f"/events/{event.id}/register", data=form_data()))
    page = client.get(f"/booking/{token}/equality").get_data(as_text=True)
    assert "Prefer not to say" in page and "Gypsy or Irish Traveller" in page and "No religion" in page
    assert page.count("<optgroup") == 5
    no_consent = client.post(f"/booking/{token}/equality", data={"ethnicity": "white_irish"})
    assert no_consent.status_code == 422 and count(db, EqualityResponse) == 0
    forged = client.post(f"/booking/{token}/equality", data={"consent": "y", "religion": "pastafarian"})
    assert forged.status_code == 422 and count(db, EqualityResponse) == 0
    response = client.post(f"/booking/{token}/equality", data={
        "consent": "y", "ethnicity": "white_irish", "religion": "prefer_not_to_say", "age_band": "35_49"})
    assert response.status_code == 302
    answer = db.session.scalar(select(EqualityResponse))
    assert (answer.ethnicity, answer.religion, answer.age_band, answer.gender) == (
        "white_irish", "prefer_not_to_say", "35_49", None)
    assert answer.event_id == event.id
    client.post(f"/booking/{token}/equality", data={"consent": "y", "ethnicity": "other_arab"})
    assert count(db, EqualityResponse) == 1  # answered once; not overwritten


def test_a_database_that_stays_busy_gets_a_friendly_page(client, db, make_event, known_org, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from eventsapp.registration import services

    def busy(*args, **kwargs):
        raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))

    monkeypatch.setattr(services, "register", busy)
    event = make_event()
    response = client.post(f"/events/{event.id}/register", data=form_data())
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "Nothing was saved" in text and "database is locked" not in text
    assert count(db, Registration) == 0


def booking_details(page) -> dict[str, str]:
    """The "Your details" list of a booking page, term by term."""
    from tests.privacy.html import parse

    (details,) = [dl for dl in parse(page).find_all("dl") if any(dt.text() == "Name" for dt in dl.find_all("dt"))]
    return dict(zip([dt.text() for dt in details.find_all("dt")], [dd.text() for dd in details.find_all("dd")],
                    strict=True))


def test_the_booking_page_shows_every_answer_and_after_cancelling_the_way_back(client, db, make_event, known_org):
    """Walkthrough finding 27: needs and the network-email consent always shown (blank ones as "None given"),
    and a cancelled booking links to the event and to registering again."""
    from eventsapp.messages.services import unsubscribe_from_network
    from tests.privacy.html import parse

    event = make_event()
    token = booking_token(client.post(f"/events/{event.id}/register", data=form_data()))
    details = booking_details(client.get(f"/booking/{token}"))
    assert details["Access requirements"] == "None given" and details["Dietary needs"] == "None given"
    assert details["Emails about the network’s future events"] == "No"
    client.post(f"/booking/{token}/edit", data={**form_data(), "access_requirements": "Hearing loop",
                                                 "dietary_requirements": "Halal", "consent_contact": "y"})
    details = booking_details(client.get(f"/booking/{token}"))
    assert (details["Access requirements"], details["Dietary needs"]) == ("Hearing loop", "Halal")
    assert details["Emails about the network’s future events"] == "Yes, you agreed to them"
    assert parse(client.get(f"/booking/{token}")).by_id("booking-next") is None  # still booked: nothing to go back to

    unsubscribe_from_network(db.session.scalar(select(Registration.person_id)))
    db.session.commit()
    details = booking_details(client.get(f"/booking/{token}"))
    assert details["Emails about the network’s future events"] == "No: you unsubscribed from messages about the network"

    assert client.post(f"/booking/{token}/cancel").status_code == 302
    links = parse(client.get(f"/booking/{token}")).by_id("booking-next").find_all("a")
    assert [(a.text(), a.attrs["href"]) for a in links] == [
        ("Register again", f"/events/{event.id}/register"), ("Back to the event page", f"/events/{event.id}")]
    assert client.get(f"/events/{event.id}").status_code == 200
    # The address is known, so the new booking's link goes to the mailbox; the place is theirs again.
    assert client.post(f"/events/{event.id}/register", data=form_data()).status_code == 200
    assert db.session.scalars(select(Registration.status).order_by(Registration.id)).all() == [
        "cancelled", "confirmed"]

    # Registration closed: only the way back to the event.
    event.registration_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    links = parse(client.get(f"/booking/{token}")).by_id("booking-next").find_all("a")
    assert [a.text() for a in links] == ["Back to the event page"]
