"""Invitations to join an organisation, one row each (:class:`~eventsapp.models.Invitation`).

- Someone who manages an organisation invites an address with a role they may give
  (:func:`~eventsapp.organisations.services.invitable_roles`). The email carries a random
  token; only its SHA-256 hash is stored.
- An invitation is **single-use**: accepting it closes it, so the link never works again,
  not even after its holder has been removed from the organisation.
- It **expires** ``INVITATION_MAX_AGE`` seconds (7 days) after it was sent, and can be
  **revoked** by anyone who could have sent it. Inviting the same address again revokes
  the open one, so each person has at most one working link per organisation (enforced
  by a unique index on open invitations).
- An invitation to an organisation later merged away leads to the survivor.

Services add and flush; the caller commits once (the email is an outbox row in that transaction).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, render_template, url_for
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from eventsapp.database import begin_immediate
from eventsapp.directory import survivor_of
from eventsapp.extensions import db
from eventsapp.mail import build_message
from eventsapp.models import Invitation, Membership, Organisation, User, normalise_email, utcnow
from eventsapp.organisations.services import ROLE_NAMES, MembershipError, invitable_roles
from eventsapp.outbox import enqueue
from eventsapp.permissions import MAX_ID

#: How long a link works, in seconds, unless ``INVITATION_MAX_AGE`` says otherwise.
DEFAULT_INVITATION_MAX_AGE = 7 * 24 * 60 * 60
#: Our tokens are 43 characters; anything much longer is not one, and is not even hashed.
MAX_TOKEN_LENGTH = 128
#: How far back the members page shows invitations that are no longer open.
RECENT_DAYS = 30

#: What a closed invitation's page says, by status.
CLOSED_MESSAGES = {
    "accepted": "This invitation has been used",
    "revoked": "This invitation has been revoked",
    "expired": "This invitation has expired",
}


class InvitationClosed(MembershipError):
    """The invitation was accepted, revoked or has expired; ``status`` says which."""

    def __init__(self, status: str):
        super().__init__(f"{CLOSED_MESSAGES[status]}.")
        self.status = status


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def max_age() -> timedelta:
    return timedelta(seconds=current_app.config.get("INVITATION_MAX_AGE", DEFAULT_INVITATION_MAX_AGE))


def validity_in_words() -> str:
    """How long a new link works, for people: "7 days", "1 day", "12 hours"."""
    seconds = int(max_age().total_seconds())
    if seconds >= 86400 and seconds % 86400 == 0:
        count, unit = seconds // 86400, "day"
    else:
        count, unit = max(seconds // 3600, 1), "hour"
    return f"{count} {unit}{'' if count == 1 else 's'}"


def status(invitation: Invitation) -> str:
    """``open``, ``accepted``, ``revoked`` or ``expired`` (an unanswered invitation past its time)."""
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    if utcnow() >= invitation.expires_at:
        return "expired"
    return "open"


def organisation_of(invitation: Invitation) -> Organisation:
    """The organisation the invitation leads to: its own, or the survivor of a merge."""
    return survivor_of(invitation.organisation)


def _family(organisation: Organisation):
    """The ids whose invitations lead to ``organisation``: its own and those merged into it
    (a merge points every earlier duplicate at the final survivor, so one level suffices)."""
    merged = select(Organisation.id).where(Organisation.merged_into_id == organisation.id)
    return or_(Invitation.organisation_id == organisation.id, Invitation.organisation_id.in_(merged))


def invite(organisation: Organisation, email: str, role: str, by: User) -> tuple[Invitation, str]:
    """Record an invitation and queue its email; return it with the link. Not committed.

    Any open invitation of the same address to this organisation is revoked (replaced).

    :raise MembershipError: ``by`` may not give that role here, or the address is already a member.
    """
    begin_immediate(db.session())  # SQLite: read and write under one lock, as elsewhere
    if role not in invitable_roles(by, organisation.id):
        raise MembershipError("You cannot invite someone with that role to this organisation.")
    email = email.strip()
    email_key = normalise_email(email)
    if not email_key:
        raise MembershipError("Enter their email address.")
    existing = db.session.scalar(select(User).where(db.func.lower(User.email) == email.lower()))
    if existing is not None and existing.roles_for(organisation.id):
        raise MembershipError(f"{email} is already a member of {organisation.name}.")
    now = utcnow()
    db.session.execute(  # the open invitation this one replaces
        update(Invitation)
        .where(_family(organisation), Invitation.email_key == email_key,
               Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
        .values(revoked_at=now, revoked_by_id=by.id)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation=organisation, email=email, email_key=email_key, role=role, invited_by=by,
        token_hash=hash_token(token), created_at=now, expires_at=now + max_age(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(invitation)
    except IntegrityError:
        # Someone invited the same address at the same moment: theirs stands.
        raise MembershipError(f"{email} has just been invited by someone else. Refresh the page to see it.") from None
    link = url_for("organisations.accept_invitation", token=token, _external=True)
    text = render_template(
        "organisations/email/invitation.txt", organisation=organisation, role=ROLE_NAMES[role],
        inviter=by, link=link, has_account=existing is not None and bool(existing.password_hash),
        expires_at=invitation.expires_at,
    )
    enqueue(build_message(email, f"You are invited to {organisation.name} on eventsapp", text))
    return invitation, link


def find_invitation(token: str) -> Invitation | None:
    """The invitation whose link carries ``token``, whatever its status; None for anything else."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))


