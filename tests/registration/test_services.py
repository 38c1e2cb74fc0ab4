"""The registration rules: capacity, waitlist first in first out, closing, reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, literal, select

from eventsapp.models import Organisation, Registration, utcnow
from eventsapp.registration import queries, services
from eventsapp.registration.services import RegistrationClosed


def details(n: int, **kw) -> dict:
    return {"first_name": f"Person{n}", "last_name": "Test", "email": f"person{n}@example.org",
            "organisation_name": "", "consent_privacy": True, **kw}


def register(app, event, n, **kw):
    with app.test_request_context():
        result = services.register(event, details(n), **kw)
        from eventsapp.extensions import db

        db.session.commit()
        return result


def statuses(db, event) -> list[str]:
    return list(db.session.scalars(
        select(Registration.status).where(Registration.event_id == event.id).order_by(Registration.id)))


def test_confirmed_until_full_then_waitlisted(app, db, make_event):
    event = make_event(capacity=2)
    results = [register(app, event, n) for n in range(4)]
    assert [r.status for r in results] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert services.confirmed_count(event) == 2
    assert services.places_left(event) == 0


def test_unlimited_capacity_confirms_everyone(app, db, make_event):
    event = make_event(capacity=None)
    assert all(register(app, event, n).confirmed for n in range(5))


def test_override_capacity_confirms_over_the_limit(app, db, make_event):
    event = make_event(capacity=1)
    register(app, event, 1)
    assert register(app, event, 2, source="manual", override_capacity=True).confirmed
    assert services.confirmed_count(event) == 2


def test_same_email_in_another_spelling_is_already_registered(app, db, make_event):
    event = make_event(capacity=10)
    first = register(app, event, 1)
    with app.test_request_context():
        again = services.register(event, details(1, email="  PERSON1@Example.org "))
        db.session.commit()
    assert again.already_registered and again.registration.id == first.registration.id
    assert db.session.scalar(select(func.count(Registration.id))) == 1


def test_already_registered_keeps_no_new_person_or_organisation(app, db, make_event):
    """A new person and organisation are written before the event is locked; when the email turns
    out to be registered already (here: its person has since changed email), neither is kept."""
    from eventsapp.models import Person

    event = make_event(capacity=10)
    first = register(app, event, 1).registration
    person = db.session.get(Person, first.person_id)
    person.email, person.email_key = "changed@example.org", "changed@example.org"
    db.session.commit()
    people = db.session.scalar(select(func.count(Person.id)))
    organisations = db.session.scalar(select(func.count(Organisation.id)))
    with app.test_request_context():
        again = services.register(event, details(1, organisation_name="Brand New Youth Trust", sector_code="youth"))
        db.session.commit()
    assert again.already_registered and again.registration.id == first.id
    assert db.session.scalar(select(func.count(Person.id))) == people
    assert db.session.scalar(select(func.count(Organisation.id))) == organisations
    assert db.session.scalar(select(func.count(Registration.id))) == 1


def test_the_organisation_the_form_found_is_used_unless_merged_since(app, db, make_event, make_organisation):
    event = make_event(capacity=10)
    survivor = make_organisation("Leeds Community Partnership")
    merged = make_organisation("Leeds Together")
    with app.test_request_context():
        given = services.register(event, details(2, organisation_name=merged.name, organisation_id=merged.id))
        db.session.commit()
    assert given.registration.organisation_id == merged.id
    from eventsapp.organisations.merge import merge_organisations

    merge_organisations(survivor, merged, by=None)
    db.session.commit()
    with app.test_request_context():
        later = services.register(event, details(3, organisation_name=merged.name, organisation_id=merged.id))
        db.session.commit()
    assert later.registration.organisation_id == survivor.id  # looked up again: the survivor


def test_cancelling_promotes_the_waitlist_first_in_first_out(app, db, make_event):
    event = make_event(capacity=1)
    holder = register(app, event, 1).registration
    second, third = register(app, event, 2).registration, register(app, event, 3).registration
    with app.test_request_context():
        promoted = services.cancel_registration(db.session.get(Registration, holder.id))
        db.session.commit()
    assert [r.id for r in promoted] == [second.id]
    assert statuses(db, event) == ["cancelled", "confirmed", "waitlisted"]
    assert db.session.get(Registration, third.id).status == "waitlisted"


def test_cancelling_a_waitlisted_place_promotes_nobody(app, db, make_event):
    event = make_event(capacity=1)
    register(app, event, 1)
    waiting = register(app, event, 2).registration
    register(app, event, 3)
    with app.test_request_context():
        assert services.cancel_registration(db.session.get(Registration, waiting.id)) == []
        db.session.commit()
    assert statuses(db, event) == ["confirmed", "cancelled", "waitlisted"]


def test_raising_capacity_fills_from_the_waitlist(app, db, make_event):
    event = make_event(capacity=1)
    for n in range(4):
        register(app, event, n)
    event.capacity = 3
    db.session.commit()
    with app.test_request_context():
        promoted = services.fill_from_waitlist(event)
        db.session.commit()
    assert len(promoted) == 2
    assert statuses(db, event) == ["confirmed", "confirmed", "confirmed", "waitlisted"]


def test_lowering_capacity_below_confirmed_needs_a_choice(app, db, make_event):
    event = make_event(capacity=5)
    for n in range(3):
        register(app, event, n)
    assert "3 places are already confirmed" in services.capacity_problem(event, 2)
    assert services.capacity_problem(event, 3) is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": "cancelled"}, "cancelled"),
        ({"status": "draft"}, "not open"),
        ({"starts_at": utcnow() - timedelta(days=2)}, "already taken place"),
        ({"registration_opens_at": utcnow() + timedelta(days=1)}, "not opened yet"),
        ({"registration_closes_at": utcnow() - timedelta(minutes=1)}, "closed"),
    ],
)
def test_closed_events_take_no_registrations(app, db, make_event, changes, message):
    changes = dict(changes)
    starts_at = changes.pop("starts_at", None)
    event = make_event(capacity=10, starts_at=starts_at, **changes)
    with app.test_request_context(), pytest.raises(RegistrationClosed, match=message):
        services.register(event, details(1))
    db.session.rollback()
    assert db.session.scalar(select(func.count(Registration.id))) == 0


def test_organisers_may_add_by_hand_outside_the_window_but_not_to_cancelled_events(app, db, make_event):
    event = make_event(registration_closes_at=utcnow() - timedelta(days=1))
    assert register(app, event, 1, source="manual").confirmed
    cancelled = make_event(status="cancelled")
    with app.test_request_context(), pytest.raises(RegistrationClosed):
        services.register(cancelled, details(2), source="manual")


def test_new_organisation_is_matched_by_its_normalised_name(app, db, make_event):
    event = make_event()
    for n, name in enumerate(["Thames Valley Police", "thames valley police ", "Thames Valley Police."]):
        with app.test_request_context():
            services.register(event, details(n, organisation_name=name, sector_code="police"))
            db.session.commit()
    organisations = db.session.scalars(select(Organisation).where(Organisation.name.ilike("%thames%"))).all()
    assert len(organisations) == 1
    assert organisations[0].sector.code == "police"


def test_notify_event_changed_queues_mail_for_active_registrations(app, db, make_event):
    event = make_event(capacity=1)
    register(app, event, 1)
    register(app, event, 2)
    cancelled = register(app, event, 3).registration
    with app.test_request_context():
        services.cancel_registration(db.session.get(Registration, cancelled.id))
        db.session.commit()
        assert services.notify_event_changed(event, "The start time is now 18:30") == 2


def test_reminders_are_sent_once(app, db, make_event, outbox):
    soon = make_event(starts_at=utcnow() + timedelta(hours=20))
    later = make_event(starts_at=utcnow() + timedelta(days=10))
    register(app, soon, 1)
    register(app, soon, 2)
    register(app, later, 3)
    with app.test_request_context():
        assert services.send_reminders(24) == 2
        db.session.commit()
        assert services.send_reminders(24) == 0
    reminders = [m for m in outbox() if m["Subject"].startswith("Reminder")]
    assert sorted(str(m["To"]) for m in reminders) == [
        "Person1 Test <person1@example.org>", "Person2 Test <person2@example.org>"]


def test_a_lost_race_on_the_unique_index_is_answered_as_already_registered(app, db, make_event, monkeypatch):
    """Two submissions that both passed the "already registered?" check: the database decides."""
    event = make_event(capacity=5)
    first = register(app, event, 1)
    real_check, calls = queries.active_registration_id, []

    def check_that_misses_once(event_id, email_key):
        calls.append(email_key)
        return literal(None).label("existing_id") if len(calls) == 1 else real_check(event_id, email_key)

    monkeypatch.setattr(queries, "active_registration_id", check_that_misses_once)
    with app.test_request_context():
        result = services.register(event, details(1))
        db.session.commit()
    assert len(calls) == 2  # the insert hit uq_registration_active_email and the registration was retried
    assert result.already_registered and result.registration.id == first.registration.id
    assert db.session.scalar(select(func.count(Registration.id))) == 1
