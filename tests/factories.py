"""Factory functions for test data: ``make_event(capacity=10)`` and friends.

Each returns a committed object with sensible defaults; keyword arguments
override any column. Personal data is synthetic (Faker, en_GB).
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from faker import Faker
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.models import (
    Attendance,
    Event,
    Membership,
    Organisation,
    Person,
    Programme,
    Region,
    Registration,
    Sector,
    User,
    utcnow,
)

PASSWORD = "correct horse battery staple"
fake = Faker("en_GB")
fake.seed_instance(1234)
_counter = itertools.count(1)


def region(code: str = "TLJ") -> Region:
    return db.session.scalar(select(Region).where(Region.code == code))


def sector(code: str = "community_voluntary") -> Sector:
    return db.session.scalar(select(Sector).where(Sector.code == code))


def make_organisation(name: str | None = None, sector_code: str = "community_voluntary", **kw) -> Organisation:
    organisation = Organisation(
        name=name or f"{fake.city()} Community Trust {next(_counter)}", sector=sector(sector_code), **kw
    )
    db.session.add(organisation)
    db.session.commit()
    return organisation


def make_programme(slug: str | None = None, **kw) -> Programme:
    n = next(_counter)
    programme = Programme(slug=slug or f"programme-{n}", name=kw.pop("name", f"Programme {n}"), **kw)
    db.session.add(programme)
    db.session.commit()
    return programme


def make_event(
    host: Organisation | None = None,
    starts_at: datetime | None = None,
    hours: float = 3,
    region_code: str = "TLJ",
    **kw,
) -> Event:
    """A published event a week from now (UTC), unless told otherwise."""
    starts_at = starts_at or (utcnow().replace(microsecond=0) + timedelta(days=7))
    event = Event(
        host=host or make_organisation(),
        region=region(region_code),
        title=kw.pop("title", f"Good relations event {next(_counter)}"),
        town=kw.pop("town", fake.city()),
        venue=kw.pop("venue", "Town Hall"),
        starts_at=starts_at,
        ends_at=kw.pop("ends_at", starts_at + timedelta(hours=hours)),
        status=kw.pop("status", "published"),
        **kw,
    )
    db.session.add(event)
    db.session.commit()
    return event


def make_person(**kw) -> Person:
    first, last = kw.pop("first_name", fake.first_name()), kw.pop("last_name", fake.last_name())
    email = kw.pop("email", f"{first}.{last}.{next(_counter)}@example.org".lower().replace(" ", ""))
    person = Person(first_name=first, last_name=last, email=email, **kw)
    db.session.add(person)
    db.session.commit()
    return person


def make_registration(
    event: Event | None = None,
    person: Person | None = None,
    organisation: Organisation | None = None,
    status: str = "confirmed",
    attended: bool = False,
    **kw,
) -> Registration:
    person = person or make_person()
    registration = Registration(
        event=event or make_event(),
        person=person,
        organisation=organisation,
        organisation_name_entered=organisation.name if organisation else "",
        email_key=person.email_key,
        status=status,
        **kw,
    )
    if attended:
        registration.attendance = Attendance(method="desk")
    db.session.add(registration)
    db.session.commit()
    return registration


def make_user(role: str = "organiser", organisation: Organisation | None = None, **kw) -> User:
    user = User(email=kw.pop("email", f"user{next(_counter)}@example.org"), name=kw.pop("name", fake.name()), **kw)
    user.set_password(PASSWORD)
    user.memberships.append(Membership(organisation=organisation or make_organisation(), role=role))
    db.session.add(user)
    db.session.commit()
    return user


def make_invitation(organisation: Organisation, email: str | None = None, role: str = "door",
                    invited_by: User | None = None, **kw):
    """An open invitation row, as ``invitations.invite`` makes it but without the email;
    returns ``(invitation, token)`` (the token is what the emailed link carries)."""
    import secrets

    from eventsapp.models import Invitation
    from eventsapp.organisations.invitations import hash_token

    token = secrets.token_urlsafe(32)
    now = utcnow()
    invitation = Invitation(
        organisation=organisation, email=email or f"invitee{next(_counter)}@example.org", role=role,
        invited_by=invited_by, token_hash=hash_token(token), created_at=kw.pop("created_at", now),
        expires_at=kw.pop("expires_at", now + timedelta(days=7)), **kw,
    )
    db.session.add(invitation)
    db.session.commit()
    return invitation, token
