"""Retention: needs removed after 30 days, people anonymised after 24 months, figures unchanged."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from eventsapp.checkin.search import fold
from eventsapp.models import (
    EqualityResponse,
    ErasureRecord,
    Person,
    Registration,
    RegistrationSearch,
    utcnow,
)
from eventsapp.privacy import retention
from eventsapp.privacy.retention import months_before
from tests.privacy.conftest import report_json


def test_months_before_keeps_the_day_or_takes_the_last_of_a_shorter_month():
    assert months_before(datetime(2027, 3, 31, 9), 1) == datetime(2027, 2, 28, 9)
    assert months_before(datetime(2027, 1, 15), 24) == datetime(2025, 1, 15)


def test_needs_go_30_days_after_the_event_and_nobody_is_anonymised_yet(db, world):
    now = utcnow()
    before = report_json(world.programme, now=now)
    done = retention.apply(now)
    db.session.commit()
    db.session.expire_all()
    needs = {r.event_id: (r.access_requirements, r.dietary_requirements) for r in world.target_registrations}
    assert needs[world.events[0].id] == ("", "") and needs[world.events[1].id] == ("", "")
    assert needs[world.events[2].id] == ("Step-free access for Siobhán", "Vegan")  # 20 days ago: kept
    assert done.people == []
    assert db.session.get(Person, world.target.id).email == "Siobhan.ONeill-Wojcik@Example.org"
    assert report_json(world.programme, now=now) == before


def test_after_the_periods_no_email_name_or_need_remains_and_the_report_is_identical(db, world, runner):
    now = utcnow()
    before = report_json(world.programme, now=now)
    people = {p.id: (p.full_name, p.email) for p in db.session.scalars(select(Person))}
    later = now + timedelta(days=31 * 25)
    result = runner.invoke(args=["retention", "run", "--as-of", later.strftime("%Y-%m-%dT%H:%M:%S")])
    assert result.exit_code == 0, result.output
    assert f"people anonymised: {len(people)}" in result.output
    db.session.expire_all()
    for person in db.session.scalars(select(Person)):
        assert person.email is None and person.email_key is None and person.anonymised_at is not None
        assert people[person.id][0] not in person.full_name
    for registration in db.session.scalars(select(Registration)):
        assert (registration.job_title, registration.access_requirements, registration.dietary_requirements) == \
            ("", "", "")
        assert registration.email_key is None
    keys = " ".join(f"{k.sort_key} {k.search_key}" for k in db.session.scalars(select(RegistrationSearch)))
    for name, address in people.values():
        assert fold(name) not in keys and address.casefold() not in keys
    assert all(r.registration_id is None for r in db.session.scalars(select(EqualityResponse)))
    assert report_json(world.programme, now=now) == before
    record = db.session.scalar(select(ErasureRecord))
    assert record.kind == "retention" and record.counts["people_anonymised"] == len(people)
    assert "@" not in repr(record.counts)


def test_dry_run_lists_and_changes_nothing(db, world, runner):
    later = utcnow() + timedelta(days=31 * 25)
    result = runner.invoke(args=["retention", "run", "--dry-run", "--as-of", later.strftime("%Y-%m-%d")])
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output
    assert f"would: people to anonymise: 13 (ids {world.target.id}" in result.output
    assert "would: events whose equality answers to unlink: 3" in result.output
    db.session.expire_all()
    assert db.session.get(Person, world.target.id).email == "Siobhan.ONeill-Wojcik@Example.org"
    assert db.session.scalar(select(ErasureRecord)) is None
    assert "Siobh" not in result.output and "@" not in result.output


def test_the_scheduled_task_applies_retention(app, db, world):
    from eventsapp.privacy.tasks import apply_retention
    from eventsapp.tasks import BEAT_SCHEDULE

    assert BEAT_SCHEDULE["retention"]["task"] == apply_retention.name
    counts = apply_retention()
    assert counts["needs"] >= 2 and counts["equality_events"] == 3


def test_retention_removes_the_unsubscribes_of_the_people_it_anonymises_only(db, world, runner):
    """An anonymised person has no address left to send to: their unsubscribe (when, through which
    message) goes with their name; a person not yet due keeps theirs."""
    from eventsapp.messages.services import unsubscribe_from_network
    from eventsapp.models import NetworkUnsubscribe
    from tests import factories

    recent = factories.make_registration(event=factories.make_event(programme=world.programme), attended=False)
    for person_id in (world.target.id, world.others[1].person_id, recent.person_id):
        assert unsubscribe_from_network(person_id)
    db.session.commit()
    later = utcnow() + timedelta(days=31 * 24 - 20)  # the three past events are due; next week's is not
    result = runner.invoke(args=["retention", "run", "--as-of", later.strftime("%Y-%m-%dT%H:%M:%S")])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(Person, world.target.id).anonymised_at is not None
    assert db.session.get(Person, recent.person_id).anonymised_at is None
    assert db.session.scalars(select(NetworkUnsubscribe.person_id)).all() == [recent.person_id]
