"""Public listings of events, filtered and paginated in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, or_, select

from eventsapp.database import like_pattern
from eventsapp.extensions import db
from eventsapp.models import Event, Organisation, Programme, Region, utcnow
from eventsapp.models.event import free_places
from eventsapp.timeutil import to_utc


@dataclass(frozen=True)
class EventFilters:
    """What a visitor narrowed the list to; every part is optional."""

    region: str | None = None  #: region code, e.g. "TLJ"
    programme: str | None = None  #: programme slug
    host: int | None = None  #: organisation id
    month: tuple[int, int] | None = None  #: (year, month) in local time
    text: str | None = None

    @property
    def active(self) -> bool:
        return any((self.region, self.programme, self.host, self.month, self.text))


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The first instant of a local calendar month and of the next one, in UTC."""
    start = datetime(year, month, 1)
    end = datetime(year + (month == 12), month % 12 + 1, 1)
    return to_utc(start), to_utc(end)


def filter_events(query: Select, filters) -> Select:
    """Narrow an Event query as the public list does: region code, programme slug, host or
    co-host id, local month (when the filters have one) and text in the event's words.

    The calendar feeds use the same filters, so a feed URL matches the list it came from.
    """
    if filters.region:
        query = query.where(Event.region.has(Region.code == filters.region))
    if filters.programme:
        query = query.where(Event.programme.has(Programme.slug == filters.programme))
    if filters.host:
        query = query.where(
            or_(Event.host_organisation_id == filters.host, Event.cohosts.any(Organisation.id == filters.host))
        )
    if getattr(filters, "month", None):
        start, end = month_bounds(*filters.month)
        query = query.where(Event.starts_at >= start, Event.starts_at < end)
    if filters.text:
        pattern = like_pattern(filters.text.strip())
        query = query.where(
            or_(
                *(
                    column.ilike(pattern, escape="\\")
                    for column in (Event.title, Event.summary, Event.description, Event.town, Event.venue,
                                   Event.themes)
                )
            )
        )
    return query


@dataclass(frozen=True, slots=True)
class Named:
    name: str


@dataclass(frozen=True, slots=True)
class EventCard:
    """What a card on a public list shows of an event: read as plain columns, not ORM objects.

    It has the attribute names of :class:`Event` that the card uses (``event.host.name`` …),
    so the one card macro renders both. ``confirmed`` is None where the list shows no places.
    """

    id: int
    title: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    town: str
    online_url: str | None
    capacity: int | None
    status: str
    host: Named
    region: Named
    confirmed: int | None = None

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def places_left(self) -> int | None:
        """Places left (the capacity rule), or None: no limit, or no count on this list."""
        return None if self.confirmed is None else free_places(self.capacity, self.confirmed)


class CardPagination(Pagination):
    """One page of event cards from one statement: the page's event ids, found with the number
    of matching events beside each (``COUNT(*) OVER ()``), joined to what the cards show. A page
    costs one round trip; only a page past the end (no rows, so no count) asks for the count again."""

    def _query_items(self) -> list[EventCard]:
        query: Select = self._query_args["query"]
        order = self._query_args["order"]
        page = (
            query.with_only_columns(Event.id, Event.starts_at, func.count().over().label("total"))
            .order_by(*order(Event))
            .limit(self.per_page)
            .offset((self.page - 1) * self.per_page)
            .subquery()
        )
        columns = [
            Event.id, Event.title, Event.summary, Event.starts_at, Event.ends_at, Event.venue, Event.town,
            Event.online_url, Event.capacity, Event.status, Organisation.name, Region.name, page.c.total,
        ]
        if self._query_args["with_places"]:
            columns.append(Event.confirmed_count)  # kept by triggers (eventsapp.models.counters)
        rows = db.session.execute(
            select(*columns)
            .select_from(page)
            .join(Event, Event.id == page.c.id)
            .join(Organisation, Organisation.id == Event.host_organisation_id)
            .join(Region, Region.id == Event.region_id)
            .order_by(*order(page.c))
        ).all()
        self._total = rows[0][12] if rows else None
        return [EventCard(*row[:10], Named(row[10]), Named(row[11]), row[13] if len(row) > 13 else None)
                for row in rows]

    def _query_count(self) -> int:
        if self._total is None:
            query: Select = self._query_args["query"]
            self._total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        return self._total


def _cards(where, filters, order, page: int, per_page: int, with_places: bool) -> CardPagination:
    query = filter_events(select(Event.id).where(*where), filters)
    return CardPagination(page=page, per_page=per_page, max_per_page=None, error_out=False,
                          query=query, order=order, with_places=with_places)


def upcoming_events(filters: EventFilters, page: int, per_page: int, with_places: bool = True) -> CardPagination:
    """Published and cancelled events that have not yet ended, soonest first (with confirmed places)."""
    return _cards(
        (Event.status.in_(("published", "cancelled")), Event.ends_at >= utcnow()), filters,
        lambda t: (t.starts_at, t.id), page, per_page, with_places,
    )


def past_events(filters: EventFilters, page: int, per_page: int, with_places: bool = False) -> CardPagination:
    """Published events that have ended, most recent first."""
    return _cards(
        (Event.status == "published", Event.ends_at < utcnow()), filters,
        lambda t: (t.starts_at.desc(), t.id.desc()), page, per_page, with_places,
    )


def filter_choices() -> dict[str, list[tuple[str, str]]]:
    """Options for the filter form: every region, programme, and organisation that hosts a public event."""
    regions = db.session.execute(select(Region.code, Region.name).order_by(Region.sort_order, Region.name))
    programmes = db.session.execute(select(Programme.slug, Programme.name).order_by(Programme.name))
    hosts = db.session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.id.in_(select(Event.host_organisation_id).where(Event.status != "draft")))
        .order_by(Organisation.name)
    )
    return {
        "region": [(code, name) for code, name in regions],
        "programme": [(slug, name) for slug, name in programmes],
        "host": [(str(org_id), name) for org_id, name in hosts],
    }
