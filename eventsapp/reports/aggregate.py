"""Every figure in every report, computed in SQL (GROUP BY / COUNT DISTINCT).

:func:`build_report` takes a :class:`ReportScope` and returns a frozen
:class:`Report`. Each figure is one aggregate query over the attendances in
scope; no row is loaded into Python, so memory does not grow with the data.
The counting rules (also shown to readers as "how these figures are
counted", see :data:`METHODOLOGY`):

- **events held**: published events whose start is in the past (cancelled,
  draft and future events are not held).
- **registrations**: confirmed bookings for events held (walk-ins included);
  cancelled and waitlisted bookings are counted separately.
- **attendances**: registrations marked as attended; **no-shows**: confirmed
  registrations without an attendance.
- **people**: distinct persons with at least one attendance.
- **organisations**: distinct organisations among attendances, after merges
  (a merged organisation counts as its survivor; merges keep chains one step
  long, so ``COALESCE(merged_into_id, id)`` is the survivor). People attending
  as individuals (no organisation, or an organisation in the "individual"
  sector) count as people but not as organisations.
- **returning**: a person (organisation) is returning when they attended any
  event held before the first event in scope they attended; otherwise
  first-time. **Repeat** people attended more than one event in scope.
- **sector**: the (surviving) organisation's sector; **region**: the event's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, distinct, exists, func, literal, or_, select
from sqlalchemy.orm import aliased

from eventsapp.extensions import db
from eventsapp.models import (
    Attendance,
    Event,
    Organisation,
    Programme,
    Region,
    Registration,
    Sector,
    utcnow,
)
from eventsapp.timeutil import to_utc

INDIVIDUAL_SECTOR = "individual"
NOT_RECORDED = "not_recorded"

METHODOLOGY = [
    ("Events held", "Published events whose start time has passed. Drafts, cancelled and future events "
     "are not counted."),
    ("Registrations", "Confirmed bookings for the events held, including walk-ins. Cancelled and "
     "waitlisted bookings are shown separately and never counted as people."),
    ("Attendances", "Registrations marked as attended: checked in at the door, ticked on a sign-in "
     "sheet afterwards, or walk-ins. A person at two events makes two attendances."),
    ("People", "Distinct people with at least one attendance. A person at two events is one person."),
    ("Organisations", "Distinct organisations among the attendances, after merges: an organisation "
     "merged into another counts as the one it was merged into. People attending as individuals "
     "count as people, not as organisations."),
    ("No-show rate", "Confirmed registrations without an attendance, as a share of confirmed "
     "registrations."),
    ("First-time and returning", "A person (or organisation) is returning if they attended any event "
     "held before the first event in this report they attended, in any programme; otherwise they are "
     "first-time. Repeat attendees came to more than one event in this report."),
    ("Sectors and regions", "The sector is that of the organisation a person came from; the region is "
     "that of the event. A person who came from organisations in two sectors, or to events in two "
     "regions, is counted in each, so these columns can add up to more than the total."),
    ("Question answers", "Answers given at registration by the people who attended; a multiple-choice "
     "answer counts once for each option ticked."),
    ("Equality monitoring", "Optional answers from people who attended. To protect people, no breakdown "
     "is shown for fewer than 10 respondents, counts from 1 to 7 are shown as \"<8\", other counts are "
     "rounded to the nearest 5, totals are rounded from the exact figures, and a second count is "
     "hidden (\"[c]\") where the hidden one could otherwise be worked out from the total."),
]


@dataclass(frozen=True)
class ReportScope:
    """Which events a report covers; every given criterion must hold (they combine with AND).

    Dates are local calendar dates, both inclusive.
    """

    programme_id: int | None = None
    event_id: int | None = None
    host_id: int | None = None
    region_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def is_event(self) -> bool:
        return self.event_id is not None


@dataclass(frozen=True)
class Figures:
    events: int
    regions: int
    registrations: int
    cancellations: int
    waitlisted: int
    attendances: int
    no_shows: int
    people: int
    organisations: int
    repeat_people: int
    first_time_people: int
    returning_people: int
    first_time_organisations: int
    returning_organisations: int

    @property
    def no_show_rate(self) -> float | None:
        """No-shows as a share of confirmed registrations (None when nobody registered)."""
        return self.no_shows / self.registrations if self.registrations else None


@dataclass(frozen=True)
class SectorRow:
    code: str
    name: str
    plural: str
    people: int
    organisations: int
    attendances: int


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    events: int
    attendances: int
    people: int
    organisations: int


@dataclass(frozen=True)
class EventRow:
    id: int
    title: str
    starts_at: datetime
    town: str
    region: str
    host: str
    registrations: int
    cancellations: int
    attendances: int
    no_shows: int
    people: int
    organisations: int


@dataclass(frozen=True)
class HostRow:
    id: int
    name: str
    events: int
    attendances: int
    people: int
    organisations: int


@dataclass(frozen=True)
class SectorRegionCell:
    sector_code: str
    region_code: str
    people: int
    organisations: int


@dataclass(frozen=True)
class QuestionSummary:
    event_id: int
    event_title: str
    label: str
    kind: str
    respondents: int
    counts: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class ProtectedTable:
    """An equality-monitoring breakdown after small-number protection: only display strings."""

    characteristic: str
    label: str
    respondents: str
    rows: tuple[tuple[str, str], ...]
    note: str = ""


@dataclass(frozen=True)
class Report:
    scope: ReportScope
    scope_label: str
    generated_at: datetime
    figures: Figures
    headline: str
    sectors: tuple[SectorRow, ...]
    regions: tuple[RegionRow, ...]
    events: tuple[EventRow, ...]
    hosts: tuple[HostRow, ...]
    sector_region: tuple[SectorRegionCell, ...]
    questions: tuple[QuestionSummary, ...] = ()
    equality: tuple[ProtectedTable, ...] = ()
    equality_respondents: str = "0"
    themes: tuple[str, ...] = field(default=())

    def cell(self, sector_code: str, region_code: str) -> SectorRegionCell | None:
        for cell in self.sector_region:
            if cell.sector_code == sector_code and cell.region_code == region_code:
                return cell
        return None


# --- the SQL -----------------------------------------------------------------

def held_condition(now: datetime | None = None):
    """Events that count as held: published, and started before ``now``."""
    return and_(Event.status == "published", Event.starts_at < (now or utcnow()))


def scope_conditions(scope: ReportScope, now: datetime | None = None) -> list:
    host = aliased(Organisation)
    conditions = [held_condition(now)]
    if scope.programme_id is not None:
        conditions.append(Event.programme_id == scope.programme_id)
    if scope.event_id is not None:
        conditions.append(Event.id == scope.event_id)
    if scope.region_id is not None:
        conditions.append(Event.region_id == scope.region_id)
    if scope.host_id is not None:
        # A host merged into another counts as the survivor here too.
        conditions.append(
            Event.host_organisation_id.in_(
                select(host.id).where(or_(host.id == scope.host_id, host.merged_into_id == scope.host_id))
            )
        )
    if scope.date_from is not None:
        conditions.append(Event.starts_at >= to_utc(datetime.combine(scope.date_from, time())))
    if scope.date_to is not None:
        conditions.append(Event.starts_at < to_utc(datetime.combine(scope.date_to + timedelta(days=1), time())))
    return conditions


def attendance_rows(scope: ReportScope, now: datetime | None = None):
    """One row per attendance in scope, organisation resolved through merges (a subquery)."""
    registered_as = aliased(Organisation)
    survivor = aliased(Organisation)
    host = aliased(Organisation)
    individual = select(Sector.id).where(Sector.code == INDIVIDUAL_SECTOR).scalar_subquery()
    is_individual = or_(survivor.id.is_(None), survivor.sector_id == individual)
    return (
        select(
            Registration.person_id.label("person_id"),
            Event.id.label("event_id"),
            Event.region_id.label("region_id"),
            Event.starts_at.label("starts_at"),
            func.coalesce(host.merged_into_id, host.id).label("host_id"),
            case((is_individual, None), else_=survivor.id).label("organisation_id"),
            case((survivor.id.is_(None), individual), else_=survivor.sector_id).label("sector_id"),
        )
        .select_from(Attendance)
        .join(Registration, Registration.id == Attendance.registration_id)
        .join(Event, Event.id == Registration.event_id)
        .join(host, host.id == Event.host_organisation_id)
        .outerjoin(registered_as, registered_as.id == Registration.organisation_id)
        .outerjoin(survivor, survivor.id == func.coalesce(registered_as.merged_into_id, registered_as.id))
        .where(*scope_conditions(scope, now))
        .subquery("att")
    )


def _one(statement) -> tuple:
    return db.session.execute(statement).one()


def _headline_counts(att) -> tuple[int, int, int]:
    return _one(
        select(
            func.count(),
            func.count(distinct(att.c.person_id)),
            func.count(distinct(att.c.organisation_id)),
        ).select_from(att)
    )


def _event_counts(scope: ReportScope, now: datetime) -> tuple[int, int, int, int, int, int]:
    conditions = scope_conditions(scope, now)
    events, regions = _one(
        select(func.count(Event.id), func.count(distinct(Event.region_id))).where(*conditions)
    )
    status = Registration.status
    attended = Attendance.id.isnot(None)
    registrations, cancellations, waitlisted, no_shows = _one(
        select(
            func.count(case((status == "confirmed", 1))),
            func.count(case((status == "cancelled", 1))),
            func.count(case((status == "waitlisted", 1))),
            func.count(case((and_(status == "confirmed", ~attended), 1))),
        )
        .select_from(Registration)
        .join(Event, Event.id == Registration.event_id)
        .outerjoin(Attendance, Attendance.registration_id == Registration.id)
        .where(*conditions)
    )
    return events, regions, registrations or 0, cancellations or 0, waitlisted or 0, no_shows or 0


def _returning(att, key: str, now: datetime) -> tuple[int, int]:
    """(first-time, returning) for ``key`` (person_id or organisation_id) in scope."""
    firsts = (
        select(getattr(att.c, key).label("key"), func.min(att.c.starts_at).label("first_at"))
        .where(getattr(att.c, key).isnot(None))
        .group_by(getattr(att.c, key))
        .subquery("firsts")
    )
    registered_as = aliased(Organisation)
    if key == "person_id":
        earlier_match = Registration.person_id == firsts.c.key
        earlier = select(literal(1)).select_from(Attendance).join(
            Registration, Registration.id == Attendance.registration_id
        )
    else:
        earlier_match = func.coalesce(registered_as.merged_into_id, registered_as.id) == firsts.c.key
        earlier = (
            select(literal(1))
            .select_from(Attendance)
            .join(Registration, Registration.id == Attendance.registration_id)
            .join(registered_as, registered_as.id == Registration.organisation_id)
        )
    earlier = earlier.join(Event, Event.id == Registration.event_id).where(
        earlier_match, held_condition(now), Event.starts_at < firsts.c.first_at
    )
    total, returning = _one(
        select(func.count(), func.count(case((exists(earlier), 1)))).select_from(firsts)
    )
    return total - returning, returning


def _repeat_people(att) -> int:
    repeaters = (
        select(att.c.person_id)
        .group_by(att.c.person_id)
        .having(func.count(distinct(att.c.event_id)) > 1)
        .subquery("repeaters")
    )
    return db.session.scalar(select(func.count()).select_from(repeaters)) or 0


def _sector_rows(att) -> tuple[SectorRow, ...]:
    rows = db.session.execute(
        select(
            Sector.code, Sector.name, Sector.plural,
            func.count(distinct(att.c.person_id)),
            func.count(distinct(att.c.organisation_id)),
            func.count(),
        )
        .select_from(att)
        .outerjoin(Sector, Sector.id == att.c.sector_id)
        .group_by(Sector.id, Sector.code, Sector.name, Sector.plural, Sector.sort_order)
        .order_by(func.count(distinct(att.c.organisation_id)).desc(),
                  func.count(distinct(att.c.person_id)).desc(), Sector.sort_order)
    )
    return tuple(
        SectorRow(code or NOT_RECORDED, name or "Sector not recorded", plural or "organisations of other sectors",
                  people, organisations, attendances)
        for code, name, plural, people, organisations, attendances in rows
    )


def _region_rows(scope: ReportScope, att, now: datetime) -> tuple[RegionRow, ...]:
    per_region = (
        select(
            att.c.region_id.label("region_id"),
            func.count().label("attendances"),
            func.count(distinct(att.c.person_id)).label("people"),
            func.count(distinct(att.c.organisation_id)).label("organisations"),
        )
        .group_by(att.c.region_id)
        .subquery("per_region")
    )
    events = (
        select(Event.region_id.label("region_id"), func.count(Event.id).label("events"))
        .where(*scope_conditions(scope, now))
        .group_by(Event.region_id)
        .subquery("events_per_region")
    )
    rows = db.session.execute(
        select(
            Region.code, Region.name, events.c.events,
            func.coalesce(per_region.c.attendances, 0),
            func.coalesce(per_region.c.people, 0),
            func.coalesce(per_region.c.organisations, 0),
        )
        .select_from(events)
        .join(Region, Region.id == events.c.region_id)
        .outerjoin(per_region, per_region.c.region_id == events.c.region_id)
        .order_by(Region.sort_order, Region.name)
    )
    return tuple(RegionRow(*row) for row in rows)


def _event_rows(scope: ReportScope, att, now: datetime) -> tuple[EventRow, ...]:
    per_event = (
        select(
            att.c.event_id.label("event_id"),
            func.count().label("attendances"),
            func.count(distinct(att.c.person_id)).label("people"),
            func.count(distinct(att.c.organisation_id)).label("organisations"),
        )
        .group_by(att.c.event_id)
        .subquery("per_event")
    )
    status = Registration.status
    bookings = (
        select(
            Registration.event_id.label("event_id"),
            func.count(case((status == "confirmed", 1))).label("registrations"),
            func.count(case((status == "cancelled", 1))).label("cancellations"),
            func.count(case((and_(status == "confirmed", Attendance.id.is_(None)), 1))).label("no_shows"),
        )
        .outerjoin(Attendance, Attendance.registration_id == Registration.id)
        .group_by(Registration.event_id)
        .subquery("bookings")
    )
    host = aliased(Organisation)
    rows = db.session.execute(
        select(
            Event.id, Event.title, Event.starts_at, Event.town, Region.name, host.name,
            func.coalesce(bookings.c.registrations, 0),
            func.coalesce(bookings.c.cancellations, 0),
            func.coalesce(per_event.c.attendances, 0),
            func.coalesce(bookings.c.no_shows, 0),
            func.coalesce(per_event.c.people, 0),
            func.coalesce(per_event.c.organisations, 0),
        )
        .join(Region, Region.id == Event.region_id)
        .join(host, host.id == Event.host_organisation_id)
        .outerjoin(per_event, per_event.c.event_id == Event.id)
        .outerjoin(bookings, bookings.c.event_id == Event.id)
        .where(*scope_conditions(scope, now))
        .order_by(Event.starts_at, Event.id)
    )
    return tuple(EventRow(*row) for row in rows)


def _host_rows(scope: ReportScope, att, now: datetime) -> tuple[HostRow, ...]:
    per_host = (
        select(
            att.c.host_id.label("host_id"),
            func.count().label("attendances"),
            func.count(distinct(att.c.person_id)).label("people"),
            func.count(distinct(att.c.organisation_id)).label("organisations"),
        )
        .group_by(att.c.host_id)
        .subquery("per_host")
    )
    host = aliased(Organisation)
    host_id = func.coalesce(host.merged_into_id, host.id)
    events = (
        select(host_id.label("host_id"), func.count(Event.id).label("events"))
        .join(host, host.id == Event.host_organisation_id)
        .where(*scope_conditions(scope, now))
        .group_by(host_id)
        .subquery("events_per_host")
    )
    rows = db.session.execute(
        select(
            Organisation.id, Organisation.name, events.c.events,
            func.coalesce(per_host.c.attendances, 0),
            func.coalesce(per_host.c.people, 0),
            func.coalesce(per_host.c.organisations, 0),
        )
        .select_from(events)
        .join(Organisation, Organisation.id == events.c.host_id)
        .outerjoin(per_host, per_host.c.host_id == events.c.host_id)
        .order_by(Organisation.name)
    )
    return tuple(HostRow(*row) for row in rows)


def _sector_region_cells(att) -> tuple[SectorRegionCell, ...]:
    rows = db.session.execute(
        select(
            Sector.code, Region.code,
            func.count(distinct(att.c.person_id)),
            func.count(distinct(att.c.organisation_id)),
        )
        .select_from(att)
        .outerjoin(Sector, Sector.id == att.c.sector_id)
        .join(Region, Region.id == att.c.region_id)
        .group_by(Sector.code, Region.code)
    )
    return tuple(SectorRegionCell(sector or NOT_RECORDED, region, people, organisations)
                 for sector, region, people, organisations in rows)


def describe_scope(scope: ReportScope) -> str:
    """The scope in words, e.g. "Programme: X · Region: South East · 1 Jan 2026 to 31 Mar 2026"."""
    parts = []
    if scope.programme_id is not None:
        programme = db.session.get(Programme, scope.programme_id)
        parts.append(f"Programme: {programme.name if programme else scope.programme_id}")
    if scope.event_id is not None:
        event = db.session.get(Event, scope.event_id)
        parts.append(f"Event: {event.title if event else scope.event_id}")
    if scope.host_id is not None:
        host = db.session.get(Organisation, scope.host_id)
        parts.append(f"Host: {host.name if host else scope.host_id}")
    if scope.region_id is not None:
        region = db.session.get(Region, scope.region_id)
        parts.append(f"Region: {region.name if region else scope.region_id}")
    if scope.date_from or scope.date_to:
        start = scope.date_from.strftime("%-d %b %Y") if scope.date_from else "the start"
        end = scope.date_to.strftime("%-d %b %Y") if scope.date_to else "today"
        parts.append(f"{start} to {end}")
    return " · ".join(parts) or "All events"


def build_figures(scope: ReportScope, now: datetime | None = None) -> Figures:
    now = now or utcnow()
    att = attendance_rows(scope, now)
    attendances, people, organisations = _headline_counts(att)
    events, regions, registrations, cancellations, waitlisted, no_shows = _event_counts(scope, now)
    first_people, returning_people = _returning(att, "person_id", now)
    first_orgs, returning_orgs = _returning(att, "organisation_id", now)
    return Figures(
        events=events, regions=regions, registrations=registrations, cancellations=cancellations,
        waitlisted=waitlisted, attendances=attendances, no_shows=no_shows, people=people,
        organisations=organisations, repeat_people=_repeat_people(att),
        first_time_people=first_people, returning_people=returning_people,
        first_time_organisations=first_orgs, returning_organisations=returning_orgs,
    )


def build_report(scope: ReportScope, now: datetime | None = None) -> Report:
    """Every figure for ``scope``, from SQL aggregates only."""
    from eventsapp.reports.headline import headline
    from eventsapp.reports.monitoring import equality_tables, question_summaries

    now = now or utcnow()
    att = attendance_rows(scope, now)
    figures = build_figures(scope, now)
    sectors = _sector_rows(att)
    equality, respondents = equality_tables(scope, now)
    themes: tuple[str, ...] = ()
    if scope.event_id is not None:
        event = db.session.get(Event, scope.event_id)
        if event is not None:
            themes = tuple(line.strip() for line in (event.themes or "").splitlines() if line.strip())
    return Report(
        scope=scope,
        scope_label=describe_scope(scope),
        generated_at=now,
        figures=figures,
        headline=headline(figures, sectors),
        sectors=sectors,
        regions=_region_rows(scope, att, now),
        events=_event_rows(scope, att, now),
        hosts=_host_rows(scope, att, now),
        sector_region=_sector_region_cells(att),
        questions=question_summaries(scope, now),
        equality=equality,
        equality_respondents=respondents,
        themes=themes,
    )
