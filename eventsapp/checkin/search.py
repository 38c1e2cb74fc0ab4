"""Folded search keys, so the door can type "wojcik" or "lukasz" and find "Łukasz Wójcik".

Every registration has a row in ``registration_search`` (folded search key,
folded surname-first sort key, event id). A ``before_flush`` listener keeps it
when a Registration or its Person is added or changed through the ORM; whoever
writes registrations in bulk (the import, a programme restore) calls
:func:`add_missing_search_keys` in the same transaction, and
``registration.services.register``, which inserts a registration with Core, writes its keys
(:func:`keys_for`) in the same statement. The desk only reads
them: a GET never writes.

Search-as-you-type itself is :func:`desk_search`: one statement that reads the
event's access facts and its first page of matches (:func:`desk_search_as` reads the
signed-in user in the same statement, and on PostgreSQL has the database build the answer's
results as JSON, and runs it prepared on a pooled connection past the ORM session and
SQLAlchemy's execution: :func:`eventsapp.database.read_one_row`). What the desk shows of a match
is :func:`desk_results`.
"""

from __future__ import annotations

import json
import unicodedata
from collections import namedtuple
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Text, bindparam, cast, func, insert, literal_column, select, text, true
from sqlalchemy import event as sa_event
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from eventsapp.auth.session_user import VIEWER, SessionUser, load_session_user, session_user_from_row
from eventsapp.database import like_pattern, read_one_row
from eventsapp.extensions import db
from eventsapp.models import (
    Attendance,
    Event,
    Organisation,
    Person,
    Programme,
    Registration,
    RegistrationSearch,
)
from eventsapp.permissions import MAX_ID, EventFacts, ProgrammeFacts
from eventsapp.timeutil import app_zone, format_local

#: A backfill of this many rows or more refreshes PostgreSQL's statistics of the key table.
ANALYZE_AFTER_ROWS = 500

#: The registrations the desk finds.
DESK_STATUSES = ("confirmed", "waitlisted")

#: Search-as-you-type scans every key of the event once a word this long is typed (see :func:`desk_search`).
SCAN_FROM_LETTERS = 3
#: On PostgreSQL, words this long are found through the trigram index (a trigram has three letters).
TRIGRAM_LETTERS = 3

#: Letters NFKD does not decompose.
_LOOKALIKES = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ı": "i", "þ": "th"})


def fold(text: str) -> str:
    """Lower case, accents and spacing ignored: "  Łukasz  WÓJCIK " -> "lukasz wojcik"."""
    if text.isascii():
        # What _fold_unicode gives, faster: ASCII has no decompositions, combining marks or lookalikes,
        # and casefold() is lower() there. Most names and every email are ASCII; a bulk import folds
        # three texts a registration (the long way took a tenth of a 100,000-row import's time).
        return " ".join(text.lower().split())
    return _fold_unicode(text)


def _fold_unicode(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LOOKALIKES)
    return " ".join(stripped.split())


def keys_for(first_name: str, last_name: str, entered: str, organisation: str, email: str) -> tuple[str, str]:
    """(sort key, search key) for one registration."""
    sort_key = f"{fold(last_name)}\t{fold(first_name)}"[:400]
    search_key = fold(" ".join((first_name, last_name, entered, organisation, email)))[:1000]
    return sort_key, search_key


def _keys_of(registration: Registration) -> tuple[str, str] | None:
    person = registration.person
    if person is None:
        return None
    organisation = registration.organisation
    # The name given with this registration (another registration of the person may carry another).
    return keys_for(registration.first_name or "", registration.last_name or "",
                    registration.organisation_name_entered or "",
                    organisation.name if organisation is not None else "", person.email or "")


def _refresh_search_keys(session: Session, _flush_context, _instances) -> None:
    changed: set[Registration] = set()
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Registration):
            changed.add(obj)
        elif isinstance(obj, Person) and obj.id is not None:
            changed.update(obj.registrations)
    for registration in changed:
        if registration in session.deleted:
            continue
        keys = _keys_of(registration)
        if keys is None:
            continue
        entry = session.get(RegistrationSearch, registration.id) if registration.id is not None else None
        if entry is None:
            entry = RegistrationSearch(registration=registration)
            session.add(entry)
        if registration.event_id is not None:
            entry.event_id = registration.event_id
        else:
            entry.event = registration.event
        entry.sort_key, entry.search_key = keys


