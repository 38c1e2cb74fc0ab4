"""What each kind of file job does on the worker: a programme's export ZIP, a report's PDF, a restore.

Each function reads the job's row and returns an :class:`Outcome` without committing; the
caller (eventsapp.files.jobs.run) records it in the same transaction, so a restore and its
"done" are committed together or not at all. ``flask export-programme`` and
``flask import-programme`` call the same export and restore functions synchronously.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from eventsapp.extensions import db
from eventsapp.imports.export import export_programme
from eventsapp.imports.restore import RestoreRefused, restore_programme
from eventsapp.models import FileJob, Programme, User
from eventsapp.permissions import is_admin
from eventsapp.reports.aggregate import ReportScope, build_figures
from eventsapp.reports.build import build_report
from eventsapp.reports.pdf import render_pdf
from eventsapp.reports.scope import ScopeError, describe_scope, parse_scope

#: Reports over more attendances than this are made into PDF by a worker, not in the request.
DEFAULT_INLINE_MAX_ATTENDANCES = 2000

Progress = Callable[[float], None]


class JobRefused(Exception):
    """The job cannot be done as asked (e.g. a restore the database refuses); the message is for people."""


@dataclass
class Outcome:
    result: bytes | None = None
    filename: str = ""
    mimetype: str = ""
    #: For people: what a restore did.
    message: str = ""
    programme_id: int | None = None


def report_is_large(scope: ReportScope) -> bool:
    """True when the report's PDF is made by a worker (more than
    ``REPORT_PDF_INLINE_MAX_ATTENDANCES`` attendances in scope); one event's report never is."""
    if scope.event_id is not None:
        return False
    limit = int(current_app.config.get("REPORT_PDF_INLINE_MAX_ATTENDANCES", DEFAULT_INLINE_MAX_ATTENDANCES))
    return build_figures(scope).attendances > limit


def report_scope(job: FileJob) -> ReportScope:
    """The scope a report job was asked for (read as the report page reads it).

    :raise ScopeError: when a programme, region, host or event of it is gone.
    """
    return parse_scope(job.scope or {})


class _Heartbeat:
    """A binary file that reports progress (and so renews the worker's claim) as it is written."""

    INTERVAL = 1.0

    def __init__(self, file, progress: Progress):
        self.file, self.progress, self.last, self.written = file, progress, 0.0, 0

    def write(self, data) -> int:
        self.written += len(data)
        now = time.monotonic()
        if now - self.last >= self.INTERVAL:
            self.last = now
            self.progress(min(0.9, 0.05 + self.written / 50_000_000))
        return self.file.write(data)

    def __getattr__(self, name):
        return getattr(self.file, name)


def programme_export(job: FileJob, progress: Progress) -> Outcome:
    programme = db.session.get(Programme, job.programme_id)
    if programme is None:
        raise JobRefused("The programme no longer exists.")
    with tempfile.TemporaryFile() as archive:
        # The hosts' webhook endpoints are their organisers' (a coordinator may not see them): the
        # administrator's export carries them, a coordinator's only the programme's own.
        asker = db.session.get(User, job.user_id)
        export_programme(programme, _Heartbeat(archive, progress),
                         with_host_webhooks=asker is not None and is_admin(asker))
        archive.seek(0)
        content = archive.read()
    return Outcome(content, f"{programme.slug}-export.zip", "application/zip", programme_id=programme.id)


def report_pdf(job: FileJob, progress: Progress) -> Outcome:
    try:
        scope = report_scope(job)
    except ScopeError:
        raise JobRefused("The report's programme, region, host or event no longer exists.") from None
    report = build_report(scope)
    progress(0.5)
    content = render_pdf(report, title=describe_scope(scope).title)
    return Outcome(content, job.filename or "report.pdf", "application/pdf", programme_id=scope.programme_id)


def programme_restore(job: FileJob, progress: Progress) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="restore-") as folder:
        path = Path(folder) / "upload.zip"
        path.write_bytes(job.upload or b"")
        try:
            summary = restore_programme(path)
        except RestoreRefused as refused:
            raise JobRefused(f"Nothing was restored: {refused}") from None
    absent = f" Not in the export: {', '.join(summary.absent)}." if summary.absent else ""
    absent += "".join(f" {note}" for note in summary.notes)
    message = (f"Restored the programme “{summary.slug}”: "
               + ", ".join(f"{n:,} {label}" for label, n in summary.counts.items()) + "." + absent)
    programme_id = db.session.scalar(db.select(Programme.id).where(Programme.slug == summary.slug))
    return Outcome(message=message, programme_id=programme_id)


#: kind -> what the worker does.
WORK: dict[str, Callable[[FileJob, Progress], Outcome]] = {
    "programme_export": programme_export,
    "report_pdf": report_pdf,
    "programme_restore": programme_restore,
}
