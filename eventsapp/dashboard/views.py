"""GET /dashboard/ — the signed-in user's events: upcoming, drafts, past."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from eventsapp.dashboard import bp
from eventsapp.dashboard.services import GROUPS, dashboard_for
from eventsapp.events.services import may_schedule_events
from eventsapp.permissions import can_check_in, can_manage_event
from eventsapp.urls import page_number


def _page(name: str) -> int:
    return page_number(request.args.get(name))


@bp.get("/")
@login_required
def index():
    pages = {group: _page(group) for group in GROUPS}
    return render_template(
        "dashboard/index.html",
        dashboard=dashboard_for(current_user, pages),
        pages={group: page for group, page in pages.items() if page > 1},
        may_schedule=may_schedule_events(current_user),
        can_manage=lambda event: can_manage_event(current_user, event),
        can_check_in=lambda event: can_check_in(current_user, event),
    )
