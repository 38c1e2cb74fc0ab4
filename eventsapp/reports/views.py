"""Report routes: the page, PDF, CSV (one table or a ZIP), per-event report, and the JSON API.

All of them build one :class:`~eventsapp.reports.aggregate.Report` and hand
it to an output function that returns bytes or a template.
"""

from __future__ import annotations

import hashlib

from flask import Response, abort, current_app, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from eventsapp.api.auth import token_programme_id
from eventsapp.api.schemas import ReportSchema
from eventsapp.errors.handlers import problem
from eventsapp.files import jobs as file_jobs
from eventsapp.files import work as file_work
from eventsapp.permissions import can_manage_event, get_event_or_404
from eventsapp.reports import api_bp, bp
from eventsapp.reports.build import build_report
from eventsapp.reports.charts import region_series, sector_series, svg_bar_chart
from eventsapp.reports.csv import render_csv, render_csv_zip
from eventsapp.reports.forms import ReportFilterForm
from eventsapp.reports.json import report_to_dict
from eventsapp.reports.model import METHODOLOGY, ReportScope
from eventsapp.reports.pdf import render_pdf
from eventsapp.reports.scope import FILTERS, ScopeError, describe_scope, parse_scope
from eventsapp.reports.services import (
    authorise,
    default_scope,
    filter_choices,
    narrow_to_own_events,
    within_programme,
)
from eventsapp.reports.tables import TABLES, all_tables

API_FILTERS = (
    ("programme", "Programme slug"), ("region", "Region code, e.g. TLJ"), ("host", "Host organisation id"),
    ("event", "Event id"), ("from", "First day, YYYY-MM-DD"), ("to", "Last day, YYYY-MM-DD"),
)


def _has_filters() -> bool:
    return any((request.args.get(name) or "").strip() for name in FILTERS)


def _scope_or_default() -> ReportScope:
    """The scope asked for, authorised; without filters, the user's default scope.

    :raise ScopeError: for filters that cannot be read. :raise 404: for one naming a programme,
        host or event that does not exist. :raise 403/404: as :func:`authorise`.
    """
    if not _has_filters():
        scope = default_scope(current_user)
        if scope is None:
            abort(403)
        return scope
    try:
        scope = parse_scope(request.args)
    except ScopeError as error:
        if error.missing:  # as for a scope the user may not see
            abort(404, description=error.errors[min(error.missing, key=FILTERS.index)])
        raise
    narrowed = narrow_to_own_events(current_user, scope)
    g.report_narrowed = narrowed != scope  # the page says so beside the filters
    return authorise(current_user, narrowed)


def _filename(scope: ReportScope, extension: str) -> str:
    args = describe_scope(scope).args
    stem = "-".join(f"{k}-{v}" for k, v in args.items()) or "report"
    return f"report-{stem}.{extension}".replace("/", "-")


