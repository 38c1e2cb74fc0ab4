"""Calendar URLs: one event's .ics, and subscription feeds (all, programme, region, organisation).

Every feed answers conditional requests: the ETag and Last-Modified come from
one aggregate query (:func:`~eventsapp.feeds.services.feed_fingerprint`), so
``If-None-Match`` / ``If-Modified-Since`` get a 304 without loading or
rendering a single event; a changed feed is built once per worker and
served from :mod:`eventsapp.feeds.cache` to the other subscribers.

``If-None-Match`` is authoritative. ``Last-Modified`` is the latest
``updated_at`` among the feed's events: it cannot move when an event merely
drops out of the window or an organisation is renamed, so a client sending
only ``If-Modified-Since`` may keep such a stale copy until the next edit
(Google, Outlook and Apple Calendar send ``If-None-Match``).
"""

from __future__ import annotations

from datetime import UTC

from flask import Response, abort, current_app, redirect, request, url_for
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.feeds import bp
from eventsapp.feeds.cache import feed_cache
from eventsapp.feeds.ical import event_to_ical, events_to_ical
from eventsapp.feeds.services import (
    FeedFilters,
    FeedFingerprint,
    event_fingerprint,
    feed_events,
    feed_fingerprint,
)
from eventsapp.models import Organisation, Programme, Region
from eventsapp.permissions import get_event_or_404

CONTENT_TYPE = "text/calendar; charset=utf-8"
SITE_NAME = "eventsapp"


@bp.get("/events/<int:event_id>.ics")
def event_ics(event_id: int):
    """One event as a downloadable .ics file.

    :raise 404: when the event does not exist or is a draft the user may not see.
    """
    event = get_event_or_404(event_id)
    fingerprint = event_fingerprint(event, salt=_salt(event.title))
    public = event.status != "draft"
    not_modified = _not_modified(fingerprint, public=public)
    if not_modified:
        return not_modified
    response = _calendar_response(event_to_ical(event), fingerprint, public=public)
    response.headers["Content-Disposition"] = f'attachment; filename="event-{event.id}.ics"'
    return response


@bp.get("/calendar.ics")
def calendar():
    """Every public event (filtered like the public list: ?region=&host=&programme=&q=)."""
    filters = FeedFilters.from_args(request.args)
    return _feed(filters, current_app.config.get("FEED_CALENDAR_NAME") or f"{SITE_NAME}: events")


@bp.get("/programmes/<slug>/calendar.ics")
def programme_calendar(slug: str):
    """The events of one programme. :raise 404: for an unknown programme."""
    programme = db.session.scalar(select(Programme).where(Programme.slug == slug))
    if programme is None:
        abort(404)
    return _feed(FeedFilters.from_args(request.args, programme=programme.slug), programme.name)


@bp.get("/regions/<code>/calendar.ics")
def region_calendar(code: str):
    """The events in one region (ITL1 code, any case). :raise 404: for an unknown region."""
    region = db.session.scalar(select(Region).where(Region.code == code.upper()))
    if region is None:
        abort(404)
    if code != region.code:
        return redirect(url_for("feeds.region_calendar", code=region.code, **_filter_args()), 301)
    return _feed(FeedFilters.from_args(request.args, region=region.code), f"Events in {region.name}")


@bp.get("/organisations/<int:organisation_id>/calendar.ics")
def organisation_calendar(organisation_id: int):
    """The events an organisation hosts or co-hosts; a merged organisation's feed moves to the survivor.

    :raise 404: for an unknown organisation.
    """
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    if organisation.merged_into_id is not None:
        survivor = organisation
        for _ in range(10):  # merges chain at most a few times; never loop forever
            if survivor.merged_into is None:
                break
            survivor = survivor.merged_into
        return redirect(
            url_for("feeds.organisation_calendar", organisation_id=survivor.id, **_filter_args()), 301
        )
    filters = FeedFilters.from_args(request.args, host=organisation.id)
    return _feed(filters, f"Events hosted by {organisation.name}")


def _filter_args() -> dict[str, str]:
    return FeedFilters.from_args(request.args).as_args()


def _feed(filters: FeedFilters, name: str) -> Response:
    fingerprint = feed_fingerprint(filters, salt=_salt(name))
    not_modified = _not_modified(fingerprint, public=True)
    if not_modified:
        return not_modified
    cache = feed_cache()
    key = (request.path, tuple(sorted(filters.as_args().items())), fingerprint.etag)
    body = cache.get(key) if cache is not None else None
    if body is None:
        body = events_to_ical(feed_events(filters), name=name)
        if cache is not None:
            cache.put(key, body)
    response = _calendar_response(body, fingerprint, public=True)
    response.headers["Content-Disposition"] = 'inline; filename="calendar.ics"'
    return response


def _salt(name: str) -> str:
    """What shapes the output besides the events' own rows."""
    config = current_app.config
    return "|".join(
        str(part) for part in (
            name, request.url_root, config.get("ICAL_UID_DOMAIN"), config.get("ICAL_ORGANIZER_EMAIL"),
            config.get("MAIL_FROM"), config.get("APP_TIMEZONE"),
        )
    )


def _cache_headers(response: Response, fingerprint: FeedFingerprint, *, public: bool) -> Response:
    response.set_etag(fingerprint.etag)
    if fingerprint.last_modified is not None:
        response.last_modified = fingerprint.last_modified.replace(tzinfo=UTC)
    # Always revalidate (cheap, thanks to the ETag): a cancellation must not sit in a cache.
    response.headers["Cache-Control"] = "public, no-cache" if public else "private, no-cache"
    response.vary.add("Cookie")
    return response


def _not_modified(fingerprint: FeedFingerprint, *, public: bool) -> Response | None:
    """A 304 when the client's copy is current (If-None-Match wins over If-Modified-Since)."""
    if request.if_none_match:
        if not request.if_none_match.contains_weak(fingerprint.etag):
            return None
    elif request.if_modified_since and fingerprint.last_modified is not None:
        # HTTP dates have whole seconds.
        last_modified = fingerprint.last_modified.replace(tzinfo=UTC, microsecond=0)
        if last_modified > request.if_modified_since:
            return None
    else:
        return None
    return _cache_headers(Response(status=304), fingerprint, public=public)


def _calendar_response(body: bytes, fingerprint: FeedFingerprint, *, public: bool) -> Response:
    response = Response(body, content_type=CONTENT_TYPE)
    return _cache_headers(response, fingerprint, public=public)
