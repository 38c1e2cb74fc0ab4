"""Proof that the event row's registration counters equal ``COUNT(*)``, and their repair.

The counters are kept by database triggers (:mod:`eventsapp.models.counters`). :func:`check`
compares every event's counters with a fresh count in one statement (one snapshot, so a
registration committed meanwhile cannot make a false alarm). :func:`repair` locks each event
that differs, the way a registration does (:func:`eventsapp.registration.services.lock_event`),
and counts again under the lock. ``flask counters check|repair`` and the periodic task
``eventsapp.registration.check_counters`` (Celery beat, hourly) call them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import case, func, or_, select

from eventsapp.database import WROTE
from eventsapp.extensions import db
from eventsapp.models import Event, Registration
from eventsapp.models import counters as triggers

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mismatch:
    """One event whose counters differ from its registrations: ``stored`` and ``counted`` are
    (confirmed, waitlisted, cancelled)."""

    event_id: int
    stored: tuple[int, int, int]
    counted: tuple[int, int, int]


@dataclass(frozen=True)
class CheckResult:
    events: int
    mismatches: list[Mismatch]
    missing_triggers: list[str]

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.missing_triggers


def _counted():
    return (
        select(
            Registration.event_id.label("event_id"),
            *(func.sum(case((Registration.status == status, 1), else_=0)).label(status)
              for status in triggers.COUNTERS),
        )
        .group_by(Registration.event_id)
        .subquery()
    )


def check(event_ids: list[int] | None = None) -> CheckResult:
    """Compare every (or these) event's counters with COUNT(*) of its registrations."""
    counted = _counted()
    fresh = [func.coalesce(getattr(counted.c, status), 0) for status in triggers.COUNTERS]
    stored = [getattr(Event, column) for column in triggers.COUNTERS.values()]
    query = (
        select(Event.id, *stored, *fresh)
        .outerjoin(counted, counted.c.event_id == Event.id)
        .where(or_(*(a != b for a, b in zip(stored, fresh, strict=True))))
        .order_by(Event.id)
    )
    total = select(func.count(Event.id))
    if event_ids is not None:
        query = query.where(Event.id.in_(event_ids))
        total = total.where(Event.id.in_(event_ids))
    rows = db.session.execute(query).all()
    mismatches = [Mismatch(row[0], tuple(int(v) for v in row[1:4]), tuple(int(v) for v in row[4:7])) for row in rows]
    return CheckResult(events=db.session.scalar(total) or 0, mismatches=mismatches,
                       missing_triggers=triggers.missing_triggers(db.session.connection()))


def repair() -> CheckResult:
    """Re-create missing triggers and recount every event whose counters differ, each under its lock.

    :return: what :func:`check` found before repairing. The caller commits.
    """
    from eventsapp.registration.services import lock_event

    found = check()
    if found.missing_triggers:
        triggers.create_triggers(db.session.connection())
        db.session.info[WROTE] = True  # written outside the ORM: begin_immediate must keep this transaction
    for mismatch in found.mismatches:
        lock_event(mismatch.event_id)  # then count in a statement of its own: it sees every commit before the lock
        triggers.backfill(db.session.connection(), [mismatch.event_id])
        db.session.info[WROTE] = True
    if not found.ok:
        log.warning("registration counters repaired: %d event(s) differed %s; triggers missing: %s",
                    len(found.mismatches), [m.event_id for m in found.mismatches[:20]], found.missing_triggers)
    return found
