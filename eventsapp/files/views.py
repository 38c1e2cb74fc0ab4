"""A file prepared in the background: its page, its progress, its download, trying it again.

GET  /files/<job>            progress (polled by progress.js; a reload link without JavaScript), then
                             the download link, the restore's outcome or the error
GET  /files/<job>/progress   how far it is, as JSON
GET  /files/<job>/download   the file, from the database (recorded in the personal-data access log)
POST /files/<job>/retry      a failed job started again

Jobs are started where their files were always asked for: ``POST /imports/programmes/<slug>/export``,
``POST /imports/restore`` and ``POST /reports/report.pdf``. Who may see a job is checked again on
every request (:func:`eventsapp.files.jobs.may_see`); anybody else gets a 404.
"""

from __future__ import annotations

from flask import Response, abort, flash, g, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required

from eventsapp.files import bp, jobs
from eventsapp.models import FileJob


def _job_or_404(job_id: str) -> FileJob:
    job = jobs.get(job_id)
    if job is None or not jobs.may_see(current_user, job):
        abort(404)
    return job


@bp.get("/<job_id>")
@login_required
def job(job_id: str):
    """The job's progress, then its outcome."""
    job = _job_or_404(job_id)
    return render_template("files/job.html", job=job, label=jobs.KIND_LABELS[job.kind])


@bp.get("/<job_id>/progress")
@login_required
def progress(job_id: str):
    """How far the job is, as JSON, for progress.js."""
    job = _job_or_404(job_id)
    return jsonify(status=job.status, progress=job.progress)


@bp.get("/<job_id>/download")
@login_required
def download(job_id: str):
    """The finished file. :raise 404: before it is ready, after it expired, or for anyone who may not see it."""
    job = _job_or_404(job_id)
    if job.status != "done" or job.result is None:
        abort(404)
    g.access_log_subject = (jobs.KIND_LABELS[job.kind], job.programme_id)
    response = Response(job.result, mimetype=job.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<job_id>/retry")
@login_required
def retry(job_id: str):
    _job_or_404(job_id)
    if jobs.retry(job_id):
        flash("Started again.", "success")
    else:
        flash("Only a job that failed can be tried again.", "warning")
    return redirect(url_for("files.job", job_id=job_id))
