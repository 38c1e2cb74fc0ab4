"""Equality answers are unlinked from people once attendance is final; the protected tables do not move."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import inspect, select

from eventsapp.extensions import db as _db
from eventsapp.models import Attendance, AttendanceLog, EqualityResponse, Registration, utcnow
from eventsapp.privacy.equality import due_events, unlink_due
from eventsapp.tokens import make_token
from tests import factories
from tests.privacy.conftest import report_json

ANSWERS = ("ethnicity", "religion", "age_band", "gender", "disability")


def responses(event_id=None) -> list[EqualityResponse]:
    query = select(EqualityResponse).order_by(EqualityResponse.id)
    if event_id is not None:
        query = query.where(EqualityResponse.event_id == event_id)
    return list(_db.session.scalars(query))


def test_unlinking_keeps_event_attended_and_answers_and_the_report(db, world):
    before = report_json(world.programme)
    assert before["equality_monitoring"]["tables"], "the fixture should give the report equality tables"
    linked = {r.ethnicity: r.registration_id for r in responses()}
    attended_ids = set(db.session.scalars(select(Attendance.registration_id)))
    done = unlink_due(utcnow())
    db.session.commit()
    assert sorted(done) == sorted(e.id for e in world.events) and sum(done.values()) == len(linked)
    after = responses()
    assert len(after) == len(linked)
    for row in after:
        assert row.registration_id is None
        assert row.attended == (linked[row.ethnicity] in attended_ids)
    assert report_json(world.programme) == before


class _Reversing:
    """A random source whose shuffle reverses: the unlinking's order, made deterministic for the test
    (with the system's random source, 1 run in 120 kept the 5-row event's order and failed)."""

    def shuffle(self, items: list) -> None:
        items.reverse()


def test_an_unlinked_answer_cannot_be_joined_to_a_person_or_registration(db, world, monkeypatch):
    """Every column: keys, ids' order and timestamps."""
    from eventsapp.privacy import equality

    monkeypatch.setattr(equality.random, "SystemRandom", _Reversing)
    registered_order = {e.id: [r.ethnicity for r in responses(e.id)] for e in world.events}
    unlink_due(utcnow())
    db.session.commit()
    table = EqualityResponse.__table__
    # 1. Foreign keys: only the event remains.
    for column in table.columns:
        for fk in column.foreign_keys:
            if fk.column.table.name != "event":
                assert all(getattr(r, column.key) is None for r in responses()), column.key
    # 2. Every column that varies between an event's rows is an answer, the attendance flag or the id.
    for event in world.events:
        rows = responses(event.id)
        for column in table.columns:
            values = {getattr(r, column.key) for r in rows}
            if len(values) > 1:
                assert column.key in (*ANSWERS, "attended", "id"), column.key
        # 3. Timestamps: only midnight of the event's day, equal to nothing a person did.
        midnight = datetime.combine(event.starts_at.date(), time())
        for column in table.columns:
            if isinstance(column.type.python_type, type) and column.type.python_type is datetime:
                assert {getattr(r, column.key) for r in rows} == {midnight}
        personal_times = set(db.session.scalars(select(Registration.created_at).where(
            Registration.event_id == event.id)))
        personal_times |= set(db.session.scalars(select(Attendance.checked_in_at)))
        personal_times |= set(db.session.scalars(select(AttendanceLog.at)))
        assert midnight not in personal_times
        # 4. The ids' order is the random source's shuffle of the order the answers were given in
        # (here a reversal: see _Reversing), not that order.
        assert [r.ethnicity for r in rows] == registered_order[event.id][::-1]
    biggest = max(world.events, key=lambda e: len(responses(e.id)))
    assert len(responses(biggest.id)) >= 5
    assert [r.ethnicity for r in responses(biggest.id)] != registered_order[biggest.id]
    # 5. No join from any other table reaches these rows.
    for other in _db.metadata.sorted_tables:
        for column in other.columns:
            assert not any(fk.column.table is table for fk in column.foreign_keys), (other.name, column.name)


def test_attendance_is_final_only_when_finalised_after_the_event_or_days_after_it(db, app):
    now = utcnow()
    factories.make_event(starts_at=now - timedelta(days=3))  # ended 3 days ago, not finalised: not yet
    old = factories.make_event(starts_at=now - timedelta(days=9))
    upcoming = factories.make_event(starts_at=now + timedelta(days=2))
    assert app.config["EQUALITY_FINAL_AFTER_DAYS"] == 7
    assert due_events(now, 7) == [old.id]
    assert upcoming.id not in due_events(now + timedelta(days=3), 7)


def test_finalising_at_the_desk_after_the_event_unlinks_and_closes_the_form(client, db, login_as):
    host = factories.make_organisation("Harbour Youth Justice Service", sector_code="youth_justice")
    organiser = login_as("organiser", host)
    event = factories.make_event(host=host, starts_at=utcnow() - timedelta(days=1))
    came = factories.make_registration(event=event, attended=True)
    absent = factories.make_registration(event=event)
    for registration, ethnicity in ((came, "asian_indian"), (absent, "white_roma")):
        db.session.add(EqualityResponse(event_id=event.id, registration_id=registration.id, ethnicity=ethnicity))
    db.session.commit()
    response = client.post(f"/events/{event.id}/attendance/no-shows", data={"confirm": "y"})
    assert response.status_code == 302, organiser
    db.session.expire_all()
    rows = {r.ethnicity: r for r in responses(event.id)}
    assert rows["asian_indian"].registration_id is None and rows["asian_indian"].attended is True
    assert rows["white_roma"].registration_id is None and rows["white_roma"].attended is False
    # The person who did not answer can no longer answer (nothing would tie a second answer to the first).
    other = factories.make_registration(event=event)
    token = make_token("booking", other.id)
    page = client.get(f"/booking/{token}").get_data(as_text=True)
    assert "Answer the equality questions" not in page
    posted = client.post(f"/booking/{token}/equality", data={"consent": "y", "ethnicity": "white_other"})
    assert posted.status_code == 302 and len(responses(event.id)) == 2


@pytest.mark.parametrize("days", [1])
def test_finalising_before_the_event_ends_waits_for_the_end(db, days):
    from eventsapp.checkin.services import mark_rest_as_no_shows

    event = factories.make_event(starts_at=utcnow() - timedelta(hours=1), hours=days * 24)
    registration = factories.make_registration(event=event)
    db.session.add(EqualityResponse(event_id=event.id, registration_id=registration.id, ethnicity="white_irish"))
    mark_rest_as_no_shows(event, None)
    db.session.commit()
    assert due_events(utcnow(), 7) == []
    assert due_events(event.ends_at + timedelta(minutes=1), 7) == [event.id]
    assert inspect(responses(event.id)[0]).persistent
