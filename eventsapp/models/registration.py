"""People, their registrations for events, and attendance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsapp.extensions import db
from eventsapp.models.base import utcnow
from eventsapp.models.counters import install as install_counter_triggers
from eventsapp.models.event import Event
from eventsapp.models.organisation import Organisation

REGISTRATION_STATUSES = ("confirmed", "waitlisted", "cancelled")
REGISTRATION_SOURCES = ("web", "manual", "api", "walk_in", "import", "demo")
ATTENDANCE_METHODS = ("desk", "qr", "walk_in", "sheet", "import")


def same_name(first: str, second: str) -> bool:
    """Whether two spellings of a name are the same name (case and spacing ignored)."""
    return " ".join(first.casefold().split()) == " ".join(second.casefold().split())


def normalise_email(email: str | None) -> str | None:
    """The key under which two spellings of one email address match."""
    if not email:
        return None
    return email.strip().casefold() or None


class Person(db.Model):
    """A distinct person: the unit behind the "people" figure in reports.

    One person per email address (``email_key``). The name here is the name on record: the one
    the address was first registered with. Each registration keeps the name it was made with
    (:attr:`Registration.first_name`), and no form an attendee fills in changes this one while the
    person has other registrations (see ``registration.services.update_details``).
    """

    __table_args__ = (
        Index(
            "uq_person_email_key",
            "email_key",
            unique=True,
            sqlite_where=text("email_key IS NOT NULL"),
            postgresql_where=text("email_key IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    #: Case-folded email; None for walk-ins and imports without one.
    email_key: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the name, email and the registrations' personal fields were removed (retention or erasure,
    #: eventsapp.privacy.people); the row stays, an opaque id behind the figures.
    anonymised_at: Mapped[datetime | None]

    registrations: Mapped[list[Registration]] = relationship(back_populates="person")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.email and not self.email_key:
            self.email_key = normalise_email(self.email)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.full_name!r}>"


class Registration(db.Model):
    """A person's booking for one event: confirmed, waitlisted or cancelled."""

    __table_args__ = (
        CheckConstraint(f"status IN {REGISTRATION_STATUSES!r}", name="status_known"),
        CheckConstraint(f"source IN {REGISTRATION_SOURCES!r}", name="source_known"),
        # One active registration per (event, email); cancelled ones don't count.
        Index(
            "uq_registration_active_email",
            "event_id",
            "email_key",
            unique=True,
            sqlite_where=text("status != 'cancelled' AND email_key IS NOT NULL"),
            postgresql_where=text("status != 'cancelled' AND email_key IS NOT NULL"),
        ),
        Index("ix_registration_event_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="RESTRICT"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    #: The organisation the person came from; None for individuals.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    #: The name this registration was made with (shown in lists, CSV, the desk and emails); another
    #: registration by the same email may carry another name (see :attr:`name_differs`).
    first_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    last_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    #: The organisation name exactly as the person typed it.
    organisation_name_entered: Mapped[str] = mapped_column(String(200), default="")
    email_key: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(16), default="confirmed")
    source: Mapped[str] = mapped_column(String(16), default="web")
    job_title: Mapped[str] = mapped_column(String(200), default="")
    access_requirements: Mapped[str] = mapped_column(Text, default="")
    dietary_requirements: Mapped[str] = mapped_column(Text, default="")
    consent_privacy_at: Mapped[datetime | None]
    #: The privacy notice agreed to (eventsapp.privacy.notice.notice_version), with consent_privacy_at.
    privacy_notice_version: Mapped[str | None] = mapped_column(String(80))
    consent_contact: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None]
    #: When the reminder before the event was sent (never twice).
    reminder_sent_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship()
    person: Mapped[Person] = relationship(back_populates="registrations")
    organisation: Mapped[Organisation | None] = relationship()
    attendance: Mapped[Attendance | None] = relationship(
        back_populates="registration", cascade="all, delete-orphan"
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Made for a person without a name of its own: the person's (factories, the demo data).
        person = kwargs.get("person")
        if person is not None and "first_name" not in kwargs and "last_name" not in kwargs:
            self.first_name, self.last_name = person.first_name, person.last_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def name_differs(self) -> bool:
        """True when this registration's name is not the person's name on record: a second name on a
        known email (one person using two names, or two people sharing an address), flagged for
        the organiser. Reads ``person``."""
        person = self.person
        return person is not None and not (
            same_name(self.first_name, person.first_name) and same_name(self.last_name, person.last_name))

    def __repr__(self) -> str:
        return f"<Registration {self.id} event={self.event_id} {self.status}>"


class Attendance(db.Model):
    """A registration marked as attended: when, by whom and how."""

    __table_args__ = (
        CheckConstraint(f"method IN {ATTENDANCE_METHODS!r}", name="method_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), unique=True
    )
    checked_in_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_in_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    method: Mapped[str] = mapped_column(String(16), default="desk")
    note: Mapped[str] = mapped_column(Text, default="")

    registration: Mapped[Registration] = relationship(back_populates="attendance")


# The event's registration counters follow every insert, status change and delete (models/counters.py).
install_counter_triggers(Registration.__table__)