def install_listener() -> None:
    if not sa_event.contains(Session, "before_flush", _refresh_search_keys):
        sa_event.listen(Session, "before_flush", _refresh_search_keys)


#: How many registrations' keys the bulk writers build and insert at a time (memory stays flat
#: however large the import or restore).
KEY_BATCH = 5000


def _missing_keys(execute, condition) -> Iterator[list[dict]]:
    """The key rows of the registrations matching ``condition`` that have none, in batches of
    :data:`KEY_BATCH` (by registration id; each batch is inserted before the next is read)."""
    after = 0
    while True:
        rows = execute(
            select(Registration.id, Registration.event_id, Registration.first_name, Registration.last_name,
                   Registration.organisation_name_entered, Organisation.name, Person.email)
            .join(Person, Person.id == Registration.person_id)
            .outerjoin(Organisation, Organisation.id == Registration.organisation_id)
            .outerjoin(RegistrationSearch, RegistrationSearch.registration_id == Registration.id)
            .where(condition, RegistrationSearch.registration_id.is_(None), Registration.id > after)
            .order_by(Registration.id).limit(KEY_BATCH)
        ).all()
        if not rows:
            return
        values = []
        for registration_id, event_id, first, last, entered, organisation, email in rows:
            sort_key, search_key = keys_for(first or "", last or "", entered or "", organisation or "", email or "")
            values.append({"registration_id": registration_id, "event_id": event_id,
                           "sort_key": sort_key, "search_key": search_key})
        yield values
        after = rows[-1][0]


def add_missing_search_keys(event_ids: Iterable[int]) -> int:
    """Give every registration of these events that lacks them its keys (added and flushed; the
    caller commits): the bulk writers' half of the listener. Returns how many it added."""
    event_ids = sorted(set(event_ids))
    if not event_ids:
        return 0
    added = 0
    for values in _missing_keys(db.session.execute, Registration.event_id.in_(event_ids)):
        db.session.execute(insert(RegistrationSearch), values)
        added += len(values)
    if added >= ANALYZE_AFTER_ROWS and db.session.get_bind().dialect.name == "postgresql":
        # Fresh statistics, so the planner walks (event_id, sort_key) for the first page instead of
        # sorting the whole event (autovacuum may be off, or not yet have caught up with the bulk write).
        db.session.execute(text("ANALYZE registration_search"))
    return added


def backfill_search_keys(connection) -> int:
    """Keys for every registration without them, on ``connection`` (the migration that stopped the
    desk from writing them on its GETs fills in what earlier bulk writes left out)."""
    added = 0
    for values in _missing_keys(connection.execute, true()):
        connection.execute(insert(RegistrationSearch), values)
        added += len(values)
    return added


@dataclass(frozen=True)
class DeskSearch:
    """One search-as-you-type answer: the event's access facts (None: no such event) and the matches,
    as rows, or (read with the user on PostgreSQL) already as the JSON text of :func:`desk_results`."""

    event: EventFacts | None
    rows: list[Any]
    results_json: str | None = None


def desk_results(rows: Iterable[Any]) -> list[dict]:
    """What the desk shows of each match (``checkin.js`` renders it); PostgreSQL builds the same
    objects in SQL (:func:`_event_and_results_json`), and a test holds the two equal."""
    return [
        {
            "id": row.id,
            "name": f"{row.first_name} {row.last_name}".strip(),
            "organisation": row.organisation_entered or row.organisation or "",
            "status": row.status,
            "checked_in_at": format_local(row.checked_in_at, "%H:%M") if row.checked_in_at else None,
            "access_requirements": row.access_requirements,
        }
        for row in rows
    ]


def answer_document(query: str, limit: int, found: DeskSearch) -> str:
    """The search's JSON answer (``query``, ``limit``, ``results``), once the caller has checked
    ``found.event``. Results built by the database are put in as they came."""
    if found.results_json is None:
        return json.dumps({"query": query, "limit": limit, "results": desk_results(found.rows)})
    return f'{{"query": {json.dumps(query)}, "limit": {int(limit)}, "results": {found.results_json}}}'


