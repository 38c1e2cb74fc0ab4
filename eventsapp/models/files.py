"""Files prepared in the background: programme exports, large report PDFs, programme restores."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eventsapp.extensions import db
from eventsapp.models.base import utcnow

FILE_JOB_KINDS = ("programme_export", "report_pdf", "programme_restore")
FILE_JOB_STATUSES = ("pending", "running", "done", "failed")


class FileJob(db.Model):
    """One file made (or, for a restore, read) by a Celery worker (eventsapp.files.jobs).

    The upload, the state and the result are all in the row, so every app server shows the
    same progress and serves the same download. Results hold personal data: they are removed at
    ``expires_at`` (``FILE_JOB_KEEP_HOURS`` after the job ended) and by every erasure.
    """

    __tablename__ = "file_job"
    __table_args__ = (
        CheckConstraint(f"kind IN {FILE_JOB_KINDS!r}", name="kind_known"),
        CheckConstraint(f"status IN {FILE_JOB_STATUSES!r}", name="status_known"),
        CheckConstraint("progress >= 0 AND progress <= 1", name="progress_fraction"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint("status != 'done' OR kind = 'programme_restore' OR result IS NOT NULL",
                        name="done_has_result"),
    )

    #: A random token (it appears in the job's URLs).
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    #: Who asked for it; the job page and the download are theirs (and, for an export, the
    #: programme's other coordinators').
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    #: The programme exported or restored (None until a restore has created it), or the report's.
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    #: A report's scope as query arguments (eventsapp.reports.scope.describe_scope's ``args``).
    scope: Mapped[dict | None] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    progress: Mapped[float] = mapped_column(default=0.0)
    #: Passes started (a pass whose worker died is started again, up to FILE_JOB_MAX_ATTEMPTS).
    attempts: Mapped[int] = mapped_column(default=0)
    #: While a worker runs the job: until when it holds it.
    claimed_until: Mapped[datetime | None]
    #: The last error, or a restore's summary, for people.
    message: Mapped[str] = mapped_column(Text, default="")
    #: A restore's uploaded ZIP (removed once restored).
    upload: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    result: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    mimetype: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None]
    #: When the row, its upload and its result are removed (beat, and retention).
    expires_at: Mapped[datetime] = mapped_column(index=True)

    def __repr__(self) -> str:
        return f"<FileJob {self.id[:8]} {self.kind} {self.status}>"
