"""The statements registering runs, shaped for speed; the rules are in :mod:`.services`.

A registration burst is the busiest write path (bench B2), and the event's lock is held from
the count to the commit, so: the event's host, region and programme are loaded before the lock
and given back to the event reloaded under it (nothing is lazily loaded while locked); the lock,
the event's counters and the email's active registration come in one statement; the counters
are read from the event's row (kept by database triggers), never counted.
"""

from __future__ import annotations

from sqlalchemy import func, inspect, literal, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from eventsapp.database import WROTE
from eventsapp.extensions import db
from eventsapp.models import Event, EventQuestion, Organisation, Person, Registration, Sector

_EVENT_RELATIONS = (("host", "host_organisation_id"), ("region", "region_id"), ("programme", "programme_id"))
#: Loader options for an event with the relations the emails and .ics read (for views that register).
EVENT_WITH_RELATIONS = tuple(joinedload(getattr(Event, name)) for name, _ in _EVENT_RELATIONS)


def preload_event_relations(event_id: int) -> dict:
    """Load the event's host, region and programme (the emails and .ics use them) in one query,
    so that nothing is lazily loaded while the event is locked (see :func:`reattach`)."""
    event = db.session.get(Event, event_id, options=EVENT_WITH_RELATIONS)
    if event is not None and any(name in inspect(event).unloaded for name, _ in _EVENT_RELATIONS):
        event = db.session.scalar(select(Event).where(Event.id == event_id).options(*EVENT_WITH_RELATIONS))
    return {} if event is None else {name: getattr(event, name) for name, _ in _EVENT_RELATIONS}


def reattach(event: Event, related: dict) -> None:
    """Give the event reloaded under the lock its preloaded host, region and programme again
    (the reload resets them), where its row still points at the same ones."""
    for name, key in _EVENT_RELATIONS:
        value = related.get(name)
        if name in related and getattr(event, key) == (value.id if value is not None else None):
            set_committed_value(event, name, value)


def lock_and_read(event_id: int, *columns, for_update: bool) -> tuple:
    """(the event reloaded, then ``columns``) in one statement; ``for_update`` takes the event
    row's lock on PostgreSQL (SQLite's lock is the transaction's, see database.begin_immediate)."""
    query = select(Event, *columns).where(Event.id == event_id).execution_options(populate_existing=True)
    if for_update and db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Event)
    return tuple(db.session.execute(query).one())


def active_registration_id(event_id: int, email_key: str | None):
    """The id of the active registration of ``email_key`` at the event (None when none), as a column."""
    if not email_key:
        return literal(None).label("existing_id")
    return select(func.max(Registration.id)).where(
        Registration.event_id == event_id, Registration.email_key == email_key,
        Registration.status != "cancelled",
    ).scalar_subquery().label("existing_id")


def event_counters(event: Event) -> tuple[int, int, int]:
    """(confirmed, waitlisted, cancelled) of ``event``, from the counters on its row
    (kept by database triggers, eventsapp.models.counters): no count over its registrations.

    The values loaded with ``event`` are used when nothing has been written in this transaction
    since (an expired or stale object is read again: one primary-key lookup).
    """
    session = db.session
    state = inspect(event)
    names = ("confirmed_count", "waitlisted_count", "cancelled_count")
    clean = not (session.info.get(WROTE) or session.new or session.dirty or session.deleted)
    if clean and state.persistent and not (state.unloaded & set(names)):
        return event.confirmed_count, event.waitlisted_count, event.cancelled_count
    row = session.execute(
        select(Event.confirmed_count, Event.waitlisted_count, Event.cancelled_count).where(Event.id == event.id)
    ).one()
    if state.persistent:
        for name, value in zip(names, row, strict=True):
            set_committed_value(event, name, value)
    return tuple(row)


def organisation_in_session(organisation_id: int) -> Organisation | None:
    """The organisation the registration form's validation has just loaded (no query), unless it
    has been merged since."""
    organisation = db.session.get(Organisation, organisation_id)
    return None if organisation is None or organisation.merged_into_id is not None else organisation


def person_by_email(email_key: str | None) -> Person | None:
    return db.session.scalar(select(Person).where(Person.email_key == email_key)) if email_key else None


def sector_by_code(code: str | None) -> Sector | None:
    return db.session.scalar(select(Sector).where(Sector.code == code)) if code else None


def question_ids(event_id: int) -> set[int]:
    """The ids of the event's own registration questions."""
    return set(db.session.scalars(select(EventQuestion.id).where(EventQuestion.event_id == event_id)))
