"""Who saw personal data: one row per view or download of registrations, exports, the desk, person pages.

Recorded by the views that show personal data (:func:`record`), shown to the site
administrator and to the coordinators of the programme concerned (:func:`entries_for`),
pruned by retention after ``RETENTION_ACCESS_LOG_DAYS``. Entries say what kind of thing
was seen, never the data.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from eventsapp.extensions import db
from eventsapp.models import AccessLogEntry, Event, User
from eventsapp.permissions import coordinated_programme_ids, is_admin


def record(user: User | None, action: str, what: str, *, event: Event | None = None,
           programme_id: int | None = None, person_id: int | None = None) -> None:
    """Add an entry (flushed with the caller's unit of work)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return
    if event is not None and programme_id is None:
        programme_id = event.programme_id
    db.session.add(AccessLogEntry(user_id=user.id, action=action, what=what[:200],
                                  event_id=event.id if event is not None else None,
                                  programme_id=programme_id, person_id=person_id))


def entries_for(user: User, limit: int = 200, offset: int = 0) -> list[AccessLogEntry]:
    """Newest first: every entry for the administrator; entries of the user's programmes for a coordinator."""
    query = select(AccessLogEntry).options(joinedload(AccessLogEntry.user))
    if not is_admin(user):
        query = query.where(AccessLogEntry.programme_id.in_(coordinated_programme_ids(user)))
    return list(db.session.scalars(query.order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
                                   .limit(limit).offset(offset)))


def expired_entries_count(cutoff: datetime) -> int:
    return db.session.scalar(select(func.count()).select_from(AccessLogEntry).where(AccessLogEntry.at < cutoff)) or 0


def prune(cutoff: datetime) -> int:
    """Remove entries older than ``cutoff``; returns how many."""
    return db.session.execute(delete(AccessLogEntry).where(AccessLogEntry.at < cutoff)).rowcount
