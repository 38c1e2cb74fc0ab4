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
  (a merged organisation counts as its survivor: eventsapp.directory.survivor_id). People attending
  as individuals (no organisation, or an organisation in the "individual"
  sector) count as people but not as organisations.
- **returning**: a person (organisation) is returning when they attended any
  event held before the first event in scope they attended; otherwise
  first-time. **Repeat** people attended more than one event in scope.
- **sector**: the (surviving) organisation's sector; **region**: the event's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import NamedTuple

from sqlalchemy import (
    Integer,
    String,
    and_,
    case,
    cast,
    distinct,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import aliased

from eventsapp.directory import survivor_id
from eventsapp.extensions import db
from eventsapp.models import (
    Attendance,
    Event,
    Organisation,
    Region,
    Registration,
    Sector,
    utcnow,
)
from eventsapp.reports.model import (  # re-exported, so callers need only this module
    INDIVIDUAL_SECTOR,
    METHODOLOGY,
    NOT_RECORDED,
    EventRow,
    Figures,
    HostRow,
    ProtectedTable,
    QuestionSummary,
    RegionRow,
    Report,
    ReportScope,
    SectorRegionCell,
    SectorRow,
    no_show_count,
)
from eventsapp.timeutil import to_utc

__all__ = ["build_figures", "count", "Counted", "scope_conditions", "EventRow", "Figures", "HostRow", "INDIVIDUAL_SECTOR", "METHODOLOGY", "NOT_RECORDED", "ProtectedTable", "QuestionSummary", "RegionRow", "Report", "ReportScope", "SectorRegionCell", "SectorRow"]


# --- the SQL -----------------------------------------------------------------

def held_condition(now: datetime | None = None):
    """Events that count as held: published, and started before ``now``."""
    return Event.held_by(now or utcnow())


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
                select(host.id).where(survivor_id(host) == scope.host_id)
            )
        )
    if scope.date_from is not None:
        conditions.append(Event.starts_at >= to_utc(datetime.combine(scope.date_from, time())))
    if scope.date_to is not None:
        conditions.append(Event.starts_at < to_utc(datetime.combine(scope.date_to + timedelta(days=1), time())))
    return conditions


def attendance_select(scope: ReportScope, now: datetime | None = None):
    """One row per attendance in scope, organisation and host resolved through merges.

    ``organisation_id`` is NULL for individuals; ``sector_id`` is the individual
    sector's id for people who came without an organisation.
    """
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
            survivor_id(host).label("host_id"),
            case((is_individual, None), else_=survivor.id).label("organisation_id"),
            case((survivor.id.is_(None), individual), else_=survivor.sector_id).label("sector_id"),
            case((Registration.status == "confirmed", 1), else_=0).label("confirmed"),
        )
        .select_from(Attendance)
        .join(Registration, Registration.id == Attendance.registration_id)
        .join(Event, Event.id == Registration.event_id)
        .join(host, host.id == Event.host_organisation_id)
        .outerjoin(registered_as, registered_as.id == Registration.organisation_id)
        .outerjoin(survivor, survivor.id == survivor_id(registered_as))
        .where(*scope_conditions(scope, now))
    )


def attendance_rows(scope: ReportScope, now: datetime | None = None):
    """:func:`attendance_select` as a subquery."""
    return attendance_select(scope, now).subquery("att")


@dataclass(frozen=True)
class _Counts:
    attendances: int
    people: int
    organisations: int
    #: Attendances whose registration is confirmed (to derive no-shows per event).
    confirmed: int = 0


EMPTY = _Counts(0, 0, 0)


@dataclass(frozen=True)
class _Aggregates:
    """The aggregated rows every figure is read from (a few rows per group, never per attendance)."""

    total: _Counts
    repeat_people: int
    by: dict[str, dict[tuple, _Counts]]
    events: list[tuple]  # (id, title, starts_at, town, region_id, host_id, confirmed, cancelled, waitlisted, no-shows)


#: The breakdowns computed in one pass: name -> the attendance columns grouped by.
GROUPINGS = {
    "sector": ("sector_id",),
    "region": ("region_id",),
    "event": ("event_id",),
    "host": ("host_id",),
    "sector_region": ("sector_id", "region_id"),
}


