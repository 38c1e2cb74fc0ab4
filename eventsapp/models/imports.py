"""What imports remember: sector synonyms, column mappings per source, and web import jobs."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsapp.extensions import db
from eventsapp.models.base import utcnow
from eventsapp.models.reference import Sector


class SectorSynonym(db.Model):
    """A word or phrase people write for a sector ("Constabulary" -> police)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    phrase: Mapped[str] = mapped_column(String(120))
    #: The phrase case-folded with punctuation and spacing collapsed.
    phrase_key: Mapped[str] = mapped_column(String(120), unique=True)
    sector_id: Mapped[int] = mapped_column(ForeignKey("sector.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sector: Mapped[Sector] = relationship()

    def __repr__(self) -> str:
        return f"<SectorSynonym {self.phrase!r}>"


class ImportMapping(db.Model):
    """Which field each column of a source's files holds, remembered for the next file."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "source:<name>" when the user named the source, else "headers:<sha1 of the headers>".
    signature: Mapped[str] = mapped_column(String(250), unique=True)
    source_name: Mapped[str] = mapped_column(String(200), default="")
    #: JSON object: normalised header -> field name ("" ignores the column).
    columns: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def column_map(self) -> dict[str, str]:
        try:
            value = json.loads(self.columns or "{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def __repr__(self) -> str:
        return f"<ImportMapping {self.signature}>"


IMPORT_PHASES = ("checking", "previewed", "importing", "done", "failed")


class ImportJob(db.Model):
    """A file uploaded on the web, checked and then imported by a Celery worker (eventsapp.imports.jobs).

    The upload and the job's state are rows, so every app server and every worker sees the
    same job; the upload holds personal data and is removed with the job (after
    ``IMPORT_JOB_MAX_AGE_HOURS``, or when the user discards it).
    """

    __tablename__ = "import_job"
    __table_args__ = (
        CheckConstraint(f"phase IN {IMPORT_PHASES!r}", name="phase_known"),
        CheckConstraint("progress >= 0 AND progress <= 1", name="progress_fraction"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    #: A random token (it appears in the job's URLs).
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    #: ".csv" or ".xlsx": how the upload is read.
    suffix: Mapped[str] = mapped_column(String(8))
    upload: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    #: eventsapp.imports.summary.ImportTarget as a dict.
    target: Mapped[dict] = mapped_column(JSON)
    source_name: Mapped[str] = mapped_column(String(200), default="")
    #: The columns the user mapped (header -> field), or None for the remembered/guessed ones.
    columns: Mapped[dict | None] = mapped_column(JSON)
    phase: Mapped[str] = mapped_column(String(16), default="checking")
    progress: Mapped[float] = mapped_column(default=0.0)
    rows: Mapped[int] = mapped_column(default=0)
    #: eventsapp.imports.summary.ImportSummary as a dict, once a pass has ended.
    summary: Mapped[dict | None] = mapped_column(JSON)
    message: Mapped[str] = mapped_column(Text, default="")
    #: Passes started (a pass whose worker died is started again, up to IMPORT_JOB_MAX_ATTEMPTS).
    attempts: Mapped[int] = mapped_column(default=0)
    #: While a worker runs a pass: until when it holds the job (renewed as it reports progress).
    claimed_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<ImportJob {self.id[:8]} {self.phase}>"
