"""Who an API request is: a bearer token (read or write, within its scope) or a browser session (read).

- ``Authorization: Bearer ea_…`` authenticates as the token's user, seen through the token's
  scope (:class:`ScopedUser`): only the memberships of the one organisation (or, for a programme,
  its coordination) count, and never the administrator's powers beyond them. A token that is
  malformed, unknown, revoked or expired answers 401, whatever else the request carries.
- A browser session may read. Writes need a read-write token: a session (or a read-only token)
  never writes through the API, so CSRF does not arise for the API; a session's unsafe request is
  still CSRF-checked before it is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from flask import abort, current_app, g, request
from flask_login import current_user
from sqlalchemy import ColumnElement, true

from eventsapp.api.tokens import find_token
from eventsapp.extensions import csrf, db
from eventsapp.models import ApiToken, Event, Programme, User, utcnow

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class TokenScope:
    token_id: int
    access: str
    organisation_id: int | None
    programme_id: int | None


class ScopedUser:
    """The token's user, as the permission rules see them through the token's scope."""

    def __init__(self, user: User, memberships: list):
        self._user = user
        self.memberships = memberships
        self.is_admin = False

    def __getattr__(self, name):
        return getattr(self._user, name)

    is_authenticated = True
    is_anonymous = False
    is_active = True

    def get_id(self) -> str:
        return self._user.get_id()


def _scoped_memberships(token: ApiToken) -> list:
    user = token.user
    admin = bool(user.is_admin)
    if token.organisation_id is not None:
        if admin:
            return [SimpleNamespace(organisation_id=token.organisation_id, role="organiser")]
        return [m for m in user.memberships if m.organisation_id == token.organisation_id]
    programme = db.session.get(Programme, token.programme_id)
    if programme is None or programme.coordinator_organisation_id is None:
        return []
    if admin:
        return [SimpleNamespace(organisation_id=programme.coordinator_organisation_id, role="coordinator")]
    return [m for m in user.memberships
            if m.organisation_id == programme.coordinator_organisation_id and m.role == "coordinator"]


def unauthorised(message: str):
    abort(401, description=message)


def authenticate() -> None:
    """``before_request`` for /api/: read the bearer token, or keep the session for reads."""
    if not request.path.startswith("/api/"):
        return
    g.api_token = None
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            unauthorised("Send the token as: Authorization: Bearer <token>.")
        token = find_token(value.strip())
        if token is None:
            unauthorised("The token is unknown, revoked or expired.")
        token.last_used_at = utcnow()
        g.api_token = TokenScope(token.id, token.access, token.organisation_id, token.programme_id)
        g._login_user = ScopedUser(token.user, _scoped_memberships(token))
        db.session.commit()
        if request.method not in SAFE_METHODS:
            require_write()  # before the body is read: a read-only token writes nothing
        return
    if request.method not in SAFE_METHODS:
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()  # the API blueprints are exempt for tokens only
        require_write()  # 401: a session never writes through the API


def token_scope() -> TokenScope | None:
    return g.get("api_token")


def require_write() -> None:
    """Writes need a read-write token.

    :raise 401: without a token (a session does not write through the API).
    :raise 403: for a read-only token.
    """
    scope = token_scope()
    if scope is None:
        unauthorised("Writing through the API needs a read-write token (Authorization: Bearer).")
    if scope.access != "write":
        abort(403, description="This token is read-only.")


def require_signed_in() -> None:
    if not current_user.is_authenticated:
        unauthorised("Send a token (Authorization: Bearer) or sign in.")


def event_in_scope() -> ColumnElement[bool]:
    """SQL condition on :class:`Event`: a programme token reaches that programme's events only."""
    scope = token_scope()
    if scope is not None and scope.programme_id is not None:
        return Event.programme_id == scope.programme_id
    return true()


def allows_event(event) -> bool:
    scope = token_scope()
    return scope is None or scope.programme_id is None or event.programme_id == scope.programme_id


def rate_limit_key() -> str:
    """Per token (its public prefix, read from the header: the limiter runs before the token is
    looked up) for token requests, else per client address."""
    from flask_limiter.util import get_remote_address

    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    parts = value.strip().split("_", 2)
    if scheme.lower() == "bearer" and len(parts) == 3 and parts[1].isalnum():
        return f"api-token:{parts[1][:16]}"
    return f"api-ip:{get_remote_address()}"


def token_programme_id() -> int | None:
    """The programme a programme token is limited to (None: no token, or an organisation's)."""
    token = token_scope()
    return token.programme_id if token is not None else None
