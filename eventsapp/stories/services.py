"""The rules of stories: who may write for which organisations and programmes, writing and
changing a story, its moderation (every change of state logged), and the public list.

Services add and flush; the caller commits once.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import has_request_context, render_template, url_for
from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from eventsapp.directory import live_organisations
from eventsapp.extensions import db
from eventsapp.mail import build_message
from eventsapp.models import (
    Approach,
    Event,
    Membership,
    Organisation,
    Programme,
    Region,
    Story,
    StoryChange,
    StoryCoauthor,
    User,
    utcnow,
)
from eventsapp.outbox import enqueue
from eventsapp.permissions import (
    STORY_WRITER_ROLES,
    can_moderate_story,
    coauthor_organisation_ids,
    roles_by_organisation,
)

#: action -> (from state, to state, who may: "author" (an editor of the story) or "moderator").
TRANSITIONS: dict[str, tuple[str, str, str]] = {
    "submit": ("draft", "submitted", "author"),
    "withdraw": ("submitted", "draft", "author"),
    "publish": ("submitted", "published", "moderator"),
    "unpublish": ("published", "draft", "moderator"),
}

#: What each action says in the log and in the flash message.
ACTION_DONE = {
    "submit": "Submitted for publication: a coordinator of the programme will review it.",
    "withdraw": "Back to draft.",
    "publish": "Published: the story is now public.",
    "unpublish": "Unpublished: the story is back to draft and no longer public.",
}


class StoryStateError(ValueError):
    """A change of state that does not apply to the story as it is now."""


# --- who writes for what ------------------------------------------------------------------------

def writer_organisations(user: User) -> list[Organisation]:
    """The organisations ``user`` writes for (organiser or coordinator there)."""
    ids = [org for org, role in roles_by_organisation(user).items() if role in STORY_WRITER_ROLES]
    if not ids:
        return []
    return list(db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)))


def writer_programmes(user: User) -> list[Programme]:
    """Programmes a story by ``user`` may belong to: those coordinated by, or holding events of, their organisations."""
    ids = [org for org, role in roles_by_organisation(user).items() if role in STORY_WRITER_ROLES]
    if not ids:
        return []
    return list(db.session.scalars(
        select(Programme).where(
            Programme.coordinator_organisation_id.in_(ids)
            | Programme.id.in_(select(Event.programme_id).where(Event.host_organisation_id.in_(ids)))
        ).order_by(Programme.name)
    ))


def writer_events(user: User) -> list[Event]:
    """Published events a story by ``user`` may be told at: their organisations' and their programmes'."""
    roles = roles_by_organisation(user)
    hosts = [org for org, role in roles.items() if role in STORY_WRITER_ROLES]
    coordinated = [org for org, role in roles.items() if role == "coordinator"]
    if not hosts:
        return []
    condition = Event.host_organisation_id.in_(hosts)
    if coordinated:
        condition = condition | Event.programme_id.in_(
            select(Programme.id).where(Programme.coordinator_organisation_id.in_(coordinated)))
    return list(db.session.scalars(
        select(Event).where(condition, Event.status == "published").order_by(Event.starts_at.desc()).limit(300)
    ))


def involvable_organisations() -> list[Organisation]:
    """Organisations a story can name as involved (live ones, not merged away). The form's type-ahead
    searches the same set (:func:`eventsapp.directory.search_organisations`)."""
    return list(db.session.scalars(live_organisations()))


# --- writing ------------------------------------------------------------------------------------

@dataclass
class StoryInput:
    """A story's fields as validated by the form."""

    title: str
    summary: str
    body: str
    region_id: int
    place: str
    kind_of_work: str
    differences: list[str]
    approach_ids: list[int]
    organisation_ids: list[int]
    event_id: int | None
    programme_id: int
    consent_confirmed: bool
    attribution: str
    attributed_organisation_id: int | None
    photo: tuple[bytes, str] | None = None
    photo_alt: str = ""
    remove_photo: bool = False


