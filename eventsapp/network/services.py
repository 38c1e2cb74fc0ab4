"""The rules of the network directory and of peer support.

- A **profile** is opt-in: an organiser or coordinator of the organisation creates it and turns
  ``listed`` on (:func:`eventsapp.permissions.can_edit_network_profile`). Until then, and again
  after it is turned off or the organisation is merged away, ``/network/<slug>`` is a 404 and its
  offers and asks are not public.
- **Contact**: a message reaches the organisation at the profile's ``contact_email`` (set on the
  profile; empty means no contact form). It leaves as one outbox row, written in the request's
  transaction, with Reply-To set to the sender; nothing else of it is stored. The sender gets an
  acknowledgement that names the organisation but neither its address nor the message (the form
  could otherwise relay anyone's text to anyone's address).
- **Offers and asks** belong to a listed organisation, are open or closed, and are matched with
  open posts of the other kind: the same approach in the same region first, then the same
  approach, then the same region.

Resources are in :mod:`eventsapp.network.resources`. Services add and flush; the caller commits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from email.utils import formataddr

from flask import render_template, url_for
from sqlalchemy import Select, and_, case, func, or_, select

from eventsapp.extensions import db
from eventsapp.mail import build_message
from eventsapp.models import (
    Approach,
    Event,
    NetworkProfile,
    NetworkProfileKind,
    Organisation,
    Region,
    Story,
    SupportPost,
    User,
    utcnow,
)
from eventsapp.models import approach as approach_model
from eventsapp.models.network import KINDS_OF_WORK, network_profile_approach, support_post_approach
from eventsapp.outbox import enqueue
from eventsapp.permissions import can_edit_network_profile, roles_by_organisation

#: Slugs the directory's own pages use; a profile never takes one.
RESERVED_SLUGS = {"support", "resources", "manage", "organisations", "approaches", "new", "review"}
PER_PAGE = 12


class NetworkError(ValueError):
    """A change the rules do not allow (the message is for people)."""


@dataclass
class DirectoryFilters:
    """What the public lists are filtered by (codes from the query string; unknown ones ignored)."""

    q: str = ""
    region: str = ""
    approach: str = ""
    kind: str = ""
    #: Only for peer support: "offer" or "ask".
    post_kind: str = ""

    def args(self) -> dict[str, str]:
        values = {"q": self.q, "region": self.region, "approach": self.approach, "kind": self.kind,
                  "type": self.post_kind}
        return {key: value for key, value in values.items() if value}


@dataclass
class ProfileData:
    listed: bool
    about: str
    area: str
    region_id: int | None
    kinds: list[str]
    approach_ids: list[int]
    website: str | None
    contact_email: str | None


@dataclass
class PostData:
    kind: str
    title: str
    details: str
    region_id: int | None
    kind_of_work: str | None
    approach_ids: list[int] = field(default_factory=list)


# --- Reference lists ---------------------------------------------------------------------------


def regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.sort_order)))


def _approaches_by_id(ids: list[int]) -> list[Approach]:
    if not ids:
        return []
    return list(db.session.scalars(select(Approach).where(Approach.id.in_(ids)).order_by(Approach.sort_order)))


# --- Profiles ----------------------------------------------------------------------------------


def slugify(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    folded = folded.replace("&", " and ").replace("'", "")
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:70].strip("-")
    return slug or "organisation"


def _free_slug(name: str) -> str:
    base = slugify(name)
    if base in RESERVED_SLUGS or base.isdigit():
        base = f"{base}-organisation"
    taken = set(db.session.scalars(
        select(NetworkProfile.slug).where(or_(NetworkProfile.slug == base, NetworkProfile.slug.like(f"{base}-%")))
    ))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def profile_of(organisation: Organisation) -> NetworkProfile | None:
    return db.session.scalar(select(NetworkProfile).where(NetworkProfile.organisation_id == organisation.id))


def save_profile(organisation: Organisation, data: ProfileData) -> NetworkProfile:
    """Create or update the organisation's profile (not committed).

    :raise NetworkError: when the organisation was merged into another.
    """
    if organisation.merged_into_id is not None:
        raise NetworkError("This organisation was merged into another; edit that one's profile.")
    profile = profile_of(organisation)
    if profile is None:
        profile = NetworkProfile(organisation=organisation, slug=_free_slug(organisation.name))
        db.session.add(profile)
    profile.listed = data.listed
    profile.about = data.about.strip()
    profile.area = data.area.strip()
    profile.region_id = data.region_id
    profile.contact_email = (data.contact_email or "").strip() or None
    wanted = [k for k in KINDS_OF_WORK if k in set(data.kinds)]
    existing = {row.kind: row for row in profile.kind_rows}
    profile.kind_rows = [existing.get(k) or NetworkProfileKind(kind=k) for k in wanted]
    profile.approaches = _approaches_by_id(data.approach_ids)
    organisation.website = (data.website or "").strip() or None
    db.session.flush()
    return profile


def _listed():
    """Profiles the public sees: opted in, of a live organisation."""
    return (select(NetworkProfile).join(Organisation, NetworkProfile.organisation_id == Organisation.id)
            .where(NetworkProfile.listed.is_(True), Organisation.merged_into_id.is_(None)))


def _like(column, text: str):
    return func.lower(column).contains(text.lower(), autoescape=True)


def directory(filters: DirectoryFilters, page: int = 1, per_page: int = PER_PAGE):
    """The listed profiles matching ``filters``, by organisation name, paginated."""
    return db.paginate(directory_query(filters).order_by(func.lower(Organisation.name), NetworkProfile.id),
                       page=page, per_page=per_page, error_out=False)


def directory_query(filters: DirectoryFilters) -> Select:
    """SQL: the listed profiles matching ``filters`` (unordered; the API pages through it by id)."""
    query = _listed()
    if filters.q:
        query = query.where(or_(_like(Organisation.name, filters.q), _like(NetworkProfile.about, filters.q),
                                _like(NetworkProfile.area, filters.q)))
    if filters.region:
        query = query.where(NetworkProfile.region_id.in_(select(Region.id).where(Region.code == filters.region)))
    if filters.approach:
        query = query.where(NetworkProfile.id.in_(
            select(network_profile_approach.c.profile_id).join(Approach).where(Approach.code == filters.approach)))
    if filters.kind:
        query = query.where(NetworkProfile.id.in_(
            select(NetworkProfileKind.profile_id).where(NetworkProfileKind.kind == filters.kind)))
    return query


def listed_profile(key: str) -> NetworkProfile | None:
    """The listed profile whose slug is ``key``, or None (not found, not opted in, merged away)."""
    return db.session.scalar(_listed().where(NetworkProfile.slug == key[:80]))


def listed_profile_by_id(profile_id: int) -> NetworkProfile | None:
    return db.session.scalar(_listed().where(NetworkProfile.id == profile_id))


def is_listed(organisation_id: int) -> bool:
    return db.session.scalar(_listed().with_only_columns(NetworkProfile.id)
                             .where(NetworkProfile.organisation_id == organisation_id)) is not None


def upcoming_events_of(organisation: Organisation, limit: int = 5) -> list[Event]:
    """The organisation's published events still to come, soonest first."""
    return list(db.session.scalars(
        select(Event).where(Event.host_organisation_id == organisation.id, Event.status == "published",
                            Event.ends_at >= utcnow())
        .order_by(Event.starts_at).limit(limit)
    ))


