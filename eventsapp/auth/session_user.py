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

A marked view may also be decorated with :func:`read_with_user` (the desk's search): the loader
then runs the view's own query beside :data:`VIEWER`, so the user and the view's rows come in
one round trip, and the view reads its rows with :func:`joined_result`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import current_app, g, has_request_context, request
from flask_login import UserMixin
from sqlalchemy import String, bindparam, cast, func, select

from eventsapp.extensions import db
from eventsapp.models import Membership, User

#: The attribute :func:`user_facts_suffice` sets on a view function (``functools.wraps`` carries it
#: to the decorators around it).
MARK = "_user_facts_suffice"
#: Where ``g`` keeps the joined query of the view being dispatched (:func:`read_with_user`), and its answer.
JOINED = "_user_facts_joined"
JOINED_RESULT = "_user_facts_joined_result"

#: The signed-in user's cheap columns and their memberships as one string (``"12:organiser,15:door"``),
#: as a subquery of one row, or none: no such user, a stale session version, or a deactivated
#: account. :func:`load_session_user` selects it alone; a view with a joined query
#: (:func:`read_with_user`) selects it beside its own rows, in the same round trip.
VIEWER = (
    select(User.id.label("viewer_id"), User.email.label("viewer_email"), User.name.label("viewer_name"),
           User.is_admin.label("viewer_is_admin"), User.session_version.label("viewer_version"),
           func.aggregate_strings(cast(Membership.organisation_id, String).concat(":").concat(Membership.role),
                                  ",").label("viewer_memberships"))
    .outerjoin(Membership, Membership.user_id == User.id)
    .where(User.id == bindparam("user_id"), User.session_version == bindparam("version"),
           User.active.is_(True))
    .group_by(User.id, User.email, User.name, User.is_admin, User.session_version)
    .subquery("viewer")
)

#: Built once (building a statement costs more than running it).
_SESSION_USER = select(VIEWER)


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


def session_user_from_row(row: Any) -> SessionUser:
    """The :class:`SessionUser` of a row holding :data:`VIEWER`'s columns."""
    memberships = []
    for item in (row.viewer_memberships or "").split(","):
        organisation_id, _, role = item.partition(":")
        if role:
            memberships.append(MembershipFacts(int(organisation_id), role))
    return SessionUser(row.viewer_id, row.viewer_email, row.viewer_name, row.viewer_is_admin, row.viewer_version,
                       tuple(sorted(memberships, key=lambda m: m.organisation_id)))


def load_session_user(user_pk: int, version: int) -> SessionUser | None:
    """The active user ``user_pk`` whose session version is ``version``, as a :class:`SessionUser`; else None."""
    row = db.session.connection().execute(_SESSION_USER, {"user_id": user_pk, "version": version}).first()
    return session_user_from_row(row) if row is not None else None


def load_for_current_view(user_pk: int, version: int) -> SessionUser | None:
    """The user loader's answer for a view marked :func:`user_facts_suffice`.

    While a view decorated with :func:`read_with_user` is being dispatched, its joined query runs
    instead of :func:`load_session_user`, so the user and the view's own rows come in one round
    trip; its answer waits for the view in :func:`joined_result`.
    """
    joined = g.pop(JOINED, None)
    if joined is None:
        return load_session_user(user_pk, version)
    user, result = joined(user_pk, version)
    g.setdefault(JOINED_RESULT, {})[request.endpoint] = result
    return user


def user_facts_suffice(view: Callable) -> Callable:
    """Mark a read-only view whose ``current_user`` is only asked what the permission rules read."""
    setattr(view, MARK, True)
    return view


def read_with_user(joined: Callable[[int, int], tuple[SessionUser | None, Any]]) -> Callable:
    """Decorate a :func:`user_facts_suffice` view, above ``login_required``, so that its own
    question is answered in the same statement as the signed-in user.

    ``joined(user_pk, session_version)`` selects :data:`VIEWER` beside its own rows and returns
    ``(user or None, answer)``. Flask-Login still decides who is signed in (session protection,
    the remember cookie, ``login_required``): its loader runs ``joined`` in place of its own query,
    but only while this view is being dispatched (not, say, when an error page is rendered for a
    request refused before it), and the view takes the answer from :func:`joined_result` (None
    when the user was loaded another way: run the question alone then).
    """
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            g.setdefault(JOINED, joined)
            try:
                return view(*args, **kwargs)
            finally:
                g.pop(JOINED, None)

        return wrapper

    return decorator


def joined_result() -> Any:
    """The answer of the current view's joined query, run by the user loader in this request; else None."""
    return g.get(JOINED_RESULT, {}).pop(request.endpoint, None)


def current_view_needs_only_facts() -> bool:
    """True inside a request to a view marked with :func:`user_facts_suffice`."""
    if not has_request_context() or not request.endpoint:
        return False
    view = current_app.view_functions.get(request.endpoint)
    return bool(getattr(view, MARK, False))
