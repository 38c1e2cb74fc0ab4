"""Who may do what. Every view that touches an organisation's data asks here.

Rules (design.md, README "Who can do what"):

- the **administrator** (``User.is_admin``, granted by the CLI) is the national
  coordination and may do everything;
- a **coordinator** (a member with that role of a programme's coordinating
  organisation) sees and edits everything in the programmes their organisation
  coordinates, and manages the organisations of their **network**: their own
  coordinating organisations, the hosts of their programmes' events, and the
  organisations their network added (not co-hosts, named without their consent).
  Nothing outside it;
- an **organiser** manages its organisation and its events;
- a **door** volunteer checks people in at its organisation's events.

Anything a user may not see answers a uniform 404, so other organisations' and
other networks' drafts, members and attendee data cannot even be learned of; a
signed-in member of the right organisation without the right role gets 403.

The network is an SQL subquery (:func:`network_organisation_ids`), so a list can be
filtered by it and a single object checked against it with the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, exists, false, select, true, union

from eventsapp.extensions import db
from eventsapp.models import (
    Event,
    Membership,
    Organisation,
    Programme,
    Registration,
    Story,
    StoryCoauthor,
    User,
    event_cohost,
)
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


def is_admin(user: User | None) -> bool:
    """The site administrator: the national coordination, who may do everything."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_admin", False))


def coordinating_organisation_ids(user: User | None) -> list[int]:
    """The organisations in which ``user`` is a coordinator (their network's centre)."""
    return sorted(org for org, role in roles_by_organisation(user).items() if role == "coordinator")


def coordinates(user: User | None, programme: Programme | None) -> bool:
    """True when ``user`` is a coordinator of ``programme``'s coordinating organisation (or the administrator)."""
    if programme is None:
        return False
    if is_admin(user):
        return True
    if programme.coordinator_organisation_id is None:
        return False
    return roles_by_organisation(user).get(programme.coordinator_organisation_id) == "coordinator"


def is_coordinator(user: User | None) -> bool:
    """True when ``user`` coordinates at least one organisation's programmes, or is the administrator."""
    return is_admin(user) or "coordinator" in roles_by_organisation(user).values()


def coordinated_programme_ids(user: User | None) -> Select:
    """SQL: the ids of the programmes ``user``'s organisations coordinate."""
    return select(Programme.id).where(
        Programme.coordinator_organisation_id.in_(coordinating_organisation_ids(user) or [-1]))


def network_organisation_ids(user: User | None) -> Select:
    """SQL: the organisations a coordinator's network reaches.

    Their coordinating organisations, the hosts of events in the programmes those
    coordinate, and the organisations their network added. Not co-hosts: anyone may name
    any organisation as a co-host without its consent (issue 13, finding 10), so naming
    one must not hand it to a network.
    """
    coordinating = coordinating_organisation_ids(user) or [-1]
    programmes = coordinated_programme_ids(user)
    return union(
        select(Organisation.id).where(Organisation.id.in_(coordinating)),
        select(Organisation.id).where(Organisation.added_by_organisation_id.in_(coordinating)),
        select(Event.host_organisation_id).where(Event.programme_id.in_(programmes)),
    )


def managed_organisations(user: User | None) -> ColumnElement[bool]:
    """SQL condition on :class:`Organisation`: the organisations ``user`` manages.

    The administrator: all. A coordinator: their network and the organisations they organise.
    An organiser: their own. Usable to filter a list or (:func:`can_manage_organisation`)
    to decide about one.
    """
    if is_admin(user):
        return true()
    roles = roles_by_organisation(user)
    own = [org for org, role in roles.items() if role in ("organiser", "coordinator")]
    condition = Organisation.id.in_(own or [-1])
    if "coordinator" in roles.values():
        condition = condition | Organisation.id.in_(network_organisation_ids(user).scalar_subquery())
    return condition


