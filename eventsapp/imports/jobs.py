"""Web imports as jobs: the upload and the job's state are a row (ImportJob); a Celery worker reads it.

A job is checked (preview) and then, once confirmed, written, each by the task
``eventsapp.imports.run_job`` (below) on a worker, which reports
progress into the row; the browser polls ``/imports/<job>/progress``. Because both the
upload and the state live in the database, any app server answers the poll and any worker
can do the work; a worker that dies mid-job leaves it to be redelivered (late
acknowledgement), and a write either commits together with its "done" state or not at all.
Unit tests run the task eagerly, inside the request.

A worker claims a pass for ``IMPORT_JOB_LEASE_SECONDS`` and renews the claim as it reports
progress. If it dies (even by SIGKILL, which a broker cannot always hand back), the claim runs
out and beat's sweep (:func:`sweep`) starts the pass again, up to ``IMPORT_JOB_MAX_ATTEMPTS``
passes, then marks the job failed. A write's transaction dies with its worker, so the database
holds all of an import's rows or none of them.

The views use a job as a dict (:func:`load`), as the templates always have.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import time
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

from celery import shared_task
from flask import current_app
from sqlalchemy import delete, update
from werkzeug.datastructures import FileStorage

from eventsapp import leases
from eventsapp.extensions import db
from eventsapp.imports.services import ImportRefused, commit_import, preview_import
from eventsapp.imports.summary import ImportSummary, ImportTarget
from eventsapp.models import ImportJob, utcnow

#: Fields of a job the views and templates read.
STATE_FIELDS = ("id", "user_id", "file_name", "target", "source_name", "columns", "phase",
                "progress", "rows", "summary", "message")
#: The phases in which a worker owns the job.
RUNNING = ("checking", "importing")
#: How often a running pass writes its progress (seconds).
PROGRESS_INTERVAL = 0.25
#: How long a worker's claim on a pass lasts without news from it (seconds), and how many passes
#: (first run and restarts after a worker died) a job may take.
DEFAULT_LEASE_SECONDS = 300
DEFAULT_MAX_ATTEMPTS = 3
#: A write on SQLite cannot report progress (it holds the only write lock), so it is claimed for longer.
SQLITE_WRITE_LEASE_FACTOR = 6


#: Loose files in the imports folder (programme exports written there by earlier versions, each
#: with every attendee's personal data) are removed by beat's hourly task once this old (seconds).
LEFTOVER_AGE_SECONDS = 3600


def jobs_folder() -> Path:
    """The instance folder's ``imports/``: nothing is kept there any more (see :func:`remove_leftover_files`)."""
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _state(job: ImportJob) -> dict:
    return {name: getattr(job, name) for name in STATE_FIELDS}


def load(job_id: str) -> dict | None:
    """The job as a dict, or None when there is no such job."""
    if not isinstance(job_id, str) or len(job_id) > 64:
        return None
    job = db.session.get(ImportJob, job_id, populate_existing=True)
    return _state(job) if job is not None else None


def save(state: dict) -> None:
    """Write back what a caller changed in a job's dict (and commit)."""
    values = {name: state[name] for name in STATE_FIELDS if name not in ("id", "user_id") and name in state}
    db.session.execute(update(ImportJob).where(ImportJob.id == state["id"]).values(**values))
    db.session.commit()


def create(upload: FileStorage, user_id: int, target: ImportTarget, source_name: str = "",
           job_id: str | None = None) -> dict:
    """Store the uploaded file as a job (the request's size limit bounds it) and queue its check."""
    file_name = Path(upload.filename or "upload").name[:200]
    target.file_label = file_name
    job_id = job_id or secrets.token_urlsafe(18)
    job = ImportJob(
        id=job_id, user_id=user_id, file_name=file_name,
        suffix=".xlsx" if file_name.lower().endswith(".xlsx") else ".csv",
        upload=upload.stream.read(), target=asdict(target), source_name=source_name[:200],
        columns=None, phase="checking", progress=0.0, rows=0, summary=None, message="",
    )
    db.session.add(job)
    db.session.commit()
    # job_id, not job.id: reading the expired object would start a transaction (and, on SQLite, a
    # snapshot) before an eager task writes its result.
    _queue(job_id, write=False)
    return load(job_id)


