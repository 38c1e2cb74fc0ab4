"""The signed-in user without ORM objects, for hot read-only endpoints (the desk's search-as-you-type).

Flask-Login's loader (:func:`eventsapp.auth.services.load_user`) normally builds the ORM
:class:`~eventsapp.models.User` with its memberships: every view may pass ``current_user`` on to
services that write relationships (``checked_in_by``, ``author``). Building those objects was
29 % of a desk search (issue 21). A view marked with :func:`user_facts_suffice` reads only what
the permission rules read, so its user is a :class:`SessionUser`: one Core statement, the user's
own columns and their memberships' organisation ids and roles, checked against the session's
version and ``active`` on every request (a password change, sign-out everywhere or deactivation
takes effect at once: nothing is cached between requests).

Anything else asked of a :class:`SessionUser` (``current_user.totp_secret``, a template reading
``membership.organisation``) loads the ORM user on first use, so a marked view that grows a
new need still works, only at the old cost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_request_context, request
from flask_login import UserMixin
from sqlalchemy import bindparam, select

from eventsapp.extensions import db
from eventsapp.models import Membership, User

#: The attribute :func:`user_facts_suffice` sets on a view function (``functools.wraps`` carries it
#: to the decorators around it).
MARK = "_user_facts_suffice"

#: The user's cheap columns and one row per membership; built once (building a statement costs more
#: than running it). No row: no such user, a stale session version, or a deactivated account.
_SESSION_USER = (
    select(User.id, User.email, User.name, User.is_admin, User.session_version,
           Membership.organisation_id, Membership.role)
    .outerjoin(Membership, Membership.user_id == User.id)
    .where(User.id == bindparam("user_id"), User.session_version == bindparam("version"),
           User.active.is_(True))
)


@dataclass(frozen=True)
class MembershipFacts:
    """What the permission rules read of a membership."""

    organisation_id: int
    role: str


class SessionUser(UserMixin):
    """The signed-in user as the permission rules see them (id, administrator, memberships).

    Other attributes come from the ORM :class:`User`, loaded on first use. Never hand one to a
    service that stores it in a relationship: such views are not marked (:func:`user_facts_suffice`).
    """

    def __init__(self, id: int, email: str, name: str, is_admin: bool, session_version: int,  # noqa: A002
                 memberships: tuple[MembershipFacts, ...]):
        self.id = id
        self.email = email
        self.name = name
        self.is_admin = bool(is_admin)
        self.active = True
        self.session_version = session_version
        self.memberships = memberships
        self._user: User | None = None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def roles_for(self, organisation_id: int) -> set[str]:
        return {m.role for m in self.memberships if m.organisation_id == organisation_id}

    def orm_user(self) -> User:
        """The ORM user (loaded once)."""
        if self._user is None:
            self._user = db.session.get(User, self.id)
        return self._user

    def __getattr__(self, name: str) -> Any:
        # only reached for attributes this object does not have
        if name.startswith("__") or name == "_user":
            raise AttributeError(name)
        return getattr(self.orm_user(), name)

    def __repr__(self) -> str:
        return f"<SessionUser {self.id}>"


def load_session_user(user_pk: int, version: int) -> SessionUser | None:
    """The active user ``user_pk`` whose session version is ``version``, as a :class:`SessionUser`; else None."""
    rows = db.session.connection().execute(_SESSION_USER, {"user_id": user_pk, "version": version}).all()
    if not rows:
        return None
    first = rows[0]
    memberships = tuple(MembershipFacts(row.organisation_id, row.role) for row in rows if row.organisation_id is not None)
    return SessionUser(first.id, first.email, first.name, first.is_admin, first.session_version, memberships)


def user_facts_suffice(view: Callable) -> Callable:
    """Mark a read-only view whose ``current_user`` is only asked what the permission rules read."""
    setattr(view, MARK, True)
    return view


def current_view_needs_only_facts() -> bool:
    """True inside a request to a view marked with :func:`user_facts_suffice`."""
    endpoint = request.endpoint if has_request_context() else None
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return bool(getattr(view, MARK, False))
