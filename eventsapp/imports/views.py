"""Import pages: upload, preview (with column mapping), confirm; sector synonyms; programme export and
restore (both made by a worker as file jobs, eventsapp.files).

Who may do what: organisers import into their organisation's events;
coordinators into their programmes' events, or into a new programme. A job
belongs to the user who uploaded it; anybody else gets a 404.
"""

from __future__ import annotations

from pathlib import Path

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from eventsapp.extensions import db
from eventsapp.files import jobs as file_jobs
from eventsapp.imports import bp, jobs
from eventsapp.imports.events import new_programme_name
from eventsapp.imports.forms import (
    NEW_PROGRAMME,
    ConfirmForm,
    DiscardForm,
    RestoreForm,
    SynonymForm,
    UploadForm,
    column_form,
    event_details_from,
    events_form,
)
from eventsapp.imports.parsing import FIELDS
from eventsapp.imports.sectors import DEFAULT_SYNONYMS
from eventsapp.imports.services import ImportTarget, add_sector_synonym
from eventsapp.models import Event, Programme, Region, Sector, SectorSynonym
from eventsapp.permissions import (
    can_change_sector_synonyms,
    can_manage_event,
    coordinates,
    is_admin,
    is_coordinator,
    roles_by_organisation,
)
from eventsapp.urls import MAX_DB_INT as MAX_ID
from eventsapp.urls import parse_id

MAX_EVENT_CHOICES = 300


def _organisations_with(role: str) -> list[int]:
    return [org for org, r in roles_by_organisation(current_user).items() if r == role]


def _importer_or_403() -> None:
    if not (_organisations_with("organiser") or _organisations_with("coordinator")):
        abort(403)


def _destinations() -> list[tuple[str, str]]:
    """Events the user manages and programmes the user coordinates, as form choices."""
    organising, coordinating = _organisations_with("organiser"), _organisations_with("coordinator")
    choices: list[tuple[str, str]] = []
    programmes = db.session.scalars(
        select(Programme).where(Programme.coordinator_organisation_id.in_(coordinating)).order_by(Programme.name)
    ).all()
    for programme in programmes:
        choices.append((f"programme:{programme.slug}", f"Programme: {programme.name} (events named in the file)"))
    if coordinating:
        choices.append((NEW_PROGRAMME, "A new programme (created from the file)"))
    events = db.session.scalars(
        select(Event).outerjoin(Programme, Programme.id == Event.programme_id)
        .where(or_(Event.host_organisation_id.in_(organising),
                   Programme.coordinator_organisation_id.in_(coordinating)))
        .order_by(Event.starts_at.desc()).limit(MAX_EVENT_CHOICES)
    ).all()
    for event in events:
        choices.append((f"event:{event.id}", f"Event: {event.title}, {event.starts_at:%d/%m/%Y}"))
    return choices


def _target_from(form: UploadForm) -> ImportTarget | None:
    """The import target the user chose, re-checked against their permissions."""
    kind, _, value = form.destination.data.partition(":")
    if form.destination.data == NEW_PROGRAMME:
        coordinating = _organisations_with("coordinator")
        if not coordinating:
            return None
        if db.session.scalar(select(Programme.id).where(Programme.slug == form.new_slug.data)):
            form.new_slug.errors.append("A programme already has this slug; choose it in the list instead.")
            return None
        return ImportTarget(programme_slug=form.new_slug.data, create_events=True,
                            coordinator_organisation_id=coordinating[0])
    if kind == "programme":
        programme = db.session.scalar(select(Programme).where(Programme.slug == value))
        if programme is None or not coordinates(current_user, programme):
            return None
        return ImportTarget(programme_slug=programme.slug, create_events=form.create_events.data)
    if kind == "event" and (event_id := parse_id(value)) is not None:
        event = db.session.get(Event, event_id)
        if event is None or not can_manage_event(current_user, event):
            return None
        return ImportTarget(event_id=event.id)
    return None


def _may_write(target: ImportTarget) -> bool:
    if target.event_id is not None:
        event = db.session.get(Event, target.event_id)
        return event is not None and can_manage_event(current_user, event)
    programme = db.session.scalar(select(Programme).where(Programme.slug == target.programme_slug))
    if programme is None:
        return target.coordinator_organisation_id in _organisations_with("coordinator")
    return coordinates(current_user, programme)


def _destination(target: dict) -> dict:
    """What the job page names as where the rows go: the event (title and start) or the programme (its
    name, or the name a new one will get), never a slug; nothing when the user may no longer import there."""
    target = ImportTarget(**target)
    if not _may_write(target):
        return {}
    if target.event_id is not None:
        return {"event": db.session.get(Event, target.event_id)}
    programme = db.session.scalar(select(Programme).where(Programme.slug == target.programme_slug))
    if programme is None:
        return {"new_programme": new_programme_name(target.programme_slug or "")}
    return {"programme": programme}


