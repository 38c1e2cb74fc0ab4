"""People kept apart and merged on purpose: merge and split change the people count by exactly one
everywhere, with undo and an audit record (issue 17)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from eventsapp.models import Person, PersonMerge, Registration
from eventsapp.reports.aggregate import ReportScope
from eventsapp.reports.build import build_report


@pytest.fixture
def programme_with_people(db, make_programme, make_event, make_person, make_registration, make_organisation):
    programme = make_programme(slug="people")
    first = make_event(programme=programme, starts_at=datetime(2024, 3, 14, 10, 0), region_code="TLJ")
    second = make_event(programme=programme, starts_at=datetime(2024, 4, 14, 10, 0), region_code="TLJ")
    organisation = make_organisation("Leeds Community Trust")
    ann = make_person(first_name="Ann", last_name="Jones", email="ann@example.org")
    annie = make_person(first_name="Annie", last_name="Jones", email=None)
    bo = make_person(first_name="Bo", last_name="Li", email="bo@example.org")
    registrations = {
        "ann_first": make_registration(event=first, person=ann, organisation=organisation, attended=True),
        "annie_second": make_registration(event=second, person=annie, organisation=organisation, attended=True),
        "bo_first": make_registration(event=first, person=bo, attended=True),
        "bo_second": make_registration(event=second, person=bo, attended=True),
    }
    return programme, {"ann": ann, "annie": annie, "bo": bo}, registrations


def _people(programme) -> tuple[int, int, int]:
    """People in the programme's report and in its region's row, and the attendances."""
    report = build_report(ReportScope(programme_id=programme.id))
    (region,) = report.regions
    return report.figures.people, region.people, report.figures.attendances


def test_merging_two_people_counts_one_fewer_everywhere_and_undo_puts_it_back(runner, db, programme_with_people):
    programme, people, registrations = programme_with_people
    before = _people(programme)
    assert before == (3, 3, 4)
    result = runner.invoke(args=["merge-people", str(people["ann"].id), str(people["annie"].id)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _people(programme) == (2, 2, 4)  # one person fewer, the same attendances
    record = db.session.scalar(select(PersonMerge))
    assert (record.kind, record.person_name, record.other_name) == ("merge", "Ann Jones", "Annie Jones")
    assert record.registration_ids == [registrations["annie_second"].id]
    assert db.session.get(Registration, registrations["annie_second"].id).person_id == people["ann"].id

    undo = runner.invoke(args=["undo-people-change", str(record.id)])
    assert undo.exit_code == 0, undo.output
    db.session.expire_all()
    assert _people(programme) == before
    assert db.session.get(PersonMerge, record.id).undone_at is not None
    again = runner.invoke(args=["undo-people-change", str(record.id)])
    assert again.exit_code == 1 and "already been undone" in again.output


def test_splitting_a_person_counts_one_more_and_undo_puts_it_back(runner, db, programme_with_people):
    programme, people, registrations = programme_with_people
    result = runner.invoke(args=["split-person", str(people["bo"].id), "--registration",
                                 str(registrations["bo_second"].id)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _people(programme) == (4, 4, 4)
    record = db.session.scalar(select(PersonMerge))
    new_person = db.session.get(Person, record.other_id)
    assert (new_person.first_name, new_person.last_name, new_person.email) == ("Bo", "Li", None)
    assert runner.invoke(args=["undo-people-change", str(record.id)]).exit_code == 0
    db.session.expire_all()
    assert _people(programme) == (3, 3, 4)
    assert db.session.get(Registration, registrations["bo_second"].id).person_id == people["bo"].id


def test_a_split_must_leave_the_person_a_registration(runner, db, programme_with_people):
    _programme, people, registrations = programme_with_people
    result = runner.invoke(args=["split-person", str(people["ann"].id), "--registration",
                                 str(registrations["ann_first"].id)])
    assert result.exit_code == 1 and "Leave at least one registration" in result.output
    other = runner.invoke(args=["split-person", str(people["ann"].id), "--registration",
                                str(registrations["bo_first"].id)])
    assert other.exit_code == 1 and "Choose registrations of this person" in other.output
    assert db.session.scalar(select(PersonMerge)) is None


def test_people_booked_on_the_same_event_are_not_merged(runner, db, programme_with_people):
    _programme, people, _registrations = programme_with_people
    result = runner.invoke(args=["merge-people", str(people["ann"].id), str(people["bo"].id)])
    assert result.exit_code == 1 and "booked on 1 of the same events" in result.output
    assert db.session.scalar(select(PersonMerge)) is None


def test_the_email_goes_to_the_kept_person_when_it_had_none_and_back_on_undo(runner, db, programme_with_people):
    _programme, people, _registrations = programme_with_people
    annie_id, ann_id = people["annie"].id, people["ann"].id
    result = runner.invoke(args=["merge-people", str(annie_id), str(ann_id)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(Person, annie_id).email == "ann@example.org"
    assert db.session.get(Person, ann_id).email is None
    record = db.session.scalar(select(PersonMerge))
    assert record.email_moved
    assert runner.invoke(args=["undo-people-change", str(record.id)]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(Person, ann_id).email == "ann@example.org"
    assert db.session.get(Person, annie_id).email is None


def test_a_coordinator_splits_merges_and_undoes_on_the_web(client, db, login_as, make_organisation, make_programme,
                                                           make_event, make_person, make_registration):
    network = make_organisation("Good Relations Network")
    programme = make_programme(slug="web-people", coordinator_organisation_id=network.id)
    first = make_event(programme=programme, starts_at=datetime(2024, 3, 14, 10, 0))
    second = make_event(programme=programme, starts_at=datetime(2024, 4, 14, 10, 0))
    ann = make_person(first_name="Ann", last_name="Jones", email="ann@example.org")
    own = make_registration(event=first, person=ann, attended=True, first_name="Ann", last_name="Jones")
    other = make_registration(event=second, person=ann, attended=True, first_name="Bea", last_name="Jones")
    elsewhere = make_person(first_name="Cy", last_name="Ray")
    make_registration(event=make_event(starts_at=datetime(2024, 3, 1, 10, 0)), person=elsewhere, attended=True)
    login_as("coordinator", network)

    page = client.get("/people/").get_data(as_text=True)
    assert "Ann Jones" in page and "“Bea Jones”" in page and "Cy Ray" not in page
    assert build_report(ReportScope(programme_id=programme.id)).figures.people == 1
    assert client.post(f"/people/{elsewhere.id}/split", data={}).status_code == 404  # not in their programmes

    response = client.post(f"/people/{ann.id}/split", data={f"p{ann.id}-registrations": [str(other.id)]})
    assert response.status_code == 302
    db.session.expire_all()
    assert build_report(ReportScope(programme_id=programme.id)).figures.people == 2
    bea = db.session.get(Person, db.session.get(Registration, other.id).person_id)
    assert (bea.first_name, bea.last_name) == ("Bea", "Jones") and bea.id != ann.id

    response = client.post("/people/merge", data={"keep": str(ann.id), "other": str(bea.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert build_report(ReportScope(programme_id=programme.id)).figures.people == 1
    refused = client.post("/people/merge", data={"keep": str(ann.id), "other": str(ann.id)})
    assert refused.status_code == 422 and "Choose two different people." in refused.get_data(as_text=True)

    merge = db.session.scalar(select(PersonMerge).where(PersonMerge.kind == "merge"))
    assert client.post(f"/people/changes/{merge.id}/undo").status_code == 302
    db.session.expire_all()
    assert build_report(ReportScope(programme_id=programme.id)).figures.people == 2
    assert db.session.get(Registration, own.id).person_id == ann.id
    page = client.get("/people/").get_data(as_text=True)
    assert "(undone)" in page and "“Bea Jones” merged into “Ann Jones”" in page
