"""Every URL of the programmes area:

GET  /programmes/                 all programmes
GET  /programmes/<slug>           a programme's page: its events by region and date
GET/POST /programmes/new          a coordinator creates a programme
GET/POST /programmes/<slug>/edit  its coordinators edit it
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from eventsapp.events.rich_text import render_rich_text
from eventsapp.extensions import db
from eventsapp.models import utcnow
from eventsapp.permissions import coordinates
from eventsapp.programmes import bp
from eventsapp.programmes.forms import ProgrammeForm
from eventsapp.programmes.services import (
    coordinator_organisations,
    events_by_region,
    list_programmes,
    programme_by_slug,
    programme_periods,
    save_programme,
    slug_taken,
)


@bp.get("/")
def index():
    programmes = list_programmes()
    return render_template("programmes/index.html", programmes=programmes, periods=programme_periods(programmes),
                           may_create=bool(coordinator_organisations(current_user)))


@bp.get("/<slug>")
def detail(slug: str):
    """:raise 404: for an unknown slug."""
    programme = programme_by_slug(slug) or abort(404)
    return render_template(
        "programmes/detail.html",
        programme=programme,
        period=programme_periods([programme])[programme.id],
        regions=events_by_region(programme),
        description=render_rich_text(programme.description),
        now=utcnow(),
        can_edit=coordinates(current_user, programme),
    )


def _form(programme=None) -> ProgrammeForm:
    form = ProgrammeForm(obj=programme, slug_taken=lambda slug: slug_taken(slug, excluding=programme))
    organisations = coordinator_organisations(current_user)
    current = programme.coordinator_organisation if programme is not None else None
    if current is not None and current not in organisations:
        organisations.append(current)
    form.coordinator_organisation.choices = [SelectChoice(o.id, o.name) for o in organisations]
    if programme is not None and not form.is_submitted():
        form.coordinator_organisation.data = programme.coordinator_organisation_id
    return form


def _fields(form: ProgrammeForm) -> dict:
    return {
        "name": form.name.data,
        "slug": form.slug.data,
        "description": form.description.data or "",
        "privacy_notice": form.privacy_notice.data or "",
        "starts_on": form.starts_on.data,
        "ends_on": form.ends_on.data,
        "coordinator_organisation_id": form.coordinator_organisation.data,
    }


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """:raise 403: for a user who is not a coordinator anywhere."""
    if not coordinator_organisations(current_user):
        abort(403)
    form = _form()
    if form.validate_on_submit():
        programme = save_programme(None, _fields(form))
        db.session.commit()
        flash(f"The programme “{programme.name}” is created.", "success")
        return redirect(url_for("programmes.detail", slug=programme.slug))
    return render_template("programmes/form.html", form=form, programme=None), 422 if form.errors else 200


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """:raise 404: unknown slug, or a programme the user does not coordinate (another network's)."""
    programme = programme_by_slug(slug) or abort(404)
    if not coordinates(current_user, programme):
        abort(404)
    form = _form(programme)
    if form.validate_on_submit():
        save_programme(programme, _fields(form))
        db.session.commit()
        flash("Changes saved.", "success")
        return redirect(url_for("programmes.detail", slug=programme.slug))
    return render_template("programmes/form.html", form=form, programme=programme), 422 if form.errors else 200
