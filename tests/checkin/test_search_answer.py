"""The desk's search answer is the same whoever builds it: PostgreSQL builds the ``results`` of
``search.json`` in SQL (read with the signed-in user in one statement), the page without
JavaScript and SQLite build them in Python (:func:`eventsapp.checkin.search.desk_results`)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import update

from eventsapp.checkin import services
from eventsapp.checkin.search import answer_document, desk_results, desk_search
from eventsapp.extensions import db
from eventsapp.models import Attendance, RegistrationSearch
from tests import factories

#: (first name, last name, organisation entered, organisation's own name, access requirements)
PEOPLE = [
    ("Zoë", "Ó Briain", "", "Crawley Mosque", "Step-free access\nand a hearing loop"),
    ("  Siân ", "Llewelyn\t", "Sussex \"Police\"", "Sussex Police", ""),
    ("Kwame", "Mensah-Boateng", "Back\\slash Trust", None, "Seat near the door — please"),
    ("Mei", "Zhāng", "", None, ""),
    ("Tomás", "Ńowak", "Ünity Café 'CIC'", "Unity Cafe CIC", "Halal lunch"),
]


@pytest.fixture
def desk(db, event, door_user):
    registrations = []
    for first, last, entered, organisation_name, needs in PEOPLE:
        person = factories.make_person(first_name=first.strip(), last_name=last.strip())
        organisation = factories.make_organisation(organisation_name) if organisation_name else None
        registration = factories.make_registration(event=event, person=person, organisation=organisation,
                                                   access_requirements=needs)
        registration.first_name, registration.last_name = first, last
        registration.organisation_name_entered = entered
        registrations.append(registration)
    waiting = factories.make_registration(event=event, person=factories.make_person(first_name="Wendy",
                                                                                    last_name="Waite"),
                                          status="waitlisted")
    registrations.append(waiting)
    db.session.commit()
    # one checked in in British Summer Time, one in Greenwich Mean Time (stored as UTC)
    services.check_in(registrations[0], door_user, "desk")
    services.check_in(registrations[2], door_user, "desk")
    db.session.commit()
    db.session.execute(update(Attendance).where(Attendance.registration_id == registrations[0].id)
                       .values(checked_in_at=datetime(2026, 7, 1, 12, 34)))
    db.session.execute(update(Attendance).where(Attendance.registration_id == registrations[2].id)
                       .values(checked_in_at=datetime(2026, 12, 1, 23, 59)))
    db.session.commit()
    return registrations


def _answer(client, event, query: str) -> dict:
    response = client.get(f"/events/{event.id}/checkin/search.json", query_string={"q": query})
    assert response.status_code == 200 and response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


@pytest.mark.parametrize("query", ["", "o", "obriain", "zoe", "police", "slash", "unity", "cafe", "waite", "nobody"])
def test_the_answer_equals_the_rows_the_page_lists(app, client, login_as, event, door_user, desk, query):
    login_as("door", user=door_user)
    answer = _answer(client, event, query)
    with app.test_request_context():
        expected = desk_results(desk_search(event.id, query, services.SEARCH_LIMIT).rows)
    assert answer == {"query": query, "limit": services.SEARCH_LIMIT, "results": expected}


def test_the_answer_shows_each_field_as_the_desk_shows_it(client, login_as, event, door_user, desk):
    login_as("door", user=door_user)
    results = {r["id"]: r for r in _answer(client, event, "")["results"]}
    zoe, sian, kwame, mei, tomas, wendy = (results[r.id] for r in desk)
    assert zoe == {"id": desk[0].id, "name": "Zoë Ó Briain", "organisation": "Crawley Mosque",
                   "status": "confirmed", "checked_in_at": "13:34",  # 12:34 UTC is 13:34 BST
                   "access_requirements": "Step-free access\nand a hearing loop"}
    assert sian["name"] == "Siân  Llewelyn"  # the ends trimmed, the name as given kept
    assert sian["organisation"] == 'Sussex "Police"'  # what the person entered comes first
    assert (kwame["organisation"], kwame["checked_in_at"]) == ("Back\\slash Trust", "23:59")  # GMT: as stored
    assert (mei["organisation"], mei["checked_in_at"], mei["access_requirements"]) == ("", None, "")
    assert tomas["organisation"] == "Ünity Café 'CIC'"
    assert (wendy["status"], wendy["checked_in_at"]) == ("waitlisted", None)


def test_times_are_shown_in_the_apps_time_zone(app, client, login_as, event, door_user, desk):
    app.config["APP_TIMEZONE"] = "America/New_York"
    login_as("door", user=door_user)
    results = {r["id"]: r for r in _answer(client, event, "")["results"]}
    assert results[desk[0].id]["checked_in_at"] == "08:34"  # 12:34 UTC in EDT
    assert results[desk[2].id]["checked_in_at"] == "18:59"  # 23:59 UTC in EST


def test_a_key_row_left_pointing_at_another_events_registration_is_not_shown(client, login_as, event, host, door_user,
                                                                              desk):
    other = factories.make_registration(event=factories.make_event(host=host),
                                        person=factories.make_person(first_name="Olu", last_name="Elsewhere"))
    db.session.execute(update(RegistrationSearch).where(RegistrationSearch.registration_id == other.id)
                       .values(event_id=event.id))
    db.session.commit()
    login_as("door", user=door_user)
    assert _answer(client, event, "elsewhere")["results"] == []
    assert [r["name"] for r in _answer(client, event, "waite")["results"]] == ["Wendy Waite"]


def test_the_document_puts_database_built_results_in_as_they_came():
    from eventsapp.checkin.search import DeskSearch

    found = DeskSearch(event=None, rows=[], results_json='[{"id": 7, "name": "A \\"B\\""}]')
    assert json.loads(answer_document('say "hi"', 25, found)) == {
        "query": 'say "hi"', "limit": 25, "results": [{"id": 7, "name": 'A "B"'}]}