def _apply(story: Story, data: StoryInput) -> None:
    story.title = data.title
    story.summary = data.summary
    story.body = data.body
    story.region = db.session.get(Region, data.region_id)
    story.place = data.place
    story.kind_of_work = data.kind_of_work
    story.differences = ",".join(data.differences)
    story.event_id = data.event_id
    story.programme_id = data.programme_id
    story.consent_confirmed = data.consent_confirmed
    story.attribution = data.attribution
    story.attributed_organisation_id = (
        data.attributed_organisation_id if data.attribution == "organisation" else None
    )
    story.approaches = list(db.session.scalars(select(Approach).where(Approach.id.in_(data.approach_ids))))
    story.organisations = list(db.session.scalars(
        select(Organisation).where(Organisation.id.in_(data.organisation_ids))))
    if data.remove_photo and data.photo is None:
        story.photo, story.photo_type, story.photo_alt = None, None, None
    if data.photo is not None:
        story.photo, story.photo_type = data.photo
    if story.photo is not None or data.photo is not None:
        story.photo_alt = data.photo_alt


def create_story(author: User, data: StoryInput) -> Story:
    """A new draft by ``author``, its creation logged."""
    story = Story(author=author, state="draft")
    _apply(story, data)
    story.changes.append(StoryChange(user_id=author.id, from_state=None, to_state="draft", note="Written"))
    db.session.add(story)
    db.session.flush()
    return story


def update_story(story: Story, data: StoryInput) -> Story:
    _apply(story, data)
    db.session.flush()
    return story


def confirm_consent(story: Story) -> None:
    """Its author (or whoever may edit it) confirms that the people and groups named agreed."""
    story.consent_confirmed = True
    db.session.flush()