def start(state: dict, *, write: bool) -> bool:
    """Move a previewed job on to its next pass (writing, or checking again with the columns in
    ``state``) and queue it. Only one request can do so: False when the job was not previewed."""
    phase = "importing" if write else "checking"
    moved = db.session.execute(
        update(ImportJob).where(ImportJob.id == state["id"], ImportJob.phase == "previewed")
        .values(phase=phase, progress=0.0, rows=0, message="", attempts=0, claimed_until=None,
                columns=state.get("columns"), target=state["target"],
                source_name=(state.get("source_name") or "")[:200])
    ).rowcount
    db.session.commit()
    if moved:
        state.update(phase=phase, progress=0.0, rows=0, message="")
        _queue(state["id"], write=write)
    return bool(moved)


def _queue(job_id: str, *, write: bool) -> None:
    try:
        run_job.delay(job_id, write)
    except Exception:  # noqa: BLE001 (the broker is down: say so on the job rather than leave it hanging)
        current_app.logger.exception("could not queue import job %s", job_id)
        _finish(job_id, "failed", None, "The background worker could not be reached, so nothing was "
                "read or written. Try again in a few minutes.", expected=("checking", "importing"))
        db.session.commit()


def retry(job_id: str) -> bool:
    """Check a failed job's file again from the start (the administrator's retry; committed).
    False when the job has not failed."""
    moved = db.session.execute(
        update(ImportJob).where(ImportJob.id == job_id, ImportJob.phase == "failed")
        .values(phase="checking", progress=0.0, rows=0, message="", attempts=0, claimed_until=None, summary=None)
    ).rowcount
    db.session.commit()
    if moved:
        _queue(job_id, write=False)
    return bool(moved)


def wait(job_id: str, timeout: float = 60) -> dict | None:
    """Wait until no worker owns the job any more (tests, and scripts)."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.rollback()
        state = load(job_id)
        if state is None or state["phase"] not in RUNNING or time.monotonic() > deadline:
            return state
        time.sleep(0.1)


class _ProgressWriter:
    """Writes a pass's progress into the job row on a connection of its own, at most every
    ``PROGRESS_INTERVAL``, so the page can show it while the pass's own transaction is open."""

    def __init__(self, job_id: str, *, live: bool, lease: timedelta):
        self.job_id, self.live, self.lease, self.last = job_id, live, lease, 0.0

    def __call__(self, rows: int, fraction: float) -> None:
        now = time.monotonic()
        if not self.live or now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        table = ImportJob.__table__
        with db.engine.begin() as connection:
            connection.execute(
                update(table).where(table.c.id == self.job_id)
                .values(progress=min(max(round(fraction, 4), 0.0), 1.0), rows=rows,
                        claimed_until=utcnow() + self.lease)
            )


def _finish(job_id: str, phase: str, summary: ImportSummary | None, message: str = "", *,
            expected: tuple[str, ...]) -> None:
    """Record the end of a pass in the session's transaction (not committed)."""
    values = {"phase": phase, "message": message, "progress": 1.0, "claimed_until": None}
    if summary is not None:
        values.update(summary=summary.to_dict(), rows=summary.rows)
    db.session.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.phase.in_(expected))
                       .values(**values))