def invited_user(invitation: Invitation) -> User | None:
    return db.session.scalar(select(User).where(db.func.lower(User.email) == invitation.email.lower()))


def _join(user: User, organisation: Organisation, role: str) -> Membership:
    """Give ``user`` the role (not committed); an existing membership is kept as it is."""
    for membership in user.memberships:
        if membership.organisation_id == organisation.id:
            return membership
    membership = Membership(organisation=organisation, role=role)
    user.memberships.append(membership)
    return membership


def _close_as_accepted(invitation: Invitation, user: User) -> Membership:
    """Close the invitation by one conditional UPDATE (of two requests racing with the same
    link only one gets through), then give ``user`` the membership."""
    current = status(invitation)
    if current != "open":
        raise InvitationClosed(current)
    if user.id is None:
        db.session.flush()
    now = utcnow()
    closed = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None),
               Invitation.revoked_at.is_(None), Invitation.expires_at > now)
        .values(accepted_at=now, accepted_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(invitation)
    if closed.rowcount != 1:
        raise InvitationClosed(status(invitation))
    return _join(user, organisation_of(invitation), invitation.role)


def accept(invitation: Invitation, user: User) -> Membership:
    """Close the invitation as accepted by ``user`` and make them a member. Not committed.

    Any open transaction on SQLite is committed first (see ``begin_immediate``), so the
    status is read under the write lock there.

    :raise InvitationClosed: it was already accepted, revoked, or has expired.
    """
    begin_immediate(db.session())
    return _close_as_accepted(invitation, user)


def create_invited_account(invitation: Invitation, name: str, password: str) -> User:
    """The invitee's account (new, or an existing one without a password), with the membership.
    Not committed; on SQLite any open transaction is committed first, as for :func:`accept`.

    :raise InvitationClosed: as :func:`accept`; the caller rolls back what was added.
    """
    begin_immediate(db.session())
    current = status(invitation)
    if current != "open":
        raise InvitationClosed(current)
    user = invited_user(invitation)
    if user is None:
        user = User(email=invitation.email, name=name.strip())
        db.session.add(user)
    else:
        user.name = name.strip() or user.name
        user.session_version += 1
    user.set_password(password)
    _close_as_accepted(invitation, user)
    return user


def invitation_of(organisation: Organisation, invitation_id: int) -> Invitation | None:
    """The invitation ``invitation_id`` if it leads to ``organisation``, else None (also for
    ids no row can have)."""
    if not 0 < invitation_id <= MAX_ID:
        return None
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or organisation_of(invitation).id != organisation.id:
        return None
    return invitation


def revoke(invitation: Invitation, by: User) -> None:
    """Close an open (or expired, unanswered) invitation so its link no longer works. Not committed.

    Closed by a conditional UPDATE, like :func:`accept`, so a revocation racing an acceptance
    leaves exactly one of them recorded.

    :raise MembershipError: ``by`` could not send an invitation with that role here.
    :raise InvitationClosed: it is already accepted or revoked.
    """
    begin_immediate(db.session())
    organisation = organisation_of(invitation)
    if invitation.role not in invitable_roles(by, organisation.id):
        raise MembershipError(
            f"Only someone who can invite a {ROLE_NAMES[invitation.role].lower()} can revoke this invitation."
        )
    if not invitation.is_open:
        raise InvitationClosed(status(invitation))
    closed = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_by_id=by.id)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(invitation)
    if closed.rowcount != 1:
        raise InvitationClosed(status(invitation))


def open_invitations(organisation: Organisation) -> list[Invitation]:
    """Invitations to ``organisation`` whose links still work, newest first."""
    return list(db.session.scalars(
        select(Invitation).where(
            _family(organisation), Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        ).order_by(Invitation.created_at.desc(), Invitation.id.desc())
    ))


def recent_invitations(organisation: Organisation, limit: int = 20) -> list[Invitation]:
    """Invitations sent in the last ``RECENT_DAYS`` days that no longer work (accepted,
    revoked or expired), newest first."""
    now = utcnow()
    return list(db.session.scalars(
        select(Invitation).where(
            _family(organisation), Invitation.created_at >= now - timedelta(days=RECENT_DAYS),
            or_(Invitation.accepted_at.is_not(None), Invitation.revoked_at.is_not(None),
                Invitation.expires_at <= now),
        ).order_by(Invitation.created_at.desc(), Invitation.id.desc()).limit(limit)
    ))