def change_state(story: Story, action: str, by: User, note: str = "") -> Story:
    """Move ``story`` along ``TRANSITIONS[action]`` and log who did it, when and why.

    The update is conditional on the state read, so two moderators publishing at once
    publish once (the second gets :class:`StoryStateError`).

    :raise StoryStateError: when the story is not in the state the action starts from, or
        (submitting) its author has not confirmed consent.
    """
    from_state, to_state, _who = TRANSITIONS[action]
    if story.state != from_state:
        raise StoryStateError(f"This story is {story.state}, so it cannot be {action}ed now.")
    if to_state != "draft" and not story.consent_confirmed:
        # only a draft may lack consent (ck_story_consent_before_submission), so this is a submit
        raise StoryStateError("Tick to confirm that the people and groups named agreed, then submit the story.")
    values: dict = {"state": to_state, "updated_at": utcnow()}
    if to_state == "published":
        values["published_at"] = utcnow()
    else:
        values["published_at"] = None
        values["featured_in_report"] = False
    result = db.session.execute(
        update(Story).where(Story.id == story.id, Story.state == from_state).values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StoryStateError("Someone else changed this story just now; see its current state.")
    db.session.add(StoryChange(story_id=story.id, user_id=by.id, from_state=from_state, to_state=to_state,
                               note=note.strip()[:2000]))
    db.session.flush()
    db.session.refresh(story)
    _notify(story, action, by, note.strip()[:2000])
    return story


def delete_draft(story: Story) -> None:
    """Delete a draft story for good: its co-author rows, its links to organisations and approaches and
    its history go with it (``ON DELETE CASCADE``). Who may: :func:`~eventsapp.permissions.can_delete_story`.

    The delete is conditional on the story still being a draft, so a story submitted a moment ago by a
    co-author is kept.

    :raise StoryStateError: when it is not a draft (a submitted story goes back to draft first; a
        published one is unpublished).
    """
    if story.state != "draft":
        raise StoryStateError("Only a draft can be deleted: take the story back to draft first.")
    result = db.session.execute(
        delete(Story).where(Story.id == story.id, Story.state == "draft").execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StoryStateError("Someone else changed this story just now; see its current state.")
    db.session.expunge(story)
    db.session.flush()


def _notify(story: Story, action: str, by: User, note: str) -> None:
    """Email (through the outbox, in this transaction) the programme's coordinators when a story is
    submitted, and its author when someone else publishes, unpublishes or returns it."""
    if not has_request_context():
        return  # links need a request's host; the CLI and demo notify nobody
    link = url_for("stories.detail", story_id=story.id, _external=True)
    if action == "submit":
        coordinators = db.session.scalars(
            select(User).join(Membership, Membership.user_id == User.id).where(
                Membership.organisation_id == story.programme.coordinator_organisation_id,
                Membership.role == "coordinator", User.active, User.id != by.id)
        ).all()
        text = render_template("stories/email/submitted.txt", story=story, link=link,
                               author_name=by.name or by.email,
                               queue=url_for("stories.moderation", _external=True))
        for coordinator in coordinators:
            enqueue(build_message(coordinator.email, f"Story to review: {story.title}", text))
        return
    author = story.author
    if author is None or author.id == by.id or not author.active:
        return
    text = render_template("stories/email/decided.txt", story=story, action=action, note=note, link=link,
                           by_name=by.name or "a coordinator of the programme")
    enqueue(build_message(author.email, f"Your story: {story.title}", text))


def set_featured(story: Story, featured: bool, by: User) -> Story:
    """Choose (or drop) a published story for the "Stories from the programme" section of reports.

    :raise StoryStateError: for a story that is not published.
    """
    if featured and not story.is_published:
        raise StoryStateError("Only a published story can appear in reports.")
    story.featured_in_report = featured
    db.session.add(StoryChange(story_id=story.id, user_id=by.id, from_state=story.state, to_state=story.state,
                               note="Chosen for reports" if featured else "No longer in reports"))
    db.session.flush()
    return story


# --- co-authors ---------------------------------------------------------------------------------

class CoauthorError(ValueError):
    """A co-author who cannot be added or removed (shown at the form's field)."""


def display_name(user: User) -> str:
    """How a member is named in the list of people to invite: their name, or their address half hidden
    (the list shows no one's full address)."""
    if user.name:
        return user.name
    local, _, domain = (user.email or "").partition("@")
    return f"{local[:1]}…@{domain}" if domain else "(no name)"


def coauthor_candidates(story: Story) -> list[tuple[User, str]]:
    """Who may be invited to co-write ``story``: active members (any role) of its author's organisations
    (:func:`~eventsapp.permissions.coauthor_organisation_ids`), not its author nor already a co-author;
    each with where they belong ("Org (role)")."""
    organisations = coauthor_organisation_ids(story)
    if not organisations:
        return []
    taken = select(StoryCoauthor.user_id).where(StoryCoauthor.story_id == story.id)
    rows = db.session.execute(
        select(User, Organisation.name, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.organisation_id.in_(organisations), User.active,
               User.id != (story.author_id or -1), User.id.not_in(taken))
        .order_by(User.name, User.id, Organisation.name)
    ).all()
    found: dict[int, tuple[User, list[str]]] = {}
    for user, organisation, role in rows:
        found.setdefault(user.id, (user, []))[1].append(f"{organisation} ({role})")
    return [(user, "; ".join(places)) for user, places in found.values()]


def add_coauthor(story: Story, user_id: int | None, by: User) -> StoryCoauthor:
    """Invite the user ``user_id`` (one of :func:`coauthor_candidates`) to co-write ``story``; logged in its
    history and emailed (through the outbox) to them.

    :raise CoauthorError: for a story already published, someone already co-writing it, or anyone who is
        not among the candidates (the message names no one).
    """
    if story.is_published:
        raise CoauthorError("A published story takes no new co-authors.")
    if user_id is not None and db.session.scalar(select(StoryCoauthor.id).where(
            StoryCoauthor.story_id == story.id, StoryCoauthor.user_id == user_id)) is not None:
        raise CoauthorError("They already co-write this story.")
    chosen = next((user for user, _ in coauthor_candidates(story) if user.id == user_id), None)
    if chosen is None:
        raise CoauthorError("Choose someone from the list.")
    row = StoryCoauthor(story_id=story.id, user_id=chosen.id, added_by_id=by.id)
    db.session.add(row)
    db.session.add(StoryChange(story_id=story.id, user_id=by.id, from_state=story.state, to_state=story.state,
                               note=f"Co-author added: {chosen.name or chosen.email}"))
    db.session.flush()
    db.session.expire(story, ["coauthor_rows"])
    _invite(story, chosen, by)
    return row


def remove_coauthor(story: Story, user_id: int | None, by: User) -> None:
    """Stop ``user_id`` co-writing ``story`` (logged in its history).

    :raise CoauthorError: when they do not co-write it, or it is published.
    """
    if story.is_published:
        raise CoauthorError("The co-authors of a published story stay as they were.")
    row = None if user_id is None else db.session.scalar(select(StoryCoauthor).where(
        StoryCoauthor.story_id == story.id, StoryCoauthor.user_id == user_id))
    if row is None:
        raise CoauthorError("Choose one of the story’s co-authors.")
    name = row.user.name or row.user.email
    db.session.delete(row)
    db.session.add(StoryChange(story_id=story.id, user_id=by.id, from_state=story.state, to_state=story.state,
                               note=f"Co-author removed: {name}"))
    db.session.flush()
    db.session.expire(story, ["coauthor_rows"])


def _invite(story: Story, user: User, by: User) -> None:
    """Email (through the outbox, in this transaction) the new co-author a link to the story; an account
    that is deactivated gets nothing."""
    if not has_request_context() or not user.active:
        return  # links need a request's host; the CLI and demo notify nobody
    text = render_template("stories/email/coauthor.txt", story=story, by_name=by.name or by.email,
                           link=url_for("stories.detail", story_id=story.id, _external=True),
                           edit=url_for("stories.edit", story_id=story.id, _external=True))
    enqueue(build_message(user.email, f"Write a story with {by.name or 'a colleague'}: {story.title}", text))


# --- lists --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StoryFilters:
    region: str | None = None  # region code
    kind: str | None = None  # kind-of-work code
    approach: int | None = None  # approach id
    programme: str | None = None  # programme slug
    text: str | None = None

    @property
    def active(self) -> bool:
        return any((self.region, self.kind, self.approach, self.programme, self.text))


def published_stories(filters: StoryFilters | None = None) -> Select:
    """Published stories, newest first, narrowed by ``filters`` (search in title, summary and body)."""
    filters = filters or StoryFilters()
    query = select(Story).where(Story.state == "published")
    if filters.region:
        query = query.where(Story.region_id.in_(select(Region.id).where(Region.code == filters.region)))
    if filters.kind:
        query = query.where(Story.kind_of_work == filters.kind)
    if filters.approach:
        query = query.where(Story.approaches.any(Approach.id == filters.approach))
    if filters.programme:
        query = query.where(Story.programme_id.in_(select(Programme.id).where(Programme.slug == filters.programme)))
    if filters.text:
        needle = filters.text.lower()
        query = query.where(or_(*(func.lower(column).contains(needle, autoescape=True)
                                  for column in (Story.title, Story.summary, Story.body))))
    return query.order_by(Story.published_at.desc(), Story.id.desc())


def stories_by(user: User) -> list[Story]:
    """The stories ``user`` wrote or co-writes, most recently changed first."""
    coauthored = select(StoryCoauthor.story_id).where(StoryCoauthor.user_id == user.id)
    return list(db.session.scalars(
        select(Story).where(or_(Story.author_id == user.id, Story.id.in_(coauthored)))
        .options(selectinload(Story.coauthor_rows).joinedload(StoryCoauthor.user), joinedload(Story.author))
        .order_by(Story.updated_at.desc(), Story.id.desc())))


def moderated_by(user: User) -> tuple[list[Story], list[Story]]:
    """The stories ``user`` moderates: (awaiting review, published), in the programmes they coordinate."""
    coordinated = [org for org, role in roles_by_organisation(user).items() if role == "coordinator"]
    if not coordinated:
        return [], []
    in_programmes = Story.programme_id.in_(
        select(Programme.id).where(Programme.coordinator_organisation_id.in_(coordinated)))
    waiting = db.session.scalars(select(Story).where(in_programmes, Story.state == "submitted")
                                 .order_by(Story.updated_at))
    published = db.session.scalars(select(Story).where(in_programmes, Story.state == "published")
                                   .order_by(Story.published_at.desc()))
    stories = [s for s in waiting if can_moderate_story(user, s)], [s for s in published if can_moderate_story(user, s)]
    return stories


def stories_of_event(event: Event) -> int:
    """How many stories (any state) were told at ``event``, for the organiser's page."""
    return db.session.scalar(select(func.count(Story.id)).where(Story.event_id == event.id)) or 0
