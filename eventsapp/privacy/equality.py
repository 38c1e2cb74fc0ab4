"""Equality answers unlinked from people once an event's attendance is final.

An event's attendance is **final** when its organiser has said so at the desk
(``AttendanceFinalisation``) and the event has ended, or at the latest
``EQUALITY_FINAL_AFTER_DAYS`` after it ended. Then each answer is reduced to
event + attended + answers: the rows are deleted and written again in a random
order, without ``registration_id`` and with midnight of the event's day as their
only time, so neither a key, nor an id's order, nor a timestamp ties an answer to
a person or a registration. No new answers are taken for the event after that.

The reports count a linked answer when its registration has an attendance and an
unlinked one when ``attended`` is true: the same respondents, so the protected
tables are unchanged. Attendance changed after this point (a late sheet tick) no
longer moves the equality tables: they count the attendance as it was when final.
Services add and flush; the caller commits.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import delete, exists, or_, select

from eventsapp.extensions import db
from eventsapp.models import Attendance, AttendanceFinalisation, EqualityResponse, EqualityUnlinking, Event

ANSWER_COLUMNS = ("ethnicity", "religion", "age_band", "gender", "disability")


def is_unlinked(event_id: int) -> bool:
    return db.session.get(EqualityUnlinking, event_id) is not None


def unlinked_condition(event_id_column):
    """SQL: the event of ``event_id_column`` takes no more equality answers."""
    return exists(select(EqualityUnlinking.event_id).where(EqualityUnlinking.event_id == event_id_column))


def due_events(now: datetime, final_after_days: int, event_id: int | None = None) -> list[int]:
    """Events (or just ``event_id``) whose attendance is final by ``now`` and whose answers are still linked."""
    finalised = exists(select(AttendanceFinalisation.event_id).where(AttendanceFinalisation.event_id == Event.id))
    query = select(Event.id).where(
        Event.ends_at < now,
        or_(finalised, Event.ends_at < now - timedelta(days=final_after_days)),
        ~unlinked_condition(Event.id),
    )
    if event_id is not None:
        query = query.where(Event.id == event_id)
    return list(db.session.scalars(query.order_by(Event.id)))


def unlink_event(event: Event, today: date, rng: random.Random | None = None) -> int:
    """Reduce ``event``'s linked answers to event + attended + answers; returns how many."""
    rng = rng or random.SystemRandom()
    attended = exists(select(Attendance.id).where(Attendance.registration_id == EqualityResponse.registration_id))
    rows = db.session.execute(
        select(EqualityResponse.id, *(getattr(EqualityResponse, c) for c in ANSWER_COLUMNS), attended)
        .where(EqualityResponse.event_id == event.id, EqualityResponse.registration_id.is_not(None))
    ).all()
    kept = [dict(zip((*ANSWER_COLUMNS, "attended"), row[1:], strict=True)) for row in rows]
    rng.shuffle(kept)
    if rows:
        db.session.execute(delete(EqualityResponse).where(EqualityResponse.id.in_([row[0] for row in rows])),
                           execution_options={"synchronize_session": False})
        midnight = datetime.combine(event.starts_at.date(), time())
        db.session.add_all([
            EqualityResponse(event_id=event.id, registration_id=None, created_at=midnight, **values)
            for values in kept])
    if db.session.get(EqualityUnlinking, event.id) is None:
        db.session.add(EqualityUnlinking(event_id=event.id, unlinked_on=today))
    db.session.flush()
    return len(rows)


def final_after_days() -> int:
    return int(current_app.config["EQUALITY_FINAL_AFTER_DAYS"])


def unlink_if_final(event: Event, now: datetime) -> bool:
    """Unlink ``event``'s answers if its attendance is final (e.g. just finalised at the desk, after it ended)."""
    if not due_events(now, final_after_days(), event.id):
        return False
    unlink_event(event, now.date())
    return True


def unlink_due(now: datetime, after_days: int | None = None) -> dict[int, int]:
    """Unlink every event due by ``now``; returns {event id: answers unlinked}."""
    done = {}
    for event_id in due_events(now, final_after_days() if after_days is None else after_days):
        done[event_id] = unlink_event(db.session.get(Event, event_id), now.date())
    return done
