"""Who manages an organisation, and the membership rules.

- The **administrator** manages every organisation.
- A **coordinator** manages the organisations of their network
  (:func:`eventsapp.permissions.managed_organisations`: their programmes' hosts and
  the organisations their network added): lists, creates and edits them,
  sees members, invites and removes people. Only for an organisation where they are
  themselves a coordinator (or the administrator) can they invite another coordinator.
- An **organiser** manages its own organisation: invites organisers and door
  volunteers, removes members (not coordinators).
- A **door** volunteer, or anyone else, manages none. Someone outside an
  organisation cannot learn whom it has as members (404, as for drafts);
  a door volunteer of it gets 403.

Invitations (single-use rows that expire and can be revoked) are in
:mod:`eventsapp.organisations.invitations`.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import func, or_, select

from eventsapp.extensions import db
from eventsapp.models import (
    Event,
    Membership,
    Organisation,
    Registration,
    Sector,
    User,
    normalise_organisation_name,
)
from eventsapp.permissions import (
    can_manage_organisation,
    coordinating_organisation_ids,
    is_admin,
    is_coordinator,
    managed_organisations,
    roles_by_organisation,
)

ROLE_NAMES = {"coordinator": "Coordinator", "organiser": "Organiser", "door": "Door volunteer"}


class MembershipError(ValueError):
    """A membership change that the rules do not allow (message is for people)."""


def can_manage(user, organisation_id: int) -> bool:
    return can_manage_organisation(user, organisation_id)


def may_give_coordinator_role(user, organisation_id: int) -> bool:
    return is_admin(user) or roles_by_organisation(user).get(organisation_id) == "coordinator"


def invitable_roles(user, organisation_id: int) -> list[str]:
    """The roles ``user`` may invite someone to in the organisation, most powerful first."""
    if not can_manage(user, organisation_id):
        return []
    roles = ["organiser", "door"]
    if may_give_coordinator_role(user, organisation_id):
        roles.insert(0, "coordinator")
    return roles


def get_organisation_or_404(organisation_id: int, user) -> Organisation:
    """A live organisation ``user`` manages.

    :raise 404: it does not exist, was merged away, or the user is not connected to it.
    :raise 403: the user is a member without a managing role (a door volunteer).
    """
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.merged_into_id is not None:
        abort(404)
    if can_manage(user, organisation.id):
        return organisation
    if organisation.id in roles_by_organisation(user):
        abort(403)
    abort(404)


def list_organisations(user, search: str = "", page: int = 1, per_page: int = 20, everyone: bool = False):
    """The organisations ``user`` can see here: their own; for a coordinator those of their
    network; for the administrator the host organisations (with members or events, or that no
    attendee came from), or with ``everyone`` every live organisation (including attendees'
    employers)."""
    query = select(Organisation).where(Organisation.merged_into_id.is_(None))
    if not is_coordinator(user):
        query = query.where(Organisation.id.in_(list(roles_by_organisation(user)) or [-1]))
    elif not is_admin(user):
        query = query.where(managed_organisations(user) | Organisation.id.in_(list(roles_by_organisation(user))
                                                                              or [-1]))
    elif not everyone:
        # Hosts: organisations with members or events, or added here (no attendee came from them).
        query = query.where(or_(
            select(Membership.id).where(Membership.organisation_id == Organisation.id).exists(),
            select(Event.id).where(Event.host_organisation_id == Organisation.id).exists(),
            ~select(Registration.id).where(Registration.organisation_id == Organisation.id).exists(),
        ))
    search = search.strip()
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            or_(func.lower(Organisation.name).like(pattern),
                Organisation.normalised_key.like(f"%{normalise_organisation_name(search)}%"))
        )
    return db.paginate(query.order_by(func.lower(Organisation.name)), page=page, per_page=per_page,
                       error_out=False)


def member_counts(organisation_ids: list[int]) -> dict[int, int]:
    if not organisation_ids:
        return {}
    rows = db.session.execute(
        select(Membership.organisation_id, func.count())
        .where(Membership.organisation_id.in_(organisation_ids))
        .group_by(Membership.organisation_id)
    )
    return dict(rows.all())


def members(organisation: Organisation) -> list[Membership]:
    return list(db.session.scalars(
        select(Membership).join(User).where(Membership.organisation_id == organisation.id)
        .order_by(Membership.role, func.lower(User.email))
    ))


def name_taken(name: str, exclude: Organisation | None = None) -> Organisation | None:
    """The live organisation already using this name (or an alias of it), if any."""
    from eventsapp.directory import find_organisation

    found = find_organisation(name)
    if found is not None and (exclude is None or found.id != exclude.id):
        return found
    return None


def save_organisation(organisation: Organisation | None, name: str, sector: Sector | None,
                      website: str | None, by: User | None = None, privacy_notice: str = "") -> Organisation:
    """Create (``organisation`` None) or update an organisation; not committed.

    A new organisation added by a coordinator joins their network (their first coordinating
    organisation), so they keep managing it.
    """
    if organisation is None:
        coordinating = coordinating_organisation_ids(by)
        organisation = Organisation(name=name.strip(),
                                    added_by_organisation_id=coordinating[0] if coordinating else None)
        db.session.add(organisation)
    organisation.name = name.strip()
    organisation.normalised_key = normalise_organisation_name(organisation.name)
    organisation.sector = sector
    organisation.website = website or None
    organisation.privacy_notice = privacy_notice or ""
    return organisation


def remove_member(organisation: Organisation, membership: Membership, by: User) -> None:
    """Remove a membership (not committed)."""
    if membership.organisation_id != organisation.id:
        abort(404)
    if membership.user_id == by.id:
        raise MembershipError("You cannot remove yourself. Ask another organiser or a coordinator.")
    if membership.role == "coordinator" and not may_give_coordinator_role(by, organisation.id):
        raise MembershipError("Only a coordinator of this organisation can remove a coordinator.")
    db.session.delete(membership)
