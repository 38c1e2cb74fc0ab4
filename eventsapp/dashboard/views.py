"""GET /dashboard/ — the signed-in user's events: upcoming, drafts, past.

GET /dashboard/requests — requests waiting for the user's consent (programme proposals,
co-hosting); POST /dashboard/requests/programme/<event_id>/<accept|decline> and
/dashboard/requests/cohost/<request_id>/<accept|decline> answer them.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from eventsapp.dashboard import bp
from eventsapp.dashboard.services import GROUPS, dashboard_for
from eventsapp.events.consent import (
    answer_cohost_request,
    answer_proposal,
    cohost_request_or_none,
    cohost_requests,
    programme_proposals,
    proposal_or_none,
)
from eventsapp.events.services import may_schedule_events
from eventsapp.extensions import db
from eventsapp.organisations.forms import ConfirmForm
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


# --- requests waiting for the signed-in user's consent (issue 13, finding 10) ---------


@bp.get("/requests")
@login_required
def requests():
    """Events proposed to programmes the user coordinates, and requests to co-host addressed
    to organisations they answer for, each with Accept and Decline."""
    return render_template(
        "dashboard/requests.html", proposals=programme_proposals(current_user),
        cohost_requests=cohost_requests(current_user), form=ConfirmForm(),
    )


@bp.post("/requests/programme/<int:event_id>/<any(accept, decline):answer>")
@login_required
def answer_programme(event_id: int, answer: str):
    """:raise 404: no such proposal to a programme the user coordinates."""
    event = proposal_or_none(current_user, event_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    programme = event.proposed_programme
    answer_proposal(event, accept=answer == "accept", by=current_user)
    db.session.commit()
    flash(f"“{event.title}” {'is now part of' if answer == 'accept' else 'was not added to'} "
          f"“{programme.name}”.", "success")
    return redirect(url_for("dashboard.requests"))


@bp.post("/requests/cohost/<int:request_id>/<any(accept, decline):answer>")
@login_required
def answer_cohost(request_id: int, answer: str):
    """:raise 404: no such request to an organisation the user answers for."""
    row = cohost_request_or_none(current_user, request_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    event, organisation = row.event, row.organisation
    answer_cohost_request(row, accept=answer == "accept", by=current_user)
    db.session.commit()
    flash(f"{organisation.name} {'now co-hosts' if answer == 'accept' else 'declined to co-host'} "
          f"“{event.title}”.", "success")
    return redirect(url_for("dashboard.requests"))