def published_stories_of(organisation: Organisation) -> list[Story]:
    """The published stories told in the organisation's name (anonymous ones name nobody), newest first."""
    return list(db.session.scalars(
        select(Story).where(Story.state == "published", Story.attribution == "organisation",
                            Story.attributed_organisation_id == organisation.id)
        .order_by(Story.published_at.desc(), Story.id.desc()).limit(20)
    ))


def editable_organisations(user: User) -> list[Organisation]:
    """The live organisations whose profile, posts and resources ``user`` may edit."""
    ids = [org_id for org_id in roles_by_organisation(user) if can_edit_network_profile(user, org_id)]
    if not ids:
        return []
    return list(db.session.scalars(
        select(Organisation).where(Organisation.id.in_(ids), Organisation.merged_into_id.is_(None))
        .order_by(func.lower(Organisation.name))
    ))


# --- Contact -----------------------------------------------------------------------------------


def send_contact_message(profile: NetworkProfile, sender_name: str, sender_email: str, message: str,
                         post: SupportPost | None = None) -> None:
    """Queue the message to the organisation (Reply-To: the sender) and an acknowledgement to the
    sender that does not contain the organisation's address (not committed).

    :raise NetworkError: when the organisation takes no messages through the directory.
    """
    if not profile.listed or not profile.contact_email:
        raise NetworkError("This organisation does not take messages through the directory.")
    organisation = profile.organisation
    sender_name = " ".join(sender_name.split())
    profile_link = url_for("network.profile", slug=profile.slug, _external=True)
    post_link = url_for("network.post", post_id=post.id, _external=True) if post else None
    subject = (f"Re your {post.kind} “{post.title}”: a message through the network directory" if post
               else "A message through the network directory")
    text = render_template("network/email/contact.txt", organisation=organisation, sender_name=sender_name,
                           sender_email=sender_email, message=message, post=post, post_link=post_link,
                           profile_link=profile_link)
    # Names quoted here: an organisation's comma, or a sender's "Name <other@address>", stays a name.
    enqueue(build_message(formataddr((organisation.name, profile.contact_email)), subject, text,
                          reply_to=formataddr((sender_name, sender_email))))
    acknowledgement = render_template("network/email/contact_acknowledgement.txt",
                                      organisation=organisation, post=post, profile_link=profile_link)
    enqueue(build_message(sender_email, f"Your message to {organisation.name}", acknowledgement))


# --- Offers and asks ---------------------------------------------------------------------------


