"""Folded search keys, so the door can type "wojcik" or "lukasz" and find "Łukasz Wójcik".

Every registration has a row in ``registration_search`` (folded search key,
folded surname-first sort key, event id). A ``before_flush`` listener keeps it
when a Registration or its Person is added or changed through the ORM; rows
written in bulk (imports, the bench generator) are topped up by
:func:`ensure_search_keys`, which the desk page and the attendance list call
before searching. Search-as-you-type calls :func:`ensure_search_keys_now_and_then`
instead: the same check at most once per :data:`RECHECK_SECONDS` per event and
worker, because comparing the two counts costs more than the search itself.
"""

from __future__ import annotations

import time
import unicodedata

from flask import current_app
from sqlalchemy import delete, func, select, text
from sqlalchemy import event as sa_event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from eventsapp.database import begin_immediate
from eventsapp.extensions import db
from eventsapp.models import Event, Organisation, Person, Registration, RegistrationSearch

#: How long search-as-you-type trusts an event's keys after checking them (per worker process).
RECHECK_SECONDS = 30.0

#: A backfill of this many rows or more refreshes PostgreSQL's statistics of the key table.
ANALYZE_AFTER_ROWS = 500

#: Letters NFKD does not decompose.
_LOOKALIKES = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ı": "i", "þ": "th"})


def fold(text: str) -> str:
    """Lower case, accents and spacing ignored: "  Łukasz  WÓJCIK " -> "lukasz wojcik"."""
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
    return keys_for(person.first_name or "", person.last_name or "", registration.organisation_name_entered or "",
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


def _counts_differ(event_id: int) -> bool:
    registrations = select(func.count()).where(Registration.event_id == event_id).scalar_subquery()
    keys = select(func.count()).where(RegistrationSearch.event_id == event_id).scalar_subquery()
    return bool(db.session.scalar(select(registrations != keys)))


def ensure_search_keys(event: Event) -> int:
    """Give every registration of ``event`` its keys (two index-only counts when nothing is missing).

    Commits when it had to add keys; returns how many it added.
    """
    event_id = event.id
    current_app.extensions.setdefault("checkin_search_keys_checked", {})[event_id] = time.monotonic()
    if not _counts_differ(event_id):
        return 0
    begin_immediate(db.session())
    db.session.execute(delete(RegistrationSearch).where(
        RegistrationSearch.event_id == event_id,
        RegistrationSearch.registration_id.not_in(select(Registration.id).where(Registration.event_id == event_id)),
    ))
    rows = db.session.execute(
        select(Registration.id, Person.first_name, Person.last_name, Registration.organisation_name_entered,
               Organisation.name, Person.email)
        .join(Person, Person.id == Registration.person_id)
        .outerjoin(Organisation, Organisation.id == Registration.organisation_id)
        .outerjoin(RegistrationSearch, RegistrationSearch.registration_id == Registration.id)
        .where(Registration.event_id == event_id, RegistrationSearch.registration_id.is_(None))
    ).all()
    try:
        with db.session.begin_nested():
            for registration_id, first, last, entered, organisation, email in rows:
                sort_key, search_key = keys_for(first or "", last or "", entered or "", organisation or "", email or "")
                db.session.add(RegistrationSearch(registration_id=registration_id, event_id=event_id,
                                                  sort_key=sort_key, search_key=search_key))
    except IntegrityError:  # another desk filled them in at the same moment
        db.session.rollback()
        return 0
    db.session.commit()
    if len(rows) >= ANALYZE_AFTER_ROWS and db.session.get_bind().dialect.name == "postgresql":
        # Fresh statistics, so the planner walks (event_id, sort_key) for the first page instead of
        # sorting the whole event (autovacuum may be off, or not yet have caught up with the bulk write).
        db.session.execute(text("ANALYZE registration_search"))
        db.session.commit()
    return len(rows)


def ensure_search_keys_now_and_then(event: Event) -> int:
    """:func:`ensure_search_keys`, at most once per :data:`RECHECK_SECONDS` for an event (in this app).

    Rows the ORM writes get their keys at once (the listener); this only bounds how long rows
    written in bulk by another process (an import) can stay unfound while the desk is open:
    opening or reloading the desk page always checks.
    """
    checked: dict[int, float] = current_app.extensions.setdefault("checkin_search_keys_checked", {})
    now = time.monotonic()
    if now - checked.get(event.id, -RECHECK_SECONDS) < RECHECK_SECONDS:
        return 0
    return ensure_search_keys(event)
