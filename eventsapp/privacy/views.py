"""Every URL of the privacy area:

GET       /privacy                      the site privacy notice
GET       /privacy/programmes/<slug>    the notice with a programme's own addition
GET       /privacy/events/<id>          the notice for an event: its programme's and its host's additions
GET/POST  /privacy/people               a coordinator finds a person of their network by email
POST      /privacy/people/export        … downloads everything held about them (ZIP: JSON + summary)
POST      /privacy/people/erase         … erases them everywhere (figures unchanged)
GET       /privacy/access-log           who viewed or downloaded personal data

The people pages are for coordinators (a person with a registration at their network's
events) and the site administrator (everyone); anyone else signed in gets 403.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from eventsapp.events.rich_text import render_rich_text
from eventsapp.extensions import db
from eventsapp.models import utcnow
from eventsapp.permissions import get_event_or_404, is_coordinator
from eventsapp.privacy import bp
from eventsapp.privacy.access_log import entries_for as access_log_entries
from eventsapp.privacy.access_log import log_personal_data_response, record
from eventsapp.privacy.export import person_data, render_zip
from eventsapp.privacy.forms import EraseForm, PersonForm
from eventsapp.privacy.notice import (
    addition_of,
    controller,
    event_notice_version,
    notice_version,
    retention_periods,
)
from eventsapp.privacy.people import after_commit
from eventsapp.privacy.services import erase_person, find_for
from eventsapp.programmes.services import programme_by_slug
from eventsapp.urls import page_number

#: Every GET of personal data elsewhere leaves an entry (eventsapp.privacy.access_log).
bp.after_app_request(log_personal_data_response)

PER_PAGE = 200
NOT_FOUND = "No one with this email address registered for an event of your network."


@bp.get("")
def notice():
    """The site notice: who the controller is, what is kept, why, for how long, and people's rights."""
    return render_template("privacy/notice.html", controller=controller(), periods=retention_periods(),
                           version=notice_version(None), programme=None, addition="", host=None, host_addition="")


@bp.get("/programmes/<slug>")
def programme_notice(slug: str):
    """The site notice with the programme's addition. :raise 404: for an unknown programme."""
    programme = programme_by_slug(slug) or abort(404)
    return render_template("privacy/notice.html", controller=controller(), periods=retention_periods(),
                           version=notice_version(programme), programme=programme,
                           addition=render_rich_text(programme.privacy_notice), host=None, host_addition="")


@bp.get("/events/<int:event_id>")
def event_notice(event_id: int):
    """What someone registering for the event reads: the site notice, its programme's addition and
    its host's. :raise 404: for an event the visitor may not see (a draft)."""
    event = get_event_or_404(event_id)
    programme, host = event.programme, event.host
    return render_template("privacy/notice.html", controller=controller(), periods=retention_periods(),
                           version=event_notice_version(event), programme=programme,
                           addition=render_rich_text(addition_of(programme)) if addition_of(programme) else "",
                           host=host, host_addition=render_rich_text(addition_of(host)), event=event)


def _coordinators_only() -> None:
    if not is_coordinator(current_user):
        abort(403)


@bp.route("/people", methods=["GET", "POST"])
@login_required
def people():
    """Find a person; their page lists what the user may see and offers export and erasure.

    :raise 403: for a user who coordinates nothing.
    """
    _coordinators_only()
    form = PersonForm()
    if form.validate_on_submit():
        identity = find_for(current_user, form.email.data)
        if identity is not None:
            return _person_page(identity, form.email.data)
        form.email.errors.append(NOT_FOUND)
    return render_template("privacy/people.html", form=form, action=url_for(".people")), \
        422 if form.errors else 200


def _person_page(identity, email: str, erase_form: EraseForm | None = None):
    """The person's page (a view of their data, logged); ``erase_form`` refused, with its errors."""
    data = person_data(identity, current_user)
    record(current_user, "view", "person page", person_id=identity.person.id if identity.person else None)
    db.session.commit()
    return render_template("privacy/person.html", data=data, export_form=PersonForm(formdata=None, email=email),
                           erase_form=erase_form or EraseForm(formdata=None, email=email)), \
        422 if erase_form is not None else 200


@bp.post("/people/export")
@login_required
def export_person():
    """A ZIP of everything held about the person (for a coordinator: at their network's events)."""
    _coordinators_only()
    form = PersonForm()
    identity = find_for(current_user, form.email.data) if form.validate_on_submit() else None
    if identity is None:
        if not form.errors:
            form.email.errors.append(NOT_FOUND)
        return render_template("privacy/people.html", form=form, action=url_for(".export_person")), 422
    content = render_zip(person_data(identity, current_user))
    record(current_user, "download", "personal data export (ZIP)",
           person_id=identity.person.id if identity.person else None)
    db.session.commit()
    return Response(content, mimetype="application/zip",
                    headers={"Content-Disposition": 'attachment; filename="personal-data.zip"'})


@bp.post("/people/erase")
@login_required
def erase():
    """Erase the person everywhere; an erasure record keeps counts only."""
    _coordinators_only()
    form = EraseForm()
    valid = form.validate_on_submit()
    identity = find_for(current_user, form.email.data) if valid or not form.email.errors else None
    if identity is not None and not valid:  # not confirmed: the same person's page, the error at the tick box
        return _person_page(identity, form.email.data, erase_form=form)
    if identity is None:
        if not form.errors:
            form.email.errors.append(NOT_FOUND)
        return render_template("privacy/people.html", form=form, action=url_for(".erase")), 422
    record = erase_person(identity, current_user, utcnow())
    db.session.commit()
    after_commit()
    flash(f"The person's data is erased everywhere (erasure record {record.id}); the figures are unchanged.",
          "success")
    return redirect(url_for("privacy.people"))


@bp.get("/access-log")
@login_required
def access_log():
    """Views and downloads of personal data: every one for the administrator, their programmes' for a
    coordinator (newest first, 200 a page). :raise 403: for a user who coordinates nothing."""
    _coordinators_only()
    page = page_number(request.args.get("page"))
    entries = access_log_entries(current_user, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE)
    return render_template("privacy/access_log.html", entries=entries[:PER_PAGE], page=page,
                           has_next=len(entries) > PER_PAGE, days=retention_periods().access_log_days)
