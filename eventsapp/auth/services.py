from __future__ import annotations

from sqlalchemy import func, select

from eventsapp.extensions import db
from eventsapp.models import User, utcnow


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, else None."""
    user = find_user(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    return user


def load_user(user_id: str) -> User | None:
    """Resolve a session's ``"<id>:<session_version>"``; stale versions resolve to None."""
    user_pk, _, version = user_id.partition(":")
    if not user_pk.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_pk))
    if user is None or user.session_version != int(version):
        return None
    return user


def end_all_sessions(user: User) -> None:
    """Make every existing session cookie of ``user`` unusable."""
    user.session_version += 1