def _public_posts():
    listed_orgs = _listed().with_only_columns(NetworkProfile.organisation_id)
    return select(SupportPost).where(SupportPost.status == "open", SupportPost.organisation_id.in_(listed_orgs))


def support_posts(filters: DirectoryFilters, page: int = 1, per_page: int = PER_PAGE):
    """Open offers and asks of listed organisations matching ``filters``, newest first."""
    query = _public_posts().join(Organisation, SupportPost.organisation_id == Organisation.id)
    if filters.post_kind:
        query = query.where(SupportPost.kind == filters.post_kind)
    if filters.q:
        query = query.where(or_(_like(SupportPost.title, filters.q), _like(SupportPost.details, filters.q),
                                _like(Organisation.name, filters.q)))
    if filters.region:
        query = query.where(SupportPost.region_id.in_(select(Region.id).where(Region.code == filters.region)))
    if filters.approach:
        query = query.where(SupportPost.id.in_(
            select(support_post_approach.c.post_id).join(Approach).where(Approach.code == filters.approach)))
    if filters.kind:
        query = query.where(SupportPost.kind_of_work == filters.kind)
    return db.paginate(query.order_by(SupportPost.created_at.desc(), SupportPost.id.desc()),
                       page=page, per_page=per_page, error_out=False)


def open_posts_of(organisation: Organisation) -> list[SupportPost]:
    return list(db.session.scalars(
        select(SupportPost).where(SupportPost.organisation_id == organisation.id, SupportPost.status == "open")
        .order_by(SupportPost.created_at.desc())
    ))


def posts_of(organisations: list[Organisation]) -> list[SupportPost]:
    """Every post (open or closed) of these organisations, for their own page."""
    if not organisations:
        return []
    return list(db.session.scalars(
        select(SupportPost).where(SupportPost.organisation_id.in_([o.id for o in organisations]))
        .order_by(SupportPost.status.desc(), SupportPost.created_at.desc())
    ))


def is_public(post: SupportPost) -> bool:
    return post.status == "open" and is_listed(post.organisation_id)


def matches_for(post: SupportPost, limit: int = 6) -> list[SupportPost]:
    """Open posts of the other kind that share an approach or the region with ``post``: the same
    approach in the same region first, then the same approach, then the same region."""
    other = "ask" if post.kind == "offer" else "offer"
    approach_ids = [a.id for a in post.approaches]
    same_approach = SupportPost.id.in_(
        select(support_post_approach.c.post_id).where(support_post_approach.c.approach_id.in_(approach_ids))
    ) if approach_ids else None
    same_region = (SupportPost.region_id == post.region_id) if post.region_id is not None else None
    conditions = [c for c in (same_approach, same_region) if c is not None]
    if not conditions:
        return []
    score = sum(case((c, weight), else_=0) for c, weight in ((same_approach, 2), (same_region, 1)) if c is not None)
    query = (_public_posts().where(SupportPost.kind == other, SupportPost.organisation_id != post.organisation_id,
                                   or_(*conditions))
             .order_by(score.desc(), SupportPost.created_at.desc(), SupportPost.id.desc()).limit(limit))
    return list(db.session.scalars(query))


def create_post(organisation: Organisation, author: User, data: PostData) -> SupportPost:
    """Post an offer or ask for ``organisation`` (not committed).

    :raise NetworkError: the organisation is not listed in the directory (nobody could answer).
    """
    if not is_listed(organisation.id):
        raise NetworkError("List your organisation in the directory first: offers and asks appear on its "
                           "profile, and answers reach you through it.")
    post = SupportPost(organisation=organisation, author_id=author.id, status="open")
    db.session.add(post)
    update_post(post, data)
    return post


def update_post(post: SupportPost, data: PostData) -> SupportPost:
    post.kind = data.kind
    post.title = data.title.strip()
    post.details = data.details.strip()
    post.region_id = data.region_id
    post.kind_of_work = data.kind_of_work or None
    post.approaches = _approaches_by_id(data.approach_ids)
    db.session.flush()
    return post


def set_post_status(post: SupportPost, status: str) -> SupportPost:
    """Close an answered post, or reopen it (not committed)."""
    if status not in ("open", "closed"):
        raise NetworkError("A post is either open or closed.")
    post.status = status
    db.session.flush()
    return post


def profile_summaries(profiles: list[NetworkProfile]) -> dict[int, int]:
    """Open posts per listed profile's organisation, for the directory cards."""
    if not profiles:
        return {}
    rows = db.session.execute(
        select(SupportPost.organisation_id, func.count())
        .where(and_(SupportPost.status == "open",
                    SupportPost.organisation_id.in_([p.organisation_id for p in profiles])))
        .group_by(SupportPost.organisation_id)
    )
    return dict(rows.all())


# --- The list of approaches --------------------------------------------------------------------


def save_approach(name: str, approach: Approach | None = None) -> Approach:
    """:func:`eventsapp.models.approach.save_approach`, its refusal as a :class:`NetworkError`."""
    try:
        return approach_model.save_approach(name, approach)
    except ValueError as error:
        raise NetworkError(str(error)) from None