def can_manage_organisation(user: User | None, organisation_id: int) -> bool:
    """Edit ``organisation_id``, see its members, invite and remove people."""
    if is_admin(user):
        return True
    roles = roles_by_organisation(user)
    if roles.get(organisation_id) in ("organiser", "coordinator"):
        return True
    if "coordinator" not in roles.values():
        return False
    return bool(db.session.scalar(select(
        exists().where(Organisation.id == organisation_id, managed_organisations(user)))))


def merge_reach(user: User | None) -> ColumnElement[bool]:
    """SQL condition on :class:`Organisation`: what ``user`` can find on the merge pages.

    The administrator: all. A coordinator: their network and the organisations their
    programmes' attendees came from. Others: nothing.
    """
    if is_admin(user):
        return true()
    if not coordinating_organisation_ids(user):
        return false()
    programmes = coordinated_programme_ids(user)
    return Organisation.id.in_(network_organisation_ids(user).scalar_subquery()) | Organisation.id.in_(
        select(Registration.organisation_id).join(Event, Event.id == Registration.event_id)
        .where(Event.programme_id.in_(programmes), Registration.organisation_id.is_not(None)))


def used_outside_network(user: User | None) -> ColumnElement[bool]:
    """SQL condition on :class:`Organisation`: used anywhere outside ``user``'s programmes
    (an event, co-hosting or registration elsewhere, another network's programme, coordinators
    or additions)."""
    coordinating = coordinating_organisation_ids(user) or [-1]
    programmes = coordinated_programme_ids(user)
    outside_event = Event.programme_id.is_(None) | Event.programme_id.not_in(programmes)
    return (
        exists().where(Event.host_organisation_id == Organisation.id, outside_event)
        | exists().where(event_cohost.c.organisation_id == Organisation.id,
                         event_cohost.c.event_id == Event.id, outside_event)
        | exists().where(Registration.organisation_id == Organisation.id,
                         Registration.event_id == Event.id, outside_event)
        | exists().where(Programme.coordinator_organisation_id == Organisation.id,
                         Programme.coordinator_organisation_id.not_in(coordinating))
        | exists().where(Membership.organisation_id == Organisation.id, Membership.role == "coordinator",
                         Organisation.id.not_in(coordinating))
        | (Organisation.added_by_organisation_id.is_not(None)
           & Organisation.added_by_organisation_id.not_in(coordinating))
    )


def mergeable_organisations(user: User | None) -> ColumnElement[bool]:
    """SQL condition on :class:`Organisation`: what ``user`` may merge (administrator: all).

    A coordinator: what they can reach (:func:`merge_reach`) and that is used nowhere outside
    their programmes. Anything else needs the administrator.
    """
    if is_admin(user):
        return true()
    return merge_reach(user) & ~used_outside_network(user)


def _all_match(condition: ColumnElement[bool], organisation_ids) -> bool:
    ids = set(organisation_ids)
    found = set(db.session.scalars(select(Organisation.id).where(Organisation.id.in_(ids), condition)))
    return found == ids


def can_find_for_merge(user: User | None, *organisation_ids: int) -> bool:
    return is_admin(user) or _all_match(merge_reach(user), organisation_ids)


def can_merge(user: User | None, *organisation_ids: int) -> bool:
    """True when ``user`` may merge (or undo a merge of) these organisations."""
    return is_admin(user) or _all_match(mergeable_organisations(user), organisation_ids)


def can_see_organisation(user: User | None, organisation_id: int) -> bool:
    """Whether the organisation is within reach at all (for 404 against 403)."""
    return organisation_id in roles_by_organisation(user) or can_manage_organisation(user, organisation_id)


def can_manage_event(user: User | None, event: Event) -> bool:
    """Edit, publish, cancel, see registrations and reports of ``event``."""
    if is_admin(user):
        return True
    if roles_by_organisation(user).get(event.host_organisation_id) == "organiser":
        return True
    return coordinates(user, event.programme)


