"""Personal access tokens: create (shown once), find by the bearer string, list, revoke.

A token reads ``ea_<prefix>_<secret>``: ``prefix`` (public) finds the row, and only the SHA-256
of the whole token is stored, so a copy of the database does not give anyone API access.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.models import ApiToken, Organisation, Programme, User, utcnow
from eventsapp.permissions import coordinating_organisation_ids, is_admin, roles_by_organisation

TOKEN_PREFIX = "ea"  # noqa: S105  (the public marker of a token, not a secret)
#: Lifetimes offered on the page (days).
LIFETIMES = (7, 30, 90, 365)


@dataclass(frozen=True)
class NewToken:
    """A token just created: ``secret`` is the only copy of the token there will ever be."""

    token: ApiToken
    secret: str


def hash_token(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def organisations_for_tokens(user: User) -> list[Organisation]:
    """The organisations ``user`` may limit a token to: their memberships (the administrator: all)."""
    query = select(Organisation).where(Organisation.merged_into_id.is_(None)).order_by(Organisation.name)
    if not is_admin(user):
        query = query.where(Organisation.id.in_(list(roles_by_organisation(user)) or [-1]))
    return list(db.session.scalars(query))


def programmes_for_tokens(user: User) -> list[Programme]:
    """The programmes ``user`` may limit a token to: those they coordinate (the administrator: all)."""
    query = select(Programme).order_by(Programme.name)
    if not is_admin(user):
        query = query.where(Programme.coordinator_organisation_id.in_(coordinating_organisation_ids(user) or [-1]))
    return list(db.session.scalars(query))


def create_token(user: User, *, name: str, access: str, days: int, organisation_id: int | None = None,
                 programme_id: int | None = None) -> NewToken:
    """Add a token for ``user`` limited to one organisation or programme they can reach.

    :raise ValueError: when the scope is not one the user may choose.
    """
    if (organisation_id is None) == (programme_id is None):
        raise ValueError("Choose one organisation or one programme.")
    if organisation_id is not None and organisation_id not in {o.id for o in organisations_for_tokens(user)}:
        raise ValueError("Choose one of your organisations.")
    if programme_id is not None and programme_id not in {p.id for p in programmes_for_tokens(user)}:
        raise ValueError("Choose a programme you coordinate.")
    prefix = secrets.token_hex(6)
    secret = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(user_id=user.id, name=name.strip(), access=access, organisation_id=organisation_id,
                     programme_id=programme_id, prefix=prefix, secret_hash=hash_token(secret),
                     expires_at=utcnow() + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    return NewToken(token, secret)


def find_token(value: str, now: datetime | None = None) -> ApiToken | None:
    """The usable token (not revoked or expired, of an active user) ``value`` is, or None."""
    parts = value.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1].isalnum() or len(parts[1]) > 16:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.prefix == parts[1]))
    if token is None or not hmac.compare_digest(token.secret_hash, hash_token(value)):
        return None
    if not token.is_usable(now or utcnow()) or not token.user.is_active:
        return None
    return token


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
