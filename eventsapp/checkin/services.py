"""Attendance rules: check in, undo, tick from a paper sheet, finalise no-shows, count.

Every check-in goes through :func:`check_in`, whatever the method (desk, QR,
walk-in, sheet), so two volunteers tapping the same person at the same moment
produce one Attendance and both get a true answer; an import's attendances go
through :func:`record_attendances`, which writes the same audit-log entries in bulk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from eventsapp import webhooks
from eventsapp.checkin.search import desk_search, fold
from eventsapp.database import begin_immediate, like_pattern
from eventsapp.extensions import db
from eventsapp.models import (
    ATTENDANCE_METHODS,
    Attendance,
    AttendanceFinalisation,
    AttendanceLog,
    Event,
    Registration,
    RegistrationSearch,
    User,
    utcnow,
)
from eventsapp.reports.model import no_show_count
from eventsapp.timeutil import to_local

#: Outcomes of :func:`check_in` and :func:`undo_check_in`.
CHECKED_IN = "checked_in"
ALREADY_CHECKED_IN = "already_checked_in"
NOT_CONFIRMED = "not_confirmed"
UNDONE = "undone"
NOT_CHECKED_IN = "not_checked_in"

SEARCH_LIMIT = 25


def day_notice(event: Event, now: datetime | None = None) -> str | None:
    """What the desk says when ``event`` is not on today's date (UK time), or None when it is.

    Check-in stays possible before and after (doors open early, clocks differ, a late tick), as
    pretix's check-in warns without refusing: the desk only makes the date plain.
    """
    today = to_local(now or utcnow()).date()
    starts, ends = to_local(event.starts_at), to_local(event.ends_at)
    if starts.date() <= today <= ends.date():
        return None
    year = "" if starts.year == today.year else f" {starts.year}"
    when = f"{starts:%a %-d %b}{year} at {starts:%H:%M}"
    if today < starts.date():
        return (f"This event starts on {when}, not today. Check you are at the right event: anyone "
                "checked in now is counted as having come.")
    return (f"This event took place on {when}, not today. Anyone checked in now is recorded as having "
            "come to it.")

@dataclass(frozen=True)
class CheckInResult:
    """What happened when someone tried to check a registration in (or undo it)."""

    outcome: str
    registration: Registration
    attendance: Attendance | None = None

    @property
    def ok(self) -> bool:
        """True when the person is (now) recorded as attended."""
        return self.outcome in (CHECKED_IN, ALREADY_CHECKED_IN)

    @property
    def checked_in_at(self) -> datetime | None:
        return self.attendance.checked_in_at if self.attendance else None


def _attendance_of(registration_id: int) -> Attendance | None:
    return db.session.scalar(
        select(Attendance).where(Attendance.registration_id == registration_id).execution_options(
            populate_existing=True
        )
    )


def check_in(
    registration: Registration, by: User | None, method: str = "desk", *, lock: bool = True
) -> CheckInResult:
    """Record that ``registration``'s person attended; safe against a simultaneous check-in.

    Only confirmed registrations can be checked in (a waitlisted person is
    let in through a walk-in or after promotion). If someone else got there
    first, the answer is ``already_checked_in`` with their time. The caller
    commits.

    ``lock`` (default) starts the transaction with SQLite's write lock so a
    second volunteer waits instead of failing; pass ``lock=False`` when the
    caller already holds it (a walk-in registering and checking in at once).
    On PostgreSQL the unique constraint on ``attendance.registration_id``
    decides: the loser's insert fails inside a savepoint and it re-reads
    the winner's row.
    """
    if method not in ATTENDANCE_METHODS:
        raise ValueError(f"unknown attendance method {method!r}")
    registration_id = registration.id
    by_id = by.id if by is not None else None
    if lock:
        begin_immediate(db.session())
    db.session.refresh(registration)
    if registration.status != "confirmed":
        return CheckInResult(NOT_CONFIRMED, registration)
    existing = _attendance_of(registration_id)
    if existing is not None:
        return CheckInResult(ALREADY_CHECKED_IN, registration, existing)
    attendance = Attendance(
        registration_id=registration_id, checked_in_at=utcnow(), checked_in_by_id=by_id, method=method
    )
    try:
        with db.session.begin_nested():
            db.session.add(attendance)
    except IntegrityError:
        existing = _attendance_of(registration_id)
        if existing is None:  # not the unique constraint (e.g. the registration was deleted): a real error
            raise
        db.session.expire(registration, ["attendance"])
        return CheckInResult(ALREADY_CHECKED_IN, registration, existing)
    db.session.add(AttendanceLog(registration_id=registration_id, action="check_in", method=method, by_id=by_id))
    webhooks.emit("attendance.recorded", registration.event, {"registration": {"id": registration_id}, "method": method})
    db.session.expire(registration, ["attendance"])
    return CheckInResult(CHECKED_IN, registration, attendance)


def undo_check_in(registration: Registration, by: User | None) -> CheckInResult:
    """Remove a check-in made by mistake, keeping who undid it and when in the log. The caller commits."""
    begin_immediate(db.session())
    attendance = _attendance_of(registration.id)
    if attendance is None:
        return CheckInResult(NOT_CHECKED_IN, registration)
    db.session.add(
        AttendanceLog(
            registration_id=registration.id, action="undo", method=attendance.method,
            by_id=by.id if by is not None else None,
        )
    )
    db.session.delete(attendance)
    db.session.flush()
    db.session.expire(registration, ["attendance"])
    return CheckInResult(UNDONE, registration)


def record_attendances(attended: list[tuple[int, datetime]], method: str, *, note: str | None = None,
                       by_id: int | None = None) -> None:
    """Record many attendances at once (an import of another tool's attendance): for each
    (registration id, when) an :class:`Attendance`, its audit-log entry (as :func:`check_in` writes)
    and the registration confirmed, in a few statements whatever the number.

    For registrations the caller has found to have no attendance yet, under its write lock; the
    caller commits. Attendance taken elsewhere is history, not news: no webhook per row.
    """
    if not attended:
        return
    if method not in ATTENDANCE_METHODS:
        raise ValueError(f"unknown attendance method {method!r}")
    recorded_at = utcnow()
    ids = [registration_id for registration_id, _ in attended]
    db.session.execute(Attendance.__table__.insert(), [
        {"registration_id": registration_id, "method": method, "checked_in_at": at, "note": note,
         "checked_in_by_id": by_id}
        for registration_id, at in attended
    ])
    db.session.execute(AttendanceLog.__table__.insert(), [
        {"registration_id": registration_id, "action": "check_in", "method": method, "by_id": by_id,
         "at": recorded_at}
        for registration_id in ids
    ])
    db.session.execute(
        update(Registration).where(Registration.id.in_(ids), Registration.status != "confirmed")
        .values(status="confirmed")
    )


def mark_attended_from_sheet(event: Event, registration_ids: list[int], by: User | None) -> int:
    """Tick people off a paper sign-in sheet; returns how many were newly marked. The caller commits."""
    begin_immediate(db.session())
    registrations = db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.id.in_(registration_ids),
            Registration.status == "confirmed",
        )
    ).all()
    marked = 0
    for registration in registrations:
        if check_in(registration, by, "sheet", lock=False).outcome == CHECKED_IN:
            marked += 1
    return marked


def finalisation(event: Event) -> AttendanceFinalisation | None:
    return db.session.get(AttendanceFinalisation, event.id)


def mark_rest_as_no_shows(event: Event, by: User | None) -> int:
    """Decide that every confirmed registration without an attendance is a no-show.

    Records the decision for the event (when and by whom) and a ``no_show``
    line in each registration's log; returns how many no-shows there are.
    Later check-ins still count (a late sheet tick turns a no-show into an
    attendance). The caller commits.
    """
    begin_immediate(db.session())
    missing = db.session.scalars(
        select(Registration.id)
        .outerjoin(Attendance, Attendance.registration_id == Registration.id)
        .where(Registration.event_id == event.id, Registration.status == "confirmed", Attendance.id.is_(None))
    ).all()
    by_id = by.id if by is not None else None
    now = utcnow()
    for registration_id in missing:
        db.session.add(AttendanceLog(registration_id=registration_id, action="no_show", by_id=by_id, at=now))
    record = db.session.get(AttendanceFinalisation, event.id)
    if record is None:
        record = AttendanceFinalisation(event_id=event.id)
        db.session.add(record)
    record.finalised_at, record.finalised_by_id, record.no_show_count = now, by_id, len(missing)
    db.session.flush()
    return len(missing)


@dataclass(frozen=True)
class AttendanceCounts:
    """The desk's live figures for one event."""

    registered: int
    checked_in: int
    waitlisted: int
    walk_ins: int
    finalised: bool
    #: The event counts as held (eventsapp.models.Event.held_by): only then are there no-shows.
    held: bool

    @property
    def expected(self) -> int:
        """Confirmed people not yet checked in ("still expected" at the door)."""
        return self.registered - self.checked_in

    @property
    def no_shows(self) -> int:
        """Confirmed and absent (the report's rule, eventsapp.reports.model.no_show_count) once the event
        is held, whether or not the organiser has said attendance is final; 0 before it starts."""
        return no_show_count(self.registered, self.checked_in) if self.held else 0

    def as_dict(self) -> dict:
        return {
            "registered": self.registered, "checked_in": self.checked_in, "expected": self.expected,
            "waitlisted": self.waitlisted, "walk_ins": self.walk_ins, "no_shows": self.no_shows,
            "finalised": self.finalised, "held": self.held,
        }


def attendance_counts(event: Event) -> AttendanceCounts:
    """Registered (confirmed), checked in, waitlisted and walk-ins, in one SQL query."""
    confirmed = Registration.status == "confirmed"
    row = db.session.execute(
        select(
            func.count().filter(confirmed),
            func.count(Attendance.id).filter(confirmed),
            func.count().filter(Registration.status == "waitlisted"),
            func.count(Attendance.id).filter(confirmed, Registration.source == "walk_in"),
        )
        .select_from(Registration)
        .outerjoin(Attendance, Attendance.registration_id == Registration.id)
        .where(Registration.event_id == event.id)
    ).one()
    finalised = db.session.get(AttendanceFinalisation, event.id) is not None
    return AttendanceCounts(row[0], row[1], row[2], row[3], finalised, event.held_by(utcnow()))


def _matching(statement, query: str):
    """Narrow ``statement`` (over Registration joined to RegistrationSearch) to rows matching every word.

    Words are folded like the keys, so "wojcik" finds "Wójcik" and "ŁUKASZ" finds "Łukasz".
    """
    for term in query.split()[:6]:
        folded = fold(term[:100])
        if folded:
            statement = statement.where(RegistrationSearch.search_key.like(like_pattern(folded), escape="\\"))
    return statement


def _event_registrations(event: Event, statuses: tuple[str, ...]):
    """Registrations of ``event`` with these statuses, in surname order along the search index."""
    return (
        select(Registration)
        .join(RegistrationSearch, RegistrationSearch.registration_id == Registration.id)
        .where(RegistrationSearch.event_id == event.id, Registration.event_id == event.id,
               Registration.status.in_(statuses))
        # One round trip: the to-one rows come along in the same query.
        .options(joinedload(Registration.person, innerjoin=True), joinedload(Registration.organisation),
                 joinedload(Registration.attendance))
        .order_by(RegistrationSearch.sort_key, RegistrationSearch.registration_id)
    )


def search_registrations(event: Event, query: str, limit: int = SEARCH_LIMIT) -> list[Registration]:
    """Confirmed and waitlisted registrations whose name, organisation or email contain every word typed,
    by surname, as objects (the desk page without JavaScript).

    The matching and the order are the desk's one search, :func:`eventsapp.checkin.search.desk_search`;
    this loads its rows as registrations. An empty query lists the first ``limit`` by surname.
    """
    ids = [row.id for row in desk_search(event.id, query, limit).rows]
    if not ids:
        return []
    loaded = {r.id: r for r in db.session.scalars(
        select(Registration).where(Registration.id.in_(ids))
        .options(selectinload(Registration.person), selectinload(Registration.organisation),
                 selectinload(Registration.attendance)))}
    return [loaded[i] for i in ids if i in loaded]


def attendee_list_query(event: Event, query: str = ""):
    """The organiser's list: confirmed registrations by surname, with their attendance, for paging."""
    return _matching(_event_registrations(event, ("confirmed",)), query)


def registration_for_event(event: Event, registration_id: int) -> Registration | None:
    """A registration of this event (never another event's, whatever id is posted)."""
    return db.session.scalar(
        select(Registration).where(and_(Registration.id == registration_id, Registration.event_id == event.id))
    )


def attendance_log(registration: Registration) -> list[AttendanceLog]:
    return list(
        db.session.scalars(
            select(AttendanceLog).where(AttendanceLog.registration_id == registration.id).order_by(AttendanceLog.at)
        )
    )