def can_check_in(user: User | None, event: Event) -> bool:
    """Use the check-in desk for ``event``: its organisers, coordinators and door volunteers."""
    if can_manage_event(user, event):
        return True
    return roles_by_organisation(user).get(event.host_organisation_id) == "door"


def is_member_of_host(user: User | None, event: Event) -> bool:
    return (event.host_organisation_id in roles_by_organisation(user) or coordinates(user, event.programme)
            or is_admin(user))


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


# --- Stories -----------------------------------------------------------------------------------

#: Roles whose members write stories for their organisation.
STORY_WRITER_ROLES = ("organiser", "coordinator")


def can_write_stories(user: User | None) -> bool:
    """Organisers and coordinators of any organisation write stories (for their organisations)."""
    return any(role in STORY_WRITER_ROLES for role in roles_by_organisation(user).values())


def may_open_story_forms(user: User | None) -> bool:
    """Open the form of some story (and search its organisations): a writer, the administrator (a moderator
    of every story) or anyone invited to co-write one (a door volunteer may be)."""
    if can_write_stories(user) or is_admin(user):
        return True
    return bool(getattr(user, "is_authenticated", False) and db.session.scalar(select(exists().where(
        StoryCoauthor.user_id == user.id))))


def can_moderate_story(user: User | None, story: Story) -> bool:
    """Publish, unpublish, return and feature ``story``: a coordinator of its programme.

    The one place that decides moderation (the site administrator joins here).
    """
    return is_admin(user) or coordinates(user, story.programme)


def is_story_author(user: User | None, story: Story) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and story.author_id == user.id


def is_story_coauthor(user: User | None, story: Story) -> bool:
    """``user`` was invited to co-write ``story`` (:class:`StoryCoauthor`)."""
    if not getattr(user, "is_authenticated", False) or story.id is None:
        return False
    return bool(db.session.scalar(select(exists().where(
        StoryCoauthor.story_id == story.id, StoryCoauthor.user_id == user.id))))


def coauthor_organisation_ids(story: Story) -> set[int]:
    """The organisations whose members may co-write ``story``: its author's (the host members they
    invite). Not the other organisations the story names: naming one would show the author its
    members' names, and any organisation on the site can be named."""
    return set(roles_by_organisation(story.author)) if story.author is not None else set()


def author_may_edit(story: Story) -> bool:
    """Its author could change it now: not published, and the author an active writer still."""
    author = story.author
    return (story.state != "published" and author is not None and author.active
            and any(role in STORY_WRITER_ROLES for role in roles_by_organisation(author).values()))


def can_view_story(user: User | None, story: Story) -> bool:
    """Published stories are public; drafts and submitted ones only to their author, co-authors and moderators."""
    if story.state == "published":
        return True
    return is_story_author(user, story) or can_moderate_story(user, story) or is_story_coauthor(user, story)


def can_edit_story(user: User | None, story: Story) -> bool:
    """Its author while it is not yet published (and still a writer); its moderators at any time; a co-author
    while it is a draft, if its author may change it and they are still a member of one of
    :func:`coauthor_organisation_ids`."""
    if can_moderate_story(user, story):
        return True
    if is_story_author(user, story):
        return story.state != "published" and can_write_stories(user)
    return (story.state == "draft" and is_story_coauthor(user, story) and author_may_edit(story)
            and bool(set(roles_by_organisation(user)) & coauthor_organisation_ids(story)))


def can_manage_coauthors(user: User | None, story: Story) -> bool:
    """Invite and remove co-authors: the author (while they may edit it) or a moderator, until it is published.
    Never a co-author."""
    if story.state == "published":
        return False
    if can_moderate_story(user, story):
        return True
    return is_story_author(user, story) and can_write_stories(user)