def _contains(column, parameter, dialect: str, trigram: bool = False):
    """``column`` contains the folded word bound to ``parameter`` (see :func:`_word_value`).

    The same test as ``LIKE '%word%'`` with the word's wildcards escaped. On PostgreSQL a word of
    :data:`TRIGRAM_LETTERS` letters or more is that ``LIKE``, which the trigram index
    (``ix_registration_search_event_trigrams``) answers without reading every key of the event;
    a shorter word is ``strpos``, which costs well under half of the ``LIKE`` matcher per key.
    """
    if dialect == "postgresql" and not trigram:
        return func.strpos(column, parameter) > literal_column("0")
    if dialect == "sqlite":
        return func.instr(column, parameter) > literal_column("0")
    return column.like(parameter, escape="\\")


def _uses_trigrams(word: str, dialect: str) -> bool:
    return dialect == "postgresql" and len(word) >= TRIGRAM_LETTERS


def _word_value(word: str, dialect: str) -> str:
    plain = dialect in ("postgresql", "sqlite") and not _uses_trigrams(word, dialect)
    return word if plain else like_pattern(word)


def _matches(dialect: str, words: int, scan: bool, limit: int, trigram_words: int):
    """The first ``limit`` matches of a desk search as a subquery (``found``), one row a match, by surname."""
    event_id = bindparam("event_id")
    matching = [_contains(RegistrationSearch.search_key, bindparam(f"w{i}"), dialect, trigram=i < trigram_words)
                for i in range(words)]
    keys = select(RegistrationSearch.registration_id, RegistrationSearch.sort_key).where(
        RegistrationSearch.event_id == event_id, *matching)
    if scan:
        keys = keys.order_by(RegistrationSearch.sort_key, RegistrationSearch.registration_id).offset(
            literal_column("0"))
    keys = keys.subquery("k")
    # No "registration.event_id = ?" in SQL: next to the key table's event_id it makes PostgreSQL
    # expect a handful of rows and sort them all instead of walking the index. A key row left
    # pointing at another event's registration (only by a bulk write) is dropped by the caller instead.
    return (
        select(Registration.id, Registration.event_id, Registration.status, Registration.access_requirements,
               Registration.first_name, Registration.last_name,
               Registration.organisation_name_entered.label("organisation_entered"),
               Organisation.name.label("organisation"), Attendance.checked_in_at,
               keys.c.sort_key, keys.c.registration_id.label("key_id"))
        .select_from(keys)
        .join(Registration, Registration.id == keys.c.registration_id)
        .outerjoin(Organisation, Organisation.id == Registration.organisation_id)
        .outerjoin(Attendance, Attendance.registration_id == Registration.id)
        # written into the SQL: a bound list is rendered afresh on every execution
        .where(Registration.status.in_([literal_column(f"'{status}'") for status in DESK_STATUSES]))
        .order_by(keys.c.sort_key, keys.c.registration_id)
        .limit(literal_column(str(int(limit))))
        .subquery("found")
    )


@lru_cache(maxsize=64)
def _desk_statement(dialect: str, words: int, scan: bool, limit: int, trigram_words: int = 0):
    """The statement of :func:`desk_search` for ``words`` words, built once per shape (building it costs
    more than running it); parameters ``event_id`` and ``w0``…; the first ``trigram_words`` of them
    are matched through the trigram index (PostgreSQL).

    The limit and the constants are written into the SQL, not bound: PostgreSQL then finds the
    plan it caches for the prepared statement (psycopg prepares a statement run five times on a
    connection) as cheap as one planned for the values, and stops planning the statement anew.
    """
    event_id = bindparam("event_id")
    found = _matches(dialect, words, scan, limit, trigram_words)
    return (
        select(Event.id.label("the_event_id"), Event.status.label("event_status"), Event.host_organisation_id,
               Programme.coordinator_organisation_id, found.c.id, found.c.event_id, found.c.status,
               found.c.access_requirements, found.c.first_name, found.c.last_name, found.c.organisation_entered,
               found.c.organisation, found.c.checked_in_at, found.c.sort_key, found.c.key_id)
        .select_from(Event)
        .outerjoin(Programme, Programme.id == Event.programme_id)
        .outerjoin(found, true())
        .where(Event.id == event_id)
        .order_by(found.c.sort_key, found.c.key_id)
    )


