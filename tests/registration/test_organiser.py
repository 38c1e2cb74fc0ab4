"""The organiser's registration list, actions, CSV export and question editor."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from eventsapp.models import EqualityResponse, EventQuestion, Registration
from tests import factories
from tests.registration.conftest import UNICODE_NAMES


@pytest.fixture
def host(make_organisation):
    return make_organisation("Crawley Good Relations Partnership")


@pytest.fixture
def organiser(login_as, host):
    return login_as("organiser", host)


def people(event, names, status="confirmed", organisation=None):
    made = []
    for first, last in names:
        person = factories.make_person(first_name=first, last_name=last)
        made.append(factories.make_registration(event=event, person=person, status=status,
                                                organisation=organisation))
    return made


def parse_csv(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for spreadsheets
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_only_the_hosts_organisers_see_the_list(client, db, login_as, host, make_event, make_organisation):
    event = make_event(host=host)
    assert client.get(f"/events/{event.id}/registrations").status_code == 302  # to sign in
    login_as("door", host)
    assert client.get(f"/events/{event.id}/registrations").status_code == 403
    other = make_event(host=make_organisation())
    assert client.get(f"/events/{other.id}/registrations").status_code == 404


def test_list_counts_search_filter_and_pages(client, db, organiser, host, make_event, make_organisation):
    event = make_event(host=host, capacity=30)
    police = make_organisation("Kent Police", sector_code="police")
    people(event, UNICODE_NAMES, organisation=police)
    people(event, [(f"Alex{n}", "Smith") for n in range(26)])
    people(event, [("Wendy", "Waiting")], status="waitlisted")
    people(event, [("Carl", "Cancelled")], status="cancelled")

    page = client.get(f"/events/{event.id}/registrations").get_data(as_text=True)
    assert "<strong>30</strong> confirmed" in page and "<strong>1</strong> on the waiting list" in page
    assert "<strong>1</strong> cancelled" in page and "<strong>0</strong> places left" in page
    assert "32 registrations" in page and "page 1 of 2" in page
    second = client.get(f"/events/{event.id}/registrations?page=2").get_data(as_text=True)
    assert "page 2 of 2" in second

    found = client.get(f"/events/{event.id}/registrations?q=kent+police").get_data(as_text=True)
    for first, last in UNICODE_NAMES:  # the names come back unchanged
        assert f"{first} {last}" in found
    assert "Alex1 Smith" not in found
    by_name = client.get(f"/events/{event.id}/registrations", query_string={"q": "Łukasz Wój"})
    assert "4 registrations" not in by_name.get_data(as_text=True)
    assert "Łukasz Wójcik" in by_name.get_data(as_text=True)
    waiting = client.get(f"/events/{event.id}/registrations?status=waitlisted").get_data(as_text=True)
    assert "Wendy Waiting" in waiting and "Alex1 Smith" not in waiting
    empty = client.get(f"/events/{event.id}/registrations?q=nobody-at-all").get_data(as_text=True)
    assert "No registrations match" in empty


def test_cancel_promotes_and_promote_moves_one_person(client, db, organiser, host, make_event, outbox):
    event = make_event(host=host, capacity=1)
    (holder,) = people(event, [("Hana", "Holder")])
    first, second = people(event, [("Wes", "First"), ("Will", "Second")], status="waitlisted")
    response = client.post(f"/events/{event.id}/registrations/{holder.id}/cancel")
    assert response.status_code == 302
    db.session.expire_all()
    assert [db.session.get(Registration, r.id).status for r in (holder, first, second)] == [
        "cancelled", "confirmed", "waitlisted"]
    assert {m["Subject"].split(":")[0] for m in outbox()} == {
        "Registration cancelled", "A place has come free — you're in"}
    client.post(f"/events/{event.id}/registrations/{second.id}/promote")  # full: nobody moves
    db.session.expire_all()
    assert db.session.get(Registration, second.id).status == "waitlisted"
    client.post(f"/events/{event.id}/registrations/{second.id}/promote", data={"override": "1"})
    db.session.expire_all()
    assert db.session.get(Registration, second.id).status == "confirmed"


def test_a_registration_of_another_event_is_404(client, db, organiser, host, make_event, make_registration):
    event = make_event(host=host)
    stranger = make_registration()  # another organisation's event
    assert client.get(f"/events/{event.id}/registrations/{stranger.id}/edit").status_code == 404
    assert client.post(f"/events/{event.id}/registrations/{stranger.id}/cancel").status_code == 404
    db.session.expire_all()
    assert db.session.get(Registration, stranger.id).status == "confirmed"


def test_add_by_hand_and_edit(client, db, organiser, host, make_event, make_registration):
    event = make_event(host=host, capacity=1)
    make_registration(event=event)
    data = {"first_name": "Ayşe", "last_name": "Yılmaz", "email": "", "individual": "y",
            "consent_privacy": "y"}
    assert client.post(f"/events/{event.id}/registrations/new", data={**data, "first_name": ""}).status_code == 422
    assert client.post(f"/events/{event.id}/registrations/new", data=data).status_code == 302
    added = db.session.scalar(select(Registration).where(Registration.source == "manual"))
    assert (added.status, added.person.full_name, added.person.email) == ("waitlisted", "Ayşe Yılmaz", None)
    client.post(f"/events/{event.id}/registrations/new", data={
        **data, "first_name": "Over", "email": "over@example.org", "override_capacity": "y"})
    over = db.session.scalar(select(Registration).where(Registration.email_key == "over@example.org"))
    assert over.status == "confirmed"

    form = client.get(f"/events/{event.id}/registrations/{added.id}/edit").get_data(as_text=True)
    assert 'value="Ayşe"' in form
    response = client.post(f"/events/{event.id}/registrations/{added.id}/edit", data={
        "first_name": "Ayşe", "last_name": "Yılmaz-Demir", "individual": "y", "access_requirements": "BSL"})
    assert response.status_code == 302
    db.session.expire_all()
    edited = db.session.get(Registration, added.id)
    assert (edited.person.last_name, edited.access_requirements, edited.status) == (
        "Yılmaz-Demir", "BSL", "waitlisted")


def test_csv_export_is_rfc4180_utf8_with_bom_and_formula_safe(client, db, organiser, host, make_event):
    event = make_event(host=host)
    people(event, UNICODE_NAMES)
    (hostile,) = people(event, [("=HYPERLINK(\"http://evil\")", "+Plus")])
    hostile.job_title = "-1, \"quoted\"\nsecond line"
    hostile.access_requirements = "@SUM(A1)"
    hostile.dietary_requirements = "\tTabbed"
    question = EventQuestion(event_id=event.id, label="Workshop", kind="short_text")
    db.session.add(question)
    db.session.add(EqualityResponse(event_id=event.id, registration_id=hostile.id, ethnicity="white_roma"))
    db.session.commit()

    response = client.get(f"/events/{event.id}/registrations.csv")
    assert response.mimetype == "text/csv"
    assert b"\r\n" in response.data
    rows = parse_csv(response.data)
    names = [(row["First name"], row["Last name"]) for row in rows]
    assert names[:4] == UNICODE_NAMES
    evil = rows[4]
    assert evil["First name"] == "'=HYPERLINK(\"http://evil\")" and evil["Last name"] == "'+Plus"
    assert evil["Job title or role"] == "'-1, \"quoted\"\nsecond line"
    assert evil["Access requirements"] == "'@SUM(A1)" and evil["Dietary needs"] == "'\tTabbed"
    assert "Workshop" in rows[0]
    # Equality monitoring is never exported per person.
    assert not any("Roma" in value or "white_roma" in value for row in rows for value in row.values())
    assert not any("ethnic" in key.lower() for key in rows[0])


def test_equality_answers_never_appear_in_the_organiser_list(client, db, organiser, host, make_event):
    event = make_event(host=host)
    (registration,) = people(event, [("Ezra", "Equal")])
    db.session.add(EqualityResponse(event_id=event.id, registration_id=registration.id,
                                    ethnicity="white_gypsy_traveller", religion="jewish"))
    db.session.commit()
    page = client.get(f"/events/{event.id}/registrations").get_data(as_text=True)
    edit = client.get(f"/events/{event.id}/registrations/{registration.id}/edit").get_data(as_text=True)
    for text in (page, edit):
        assert "Ezra" in text and "Gypsy" not in text and "Jewish" not in text


def test_questions_can_be_added_edited_reordered_and_deleted(client, db, organiser, host, make_event):
    event = make_event(host=host)
    url = f"/events/{event.id}/questions"
    assert "No questions of your own yet" in client.get(url).get_data(as_text=True)
    bad = client.post(url, data={"label": "Pick one", "kind": "single_choice", "choices": "Only one"})
    assert bad.status_code == 422 and "at least two options" in bad.get_data(as_text=True)
    client.post(url, data={"label": "Pick one", "kind": "single_choice", "choices": "A\n\nB\n", "required": "y"})
    client.post(url, data={"label": "Anything else?", "kind": "long_text", "choices": "ignored"})
    first, second = db.session.scalars(select(EventQuestion).order_by(EventQuestion.position)).all()
    assert (first.choices, first.required, second.choices) == ("A\nB", True, "")

    client.post(f"{url}/{second.id}/move", data={"direction": "up"})
    db.session.expire_all()
    ordered = db.session.scalars(select(EventQuestion).order_by(EventQuestion.position)).all()
    assert [q.label for q in ordered] == ["Anything else?", "Pick one"]

    client.post(f"{url}/{first.id}/edit", data={"label": "Pick a workshop", "kind": "multiple_choice",
                                                "choices": "A\nB\nC"})
    db.session.expire_all()
    assert db.session.get(EventQuestion, first.id).label == "Pick a workshop"
    register_page = client.get(f"/events/{event.id}/register").get_data(as_text=True)
    assert "Pick a workshop" in register_page and 'type="checkbox"' in register_page

    client.post(f"{url}/{second.id}/delete")
    assert db.session.scalar(select(func.count(EventQuestion.id))) == 1


def test_questions_of_another_organisations_event_are_404(client, db, organiser, make_event):
    other = make_event()
    question = EventQuestion(event_id=other.id, label="Secret", kind="short_text")
    db.session.add(question)
    db.session.commit()
    assert client.get(f"/events/{other.id}/questions").status_code == 404
    assert client.post(f"/events/{other.id}/questions/{question.id}/delete").status_code == 404
    assert db.session.scalar(select(func.count(EventQuestion.id))) == 1