def _job_or_404(job_id: str) -> dict:
    state = jobs.load(job_id)
    if state is None or state.get("user_id") != current_user.id:
        abort(404)
    return state


@bp.route("/", methods=["GET", "POST"])
@login_required
def start():
    """Upload an attendance list (CSV or XLSX) to check it before anything is written."""
    _importer_or_403()
    form = UploadForm()
    form.destination.choices = [("", "Choose …")] + _destinations()
    wanted = parse_id(request.args.get("event"))
    if request.method == "GET" and wanted:
        form.destination.data = f"event:{wanted}"
    if form.validate_on_submit():
        target = _target_from(form)
        if target is None:
            if not form.new_slug.errors:
                form.destination.errors.append("You cannot import into that; choose another destination.")
        else:
            state = jobs.create(form.file.data, current_user.id, target, form.source_name.data or "")
            return redirect(url_for("imports.job", job_id=state["id"]))
    coordinated = db.session.scalars(
        select(Programme).where(Programme.coordinator_organisation_id.in_(_organisations_with("coordinator")))
        .order_by(Programme.name)
    ).all()
    return render_template("imports/start.html", form=form, programmes=coordinated, fields=FIELDS,
                           may_create_programme=bool(_organisations_with("coordinator"))), 422 if form.errors else 200


@bp.get("/<job_id>")
@login_required
def job(job_id: str):
    """The job's progress, then its preview (or its result)."""
    state = _job_or_404(job_id)
    summary = jobs.summary_of(state)
    columns = None
    events = None
    if summary is not None and summary.headers and state["phase"] == "previewed":
        columns = column_form(summary.headers, summary.columns, state["target"].get("attendance", ""),
                              state["target"].get("match_names", False))
        columns.source_name.data = state.get("source_name", "")
        if summary.events_incomplete:
            events = events_form(summary.events_incomplete, _region_choices())
    return render_template("imports/job.html", state=state, summary=summary, columns=columns, events=events,
                           confirm=ConfirmForm(), discard=DiscardForm(), fields=FIELDS, sector_names=_sector_names(),
                           destination=_destination(state["target"]))


def _sector_names() -> dict[str, str]:
    """Sector code -> the name the rest of the app shows (the preview proposes sectors by code)."""
    return dict(db.session.execute(select(Sector.code, Sector.name)).tuples().all())


def _region_choices() -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in db.session.scalars(select(Region).order_by(Region.name))]


@bp.get("/<job_id>/progress")
@login_required
def progress(job_id: str):
    """How far the job is, as JSON, for progress.js."""
    state = _job_or_404(job_id)
    return jsonify(phase=state["phase"], progress=state["progress"], rows=state["rows"],
                   message=state.get("message", ""))


@bp.post("/<job_id>/columns")
@login_required
def columns(job_id: str):
    """Read the file again with the columns the user mapped (remembered when the import is confirmed)."""
    state = _job_or_404(job_id)
    summary = jobs.summary_of(state)
    if state["phase"] != "previewed" or summary is None or not summary.headers:
        abort(409)
    form = column_form(summary.headers, summary.columns)
    if not form.validate_on_submit():
        flash("Those columns could not be read; choose a field or “Ignore” for each.", "error")
        return redirect(url_for("imports.job", job_id=job_id))
    state["columns"] = {h: form[f"column_{i}"].data or "" for i, h in enumerate(summary.headers)}
    state["source_name"] = form.source_name.data or ""
    state["target"]["attendance"] = form.attendance.data or ""
    state["target"]["match_names"] = bool(form.match_names.data)
    jobs.start(state, write=False)
    return redirect(url_for("imports.job", job_id=job_id))


@bp.post("/<job_id>/events")
@login_required
def events(job_id: str):
    """Read the file again with the region, host and times the user gave for its new events."""
    state = _job_or_404(job_id)
    summary = jobs.summary_of(state)
    if state["phase"] != "previewed" or summary is None or not summary.events_incomplete:
        abort(409)
    form = events_form(summary.events_incomplete, _region_choices())
    if not form.validate_on_submit():
        return render_template("imports/job.html", state=state, summary=summary, events=form,
                               columns=column_form(summary.headers, summary.columns,
                                                   state["target"].get("attendance", ""),
                                                   state["target"].get("match_names", False)),
                               confirm=ConfirmForm(), discard=DiscardForm(), fields=FIELDS,
                               sector_names=_sector_names(), destination=_destination(state["target"])), 422
    given = {(d["title"], d["date"]): d for d in state["target"].get("event_details") or []}
    given.update({(d["title"], d["date"]): d for d in event_details_from(form, summary.events_incomplete)})
    state["target"]["event_details"] = list(given.values())
    jobs.start(state, write=False)
    return redirect(url_for("imports.job", job_id=job_id))


