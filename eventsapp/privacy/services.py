"""Erasure and subject access on request: who may act for whom, and the unit of work.

A coordinator acts for people with a registration at an event of their network (an event
of a programme they coordinate, or hosted by an organisation of their network); the site
administrator and the command line for anyone. Services add and flush; the caller commits
(and then calls :func:`eventsapp.privacy.people.after_commit`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from eventsapp.extensions import db
from eventsapp.models import ErasureRecord, Event, Registration, User
from eventsapp.permissions import coordinated_programme_ids, is_admin, network_organisation_ids
from eventsapp.privacy.people import Identity, erase, identity_of, secure_delete_on


def network_events(user: User):
    """SQL condition on :class:`Event`: the events of ``user``'s network."""
    return or_(Event.programme_id.in_(coordinated_programme_ids(user)),
               Event.host_organisation_id.in_(network_organisation_ids(user)))


def find_for(user: User | None, address: str) -> Identity | None:
    """The person with ``address`` if ``user`` may act for them (None: the CLI, anyone), else None."""
    identity = identity_of(address)
    if identity is None or user is None or is_admin(user):
        return identity
    if identity.person is None:
        return None
    reachable = db.session.scalar(
        select(Registration.id).join(Event, Event.id == Registration.event_id)
        .where(Registration.person_id == identity.person.id, network_events(user)).limit(1))
    return identity if reachable is not None else None


def erase_person(identity: Identity, by: User | None, now: datetime) -> ErasureRecord:
    """Erase ``identity`` everywhere and keep a record of counts only. The caller commits."""
    secure_delete_on()
    counts = erase(identity, now)
    record = ErasureRecord(kind="erasure", at=now, by_id=by.id if by is not None else None,
                           person_id=identity.person.id if identity.person is not None else None,
                           counts=counts.as_dict())
    db.session.add(record)
    db.session.flush()
    return record
