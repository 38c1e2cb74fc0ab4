"""The statements registering runs, shaped for speed; the rules are in :mod:`.services`.

A registration burst is the busiest write path (bench B2), and the event's lock is held from
the count to the commit, so: the event's host, region and programme are loaded before the lock
(nothing is lazily loaded while locked); the lock, the event's counters and the email's active
registration come in one statement; the counters are read from the event's row (kept by database
triggers), never counted.

:func:`eventsapp.registration.services.register` goes further, past the ORM's unit of work: what it
needs before the lock (the email's person, the event's webhook endpoints, its questions) is one
statement (:func:`before_lock`); the lock, the event's columns, its counters, the email's active
registration and the new registration's id are one more (:func:`lock_for_registering`); and the
registration, its search key, its answers and its outbox rows go in with one Core statement on
PostgreSQL (:func:`insert_registration`), so the locked section is three round trips: lock, write,
commit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import (
    JSON,
    String,
    bindparam,
    cast,
    delete,
    func,
    insert,
    inspect,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.engine import Row
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from eventsapp import webhooks
from eventsapp.database import WROTE
from eventsapp.extensions import db
from eventsapp.models import (
    Event,
    EventQuestion,
    Organisation,
    OutboxMessage,
    Person,
    Registration,
    RegistrationAnswer,
    RegistrationSearch,
    Sector,
    WebhookEndpoint,
    normalise_email,
    utcnow,
)

_EVENT_RELATIONS = (("host", "host_organisation_id"), ("region", "region_id"), ("programme", "programme_id"))
#: Loader options for an event with the relations the emails and .ics read (for views that register).
EVENT_WITH_RELATIONS = tuple(joinedload(getattr(Event, name)) for name, _ in _EVENT_RELATIONS)


def preload_event_relations(event_id: int) -> dict:
    """Load the event's host, region and programme (the emails and .ics use them) in one query,
    so that nothing is lazily loaded while the event is locked (none when the view loaded them)."""
    event = db.session.get(Event, event_id, options=EVENT_WITH_RELATIONS)
    if event is not None and any(name in inspect(event).unloaded for name, _ in _EVENT_RELATIONS):
        event = db.session.scalar(select(Event).where(Event.id == event_id).options(*EVENT_WITH_RELATIONS))
    return {} if event is None else {name: getattr(event, name) for name, _ in _EVENT_RELATIONS}


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


def sector_by_code(code: str | None) -> Sector | None:
    return db.session.scalar(select(Sector).where(Sector.code == code)) if code else None


# --- registering past the ORM's unit of work (services.register) ----------------------------------


@dataclass(frozen=True)
class BeforeLock:
    """What registering reads before the lock (:func:`before_lock`)."""

    #: The person with the email (None: none yet), and the address as they gave it first.
    person_id: int | None
    person_email: str | None
    #: (id, url, subscribed kinds) of the webhook endpoints of the event's host and programme.
    endpoints: list[tuple[int, str, list]]
    #: The ids of the event's own questions (only when asked for).
    question_ids: set[int]


def _endpoints_query(host_organisation_id: int, programme_id: int | None):
    return select(literal("hook").label("what"), WebhookEndpoint.id, WebhookEndpoint.url,
                  cast(WebhookEndpoint.events, String)).where(
        webhooks.owned_by(host_organisation_id, programme_id))


def _endpoints(rows) -> list[tuple[int, str, list]]:
    return [(row[1], row[2], json.loads(row[3]) if row[3] else []) for row in rows if row[0] == "hook"]


def before_lock(event_id: int, email_key: str | None, host_organisation_id: int, programme_id: int | None,
                questions: bool) -> BeforeLock:
    """The email's person, the event's webhook endpoints and (``questions``) its questions' ids, in
    one statement (a UNION ALL of the three lookups, each row tagged with what it is)."""
    parts = [_endpoints_query(host_organisation_id, programme_id)]
    if email_key:
        parts.append(select(literal("person"), Person.id, Person.email, cast(null(), String))
                     .where(Person.email_key == email_key))
    if questions:
        parts.append(select(literal("question"), EventQuestion.id, cast(null(), String), cast(null(), String))
                     .where(EventQuestion.event_id == event_id))
    rows = db.session.connection().execute(union_all(*parts)).all()
    person = next((row for row in rows if row[0] == "person"), None)
    return BeforeLock(person_id=person[1] if person else None, person_email=person[2] if person else None,
                      endpoints=_endpoints(rows), question_ids={row[1] for row in rows if row[0] == "question"})


def endpoints(host_organisation_id: int, programme_id: int | None) -> list[tuple[int, str, list]]:
    """(id, url, subscribed kinds) of the webhook endpoints of an event's host and programme."""
    return _endpoints(db.session.connection().execute(_endpoints_query(host_organisation_id, programme_id)))


#: The event's columns registering reads under the lock: whether it takes registrations
#: (services.closed_reason), its places, and what its webhook deliveries and emails say of it.
LOCKED_EVENT_COLUMNS = (
    Event.id, Event.status, Event.starts_at, Event.ends_at, Event.registration_opens_at,
    Event.registration_closes_at, Event.capacity, Event.confirmed_count, Event.title, Event.town, Event.venue,
    Event.host_organisation_id, Event.programme_id,
)