@bp.post("/<job_id>/confirm")
@login_required
def confirm(job_id: str):
    """Write the checked file, all or nothing."""
    state = _job_or_404(job_id)
    summary = jobs.summary_of(state)
    target = ImportTarget(**state["target"])
    if not _may_write(target):
        abort(403)
    if state["phase"] != "previewed" or summary is None or not summary.ok:
        flash("This file has problems to fix before it can be imported.", "error")
        return redirect(url_for("imports.job", job_id=job_id))
    if ConfirmForm().validate_on_submit():
        jobs.start(state, write=True)
    return redirect(url_for("imports.job", job_id=job_id))


@bp.post("/<job_id>/discard")
@login_required
def discard(job_id: str):
    state = _job_or_404(job_id)
    if state["phase"] in ("checking", "importing"):
        flash("Wait until the file has been read before discarding it.", "info")
        return redirect(url_for("imports.job", job_id=job_id))
    jobs.discard(job_id)
    flash("The uploaded file was removed.", "info")
    return redirect(url_for("imports.start"))


@bp.route("/synonyms", methods=["GET", "POST"])
@login_required
def synonyms():
    """The words imports read as sectors: coordinators see them, the site administrator changes them.

    :raise 403: for users who coordinate nothing, and for a coordinator's POST.
    """
    if not is_coordinator(current_user):
        abort(403)
    may_change = can_change_sector_synonyms(current_user)
    if request.method == "POST" and not may_change:
        abort(403)
    form = SynonymForm()
    sectors = db.session.scalars(select(Sector).order_by(Sector.sort_order)).all()
    form.sector.choices = [("", "Choose …")] + [(s.code, s.name) for s in sectors]
    if form.validate_on_submit():
        sector = next((s for s in sectors if s.code == form.sector.data), None)
        try:
            synonym = add_sector_synonym(form.phrase.data, sector)
        except ValueError as error:
            form.phrase.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"Imports now read “{synonym.phrase}” as {sector.name}.", "success")
            return redirect(url_for("imports.synonyms"))
    custom = db.session.scalars(select(SectorSynonym).order_by(SectorSynonym.phrase)).all()
    names = {s.code: s.name for s in sectors}
    built_in = sorted((phrase, names.get(code, code)) for phrase, code in DEFAULT_SYNONYMS.items())
    return render_template("imports/synonyms.html", form=form, custom=custom, built_in=built_in,
                           delete_form=DiscardForm(), may_change=may_change), 422 if form.errors else 200


@bp.post("/synonyms/<int:synonym_id>/delete")
@login_required
def delete_synonym(synonym_id: int):
    """Remove a synonym added earlier (the site administrator).

    :raise 403: for anyone else; 404 for a synonym that does not exist.
    """
    if not can_change_sector_synonyms(current_user):
        abort(403)
    synonym = db.session.get(SectorSynonym, synonym_id) if synonym_id <= MAX_ID else None
    if synonym is None:
        abort(404)
    db.session.delete(synonym)
    db.session.commit()
    flash(f"“{synonym.phrase}” removed.", "info")
    return redirect(url_for("imports.synonyms"))


@bp.post("/programmes/<slug>/export")
@login_required
def export(slug: str):
    """Start making the programme's complete data as a ZIP of CSV files (its coordinators only), on a
    worker; the job's page shows its progress and then the download.

    :raise 404: for a programme the user does not coordinate.
    """
    programme = db.session.scalar(select(Programme).where(Programme.slug == slug))
    if programme is None or not coordinates(current_user, programme):
        abort(404)
    job_id = file_jobs.create("programme_export", current_user, programme_id=programme.id,
                              title=f"Export of {programme.name}")
    return redirect(url_for("files.job", job_id=job_id))


@bp.route("/restore", methods=["GET", "POST"])
@login_required
def restore():
    """The site administrator restores a programme from its export ZIP into this (empty) installation,
    as ``flask import-programme`` does, on a worker; all or nothing. The upload is kept in the job's
    row (every server and worker sees it) until it is restored."""
    if not is_admin(current_user):
        abort(403)
    form = RestoreForm()
    if form.validate_on_submit():
        upload = form.file.data
        job_id = file_jobs.create("programme_restore", current_user, upload=upload.stream.read(),
                                  title=f"Restore from {Path(upload.filename or 'upload.zip').name[:200]}")
        return redirect(url_for("files.job", job_id=job_id))
    return render_template("imports/restore.html", form=form), 422 if form.errors else 200
