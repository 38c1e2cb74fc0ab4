"""Public event listings and pages, and scheduling events for organisers."""

from flask import Blueprint, current_app

bp = Blueprint("events", __name__, url_prefix="/events")


@bp.app_context_processor
def endpoint_helpers() -> dict:
    """``has_endpoint("organisations.index")`` lets templates link to areas that may not exist yet."""

    def has_endpoint(name: str) -> bool:
        return name in current_app.view_functions

    return {"has_endpoint": has_endpoint}


from eventsapp.events import views  # noqa: E402,F401
