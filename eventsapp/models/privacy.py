"""Data protection records: equality answers unlinked per event, the access log, erasures."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsapp.extensions import db
from eventsapp.models.base import utcnow
from eventsapp.models.user import User


class EqualityUnlinking(db.Model):
    """An event whose attendance is final: its equality answers are unlinked and no more are taken."""

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    unlinked_on: Mapped[date]


class AccessLogEntry(db.Model):
    """Someone signed in viewed or downloaded personal data: who, when, what (never the data itself)."""

    __table_args__ = (Index("ix_access_log_entry_programme_at", "programme_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    #: "view" or "download".
    action: Mapped[str] = mapped_column(String(16))
    #: What was seen, in words that hold no personal data ("registrations CSV").
    what: Mapped[str] = mapped_column(String(200))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"), index=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id", ondelete="SET NULL"))
    #: The person whose page was seen (an opaque id), if one.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    user: Mapped[User | None] = relationship()


class ErasureRecord(db.Model):
    """That an erasure or retention anonymisation happened: when, by whom, how much — nothing personal."""

    __table_args__ = (CheckConstraint("kind IN ('erasure', 'retention')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))
    #: The account that asked (None: the command line or the scheduled task).
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: The opaque id of the person whose data went, if they had registrations.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    #: Counts of what was removed or replaced (eventsapp.privacy.people.Erased).
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
