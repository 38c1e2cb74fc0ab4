"""Finding the organisations and people that names and emails refer to.

Registration, walk-ins and imports all resolve names through here, so
"Thames Valley Police", "thames valley police " and "Thames Valley Police."
are one organisation, and a merged organisation's old name (kept as an
alias) resolves to the survivor.

Which organisation survives a merge has one owner here: :func:`survivor_id` (SQL, for the
reports and exports), :func:`survivor_ids` (a batch, for imports) and :func:`survivor_of` (one
object). They can be one step because merges keep chains one step long: merging B (into which A
was merged) into C points A at C too (eventsapp.organisations.merge).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, func, select

from eventsapp.extensions import db
from eventsapp.models import (
    Organisation,
    OrganisationAlias,
    Person,
    Sector,
    normalise_email,
    normalise_organisation_name,
)

#: Fewer characters than this (after normalising) find nothing: every name would match.
SEARCH_MIN_LENGTH = 2
#: A search reads at most this many characters of what was typed.
SEARCH_MAX_LENGTH = 200
#: Organisations per page of :func:`search_organisations` (the forms' type-ahead shows one page).
SEARCH_PAGE_SIZE = 20


def live_organisations() -> Select:
    """SQL: every live organisation (not merged away), by name: what an event's co-hosts and a
    story's organisations involved are chosen from (:func:`eventsapp.events.services.cohost_candidates`,
    :func:`eventsapp.stories.services.involvable_organisations`)."""
    return select(Organisation).where(Organisation.merged_into_id.is_(None)).order_by(Organisation.name)


@dataclass(frozen=True)
class OrganisationMatches:
    """One page of :func:`search_organisations`: ``(id, name)`` pairs and how many match in all."""

    organisations: list[tuple[int, str]]
    total: int
    page: int
    per_page: int

    @property
    def more(self) -> bool:
        return self.page * self.per_page < self.total

    def as_json(self) -> dict:
        """What the forms' organisation type-ahead reads (eventsapp/static/organisation-picker.js)."""
        return {"organisations": [{"id": i, "name": name} for i, name in self.organisations],
                "total": self.total, "page": self.page, "per_page": self.per_page, "more": self.more}


def matching_names(text: str) -> Select | None:
    """SQL: the live organisations whose normalised name contains ``text``'s (so "the thames valley police."
    finds "Thames Valley Police"), names that start with it first; None for under
    :data:`SEARCH_MIN_LENGTH` characters. Select the columns wanted with ``with_only_columns``."""
    key = normalise_organisation_name((text or "")[:SEARCH_MAX_LENGTH])
    if len(key) < SEARCH_MIN_LENGTH:
        return None
    return (
        live_organisations()
        .where(Organisation.normalised_key.contains(key, autoescape=True))
        .order_by(None)
        .order_by(Organisation.normalised_key.startswith(key, autoescape=True).desc(), Organisation.name,
                  Organisation.id)
    )


def search_organisations(text: str, page: int = 1, per_page: int = SEARCH_PAGE_SIZE) -> OrganisationMatches:
    """Page ``page`` of the live organisations :func:`matching_names` finds for ``text``, with the total."""
    query = matching_names(text)
    if query is None:
        return OrganisationMatches([], 0, page, per_page)
    total = db.session.scalar(query.order_by(None).with_only_columns(func.count(Organisation.id))) or 0
    rows = db.session.execute(
        query.with_only_columns(Organisation.id, Organisation.name).limit(per_page).offset((page - 1) * per_page)
    ).all() if (page - 1) * per_page < total else []
    return OrganisationMatches([(row.id, row.name) for row in rows], int(total), page, per_page)


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
    return survivor_of(organisation) if organisation is not None else None


def survivor_id(organisation):
    """SQL: the id an organisation counts as after merges (``organisation`` is the Organisation
    class, an alias of it, or its table)."""
    columns = getattr(organisation, "c", organisation)
    return func.coalesce(columns.merged_into_id, columns.id)


def survivor_ids(ids: Iterable[int]) -> dict[int, int]:
    """Each id's surviving organisation id, in one query (ids that do not exist are left out)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(db.session.execute(
        select(Organisation.id, survivor_id(Organisation)).where(Organisation.id.in_(wanted))
    ).all())


def survivor_of(organisation: Organisation) -> Organisation:
    """The live organisation ``organisation`` counts as (itself when it was never merged)."""
    return organisation.merged_into if organisation.merged_into is not None else organisation


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
