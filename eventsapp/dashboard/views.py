"""GET /dashboard/ — the signed-in user's events: upcoming, drafts, past."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from eventsapp.dashboard import bp
from eventsapp.dashboard.services import dashboard_for
from eventsapp.events.services import may_schedule_events
from eventsapp.permissions import can_check_in, can_manage_event


@bp.get("/")
@login_required
def index():
    page = request.args.get("page", "1")
    dashboard = dashboard_for(current_user, past_page=int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1)
    return render_template(
        "dashboard/index.html",
        dashboard=dashboard,
        may_schedule=may_schedule_events(current_user),
        can_manage=lambda event: can_manage_event(current_user, event),
        can_check_in=lambda event: can_check_in(current_user, event),
    )