def can_delete_story(user: User | None, story: Story) -> bool:
    """Delete a draft: the people who invite and remove its co-authors (:func:`can_manage_coauthors`: its
    author, while still a writer, and its moderators). Never a co-author: they change the draft, not end
    it. A submitted story is withdrawn to draft first; a published one keeps its unpublish path."""
    return story.state == "draft" and can_manage_coauthors(user, story)


def get_story_or_404(story_id: int, permission=can_view_story) -> Story:
    """Load a story the current user passes ``permission`` for.

    :raise 404: when it does not exist or is not visible to the user (a draft or submitted story
        looks exactly like a missing one to anyone but its author and moderators).
    :raise 403: when the user may read it but not do this.
    """
    if not 0 < story_id <= MAX_ID:
        abort(404)
    story = db.session.get(Story, story_id)
    if story is None or not can_view_story(current_user, story):
        abort(404)
    if not permission(current_user, story):
        abort(403)
    return story

# --- The network directory (eventsapp.network) -------------------------------------------------


def can_edit_network_profile(user: User | None, organisation_id: int) -> bool:
    """Opt the organisation in or out of the directory, edit its profile, post its offers and
    asks and share resources in its name: its organisers and coordinators, and the administrator."""
    return is_admin(user) or roles_by_organisation(user).get(organisation_id) in ("organiser", "coordinator")


def resource_moderation_scope(user: User | None) -> set[int]:
    """The organisations whose shared resources ``user`` approves or rejects: those hosting events
    in a programme the user :func:`coordinates`, and the programmes' coordinating organisations.

    The site administrator moderates every organisation's.
    """
    if is_admin(user):
        return set(db.session.scalars(db.select(Organisation.id)))
    coordinated = [org_id for org_id, role in roles_by_organisation(user).items() if role == "coordinator"]
    if not coordinated:
        return set()
    programmes = db.session.scalars(
        db.select(Programme).where(Programme.coordinator_organisation_id.in_(coordinated))
    ).all()
    programmes = [p for p in programmes if coordinates(user, p)]
    if not programmes:
        return set()
    hosts = db.session.scalars(
        db.select(Event.host_organisation_id).where(Event.programme_id.in_([p.id for p in programmes]))
        .distinct()
    )
    return set(hosts) | {p.coordinator_organisation_id for p in programmes}


def can_moderate_resource(user: User | None, resource) -> bool:
    """Approve or reject a shared resource (eventsapp.models.Resource)."""
    return resource.organisation_id in resource_moderation_scope(user)


def can_view_resource(user: User | None, resource) -> bool:
    """Approved resources are public; others only to their organisation's editors and moderators."""
    if resource.status == "approved":
        return True
    return can_edit_network_profile(user, resource.organisation_id) or can_moderate_resource(user, resource)


def can_change_approaches(user: User | None, *, rename: bool = False) -> bool:
    """Change the list of approaches, which every network shares (stories, profiles, offers and asks,
    resources): any coordinator, and the administrator, adds to it; renaming one relabels every
    network's things, so only the site administrator (the national coordination) does (``rename``)."""
    return is_admin(user) if rename else is_coordinator(user)


def can_change_sector_synonyms(user: User | None) -> bool:
    """Add, re-point or remove a sector synonym. Synonyms are one list for the whole site: every
    network's imports read sectors through them (and propose the sectors of the organisations they
    create), so a change moves every network's sector figures. Only the site administrator (the
    national coordination) makes it; coordinators see the list (:func:`is_coordinator`)."""
    return is_admin(user)


def can_manage_webhooks(user: User | None, *, organisation_id: int | None = None,
                        programme: Programme | None = None) -> bool:
    """Register and remove webhook endpoints: an organisation's organisers (and coordinators, for their
    own organisation's events) for its events; a programme's coordinators for the programme's."""
    if is_admin(user):
        return True
    if programme is not None:
        return coordinates(user, programme)
    return organisation_id is not None and roles_by_organisation(user).get(organisation_id) in (
        "organiser", "coordinator")