def _counted_columns(att) -> list:
    return [
        func.count().label("attendances"),
        func.count(distinct(att.c.person_id)).label("people"),
        func.count(distinct(att.c.organisation_id)).label("organisations"),
        func.count(case((att.c.confirmed == 1, 1))).label("confirmed"),
    ]


def _aggregate(scope: ReportScope, now: datetime) -> _Aggregates:
    """Every attendance figure from one pass over the attendances in scope.

    PostgreSQL: one ``GROUP BY GROUPING SETS`` over the joined rows. SQLite (no
    grouping sets): the joined rows are resolved once into a materialised CTE
    and counted per grouping with a ``UNION ALL`` of ``GROUP BY``s, in one
    statement. Both return one row per group, never one per attendance.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        total, by, repeat_people = _aggregate_grouping_sets(scope, now)
    else:
        total, by, repeat_people = _aggregate_union(scope, now)
    events = _event_bookings(scope, now, by["event"])
    return _Aggregates(total, repeat_people, by, events)


def _repeaters(att):
    per_person = (
        select(att.c.person_id, func.count(distinct(att.c.event_id)).label("events"))
        .group_by(att.c.person_id).subquery("per_person")
    )
    return select(func.count()).select_from(per_person).where(per_person.c.events > 1)


def _aggregate_grouping_sets(scope: ReportScope, now: datetime):
    att = attendance_rows(scope, now)
    keys = ("sector_id", "region_id", "event_id", "host_id")
    # GROUPING() sets a bit (from the left: sector 8, region 4, event 2, host 1) per column NOT grouped by.
    kinds = {15: "total", 7: "sector", 11: "region", 13: "event", 14: "host", 3: "sector_region"}
    statement = select(
        func.grouping(*[att.c[k] for k in keys]), *[att.c[k] for k in keys], *_counted_columns(att)
    ).group_by(func.grouping_sets(
        literal_column("()"), att.c.sector_id, att.c.region_id, att.c.event_id, att.c.host_id,
        tuple_(att.c.sector_id, att.c.region_id),
    ))
    total = EMPTY
    by: dict[str, dict[tuple, _Counts]] = {kind: {} for kind in GROUPINGS}
    for bits, sector_id, region_id, event_id, host_id, *counts in db.session.execute(statement):
        kind = kinds[bits]
        values = {"sector_id": sector_id, "region_id": region_id, "event_id": event_id, "host_id": host_id}
        if kind == "total":
            total = _Counts(*counts)
        else:
            by[kind][tuple(values[k] for k in GROUPINGS[kind])] = _Counts(*counts)
    return total, by, db.session.scalar(_repeaters(att)) or 0


def _aggregate_union(scope: ReportScope, now: datetime):
    att = attendance_select(scope, now).cte("att").prefix_with("MATERIALIZED")
    no_key = cast(null(), Integer)

    def counted(kind: str, keys: tuple[str, ...]):
        columns = [att.c[key] for key in keys]
        first = cast(columns[0], Integer) if columns else no_key
        second = cast(columns[1], Integer) if len(columns) > 1 else no_key
        statement = select(
            cast(literal(kind), String(20)).label("kind"), first.label("k1"), second.label("k2"),
            *_counted_columns(att),
        ).select_from(att)
        return statement.group_by(*columns) if columns else statement

    repeaters = _repeaters(att).subquery("repeaters")
    repeat_row = select(
        cast(literal("repeat"), String(20)), no_key, no_key, repeaters.c[0], literal(0), literal(0), literal(0)
    )
    statement = union_all(counted("total", ()), *[counted(k, keys) for k, keys in GROUPINGS.items()], repeat_row)
    total, repeat_people = EMPTY, 0
    by: dict[str, dict[tuple, _Counts]] = {kind: {} for kind in GROUPINGS}
    for kind, k1, k2, *counts in db.session.execute(statement):
        if kind == "total":
            total = _Counts(*counts)
        elif kind == "repeat":
            repeat_people = counts[0]
        else:
            by[kind][(k1,) if len(GROUPINGS[kind]) == 1 else (k1, k2)] = _Counts(*counts)
    return total, by, repeat_people


def _event_bookings(scope: ReportScope, now: datetime, attended: dict[tuple, _Counts]) -> list[tuple]:
    """One row per event held in scope with its booking counts; no-shows are confirmed
    registrations minus confirmed attendances (counted in the attendance pass)."""
    host = aliased(Organisation)
    status = Registration.status
    in_scope = select(Event.id).where(*scope_conditions(scope, now))
    bookings = (
        select(
            Registration.event_id.label("event_id"),
            func.count(case((status == "confirmed", 1))).label("confirmed"),
            func.count(case((status == "cancelled", 1))).label("cancelled"),
            func.count(case((status == "waitlisted", 1))).label("waitlisted"),
        )
        .where(Registration.event_id.in_(in_scope))
        .group_by(Registration.event_id)
        .subquery("bookings")
    )
    rows = db.session.execute(
        select(
            Event.id, Event.title, Event.starts_at, Event.town, Event.region_id,
            survivor_id(host),
            func.coalesce(bookings.c.confirmed, 0),
            func.coalesce(bookings.c.cancelled, 0),
            func.coalesce(bookings.c.waitlisted, 0),
        )
        .join(host, host.id == Event.host_organisation_id)
        .outerjoin(bookings, bookings.c.event_id == Event.id)
        .where(*scope_conditions(scope, now))
        .order_by(Event.starts_at, Event.id)
    )
    return [(*row, no_show_count(row[6], attended.get((row[0],), EMPTY).confirmed)) for row in rows]


def _returning(scope: ReportScope, key: str, last_start: datetime | None, now: datetime) -> int:
    """How many people (``key="person_id"``) or organisations in scope are returning.

    An earlier attendance than someone's first in scope is necessarily at an
    event outside the scope, so when no held event outside the scope started
    before the scope's last event, nobody is returning and nothing is scanned.
    """
    if last_start is None:
        return 0
    in_scope = select(Event.id).where(*scope_conditions(scope, now))
    outside_earlier = and_(held_condition(now), Event.starts_at < last_start, Event.id.not_in(in_scope))
    if db.session.scalar(select(Event.id).where(outside_earlier).limit(1)) is None:
        return 0
    att = attendance_rows(scope, now)
    firsts = (
        select(att.c[key].label("key"), func.min(att.c.starts_at).label("first_at"))
        .where(att.c[key].isnot(None))
        .group_by(att.c[key])
        .subquery("firsts")
    )
    registered_as = aliased(Organisation)
    earlier = (
        select(literal(1))
        .select_from(Attendance)
        .join(Registration, Registration.id == Attendance.registration_id)
        .join(Event, Event.id == Registration.event_id)
    )
    if key == "person_id":
        earlier = earlier.where(Registration.person_id == firsts.c.key)
    else:
        earlier = earlier.join(registered_as, registered_as.id == Registration.organisation_id).where(
            survivor_id(registered_as) == firsts.c.key
        )
    earlier = earlier.where(outside_earlier, Event.starts_at < firsts.c.first_at)
    return db.session.scalar(select(func.count()).select_from(firsts).where(exists(earlier))) or 0


def _figures(scope: ReportScope, now: datetime, data: _Aggregates) -> Figures:
    events = data.events
    last_start = max((row[2] for row in events), default=None)
    returning_people = _returning(scope, "person_id", last_start, now) if data.total.people else 0
    returning_orgs = _returning(scope, "organisation_id", last_start, now) if data.total.organisations else 0
    return Figures(
        events=len(events),
        regions=len({row[4] for row in events}),
        registrations=sum(row[6] for row in events),
        cancellations=sum(row[7] for row in events),
        waitlisted=sum(row[8] for row in events),
        attendances=data.total.attendances,
        no_shows=sum(row[9] for row in events),
        people=data.total.people,
        organisations=data.total.organisations,
        repeat_people=data.repeat_people,
        first_time_people=data.total.people - returning_people,
        returning_people=returning_people,
        first_time_organisations=data.total.organisations - returning_orgs,
        returning_organisations=returning_orgs,
    )


def _sector_rows(data: _Aggregates) -> tuple[SectorRow, ...]:
    sectors = {s.id: s for s in db.session.scalars(select(Sector))}
    rows = []
    for (sector_id,), counts in data.by["sector"].items():
        sector = sectors.get(sector_id)
        rows.append((
            -counts.organisations, -counts.people, sector.sort_order if sector else 10_000,
            SectorRow(sector.code if sector else NOT_RECORDED, sector.name if sector else "Sector not recorded",
                      sector.plural if sector else "organisations of other sectors",
                      counts.people, counts.organisations, counts.attendances),
        ))
    return tuple(row for *_, row in sorted(rows, key=lambda r: r[:3]))


def _region_rows(data: _Aggregates) -> tuple[RegionRow, ...]:
    events_per_region: dict[int, int] = {}
    for row in data.events:
        events_per_region[row[4]] = events_per_region.get(row[4], 0) + 1
    regions = db.session.scalars(
        select(Region).where(Region.id.in_(events_per_region)).order_by(Region.sort_order, Region.name)
    )
    empty = EMPTY
    return tuple(
        RegionRow(region.code, region.name, events_per_region[region.id],
                  (c := data.by["region"].get((region.id,), empty)).attendances, c.people, c.organisations)
        for region in regions
    )


def _event_rows(data: _Aggregates) -> tuple[EventRow, ...]:
    region_names = dict(db.session.execute(select(Region.id, Region.name)).all())
    host_names = dict(db.session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_({row[5] for row in data.events}))
    ).all())
    empty = EMPTY
    rows = []
    for event_id, title, starts_at, town, region_id, host_id, confirmed, cancelled, _, no_shows in data.events:
        counts = data.by["event"].get((event_id,), empty)
        rows.append(EventRow(event_id, title, starts_at, town, region_names[region_id], host_names[host_id],
                             confirmed, cancelled, counts.attendances, no_shows, counts.people,
                             counts.organisations))
    return tuple(rows)


def _host_rows(data: _Aggregates) -> tuple[HostRow, ...]:
    events_per_host: dict[int, int] = {}
    for row in data.events:
        events_per_host[row[5]] = events_per_host.get(row[5], 0) + 1
    hosts = db.session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(events_per_host))
        .order_by(Organisation.name)
    ).all()
    empty = EMPTY
    return tuple(
        HostRow(host_id, name, events_per_host[host_id],
                (c := data.by["host"].get((host_id,), empty)).attendances, c.people, c.organisations)
        for host_id, name in hosts
    )


def _sector_region_cells(data: _Aggregates) -> tuple[SectorRegionCell, ...]:
    sectors = dict(db.session.execute(select(Sector.id, Sector.code)).all())
    regions = dict(db.session.execute(select(Region.id, Region.code)).all())
    return tuple(
        SectorRegionCell(sectors.get(sector_id, NOT_RECORDED), regions[region_id], c.people, c.organisations)
        for (sector_id, region_id), c in data.by["sector_region"].items()
    )


def build_figures(scope: ReportScope, now: datetime | None = None) -> Figures:
    """The headline figures alone (e.g. for an event's panel)."""
    now = now or utcnow()
    return _figures(scope, now, _aggregate(scope, now))


class Counted(NamedTuple):
    """What the SQL aggregates give a report (eventsapp.reports.build adds the rest)."""

    figures: Figures
    sectors: tuple[SectorRow, ...]
    regions: tuple[RegionRow, ...]
    events: tuple[EventRow, ...]
    hosts: tuple[HostRow, ...]
    sector_region: tuple[SectorRegionCell, ...]


def count(scope: ReportScope, now: datetime) -> Counted:
    """Every counted figure and table for ``scope``, from SQL aggregates only."""
    data = _aggregate(scope, now)
    return Counted(
        figures=_figures(scope, now, data),
        sectors=_sector_rows(data),
        regions=_region_rows(data),
        events=_event_rows(data),
        hosts=_host_rows(data),
        sector_region=_sector_region_cells(data),
    )
