"""Calendar feeds: events as iCalendar for downloads, subscriptions and emails.

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


from eventsapp.feeds import views  # noqa: E402,F401
