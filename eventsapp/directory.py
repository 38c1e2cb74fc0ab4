"""Finding the organisations and people that names and emails refer to.

Registration, walk-ins and imports all resolve names through here, so
"Thames Valley Police", "thames valley police " and "Thames Valley Police."
are one organisation, and a merged organisation's old name (kept as an
alias) resolves to the survivor.
"""

from __future__ import annotations

from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.models import (
    Organisation,
    OrganisationAlias,
    Person,
    Sector,
    normalise_email,
    normalise_organisation_name,
)


def find_organisation(name: str) -> Organisation | None:
    """The live organisation a name refers to (through its key or an alias), or None."""
    key = normalise_organisation_name(name or "")
    if not key:
        return None
    organisation = db.session.scalar(
        select(Organisation).where(
            Organisation.normalised_key == key, Organisation.merged_into_id.is_(None)
        )
    )
    if organisation is None:
        organisation = db.session.scalar(
            select(Organisation).join(OrganisationAlias).where(OrganisationAlias.normalised_key == key)
        )
    while organisation is not None and organisation.merged_into is not None:
        organisation = organisation.merged_into
    return organisation


def resolve_organisation(name: str, sector: Sector | None = None) -> tuple[Organisation | None, bool]:
    """Find the organisation a name refers to, or add a new one (not committed).

    :return: ``(organisation, created)``; ``(None, False)`` for a blank name
        (a person attending as an individual).
    """
    name = " ".join((name or "").split())
    if not normalise_organisation_name(name):
        return None, False
    organisation = find_organisation(name)
    if organisation is not None:
        return organisation, False
    organisation = Organisation(name=name, sector=sector)
    db.session.add(organisation)
    db.session.flush()
    return organisation, True


def find_or_create_person(first_name: str, last_name: str, email: str | None) -> Person:
    """The person with this email, or a new person (not committed).

    A found person's name on record is kept: a name given later belongs on that registration
    (``Registration.first_name``), never over the person's other bookings. Without an email
    (walk-ins, some imports) a new person is always created.
    """
    key = normalise_email(email)
    person = None
    if key:
        person = db.session.scalar(select(Person).where(Person.email_key == key))
    if person is None:
        person = Person(first_name=first_name.strip(), last_name=last_name.strip(),
                        email=(email or "").strip() or None)
        db.session.add(person)
        db.session.flush()
    return person
