"""Folded search keys, so the door can type "wojcik" or "lukasz" and find "Łukasz Wójcik".

A key is kept per registration in ``registration_search`` by a ``before_flush``
listener whenever a Registration or its Person is added or changed through the
ORM. Rows written in bulk (imports) have no key until :func:`backfill_search_keys`
runs (the desk calls it); until then the desk still finds them by the raw columns.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from eventsapp.database import begin_immediate
from eventsapp.extensions import db
from eventsapp.models import Event, Person, Registration, RegistrationSearch

#: Letters NFKD does not decompose.
_LOOKALIKES = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ı": "i", "þ": "th"})


def fold(text: str) -> str:
    """Lower case, accents and spacing ignored: "  Łukasz  WÓJCIK " -> "lukasz wojcik"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LOOKALIKES)
    return " ".join(stripped.split())


def search_key_for(registration: Registration) -> str | None:
    person = registration.person
    if person is None:
        return None
    organisation = registration.organisation
    parts = [person.first_name, person.last_name, registration.organisation_name_entered or "",
             organisation.name if organisation is not None else "", person.email or ""]
    return fold(" ".join(parts))[:1000]


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
        key = search_key_for(registration)
        if key is None:
            continue
        entry = session.get(RegistrationSearch, registration.id) if registration.id is not None else None
        if entry is None:
            session.add(RegistrationSearch(registration=registration, search_key=key))
        elif entry.search_key != key:
            entry.search_key = key


def install_listener() -> None:
    if not sa_event.contains(Session, "before_flush", _refresh_search_keys):
        sa_event.listen(Session, "before_flush", _refresh_search_keys)


def backfill_search_keys(event: Event) -> int:
    """Add missing keys for ``event``'s registrations (e.g. imported in bulk); returns how many. Commits."""
    def missing_ids() -> list[int]:
        return list(db.session.scalars(
            select(Registration.id)
            .outerjoin(RegistrationSearch, RegistrationSearch.registration_id == Registration.id)
            .where(Registration.event_id == event.id, RegistrationSearch.registration_id.is_(None))
        ))

    if not missing_ids():
        return 0
    begin_immediate(db.session())
    ids = missing_ids()
    registrations = db.session.scalars(select(Registration).where(Registration.id.in_(ids))).all()
    try:
        with db.session.begin_nested():
            for registration in registrations:
                key = search_key_for(registration)
                if key is not None:
                    db.session.add(RegistrationSearch(registration_id=registration.id, search_key=key))
    except IntegrityError:  # another desk filled them in at the same moment
        db.session.rollback()
        return 0
    db.session.commit()
    return len(registrations)