def _lease() -> timedelta:
    return timedelta(seconds=float(current_app.config.get("IMPORT_JOB_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)))


def _claim(job_id: str, phase: str, lease: timedelta) -> bool:
    """Take the pass for this worker, unless another worker holds it; committed."""
    return leases.claim(ImportJob, job_id, ImportJob.phase, phase, lease)


def run(job_id: str, write: bool) -> str:
    """One pass of a job (the Celery task's body): check the file, or write it all or nothing.

    A pass whose job is gone, is not in the expected phase (discarded, or a redelivered task
    whose pass already ended) or is held by another worker does nothing.
    """
    phase = "importing" if write else "checking"
    # While a write holds SQLite's only write lock, no other connection may write progress.
    live = not (write and db.engine.dialect.name == "sqlite")
    lease = _lease() * (1 if live else SQLITE_WRITE_LEASE_FACTOR)
    if not _claim(job_id, phase, lease):
        return "skipped"
    job = db.session.get(ImportJob, job_id)
    target, columns, source_name = ImportTarget(**job.target), job.columns, job.source_name
    progress = _ProgressWriter(job_id, live=live, lease=lease)
    with tempfile.TemporaryDirectory(prefix="import-") as folder:
        path = Path(folder) / f"upload{job.suffix}"
        path.write_bytes(job.upload)
        db.session.rollback()
        try:
            if write:
                commit_import(path, target, source_name=source_name, columns=columns, progress=progress,
                              before_commit=lambda summary: _finish(job_id, "done", summary, expected=(phase,)))
                return "done"
            summary = preview_import(path, target, source_name=source_name, columns=columns,
                                     progress=progress)
            db.session.rollback()
            _finish(job_id, "previewed", summary, expected=(phase,))
        except ImportRefused as refused:
            db.session.rollback()
            _finish(job_id, "previewed", refused.summary, f"Nothing was imported: {refused}", expected=(phase,))
        except Exception:  # noqa: BLE001 (a job must always end in a state the user sees)
            current_app.logger.exception("import job %s failed", job_id)
            db.session.rollback()
            _finish(job_id, "failed", None, "The import stopped unexpectedly; nothing was written.",
                    expected=(phase,))
        db.session.commit()
        return "previewed"


def sweep() -> dict[str, int]:
    """Start again the passes whose worker died (claim run out) or whose task never reached a worker
    (never claimed, older than a lease); past ``IMPORT_JOB_MAX_ATTEMPTS`` passes, mark them failed."""
    max_attempts = int(current_app.config.get("IMPORT_JOB_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))
    stale = leases.stale(ImportJob, ImportJob.phase, RUNNING, _lease())
    counts = {"restarted": 0, "failed": 0}
    for job_id, phase, attempts in stale:
        if attempts >= max_attempts:
            _finish(job_id, "failed", None, "The worker reading this file stopped before it finished, "
                    f"{attempts} times; nothing was written. Upload the file again, or ask an "
                    "administrator to look at the worker's log.", expected=(phase,))
            db.session.commit()
            counts["failed"] += 1
        else:
            leases.release(ImportJob, job_id, ImportJob.phase, phase)
            _queue(job_id, write=phase == "importing")
            counts["restarted"] += 1
    return counts


def summary_of(state: dict) -> ImportSummary | None:
    return ImportSummary.from_dict(state["summary"]) if state.get("summary") else None


def discard(job_id: str) -> None:
    """Remove a job and its upload (committed)."""
    db.session.execute(delete(ImportJob).where(ImportJob.id == job_id))
    db.session.commit()


def remove_old_jobs() -> int:
    """Remove jobs (and their uploads, personal data) older than ``IMPORT_JOB_MAX_AGE_HOURS``."""
    cutoff = utcnow() - timedelta(hours=float(current_app.config["IMPORT_JOB_MAX_AGE_HOURS"]))
    removed = db.session.execute(delete(ImportJob).where(ImportJob.updated_at < cutoff)).rowcount
    db.session.commit()
    return removed


def remove_leftover_files(now: float | None = None) -> int:
    """Remove files older than an hour from the imports folder (old exports, old job folders)."""
    now = time.time() if now is None else now
    removed = 0
    for entry in jobs_folder().iterdir():
        try:
            if entry.stat().st_mtime >= now - LEFTOVER_AGE_SECONDS:
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed += 1
        except OSError:
            continue  # another worker got there first
    return removed


# --- Celery tasks (beat runs the last two: eventsapp.tasks.BEAT_SCHEDULE) ---------------------


@shared_task(name="eventsapp.imports.run_job", ignore_result=True)
def run_job(job_id: str, write: bool) -> str:
    """Check a job's file, or write it (:func:`run`)."""
    return run(job_id, write)


@shared_task(name="eventsapp.imports.sweep", ignore_result=True)
def sweep_task() -> dict[str, int]:
    """Restart import passes whose worker died, or mark them failed (:func:`sweep`)."""
    return sweep()


@shared_task(name="eventsapp.imports.remove_old_jobs", ignore_result=True)
def remove_old_jobs_task() -> int:
    """Remove web import jobs older than ``IMPORT_JOB_MAX_AGE_HOURS`` with their uploads, and any
    file left in the imports folder (:func:`remove_leftover_files`)."""
    return remove_old_jobs() + remove_leftover_files()
