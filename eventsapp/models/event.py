"""Programmes and the events held in them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, and_
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsapp.extensions import db
from eventsapp.models.base import utcnow
from eventsapp.models.organisation import Organisation
from eventsapp.models.reference import Region
from eventsapp.models.user import User

EVENT_STATUSES = ("draft", "published", "cancelled")


def free_places(capacity: int | None, confirmed: int) -> int | None:
    """The capacity rule: places left with ``confirmed`` people confirmed, or None for no limit.

    Registering, promoting from the waitlist (eventsapp.registration.services.places_left) and every
    page that shows places left (the event page, the cards of the public list) count with this.
    """
    return None if capacity is None else max(capacity - confirmed, 0)


class Programme(db.Model):
    """A programme of events run by a coordinating organisation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: The programme's addition to the site privacy notice (Markdown, sanitised when shown).
    privacy_notice: Mapped[str] = mapped_column(Text, default="", server_default="")
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    coordinator_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    coordinator_organisation: Mapped[Organisation | None] = relationship()
    events: Mapped[list[Event]] = relationship(back_populates="programme", foreign_keys="Event.programme_id")

    def __repr__(self) -> str:
        return f"<Programme {self.slug}>"


event_cohost = Table(
    "event_cohost",
    db.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="RESTRICT"), primary_key=True),
)


class Event(db.Model):
    """One convening event: where, when, who hosts it and how many may come."""

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        CheckConstraint(f"status IN {EVENT_STATUSES!r}", name="status_known"),
        CheckConstraint("confirmed_count >= 0 AND waitlisted_count >= 0 AND cancelled_count >= 0",
                        name="registration_counts_not_negative"),
        Index("ix_event_status_starts_at", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme.id", ondelete="RESTRICT"), index=True
    )
    #: A programme the host asked to join; it joins (``programme_id``) when that programme's
    #: coordinator accepts. Until then the coordinator gets nothing of the event.
    proposed_programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme.id", ondelete="SET NULL"), index=True
    )
    #: Who proposed it (told of the answer); account data like CohostRequest.requested_by_id.
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    host_organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    #: Themes or discussion questions, one per line.
    themes: Mapped[str] = mapped_column(Text, default="")
    town: Mapped[str] = mapped_column(String(100), default="")
    venue: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    online_url: Mapped[str | None] = mapped_column(String(500))
    accessibility: Mapped[str] = mapped_column(Text, default="")
    #: Start and end in UTC (naive); entered and shown in APP_TIMEZONE.
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    #: None means unlimited.
    capacity: Mapped[int | None]
    registration_opens_at: Mapped[datetime | None]
    registration_closes_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="draft")
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None]
    #: iCalendar SEQUENCE: raised whenever the date, time or place change.
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    #: Registrations of this event by status, kept by the database itself: triggers on the
    #: registration table (eventsapp.models.counters) change them in the statement, and so the
    #: transaction, that inserts, updates or deletes a registration. Never written by the app;
    #: ``flask counters check`` (and a periodic task) proves they equal COUNT(*).
    confirmed_count: Mapped[int] = mapped_column(default=0, server_default="0")
    waitlisted_count: Mapped[int] = mapped_column(default=0, server_default="0")
    cancelled_count: Mapped[int] = mapped_column(default=0, server_default="0")

    programme: Mapped[Programme | None] = relationship(back_populates="events", foreign_keys=[programme_id])
    proposed_programme: Mapped[Programme | None] = relationship(foreign_keys=[proposed_programme_id])
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    host: Mapped[Organisation] = relationship(foreign_keys=[host_organisation_id])
    region: Mapped[Region] = relationship()
    cohosts: Mapped[list[Organisation]] = relationship(secondary=event_cohost)

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"

    def timing(self, now: datetime | None = None) -> str:
        """Where the event stands in real time, whatever its status: "upcoming" (not started),
        "happening" (started, not ended) or "past" (ended). The organiser's pages word their
        panels by it; :meth:`held_by` (published and started) is the counting rule."""
        now = now or utcnow()
        if now < self.starts_at:
            return "upcoming"
        return "happening" if now < self.ends_at else "past"

    @hybrid_method
    def held_by(self, now: datetime) -> bool:
        """The counting rule for "events held" (docs/reports.md): published, and started before ``now``.

        One definition for Python (the event's pages) and SQL (every report's scope).
        """
        return self.status == "published" and self.starts_at < now

    @held_by.expression
    def held_by(cls, now: datetime):  # noqa: N805 (the class, for the SQL form)
        return and_(cls.status == "published", cls.starts_at < now)

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r}>"


class CohostRequest(db.Model):
    """An event's host asks an organisation to co-host; it is a co-host once that organisation accepts."""

    __table_args__ = (UniqueConstraint("event_id", "organisation_id", name="uq_cohost_request_event_organisation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship()
    organisation: Mapped[Organisation] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
