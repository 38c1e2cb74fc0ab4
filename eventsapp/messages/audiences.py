"""Who a message goes to.

An event's message goes to the people (one each, however many registrations) of one audience:
confirmed, waitlisted, attended or no-show (confirmed without an attendance, the counting rule of
``reports.model.no_show_count``). A programme's message goes only to people who attended one of its
events, agreed to hear about the network (``Registration.consent_contact``) at one of its events,
and have not unsubscribed (:class:`NetworkUnsubscribe`). Nobody without an address is counted.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import aliased

from eventsapp.extensions import db
from eventsapp.models import (
    EVENT_AUDIENCES,
    Attendance,
    Event,
    NetworkUnsubscribe,
    Person,
    Programme,
    Registration,
)

#: How each audience is named on the pages.
AUDIENCE_LABELS = {
    "confirmed": "Confirmed registrants",
    "waitlisted": "People on the waiting list",
    "attended": "People who attended",
    "no_show": "No-shows (confirmed, did not attend)",
    "network": "Attendees of the programme who agreed to hear about the network",
}

@dataclass(frozen=True)
class Scope:
    """What a message is about: one event, or one programme (its consenting network)."""

    event: Event | None = None
    programme: Programme | None = None

    @property
    def audiences(self) -> tuple[str, ...]:
        return EVENT_AUDIENCES if self.event is not None else ("network",)


def _event_people(event_id: int, audience: str) -> Select:
    """SQL: the ids of the people in ``audience`` of the event."""
    query = select(Registration.person_id).where(Registration.event_id == event_id)
    attended = exists().where(Attendance.registration_id == Registration.id)
    if audience == "confirmed":
        return query.where(Registration.status == "confirmed")
    if audience == "waitlisted":
        return query.where(Registration.status == "waitlisted")
    if audience == "attended":
        return query.where(attended)
    if audience == "no_show":
        return query.where(Registration.status == "confirmed", ~attended)
    raise ValueError(f"unknown audience {audience!r} for an event")


def network_people(programme_id: int) -> Select:
    """SQL: the ids of the people a programme-wide message may go to (see the module docstring)."""
    in_programme = and_(Registration.event_id == Event.id, Event.programme_id == programme_id)
    attended = select(Registration.person_id).join(Attendance, Attendance.registration_id == Registration.id) \
        .join(Event, in_programme)
    # Consent given at any of the programme's events (an alias: never correlated with the attendance's row).
    agreeing, its_event = aliased(Registration), aliased(Event)
    consented = select(agreeing.person_id).join(its_event, and_(
        agreeing.event_id == its_event.id, its_event.programme_id == programme_id)) \
        .where(agreeing.consent_contact.is_(True))
    return attended.where(
        Registration.person_id.in_(consented),
        ~exists().where(NetworkUnsubscribe.person_id == Registration.person_id),
    )


def _people(scope: Scope, audience: str) -> Select:
    if audience not in scope.audiences:
        raise ValueError(f"audience {audience!r} is not offered here")
    if scope.event is not None:
        return _event_people(scope.event.id, audience)
    return network_people(scope.programme.id)


def _with_address(people: Select):
    return and_(Person.id.in_(people), Person.email.is_not(None), Person.email != "")


def count_recipients(scope: Scope, audience: str) -> int:
    """How many people ``audience`` reaches now (each once, only those with an address)."""
    return db.session.scalar(select(func.count(Person.id)).where(_with_address(_people(scope, audience))))


def recipients(scope: Scope, audience: str) -> list[Person]:
    return list(db.session.scalars(select(Person).where(_with_address(_people(scope, audience))).order_by(Person.id)))


def is_unsubscribed(person_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(NetworkUnsubscribe.person_id == person_id))))