@lru_cache(maxsize=64)
def _desk_statement_as_viewer(dialect: str, words: int, scan: bool, limit: int, trigram_words: int = 0):
    """:func:`_desk_statement` beside the signed-in user's facts (:data:`VIEWER`, parameters
    ``user_id`` and ``version``): no row at all when there is no such user.

    On PostgreSQL the matches come as one JSON text, the answer's ``results`` as the desk shows
    them (:func:`desk_results`; parameter ``tz``, the app's time zone), beside the event's facts
    in one row: the database builds the 25 objects instead of Python building a row and a dict
    for each (a third of a search's time in Python went on them).
    """
    if dialect == "postgresql":
        search = _event_and_results_json(words, scan, limit, trigram_words)
        return select(VIEWER, search).select_from(VIEWER).outerjoin(search, true())
    search = _desk_statement(dialect, words, scan, limit, trigram_words).order_by(None).subquery("search")
    return (
        select(VIEWER, search)
        .select_from(VIEWER)
        .outerjoin(search, true())
        .order_by(search.c.sort_key, search.c.key_id)
    )


def _event_and_results_json(words: int, scan: bool, limit: int, trigram_words: int):
    """PostgreSQL: the event's access facts and its matches as the JSON text of :func:`desk_results`."""
    event_id = bindparam("event_id")
    found = _matches("postgresql", words, scan, limit, trigram_words)
    local = func.timezone(bindparam("tz"), func.timezone(literal_column("'UTC'"), found.c.checked_in_at))
    result = func.json_build_object(
        literal_column("'id'"), found.c.id,
        literal_column("'name'"), func.btrim(func.concat(found.c.first_name, literal_column("' '"), found.c.last_name),
                                             literal_column(_WHITESPACE)),
        literal_column("'organisation'"), func.coalesce(func.nullif(found.c.organisation_entered, literal_column("''")),
                                                        found.c.organisation, literal_column("''")),
        literal_column("'status'"), found.c.status,
        literal_column("'checked_in_at'"), func.to_char(local, literal_column("'HH24:MI'")),
        literal_column("'access_requirements'"), found.c.access_requirements,
    )
    # the same order and the same dropping of a key row that points at another event's registration
    # as the rows of :func:`desk_search` (see :func:`_desk_answer`)
    results = (
        select(cast(func.coalesce(
            func.json_agg(aggregate_order_by(result, found.c.sort_key, found.c.key_id))
            .filter(found.c.event_id == event_id),
            literal_column("'[]'::json")), Text))
        .select_from(found)
        .scalar_subquery()
    )
    return (
        select(Event.id.label("the_event_id"), Event.status.label("event_status"), Event.host_organisation_id,
               Programme.coordinator_organisation_id, results.label("results_json"))
        .select_from(Event)
        .outerjoin(Programme, Programme.id == Event.programme_id)
        .where(Event.id == event_id)
        .subquery("search")
    )


#: What Python's ``str.strip()`` takes off a name (ASCII whitespace), as a PostgreSQL literal.
_WHITESPACE = "E' \\t\\n\\r\\f\\v'"


