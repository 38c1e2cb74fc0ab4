"""Who saw personal data: one row per view or download of registrations, exports, the desk, person pages.

Recorded by the views that show personal data (:func:`record`), shown to the site
administrator and to the coordinators of the programme concerned (:func:`entries_for`),
pruned by retention after ``RETENTION_ACCESS_LOG_DAYS``. Entries say what kind of thing
was seen, never the data.
"""

from __future__ import annotations

from datetime import datetime

from flask import Response, current_app, g, request
from flask_login import current_user
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload

from eventsapp.extensions import db
from eventsapp.models import AccessLogEntry, Event, Programme, User, utcnow
from eventsapp.permissions import coordinated_programme_ids, is_admin

#: GET pages and downloads of other areas that show personal data: endpoint -> (action, what).
LOGGED_ENDPOINTS = {
    "registration.manage": ("view", "registrations list"),
    "registration.export_csv": ("download", "registrations CSV"),
    "checkin.desk": ("view", "check-in desk"),
    "checkin.attendance": ("view", "attendance list"),
    "checkin.sign_in_sheet": ("download", "sign-in sheet PDF"),
    "checkin.badges": ("download", "badges PDF"),
    "files.download": ("download", "file prepared in the background"),
}


def log_personal_data_response(response: Response) -> Response:
    """After a successful GET of a :data:`LOGGED_ENDPOINTS` page by a signed-in user: an entry, committed
    (the only write a GET makes; tests/access/test_get_never_commits.py)."""
    logged = LOGGED_ENDPOINTS.get(request.endpoint or "")
    if logged is None or request.method != "GET" or response.status_code != 200 \
            or not current_user.is_authenticated:
        return response
    args = request.view_args or {}
    event_id = args.get("event_id")
    programme_id = None
    if event_id is not None:
        programme_id = db.session.scalar(select(Event.programme_id).where(Event.id == event_id))
    elif "slug" in args:
        programme_id = db.session.scalar(select(Programme.id).where(Programme.slug == args["slug"]))
    action, what = logged
    # A view that knows better names what it served and its programme (a file job's download).
    subject = g.pop("access_log_subject", None)
    if subject is not None:
        what, programme_id = subject
    try:
        db.session.add(AccessLogEntry(at=utcnow(), user_id=current_user.id, action=action, what=what,
                                      event_id=event_id, programme_id=programme_id))
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("access log: could not record %s %s", action, what)
    return response


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
    """Newest first: every entry for the administrator; for a coordinator, entries of their programmes'
    events and their own (person pages belong to no one programme)."""
    query = select(AccessLogEntry).options(joinedload(AccessLogEntry.user))
    if not is_admin(user):
        query = query.where(or_(AccessLogEntry.programme_id.in_(coordinated_programme_ids(user)),
                                AccessLogEntry.user_id == user.id))
    return list(db.session.scalars(query.order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
                                   .limit(limit).offset(offset)))


def expired_entries_count(cutoff: datetime) -> int:
    return db.session.scalar(select(func.count()).select_from(AccessLogEntry).where(AccessLogEntry.at < cutoff)) or 0


def prune(cutoff: datetime) -> int:
    """Remove entries older than ``cutoff``; returns how many."""
    return db.session.execute(delete(AccessLogEntry).where(AccessLogEntry.at < cutoff)).rowcount
