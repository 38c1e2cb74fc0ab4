"""GET /operator/ — mail waiting or failed in the outbox, and import and file jobs running or failed, for the
site administrator (everyone else: 403), with retry buttons:

POST /operator/outbox/<id>/retry    a failed message back in the queue (delivered by a worker)
POST /operator/outbox/send          queue every message that is due now
POST /operator/imports/<job>/retry  a failed import job checked again from the start
POST /operator/files/<job>/retry    a failed file job (export, report PDF, restore) started again

The page holds addresses and file names (personal data): it is never cached.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from eventsapp import outbox
from eventsapp.extensions import db
from eventsapp.files import jobs as file_jobs
from eventsapp.forms import BaseForm
from eventsapp.imports import jobs
from eventsapp.models import FileJob, ImportJob, OutboxMessage, User
from eventsapp.operator import bp
from eventsapp.permissions import is_admin
from eventsapp.urls import page_number

PER_PAGE = 50


class ActionForm(BaseForm):
    """A button that changes something (CSRF only)."""


@bp.before_request
@login_required
def require_administrator():
    if not is_admin(current_user):
        abort(403)


@bp.after_request
def never_cached(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
def index():
    messages = db.paginate(
        select(OutboxMessage).where(OutboxMessage.state.in_(("failed", "pending", "sending")))
        .order_by(OutboxMessage.state, OutboxMessage.created_at.desc(), OutboxMessage.id.desc()),
        page=page_number(request.args.get("page")), per_page=PER_PAGE, error_out=False,
    )
    import_jobs = db.session.execute(
        select(ImportJob.id, ImportJob.file_name, ImportJob.phase, ImportJob.attempts, ImportJob.message,
               ImportJob.updated_at, User.email)
        .join(User, User.id == ImportJob.user_id)
        .where(ImportJob.phase.in_(("checking", "importing", "failed")))
        .order_by(ImportJob.updated_at.desc()).limit(PER_PAGE)
    ).all()
    file_job_rows = db.session.execute(
        select(FileJob.id, FileJob.kind, FileJob.title, FileJob.status, FileJob.attempts, FileJob.message,
               FileJob.updated_at, User.email)
        .join(User, User.id == FileJob.user_id)
        .where(FileJob.status.in_(("pending", "running", "failed")))
        .order_by(FileJob.updated_at.desc()).limit(PER_PAGE)
    ).all()
    return render_template("operator/index.html", counts=outbox.status_counts(), messages=messages,
                           import_jobs=import_jobs, file_jobs=file_job_rows, kinds=file_jobs.KIND_LABELS,
                           form=ActionForm())


@bp.post("/outbox/<int:message_id>/retry")
def retry_message(message_id: int):
    if db.session.get(OutboxMessage, message_id) is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    if outbox.retry(message_id):
        db.session.commit()
        outbox.dispatch([message_id])
        flash("The message is back in the queue; a worker sends it now.", "success")
    else:
        flash("Only a failed message can be tried again.", "warning")
    return redirect(url_for("operator.index"))


@bp.post("/outbox/send")
def send_due():
    if not ActionForm().validate_on_submit():
        abort(400)
    due = outbox.due_ids(ignore_backoff=True)
    outbox.dispatch(due)
    flash(f"{len(due)} {'message' if len(due) == 1 else 'messages'} queued for the workers.", "success")
    return redirect(url_for("operator.index"))


@bp.post("/imports/<job_id>/retry")
def retry_import(job_id: str):
    if jobs.load(job_id) is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    if jobs.retry(job_id):
        flash("The import is being checked again; its owner confirms it as before.", "success")
    else:
        flash("Only a failed import can be tried again.", "warning")
    return redirect(url_for("operator.index"))


@bp.post("/files/<job_id>/retry")
def retry_file_job(job_id: str):
    if file_jobs.get(job_id) is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    if file_jobs.retry(job_id):
        flash("The job is started again; a worker does it now.", "success")
    else:
        flash("Only a failed job can be tried again.", "warning")
    return redirect(url_for("operator.index"))
