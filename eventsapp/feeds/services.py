"""Which events a feed holds, and a cheap fingerprint of them for ETag/Last-Modified.

A feed holds public events only: published ones that ended less than
``FEED_PAST_DAYS`` ago (or have not ended), and cancelled ones until
``FEED_KEEP_CANCELLED_DAYS`` after both the cancellation and the event's end —
long enough for every subscribed calendar to see ``STATUS:CANCELLED`` and drop
its copy. Drafts never appear. The filters match the public list:
``region`` (code), ``host`` (organisation id, hosting or co-hosting),
``programme`` (slug) and ``q`` (words in the title, summary, description,
town, venue or themes).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import BigInteger, Select, and_, cast, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from eventsapp.events.queries import filter_events
from eventsapp.extensions import db
from eventsapp.models import Event, utcnow
from eventsapp.urls import parse_id

DEFAULT_PAST_DAYS = 90
DEFAULT_KEEP_CANCELLED_DAYS = 30
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: Bumped when the generator's output format changes, so old ETags stop matching.
FORMAT_VERSION = "1"


@dataclass(frozen=True)
class FeedFilters:
    """What a feed is narrowed to; every part is optional."""

    region: str | None = None
    host: int | None = None
    programme: str | None = None
    text: str | None = None

    @classmethod
    def from_args(cls, args, **fixed) -> FeedFilters:
        """Read ``?region=&host=&programme=&q=``; unusable values are ignored, never a 500."""
        def text(name: str, limit: int) -> str | None:
            # NUL and other control characters are refused by PostgreSQL and mean nothing here.
            return _CONTROL.sub("", args.get(name) or "").strip()[:limit] or None

        host = text("host", 20) or ""
        values = {
            "region": (text("region", 16) or "").upper() or None,
            "host": parse_id(host),
            "programme": text("programme", 80),
            "text": text("q", 200),
        }
        values.update({k: v for k, v in fixed.items() if v is not None})
        return cls(**values)

    def as_args(self) -> dict[str, str]:
        args = {"region": self.region, "host": self.host, "programme": self.programme, "q": self.text}
        return {k: str(v) for k, v in args.items() if v}


@dataclass(frozen=True)
class FeedFingerprint:
    """What identifies a feed's content without building it."""

    count: int
    last_modified: datetime | None
    etag: str


def _days(key: str, default: int) -> timedelta:
    return timedelta(days=int(current_app.config.get(key, default)))


def in_feed_window(now: datetime | None = None):
    """The SQL condition for "public and recent enough to be in a feed"."""
    now = now or utcnow()
    past_cutoff = now - _days("FEED_PAST_DAYS", DEFAULT_PAST_DAYS)
    cancelled_cutoff = now - _days("FEED_KEEP_CANCELLED_DAYS", DEFAULT_KEEP_CANCELLED_DAYS)
    return or_(
        and_(Event.status == "published", Event.ends_at >= past_cutoff),
        and_(
            Event.status == "cancelled",
            or_(Event.ends_at >= cancelled_cutoff, Event.cancelled_at >= cancelled_cutoff),
        ),
    )


def _filtered(query: Select, filters: FeedFilters) -> Select:
    return filter_events(query.where(in_feed_window()), filters)


def feed_events(filters: FeedFilters) -> list[Event]:
    """The events of a feed, soonest first, with what the generator reads loaded."""
    query = _filtered(select(Event), filters).options(
        joinedload(Event.host), joinedload(Event.region), joinedload(Event.programme),
        selectinload(Event.cohosts),
    )
    return list(db.session.scalars(query.order_by(Event.starts_at, Event.id)))


def feed_fingerprint(filters: FeedFilters, *, salt: str = "") -> FeedFingerprint:
    """Count, latest change and an ETag for a feed, in one aggregate query.

    The ETag covers which events are in the feed (count, sums of ids and of
    their squares, smallest and largest id — so an event entering or leaving
    changes it) and their latest
    ``updated_at`` (so any edit changes it); ``salt`` adds what else shapes the
    output (the feed's name, the site's URL root).
    """
    query = _filtered(
        select(
            func.count(Event.id), func.max(Event.updated_at), func.sum(Event.id),
            func.sum(cast(Event.id, BigInteger) * cast(Event.id, BigInteger)),
            func.min(Event.id), func.max(Event.id), func.sum(Event.sequence),
        ),
        filters,
    )
    count, last_modified, *aggregates = db.session.execute(query).one()
    return FeedFingerprint(
        count=count, last_modified=last_modified, etag=make_etag(count, last_modified, *aggregates, salt)
    )


def event_fingerprint(event: Event, *, salt: str = "") -> FeedFingerprint:
    """The same for one event already loaded."""
    etag = make_etag(event.id, event.updated_at, event.sequence, event.status, salt)
    return FeedFingerprint(count=1, last_modified=event.updated_at, etag=etag)


def make_etag(*parts) -> str:
    text = "|".join(str(p) for p in (FORMAT_VERSION, *parts))
    return hashlib.sha256(text.encode()).hexdigest()[:32]
