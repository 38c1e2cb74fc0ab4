"""Identity from anonymous forms (issue #13, finding 2).

Registering with a known email and another name must not rename that person on their earlier
registrations (organiser list, CSV, desk), must keep the new name on the new registration
(flagged for the organiser), and must not hand whoever typed the address a booking link.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from sqlalchemy import select

from eventsapp.models import Attendance, Person, Registration, utcnow
from eventsapp.reports.build import build_report
from eventsapp.reports.model import ReportScope
from eventsapp.tokens import make_token
from tests.registration.conftest import body, form_data

OWNER = {"first_name": "Zoë", "last_name": "Ó Súilleabháin", "email": "zoe@example.org"}
STRANGER = {"first_name": "Mallory", "last_name": "Stranger", "email": "ZOE@example.org"}


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def registration_at(db, event) -> Registration:
    return db.session.scalar(select(Registration).where(Registration.event_id == event.id))


def register(client, event, who: dict, **more):
    return client.post(f"/events/{event.id}/register", data=form_data(**who, **more))


def test_a_known_email_with_a_new_name_renames_nobody(client, db, make_event, known_org, login_as, outbox):
    first_event, second_event = make_event(), make_event()
    owner_host_user = login_as("organiser", first_event.host)
    assert register(client, first_event, OWNER).status_code == 302
    client.post("/auth/logout")
    answer = register(client, second_event, STRANGER)

    # Nothing stored about the person, nor their earlier booking, changed.
    db.session.expire_all()
    (person,) = db.session.scalars(select(Person)).all()
    assert (person.first_name, person.last_name) == ("Zoë", "Ó Súilleabháin")
    earlier, later = registration_at(db, first_event), registration_at(db, second_event)
    assert (earlier.first_name, earlier.last_name) == ("Zoë", "Ó Súilleabháin")
    # The new booking keeps the name it was made with, on the same person (one address, one person).
    assert (later.first_name, later.last_name) == ("Mallory", "Stranger")
    assert later.person_id == earlier.person_id
    assert later.name_differs and not earlier.name_differs

    # Whoever typed the address gets no booking link on screen; the mailbox does.
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert "/booking/" not in page and "Zoë" not in page and "Súilleabháin" not in page
    assert "check your email" in page.lower()
    to_owner = [m for m in outbox() if m["Subject"].endswith(second_event.title)]
    assert len(to_owner) == 1 and "/booking/" in body(to_owner[0])
    assert to_owner[0]["To"].addresses[0].addr_spec == "zoe@example.org"

    # The first event's organiser still sees the owner's name: list, CSV and desk.
    login_as("organiser", user=owner_host_user)
    listing = client.get(f"/events/{first_event.id}/registrations").get_data(as_text=True)
    assert "Zoë Ó Súilleabháin" in listing and "Mallory" not in listing
    (row,) = csv_rows(client.get(f"/events/{first_event.id}/registrations.csv"))
    assert (row["First name"], row["Last name"]) == ("Zoë", "Ó Súilleabháin")
    assert row["Second name on this email"] == "no"
    found = client.get(f"/events/{first_event.id}/checkin/search.json?q=zoe").get_json()["results"]
    assert [r["name"] for r in found] == ["Zoë Ó Súilleabháin"]
    assert client.get(f"/events/{first_event.id}/checkin/search.json?q=mallory").get_json()["results"] == []


def test_the_second_name_is_kept_and_flagged_for_its_organiser(client, db, make_event, known_org, login_as):
    first_event, second_event = make_event(), make_event()
    register(client, first_event, OWNER)
    register(client, second_event, STRANGER)
    login_as("organiser", second_event.host)
    listing = client.get(f"/events/{second_event.id}/registrations").get_data(as_text=True)
    assert "Mallory Stranger" in listing and "Zoë" not in listing  # the other name is not shown to another host
    assert "Second name on this email" in listing
    (row,) = csv_rows(client.get(f"/events/{second_event.id}/registrations.csv"))
    assert (row["First name"], row["Last name"], row["Email"]) == ("Mallory", "Stranger", "zoe@example.org")
    assert row["Second name on this email"] == "yes"
    assert "Mallory" in listing.split("Second name on this email")[0]  # the flag follows the name
    found = client.get(f"/events/{second_event.id}/checkin/search.json?q=mallory").get_json()["results"]
    assert [r["name"] for r in found] == ["Mallory Stranger"]
    # Searching the organiser's list finds the registration by the name it was made with.
    searched = client.get(f"/events/{second_event.id}/registrations?q=mallory").get_data(as_text=True)
    assert "Mallory Stranger" in searched


def test_the_same_name_spelt_differently_is_not_flagged(client, db, make_event, known_org):
    first_event, second_event = make_event(), make_event()
    register(client, first_event, OWNER)
    register(client, second_event, {**OWNER, "first_name": " ZOË ", "last_name": "ó súilleabháin"})
    assert not registration_at(db, second_event).name_differs


def test_the_booking_link_edits_only_its_own_registration(client, db, make_event, known_org):
    first_event, second_event = make_event(), make_event()
    register(client, first_event, OWNER)
    register(client, second_event, STRANGER)
    token = make_token("booking", registration_at(db, second_event).id)
    page = client.get(f"/booking/{token}").get_data(as_text=True)
    assert "Mallory Stranger" in page and "Zoë" not in page
    response = client.post(f"/booking/{token}/edit", data=form_data(first_name="Eve", last_name="Renamer"))
    assert response.status_code == 302
    db.session.expire_all()
    assert (registration_at(db, second_event).first_name, registration_at(db, second_event).last_name) \
        == ("Eve", "Renamer")
    assert (registration_at(db, first_event).first_name, registration_at(db, first_event).last_name) \
        == ("Zoë", "Ó Súilleabháin")
    (person,) = db.session.scalars(select(Person)).all()
    assert person.full_name == "Zoë Ó Súilleabháin"


def test_a_person_with_one_booking_corrects_their_name_everywhere(client, db, make_event, known_org):
    event = make_event()
    register(client, event, {**OWNER, "first_name": "Zoe"})
    token = make_token("booking", registration_at(db, event).id)
    client.post(f"/booking/{token}/edit", data=form_data(**OWNER))
    db.session.expire_all()
    registration = registration_at(db, event)
    assert registration.full_name == registration.person.full_name == "Zoë Ó Súilleabháin"
    assert not registration.name_differs


def test_an_organisers_edit_changes_only_their_registration(client, db, make_event, known_org, login_as):
    first_event, second_event = make_event(), make_event()
    register(client, first_event, OWNER)
    register(client, second_event, STRANGER)
    login_as("organiser", second_event.host)
    later = registration_at(db, second_event)
    response = client.post(f"/events/{second_event.id}/registrations/{later.id}/edit",
                           data=form_data(first_name="Morgan", last_name="Other"))
    assert response.status_code == 302
    db.session.expire_all()
    assert registration_at(db, second_event).full_name == "Morgan Other"
    assert registration_at(db, first_event).full_name == "Zoë Ó Súilleabháin"
    assert db.session.scalar(select(Person)).full_name == "Zoë Ó Súilleabháin"


def test_a_new_email_still_goes_straight_to_the_booking_page(client, db, make_event, known_org):
    event = make_event()
    response = register(client, event, OWNER)
    assert response.status_code == 302 and re.search(r"/booking/[^/?]+\?new=1$", response.headers["Location"])


def test_two_people_sharing_an_address_count_as_one_person(client, db, make_event, make_programme, known_org):
    programme = make_programme()
    first_event, second_event = make_event(programme=programme), make_event(programme=programme)
    register(client, first_event, OWNER)
    register(client, second_event, STRANGER)
    for registration in db.session.scalars(select(Registration)):
        registration.attendance = Attendance(method="desk")
    for event in (first_event, second_event):  # the events have taken place since
        event.starts_at, event.ends_at = utcnow() - timedelta(days=3), utcnow() - timedelta(days=3, hours=-2)
    db.session.commit()
    figures = build_report(ReportScope(programme_id=programme.id)).figures
    assert figures.attendances == 2 and figures.people == 1