def lock_for_registering(event_id: int, email_key: str | None, *, for_update: bool) -> Row:
    """One statement: the event's row locked (PostgreSQL; on SQLite the transaction holds the lock),
    its :data:`LOCKED_EVENT_COLUMNS` with the confirmed places, ``existing_id`` (this email's active
    registration, or None) and ``next_id``, the id the new registration will have (the sequence's
    next value on PostgreSQL; one past the highest on SQLite, whose write lock this transaction holds)."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        next_id = func.nextval(func.pg_get_serial_sequence("registration", "id"))
    else:
        next_id = select(func.coalesce(func.max(Registration.id), 0) + 1).scalar_subquery()
    query = select(*LOCKED_EVENT_COLUMNS, active_registration_id(event_id, email_key),
                   next_id.label("next_id")).where(Event.id == event_id)
    if for_update and connection.dialect.name == "postgresql":
        query = query.with_for_update(of=Event.__table__)
    return connection.execute(query).one()


def insert_person(first_name: str, last_name: str, email: str | None) -> int:
    """A new person (one per email: a race on the address raises IntegrityError); their id."""
    db.session.info[WROTE] = True
    return db.session.connection().execute(
        insert(Person.__table__).values(first_name=first_name, last_name=last_name, email=email,
                                        email_key=normalise_email(email))
        .returning(Person.id)).scalar_one()


def delete_person(person_id: int) -> None:
    db.session.connection().execute(delete(Person.__table__).where(Person.id == person_id))


def insert_registration(registration: dict, search: dict, answers: list[dict], messages: list[dict]) -> list[int]:
    """Insert a registration with its search key, answers and outbox rows (column values, the
    registration's id given); return the outbox rows' ids.

    On PostgreSQL one statement (the first inserts as CTEs of the last, built once per shape), so
    the event's lock is held for one round trip of writing; on SQLite (in-process, no round trips)
    one per table. The counters on the event row follow by trigger, as for any insert.
    """
    db.session.info[WROTE] = True  # written past the ORM: event_counters reads again, begin_immediate keeps it
    connection = db.session.connection()
    messages = _complete_outbox_rows(messages)
    if connection.dialect.name == "postgresql":
        statement = _one_statement(tuple(registration), len(answers), len(messages))
        parameters = {**_named("r_", registration), **_named("s_", search)}
        for prefix, rows in (("a", answers), ("m", messages)):
            for i, row in enumerate(rows):
                parameters.update(_named(f"{prefix}{i}_", row))
        ids = list(connection.execute(statement, parameters).scalars())
        return ids if messages else []
    connection.execute(insert(Registration.__table__), registration)
    connection.execute(insert(RegistrationSearch.__table__), search)
    if answers:
        connection.execute(insert(RegistrationAnswer.__table__), answers)
    outbox = OutboxMessage.__table__
    return [connection.execute(insert(outbox).returning(outbox.c.id), message).scalar_one() for message in messages]


_SEARCH_COLUMNS = ("registration_id", "event_id", "sort_key", "search_key")
_ANSWER_COLUMNS = ("registration_id", "question_id", "value")
_OUTBOX_COLUMNS = ("kind", "recipient", "subject", "payload", "template", "params", "endpoint_id", "state",
                   "attempts", "created_at", "next_attempt_at")


def _complete_outbox_rows(messages: list[dict]) -> list[dict]:
    """Every outbox row with every column a new row sets (one INSERT of several rows needs the same
    columns in each; the columns' Python defaults are not applied inside a CTE): pending, due now."""
    now = utcnow()
    blank = {"payload": None, "template": None, "params": None, "endpoint_id": None,
             "state": "pending", "attempts": 0, "created_at": now, "next_attempt_at": now}
    return [{**blank, **message} for message in messages]


def _named(prefix: str, row: dict) -> dict:
    return {prefix + name: value for name, value in row.items()}


def _binds(table, columns, prefix: str) -> dict:
    """A bound parameter ``<prefix><column>`` per column, of the column's type (JSON: None is SQL NULL)."""
    return {name: bindparam(prefix + name, type_=JSON(none_as_null=True) if isinstance(table.c[name].type, JSON)
                            else table.c[name].type) for name in columns}


@lru_cache(maxsize=64)
def _one_statement(registration_columns: tuple[str, ...], answers: int, messages: int):
    """PostgreSQL: the statement of :func:`insert_registration` for this many answers and messages,
    built once: each row's INSERT a CTE (one row each: an INSERT of several rows is compiled anew
    on every execution), the statement selecting the outbox rows' ids (or the registration's)."""
    registration, search = Registration.__table__, RegistrationSearch.__table__
    answer, outbox = RegistrationAnswer.__table__, OutboxMessage.__table__
    first = insert(registration).values(_binds(registration, registration_columns, "r_")).returning(
        registration.c.id).cte("new_registration")
    writes = [insert(search).values(_binds(search, _SEARCH_COLUMNS, "s_"))]
    writes += [insert(answer).values(_binds(answer, _ANSWER_COLUMNS, f"a{i}_")) for i in range(answers)]
    ctes = [write.cte(f"write_{i}") for i, write in enumerate(writes)]
    rows = [insert(outbox).values(_binds(outbox, _OUTBOX_COLUMNS, f"m{i}_")).returning(outbox.c.id).cte(f"message_{i}")
            for i in range(messages)]
    ids = [select(row.c.id) for row in rows] or [select(first.c.id)]
    main = ids[0] if len(ids) == 1 else union_all(*ids)
    return main.add_cte(first, *ctes, *rows)