def _download(content: bytes, mimetype: str, filename: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/")
@login_required
def index():
    """The report page with filters, charts, tables and downloads.

    :raise 404: for a scope the user may not see; malformed filters come back at the field (400).
    """
    form = ReportFilterForm(request.args if _has_filters() else MultiDict())
    try:
        scope = _scope_or_default()
    except ScopeError as error:
        for name, message in error.errors.items():
            field = form.date_from if name == "from" else form.date_to if name == "to" else form[name]
            field.errors = [message]
        _fill_choices(form, ReportScope())
        return render_template("reports/index.html", form=form, report=None, title="Reports"), 400
    described = describe_scope(scope)
    form = ReportFilterForm(MultiDict(described.args))  # the scope shown, after any narrowing
    _fill_choices(form, scope)
    report = build_report(scope)
    return render_template(
        "reports/index.html",
        form=form,
        report=report,
        title=described.title,
        args=described.args,
        tables=all_tables(report),
        sector_chart=svg_bar_chart(sector_series(report), "Organisations by sector", "organisations"),
        region_chart=svg_bar_chart(region_series(report), "People by region", "people"),
        methodology=METHODOLOGY,
        narrowed=g.get("report_narrowed", False),
    )


def _fill_choices(form: ReportFilterForm, scope: ReportScope) -> None:
    choices = filter_choices(current_user, scope)
    for name, options in choices.items():
        form[name].choices = options


@bp.route("/report.pdf", methods=["GET", "POST"])
@login_required
def pdf():
    """The report as PDF; over ``REPORT_PDF_INLINE_MAX_ATTENDANCES`` attendances, a page whose button
    (POST) has a worker make it. :raise 404: for a scope the user may not see; 400 for malformed filters."""
    scope = _checked_scope()
    described = describe_scope(scope)
    if file_work.report_is_large(scope):
        if request.method == "POST":
            job_id = file_jobs.create("report_pdf", current_user, programme_id=scope.programme_id,
                                      scope=described.args, title=f"{described.title} (PDF)",
                                      filename=_filename(scope, "pdf"))
            return redirect(url_for("files.job", job_id=job_id))
        return render_template("files/report_pdf.html", title=described.title, args=described.args)
    if request.method == "POST":
        return redirect(url_for("reports.pdf", **described.args), 303)
    report = build_report(scope)
    return _download(render_pdf(report, title=described.title), "application/pdf", _filename(scope, "pdf"))


@bp.get("/report.csv")
@login_required
def csv():
    """One table as CSV (``?table=sectors``), or every table as a ZIP of CSV files (no ``table``)."""
    scope = _checked_scope()
    table = request.args.get("table", "").strip()
    if table and table not in TABLES:
        abort(400, description=f"Unknown table; choose one of: {', '.join(TABLES)}.")
    report = build_report(scope)
    if table:
        return _download(render_csv(report, table), "text/csv; charset=utf-8",
                         _filename(scope, f"{table}.csv"))
    return _download(render_csv_zip(report), "application/zip", _filename(scope, "zip"))


def _checked_scope() -> ReportScope:
    try:
        return _scope_or_default()
    except ScopeError as error:
        abort(400, description=str(error))


@bp.get("/events/<int:event_id>")
@login_required
def event_report(event_id: int):
    """The short report of one event (attendance, sectors, themes, answers).

    :raise 404: for another organisation's event; 403 for the host's door volunteers.
    """
    event = get_event_or_404(event_id, permission=can_manage_event)
    scope = ReportScope(event_id=event.id)
    report = build_report(scope)
    return render_template(
        "reports/event.html",
        event=event,
        report=report,
        title=describe_scope(scope).title,
        sector_chart=svg_bar_chart(sector_series(report), "Organisations by sector", "organisations"),
        methodology=METHODOLOGY,
    )


@bp.get("/events/<int:event_id>/report.pdf")
@login_required
def event_pdf(event_id: int):
    """The short report of one event as PDF, for circulating to attendees."""
    event = get_event_or_404(event_id, permission=can_manage_event)
    scope = ReportScope(event_id=event.id)
    content = render_pdf(build_report(scope), title=describe_scope(scope).title, short=True)
    return _download(content, "application/pdf", f"event-{event.id}-report.pdf")


@api_bp.get("/reports")
@api_bp.doc(parameters=[{"name": name, "in": "query", "required": False, "schema": {"type": "string"},
                         "description": description} for name, description in API_FILTERS])
@api_bp.response(200, ReportSchema)
def api_report():
    """The report's figures for a scope (the report page's filters; without any, your default
    scope): the same figures as the page, PDF and CSV. Shape in docs/reports.md.

    :raise 401: without a token or session. :raise 400: for malformed filters (``fields``).
    :raise 404: for a scope the caller may not see.
    """
    if not current_user.is_authenticated:
        abort(401, description="Sign in or send a token to read reports.")
    try:
        token_programme = token_programme_id()
        if token_programme is not None and not _has_filters():  # a programme token: its programme
            scope = authorise(current_user, ReportScope(programme_id=token_programme))
        else:
            scope = _scope_or_default()
    except ScopeError as error:
        response = problem(BadRequest("Some filters could not be read."))
        response.set_data(current_app.json.dumps({**response.get_json(), "fields": error.errors}))
        return response
    scope = within_programme(scope, token_programme_id())
    described = describe_scope(scope)
    payload = report_to_dict(build_report(scope))
    payload["scope"]["title"] = described.title
    payload["links"] = {
        "page": url_for("reports.index", **described.args),
        "pdf": url_for("reports.pdf", **described.args),
        "csv": url_for("reports.csv", **described.args),
    }
    # Keys in the documented order (figures first), not sorted.
    response = current_app.response_class(current_app.json.dumps(payload, sort_keys=False) + "\n",
                                          mimetype="application/json")
    response.headers["Cache-Control"] = "private, no-store"
    # The figures' fingerprint, not the body's: ``generated_at`` changes on every request.
    figures = {key: value for key, value in payload.items() if key != "generated_at"}
    response.set_etag(hashlib.sha256(current_app.json.dumps(figures, sort_keys=True).encode()).hexdigest())
    return response


@bp.app_context_processor
def report_helpers() -> dict:
    return {"event_report_figures": event_report_figures}


def event_report_figures(event):
    """The headline figures of a held event (None before it has taken place)."""
    from eventsapp.models import utcnow
    from eventsapp.reports.aggregate import build_figures

    if not event.held_by(utcnow()):
        return None
    return build_figures(ReportScope(event_id=event.id))
