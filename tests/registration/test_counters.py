"""The registration counters on the event row equal COUNT(*) after every path that writes a
registration, and ``flask counters check|repair`` (and the periodic task) prove and restore it."""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select, text, update

from eventsapp.extensions import db as _db
from eventsapp.models import Event, Registration
from eventsapp.models import counters as triggers
from eventsapp.registration import counters, services, tasks


def fresh_counts(event_id: int) -> tuple[int, int, int]:
    rows = dict(_db.session.execute(
        select(Registration.status, func.count()).where(Registration.event_id == event_id)
        .group_by(Registration.status)).all())
    return rows.get("confirmed", 0), rows.get("waitlisted", 0), rows.get("cancelled", 0)


def stored_counts(event_id: int) -> tuple[int, int, int]:
    return tuple(_db.session.execute(
        select(Event.confirmed_count, Event.waitlisted_count, Event.cancelled_count).where(Event.id == event_id)
    ).one())


def assert_counters_true(*events):
    _db.session.commit()
    for event in events:
        assert stored_counts(event.id) == fresh_counts(event.id)
    assert counters.check().ok


def details(n: int) -> dict:
    return {"first_name": f"Counted{n}", "last_name": "Ní Bhriain", "email": f"counted{n}@example.org",
            "consent_privacy": True}


def test_every_path_that_writes_a_registration_keeps_the_counters(db, make_event, make_registration, make_person):
    event, other = make_event(capacity=2), make_event(capacity=None)
    results = [services.register(event, details(n)) for n in range(4)]
    db.session.commit()
    assert stored_counts(event.id) == (2, 2, 0)
    assert services.status_counts(event) == {"confirmed": 2, "waitlisted": 2, "cancelled": 0}
    assert services.places_left(event) == 0

    # cancel a confirmed place: the first waitlisted is promoted in the same transaction
    promoted = services.cancel_registration(results[0].registration)
    assert [r.id for r in promoted] == [results[2].registration.id]
    assert services.places_left(event) == 0  # read after the flush, not the value loaded before it
    db.session.commit()
    assert stored_counts(event.id) == (2, 1, 1)

    # the organiser's override, then raising the capacity and filling from the waitlist
    assert services.promote(results[3].registration, override_capacity=True)
    db.session.commit()
    assert stored_counts(event.id) == (3, 0, 1)
    assert_counters_true(event)

    # a walk-in at the door, a factory (plain ORM), and a Core insert and update (as imports write)
    services.register(event, {"first_name": "Walk", "last_name": "In"}, source="walk_in", override_capacity=True)
    made = make_registration(event=event, status="waitlisted")
    person = make_person()
    db.session.execute(insert(Registration).values(event_id=other.id, person_id=person.id, status="confirmed",
                                                   source="import", first_name="Im", last_name="Ported"))
    db.session.execute(update(Registration).where(Registration.id == made.id).values(status="cancelled"))
    assert_counters_true(event, other)

    # a registration moved to another event (as a merge of records may), then deleted
    db.session.execute(update(Registration).where(Registration.id == made.id).values(event_id=other.id,
                                                                                     status="confirmed"))
    assert_counters_true(event, other)
    db.session.execute(delete(Registration).where(Registration.event_id == other.id))
    assert_counters_true(event, other)
    assert stored_counts(other.id) == (0, 0, 0)
    # ORM delete
    db.session.delete(db.session.get(Registration, results[1].registration.id))
    assert_counters_true(event)


def test_the_counters_decide_places_on_the_list_and_the_dashboard(db, make_event, make_registration):
    from eventsapp.events.queries import EventFilters, upcoming_events
    from eventsapp.events.services import registration_counts

    event = make_event(capacity=5)
    for status in ("confirmed", "confirmed", "waitlisted", "cancelled"):
        make_registration(event=event, status=status)
    cards = upcoming_events(EventFilters(), 1, 20, with_places=True).items
    assert [card.places_left for card in cards if card.id == event.id] == [3]
    counts = registration_counts([event.id])[event.id]
    assert (counts.confirmed, counts.waitlisted) == (2, 1)


def test_check_finds_a_wrong_counter_and_repair_recounts_it(app, db, make_event, make_registration):
    event = make_event(capacity=10)
    for status in ("confirmed", "waitlisted", "cancelled"):
        make_registration(event=event, status=status)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["counters", "check"])
    assert result.exit_code == 0, result.output
    assert "counters equal COUNT(*)" in result.output

    db.session.execute(update(Event).where(Event.id == event.id).values(confirmed_count=7))
    db.session.commit()
    found = counters.check()
    assert [(m.event_id, m.stored, m.counted) for m in found.mismatches] == [(event.id, (7, 1, 1), (1, 1, 1))]
    result = runner.invoke(args=["counters", "check"])
    assert result.exit_code == 1
    assert f"event {event.id}: stored confirmed/waitlisted/cancelled (7, 1, 1), counted (1, 1, 1)" in result.output

    result = runner.invoke(args=["counters", "repair"])
    assert result.exit_code == 0, result.output
    assert "Repaired 1 of" in result.output
    db.session.rollback()
    assert stored_counts(event.id) == (1, 1, 1)
    assert counters.check().ok


def test_missing_triggers_are_reported_and_recreated_by_the_periodic_task(db, make_event, make_registration):
    event = make_event(capacity=10)
    triggers.drop_triggers(db.session.connection())
    db.session.commit()
    make_registration(event=event)  # not counted: the triggers are gone
    found = counters.check()
    assert found.missing_triggers and [m.event_id for m in found.mismatches] == [event.id]

    assert tasks.check_counters.delay().get() == 1  # the beat task: repairs and re-creates
    db.session.rollback()
    assert counters.check().ok
    make_registration(event=event)
    assert stored_counts(event.id) == (2, 0, 0)


def test_the_counters_cannot_go_below_zero(db, make_event):
    import pytest
    from sqlalchemy.exc import IntegrityError

    event = make_event()
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE event SET confirmed_count = -1 WHERE id = :id"), {"id": event.id})
        db.session.flush()
    db.session.rollback()
