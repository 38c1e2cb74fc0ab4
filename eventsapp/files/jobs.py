"""Files prepared in the background as jobs: a row (FileJob) holds the request, the state, the
upload and the result; a Celery worker does the work (eventsapp.files.work).

The same rules as web imports (eventsapp.imports.jobs), through the same leases
(eventsapp.leases): a worker claims the job for ``FILE_JOB_LEASE_SECONDS`` and renews the claim
as it reports progress; if it dies (even by SIGKILL), the claim runs out and beat's sweep starts
the job again, up to ``FILE_JOB_MAX_ATTEMPTS`` passes, then marks it failed. A restore's rows
are written in one transaction together with the job's "done", so the database holds all of a
restore or none of it. The browser polls ``/files/<job>/progress``; any app server answers, and
any one of them serves the download, from the row. Results (personal data) are removed
``FILE_JOB_KEEP_HOURS`` after the job ended, by beat and by retention; erasure removes them all.
Unit tests run the task eagerly, inside the request.
"""

from __future__ import annotations

import secrets
import time
from datetime import timedelta

from celery import shared_task
from flask import current_app
from sqlalchemy import delete, func, select, update

from eventsapp import leases
from eventsapp.extensions import db
from eventsapp.files.work import WORK, JobRefused, report_scope
from eventsapp.models import FileJob, Programme, User, utcnow
from eventsapp.permissions import coordinates, is_admin
from eventsapp.reports.scope import ScopeError
from eventsapp.reports.services import may_view

#: The states in which a worker owns (or should soon own) the job.
UNFINISHED = ("pending", "running")
DEFAULT_LEASE_SECONDS = 300
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_KEEP_HOURS = 24
#: A restore on SQLite holds the only write lock and cannot report progress: it is claimed for longer.
SQLITE_WRITE_LEASE_FACTOR = 6
PROGRESS_INTERVAL = 0.25

#: What each kind is called on the pages and in the access log.
KIND_LABELS = {
    "programme_export": "programme export ZIP",
    "report_pdf": "report PDF",
    "programme_restore": "programme restore",
}


def _config(name: str, default: float) -> float:
    return float(current_app.config.get(name, default))


