"""Who may do what. Every view that touches an organisation's data asks here.

Rules (design.md): an **organiser** manages its organisation's events; a
**door** volunteer checks people in at its organisation's events; a
**coordinator** (a member with that role of a programme's coordinating
organisation) sees and edits everything in that programme. Anything a user
may not see answers a uniform 404, so other organisations' drafts and
attendee data cannot even be learned of; a signed-in user of the right
organisation without the right role gets 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from flask_login import current_user

from eventsapp.extensions import db
from eventsapp.models import Event, Programme, User
from eventsapp.urls import MAX_DB_INT

#: The largest id an INTEGER primary key can hold on every backend.
MAX_ID = MAX_DB_INT


@dataclass(frozen=True)
class ProgrammeFacts:
    """What the rules read of a programme."""

    coordinator_organisation_id: int | None


@dataclass(frozen=True)
class EventFacts:
    """What the rules read of an event, for a view that reads them in its own query.

    Stands in for :class:`Event` in every rule below (same attribute names), so a hot
    endpoint can fetch these columns along with its data in one round trip and still be
    judged by exactly the same rules (see :func:`check_event_access`).
    """

    id: int
    status: str
    host_organisation_id: int
    programme: ProgrammeFacts | None


def roles_by_organisation(user: User | None) -> dict[int, str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    return {m.organisation_id: m.role for m in user.memberships}


def coordinates(user: User | None, programme: Programme | None) -> bool:
    """True when ``user`` is a coordinator of ``programme``'s coordinating organisation."""
    if programme is None or programme.coordinator_organisation_id is None:
        return False
    return roles_by_organisation(user).get(programme.coordinator_organisation_id) == "coordinator"


def is_coordinator(user: User | None) -> bool:
    """True when ``user`` coordinates at least one organisation's programmes."""
    return "coordinator" in roles_by_organisation(user).values()


def can_manage_event(user: User | None, event: Event) -> bool:
    """Edit, publish, cancel, see registrations and reports of ``event``."""
    if roles_by_organisation(user).get(event.host_organisation_id) == "organiser":
        return True
    return coordinates(user, event.programme)


def can_check_in(user: User | None, event: Event) -> bool:
    """Use the check-in desk for ``event``: its organisers, coordinators and door volunteers."""
    if can_manage_event(user, event):
        return True
    return roles_by_organisation(user).get(event.host_organisation_id) == "door"


def is_member_of_host(user: User | None, event: Event) -> bool:
    return event.host_organisation_id in roles_by_organisation(user) or coordinates(user, event.programme)


def can_view_event(user: User | None, event: Event) -> bool:
    """Published and cancelled events are public; drafts only to their host and coordinators."""
    if event.status != "draft":
        return True
    return is_member_of_host(user, event)


def get_event_or_404(event_id: int, permission=can_view_event) -> Event:
    """Load an event the current user passes ``permission`` for.

    :raise 404: when the event does not exist or is not visible to the user
        (another organisation's event looks exactly like a missing one).
    :raise 403: when the user belongs to the host but lacks the role.
    """
    if not 0 < event_id <= MAX_ID:
        abort(404)  # beyond a 32-bit id the database would overflow, not just miss
    event = db.session.get(Event, event_id)
    check_event_access(event, permission)
    return event


def check_event_access(event: Event | EventFacts | None, permission=can_view_event) -> None:
    """The decision of :func:`get_event_or_404` for an event already read (None: not found).

    :raise 404: when there is no event or the current user may not see it.
    :raise 403: when the user belongs to the host but lacks the role.
    """
    if event is None or not can_view_event(current_user, event):
        abort(404)
    if not permission(current_user, event):
        if is_member_of_host(current_user, event):
            abort(403)
        abort(404)
