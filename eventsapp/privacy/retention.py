"""Retention: what is removed when, applied by beat daily and by ``flask retention run``.

The periods are settings (eventsapp/config.py; the privacy notice states them):

- ``RETENTION_NEEDS_DAYS`` (30): access and dietary needs are emptied this long after the event ends;
- ``RETENTION_PERSON_MONTHS`` (24): a person whose last event ended this long ago is anonymised
  (eventsapp.privacy.people.anonymise_person: name, email, job title gone; the opaque id,
  organisation, sector and attendance stay, so every report figure is unchanged);
- ``EQUALITY_FINAL_AFTER_DAYS`` (7): equality answers are unlinked (eventsapp.privacy.equality);
- ``RETENTION_ACCESS_LOG_DAYS`` (365): the personal-data access log is pruned;
- ``FILE_JOB_KEEP_HOURS`` (24): files prepared in the background (exports, report PDFs, restore
  uploads) are removed (beat also removes them hourly: eventsapp.files.jobs).

:func:`plan` says what :func:`apply` would do, without changing anything (``--dry-run``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update

from eventsapp.extensions import db
from eventsapp.files import jobs as file_jobs
from eventsapp.models import ErasureRecord, Event, Person, Registration
from eventsapp.privacy import equality
from eventsapp.privacy.access_log import expired_entries_count, prune
from eventsapp.privacy.notice import RetentionPeriods, retention_periods
from eventsapp.privacy.people import anonymise_person


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (the month's last day if shorter)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    month += 1
    for day in range(moment.day, 0, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass
class RetentionPlan:
    """What retention removes at ``now``: ids only, nothing personal."""

    now: datetime
    needs_registrations: list[int] = field(default_factory=list)
    people: list[int] = field(default_factory=list)
    equality_events: list[int] = field(default_factory=list)
    access_log_entries: int = 0
    file_jobs: int = 0

    def lines(self, done: bool = False) -> list[str]:
        """One line per kind of removal: what would be done, or (``done``) what was."""
        def line(would: str, did: str, ids: list[int] | int) -> str:
            count = ids if isinstance(ids, int) else len(ids)
            listed = f" (ids {_ids(ids)})" if not isinstance(ids, int) and ids else ""
            return f"{did if done else would}: {count}{listed}"

        return [
            line("access and dietary needs to remove (registrations)",
                 "access and dietary needs removed (registrations)", self.needs_registrations),
            line("people to anonymise", "people anonymised", self.people),
            line("events whose equality answers to unlink", "events whose equality answers were unlinked",
                 self.equality_events),
            line("access log entries to remove", "access log entries removed", self.access_log_entries),
            line("expired exports, report PDFs and restore uploads to remove",
                 "expired exports, report PDFs and restore uploads removed", self.file_jobs),
        ]


def _ids(ids: list[int]) -> str:
    return ", ".join(map(str, ids[:50])) + (" …" if len(ids) > 50 else "")


def _needs_query(cutoff: datetime):
    return (select(Registration.id).join(Event, Event.id == Registration.event_id)
            .where(Event.ends_at < cutoff,
                   or_(Registration.access_requirements != "", Registration.dietary_requirements != ""))
            .order_by(Registration.id))


def _people_query(cutoff: datetime):
    last_event = (select(Registration.person_id, func.max(Event.ends_at).label("last"))
                  .join(Event, Event.id == Registration.event_id)
                  .group_by(Registration.person_id).subquery("last_event"))
    return (select(Person.id).join(last_event, last_event.c.person_id == Person.id)
            .where(last_event.c.last < cutoff, Person.anonymised_at.is_(None)).order_by(Person.id))


def plan(now: datetime, periods: RetentionPeriods | None = None) -> RetentionPlan:
    periods = periods or retention_periods()
    return RetentionPlan(
        now=now,
        needs_registrations=list(db.session.scalars(_needs_query(now - timedelta(days=periods.needs_days)))),
        people=list(db.session.scalars(_people_query(months_before(now, periods.person_months)))),
        equality_events=equality.due_events(now, periods.equality_final_days),
        access_log_entries=expired_entries_count(now - timedelta(days=periods.access_log_days)),
        file_jobs=file_jobs.expired_count(now),
    )


def apply(now: datetime, periods: RetentionPeriods | None = None) -> RetentionPlan:
    """Do what :func:`plan` lists; returns that plan. The caller commits."""
    periods = periods or retention_periods()
    done = plan(now, periods)
    equality.unlink_due(now, periods.equality_final_days)
    if done.needs_registrations:
        db.session.execute(
            update(Registration).where(Registration.id.in_(done.needs_registrations))
            .values(access_requirements="", dietary_requirements=""),
            execution_options={"synchronize_session": False})
    for person_id in done.people:
        anonymise_person(db.session.get(Person, person_id), now)
    prune(now - timedelta(days=periods.access_log_days))
    file_jobs.remove_expired(now)
    db.session.flush()
    return done


def record(done: RetentionPlan) -> None:
    """The audit record of a retention run that changed something (counts only)."""
    if done.needs_registrations or done.people or done.equality_events or done.access_log_entries \
            or done.file_jobs:
        db.session.add(ErasureRecord(kind="retention", at=done.now, counts={
            "needs_removed": len(done.needs_registrations), "people_anonymised": len(done.people),
            "equality_events_unlinked": len(done.equality_events), "access_log_removed": done.access_log_entries,
            "file_jobs_removed": done.file_jobs}))