def _lease() -> timedelta:
    return timedelta(seconds=_config("FILE_JOB_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))


def _keep() -> timedelta:
    return timedelta(hours=_config("FILE_JOB_KEEP_HOURS", DEFAULT_KEEP_HOURS))


def create(kind: str, user: User, *, programme_id: int | None = None, scope: dict | None = None,
           title: str = "", filename: str = "", upload: bytes | None = None, job_id: str | None = None) -> str:
    """Record the job (committed: a worker must find it) and queue it; returns its id."""
    job_id = job_id or secrets.token_urlsafe(18)
    db.session.add(FileJob(
        id=job_id, kind=kind, user_id=user.id, programme_id=programme_id, scope=scope, title=title[:300],
        filename=filename[:200], upload=upload, status="pending", progress=0.0, message="",
        expires_at=utcnow() + _keep()))
    db.session.commit()
    _queue(job_id)
    return job_id


def _queue(job_id: str) -> None:
    try:
        run_file_job.delay(job_id)
    except Exception:  # noqa: BLE001 (the broker is down: say so on the job rather than leave it hanging)
        current_app.logger.exception("could not queue file job %s", job_id)
        db.session.rollback()
        _finish(job_id, "failed", message="The background worker could not be reached, so nothing was "
                "done. Try again in a few minutes.")
        db.session.commit()


def get(job_id: str) -> FileJob | None:
    """The job, read afresh (a worker may have changed it), or None."""
    if not isinstance(job_id, str) or len(job_id) > 64:
        return None
    return db.session.get(FileJob, job_id, populate_existing=True)


def may_see(user: User, job: FileJob) -> bool:
    """Who may see a job and download its result, checked again on every request: a programme's
    export, whoever may export that programme (its coordinators); a report's PDF, whoever asked
    for it while they may still see its scope; a restore, the administrator who uploaded it."""
    if job.kind == "programme_export":
        return coordinates(user, db.session.get(Programme, job.programme_id) if job.programme_id else None)
    if job.user_id != user.id:
        return False
    if job.kind == "programme_restore":
        return is_admin(user)
    try:
        return may_view(user, report_scope(job))
    except ScopeError:  # a programme, region, host or event of the scope is gone
        return False


def retry(job_id: str) -> bool:
    """Start a failed job again from the start (committed). False when it has not failed."""
    moved = db.session.execute(
        update(FileJob).where(FileJob.id == job_id, FileJob.status == "failed")
        .values(status="pending", progress=0.0, message="", attempts=0, claimed_until=None, finished_at=None,
                expires_at=utcnow() + _keep())
    ).rowcount
    db.session.commit()
    if moved:
        _queue(job_id)
    return bool(moved)


def wait(job_id: str, timeout: float = 60) -> FileJob | None:
    """Wait until the job has ended (tests, and scripts)."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        job = get(job_id)
        if job is None or job.status not in UNFINISHED or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


class _ProgressWriter:
    """Writes the job's progress on a connection of its own (at most every ``PROGRESS_INTERVAL``),
    renewing the worker's claim, so the page shows it while the job's own transaction is open."""

    def __init__(self, job_id: str, *, live: bool, lease: timedelta):
        self.job_id, self.live, self.lease, self.last = job_id, live, lease, 0.0

    def __call__(self, fraction: float) -> None:
        now = time.monotonic()
        if not self.live or now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        table = FileJob.__table__
        with db.engine.begin() as connection:
            connection.execute(update(table).where(table.c.id == self.job_id, table.c.status == "running")
                               .values(progress=min(max(round(fraction, 4), 0.0), 1.0),
                                       claimed_until=utcnow() + self.lease))


def _finish(job_id: str, status: str, *, message: str = "", **values) -> None:
    """Record the end of the job in the session's transaction (not committed)."""
    now = utcnow()
    db.session.execute(
        update(FileJob).where(FileJob.id == job_id, FileJob.status.in_(UNFINISHED))
        .values(status=status, message=message, progress=1.0, claimed_until=None, finished_at=now,
                expires_at=now + _keep(), **values))


def run(job_id: str) -> str:
    """Do the job (the Celery task's body). A job that is gone, has ended, or is held by another
    worker is left alone ("skipped")."""
    job = db.session.get(FileJob, job_id)
    if job is None:
        return "skipped"
    kind = job.kind
    db.session.rollback()
    live = not (kind == "programme_restore" and db.engine.dialect.name == "sqlite")
    lease = _lease() * (1 if live else SQLITE_WRITE_LEASE_FACTOR)
    if not leases.claim(FileJob, job_id, FileJob.status, UNFINISHED, lease, status="running", progress=0.0):
        return "skipped"
    job = db.session.get(FileJob, job_id)
    try:
        outcome = WORK[kind](job, _ProgressWriter(job_id, live=live, lease=lease))
        values = {"programme_id": outcome.programme_id} if outcome.programme_id is not None else {}
        if kind == "programme_restore":
            values["upload"] = None  # restored: the rows are the data now (committed with them)
        else:
            # Only read: end the reading transaction (on SQLite, a snapshot older than the progress
            # written meanwhile could not write).
            db.session.rollback()
            values.update(result=outcome.result, filename=outcome.filename, mimetype=outcome.mimetype)
        _finish(job_id, "done", message=outcome.message, **values)
        db.session.commit()
        return "done"
    except JobRefused as refused:
        db.session.rollback()
        _finish(job_id, "failed", message=str(refused))
    except Exception:  # noqa: BLE001 (a job must always end in a state its page shows)
        current_app.logger.exception("file job %s failed", job_id)
        db.session.rollback()
        _finish(job_id, "failed", message="The work stopped unexpectedly; nothing was kept"
                + (" or written" if kind == "programme_restore" else "") + ". Try again, or ask an "
                "administrator to look at the worker's log.")
    db.session.commit()
    return "failed"


def sweep() -> dict[str, int]:
    """Start again the jobs whose worker died (claim run out) or whose task never reached a worker
    (never claimed, older than a lease); past ``FILE_JOB_MAX_ATTEMPTS`` passes, mark them failed."""
    max_attempts = int(_config("FILE_JOB_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))
    counts = {"restarted": 0, "failed": 0}
    for job_id, status, attempts in leases.stale(FileJob, FileJob.status, UNFINISHED, _lease()):
        if attempts >= max_attempts:
            _finish(job_id, "failed", message=f"The worker stopped before it finished, {attempts} times; "
                    "nothing was kept or written. Try again, or ask an administrator to look at the "
                    "worker's log.")
            db.session.commit()
            counts["failed"] += 1
        elif leases.release(FileJob, job_id, FileJob.status, status, status="pending"):
            _queue(job_id)
            counts["restarted"] += 1
    return counts


def expired_count(now) -> int:
    return db.session.scalar(select(func.count()).select_from(FileJob).where(FileJob.expires_at < now)) or 0


def remove_expired(now) -> int:
    """Remove jobs past ``expires_at`` with their uploads and results (not committed)."""
    return db.session.execute(delete(FileJob).where(FileJob.expires_at < now)).rowcount


# --- Celery tasks (beat runs the last two: eventsapp.tasks.BEAT_SCHEDULE) ---------------------


@shared_task(name="eventsapp.files.run_job", ignore_result=True)
def run_file_job(job_id: str) -> str:
    """Make a job's file, or restore its upload (:func:`run`)."""
    return run(job_id)


@shared_task(name="eventsapp.files.sweep", ignore_result=True)
def sweep_task() -> dict[str, int]:
    """Restart file jobs whose worker died, or mark them failed (:func:`sweep`)."""
    return sweep()


@shared_task(name="eventsapp.files.remove_expired", ignore_result=True)
def remove_expired_task() -> int:
    """Remove file jobs past their expiry with their uploads and results."""
    removed = remove_expired(utcnow())
    db.session.commit()
    return removed
