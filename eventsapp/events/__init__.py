"""Public event listings and pages, and scheduling events for organisers."""

from flask import Blueprint, abort

bp = Blueprint("events", __name__, url_prefix="/events")


#: The largest id an INTEGER column holds (PostgreSQL, and SQLite's 64-bit limit is larger).
MAX_ID = 2**31 - 1


@bp.url_value_preprocessor
def reject_impossible_ids(endpoint, values) -> None:
    """/events/99999999999999999999 is a 404 like any missing event, not a database error."""
    event_id = (values or {}).get("event_id")
    if event_id is not None and not 0 < event_id <= MAX_ID:
        abort(404)


from eventsapp.events import views  # noqa: E402,F401