def desk_search(event_id: int, query: str, limit: int) -> DeskSearch:
    """The desk's search-as-you-type in one round trip: who may see the event, and its first matches.

    The desk's one search: confirmed and waitlisted registrations whose folded key contains every
    word, by surname (:func:`eventsapp.checkin.services.search_registrations` loads these rows as
    objects for the page without JavaScript).
    The caller must check ``event`` (:func:`eventsapp.permissions.check_event_access`) before
    using ``rows``; each row has ``id``, ``status``, ``access_requirements``, ``first_name``,
    ``last_name``, ``organisation_entered``, ``organisation`` and ``checked_in_at``.

    Plans: on PostgreSQL, words of :data:`TRIGRAM_LETTERS` letters or more are looked up in the
    trigram index of the event's keys. With a word of :data:`SCAN_FROM_LETTERS` letters or more, matches are few, and walking
    the ``(event_id, sort_key)`` index would visit every registration of the event in index order
    (a table row per entry) before the ``LIMIT`` is reached; instead the event's keys are scanned
    once, the matches sorted, and only the first page joined to the other tables (``OFFSET 0``
    keeps PostgreSQL from merging the two steps). With shorter words nearly everyone matches,
    and the walk stops early.
    """
    if not 0 < event_id <= MAX_ID:
        return DeskSearch(None, [])  # beyond a 32-bit id the database would overflow, not just miss
    statement, parameters = _desk_question(event_id, query, limit)
    # On the session's connection, past the ORM's handling (nothing here is an ORM entity).
    return _desk_answer(db.session.connection().execute(statement, parameters).all(), event_id)


def desk_search_as(user_pk: int, session_version: int, event_id: int, query: str,
                   limit: int) -> tuple[SessionUser | None, DeskSearch]:
    """:func:`desk_search` and the signed-in user in one statement: the user loader's query for
    the desk's search (:func:`eventsapp.auth.session_user.read_with_user`), so a keystroke
    costs one round trip. No user (stale session, deactivated account): ``(None, no answer)``."""
    if not 0 < event_id <= MAX_ID:
        return load_session_user(user_pk, session_version), DeskSearch(None, [])
    statement, parameters = _desk_question(event_id, query, limit, as_viewer=True)
    parameters.update(user_id=user_pk, version=session_version)
    if db.engine.dialect.name == "postgresql":
        parameters["tz"] = app_zone().key
    if db.engine.dialect.driver == "psycopg":  # read_one_row speaks psycopg 3 (autocommit, prepare)
        row = read_one_row(*_driver_statement(statement), parameters)
        rows = [row] if row is not None else []
    else:
        rows = db.session.connection().execute(statement, parameters).all()
    if not rows:
        return None, DeskSearch(None, [])
    return session_user_from_row(rows[0]), _desk_answer(rows, event_id)


@lru_cache(maxsize=64)
def _driver_statement(statement) -> tuple[str, dict, type]:
    """``statement`` (one of :func:`_desk_statement_as_viewer`'s, built once per shape) as the
    driver's SQL, its constant parameters, and a row type that names its columns."""
    compiled = statement.compile(dialect=db.engine.dialect)
    return compiled.string, dict(compiled.params), namedtuple("DeskRow", [c.key for c in statement.selected_columns])


def _desk_question(event_id: int, query: str, limit: int, as_viewer: bool = False) -> tuple[Any, dict]:
    """The statement and parameters of a desk search (see :func:`desk_search`)."""
    dialect = db.engine.dialect.name
    words = [folded for folded in (fold(term[:100]) for term in query.split()[:6]) if folded]
    words.sort(key=len, reverse=True)  # the longest word first: it rules out most keys, and fastest
    shape = (dialect, len(words), any(len(word) >= SCAN_FROM_LETTERS for word in words), limit,
             sum(_uses_trigrams(word, dialect) for word in words))
    statement = _desk_statement_as_viewer(*shape) if as_viewer else _desk_statement(*shape)
    parameters = {"event_id": event_id,
                  **{f"w{i}": _word_value(word, dialect) for i, word in enumerate(words)}}
    return statement, parameters


def _desk_answer(result: list[Any], event_id: int) -> DeskSearch:
    """The rows of a desk search statement as a :class:`DeskSearch`."""
    if not result or result[0].the_event_id is None:
        return DeskSearch(None, [])
    first = result[0]
    coordinator_id = first.coordinator_organisation_id  # None: no programme, or one nobody coordinates
    event = EventFacts(
        id=first.the_event_id, status=first.event_status, host_organisation_id=first.host_organisation_id,
        programme=ProgrammeFacts(coordinator_id) if coordinator_id is not None else None,
    )
    if "results_json" in first._fields:
        return DeskSearch(event, [], first.results_json)
    return DeskSearch(event, [row for row in result if row.id is not None and row.event_id == event_id])
