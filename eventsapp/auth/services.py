from __future__ import annotations

from flask import render_template, session, url_for
from flask_login import login_user
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from eventsapp.auth.passwords import make_reset_token
from eventsapp.auth.session_user import SessionUser, current_view_needs_only_facts, load_for_current_view
from eventsapp.extensions import db
from eventsapp.mail import build_message
from eventsapp.models import User, utcnow
from eventsapp.outbox import enqueue
from eventsapp.urls import MAX_DB_INT


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, else None."""
    user = find_user(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    return user


#: The signed-in user, by id, with their memberships in the same query: every permission check
#: reads them (was a lazy load). Built once: this runs on every signed-in request, and building
#: the statement (which ``session.get`` does each time) cost more than running it.
_USER_WITH_MEMBERSHIPS = select(User).options(joinedload(User.memberships)).where(User.id == bindparam("user_id"))


def load_user(user_id: str) -> User | SessionUser | None:
    """Resolve a session's ``"<id>:<session_version>"``; stale versions and deactivated accounts resolve to None.

    A view marked :func:`~eventsapp.auth.session_user.user_facts_suffice` gets a
    :class:`~eventsapp.auth.session_user.SessionUser` (no ORM objects); every other view the ORM user.
    """
    user_pk, _, version = user_id.partition(":")
    if not user_pk.isdigit() or not version.isdigit() or int(user_pk) > MAX_DB_INT:
        return None
    if current_view_needs_only_facts():
        return load_for_current_view(int(user_pk), int(version))
    user = db.session.execute(_USER_WITH_MEMBERSHIPS, {"user_id": int(user_pk)}).unique().scalar_one_or_none()
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user


def end_all_sessions(user: User) -> None:
    """Make every existing session cookie of ``user`` unusable."""
    user.session_version += 1


def start_session(user: User, remember: bool = False) -> None:
    """Sign ``user`` in on a brand-new session (no data carried over from before)."""
    session.clear()
    login_user(user, remember=remember)


def change_password(user: User, password: str) -> None:
    """Set a new password; every session and every reset link of the user stops working."""
    user.set_password(password)
    end_all_sessions(user)


def change_own_password(user: User, current: str, new: str) -> tuple[str, str] | None:
    """A signed-in user changing their password: ``(field, message)`` when refused (nothing changed),
    else None with the new password set (every other session ended)."""
    if not user.check_password(current):
        return "current_password", "That is not your current password."
    if user.check_password(new):
        return "password", "That is your current password. Choose a different one."
    change_password(user, new)
    return None


def send_password_reset(email: str) -> bool:
    """Queue a reset link to the account with ``email``; False (and no mail) when none."""
    user = find_user(email)
    if user is None or not user.active:
        return False
    link = url_for("auth.reset_password", token=make_reset_token(user), _external=True)
    text = render_template("auth/email/password_reset.txt", user=user, link=link)
    enqueue(build_message(user.email, "Choose a new eventsapp password", text))
    return True
