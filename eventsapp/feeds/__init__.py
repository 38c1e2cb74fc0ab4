"""Calendar feeds: events as iCalendar for downloads, subscriptions and emails.

URLs (all in :mod:`eventsapp.feeds.views`): ``/events/<id>.ics``, ``/calendar.ics``,
``/programmes/<slug>/calendar.ics``, ``/regions/<code>/calendar.ics`` and
``/organisations/<id>/calendar.ics``, each filtered like the public list by
``?region=&host=&programme=&q=``. CLI: ``flask --app eventsapp export-calendar``.

Settings (instance/config.py or ``test_config``), all optional:

``ICAL_UID_DOMAIN`` (``"eventsapp"``)
    the right-hand side of every UID; keep it fixed for the life of the site.
``ICAL_ORGANIZER_EMAIL`` (the address in ``MAIL_FROM``)
    the ``mailto:`` of ORGANIZER (a no-reply address; the CN is the host organisation).
``FEED_PAST_DAYS`` (90)
    how long after it ends a published event stays in feeds.
``FEED_KEEP_CANCELLED_DAYS`` (30)
    how long a cancelled event stays (as ``STATUS:CANCELLED``) after both its
    cancellation and its end.
``FEED_CACHE_BYTES`` (16 MB; 0 = off)
    per-worker cache of built feeds, keyed by URL and ETag.
``FEED_CALENDAR_NAME`` (``"eventsapp: events"``)
    the name of the all-events feed.

Importing this package also installs the listener that raises
``Event.sequence`` when an event's date, time or place change.
"""

from flask import Blueprint

from eventsapp.feeds import sequence  # noqa: F401  (installs the before_flush listener)

bp = Blueprint("feeds", __name__)


@bp.app_context_processor
def calendar_helpers() -> dict:
    """``calendar_links(event)`` and ``subscribe_links(...)`` for the feeds partials."""
    from eventsapp.feeds.links import calendar_links, subscribe_links

    return {"calendar_links": calendar_links, "subscribe_links": subscribe_links}
