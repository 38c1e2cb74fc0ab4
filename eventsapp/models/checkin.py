"""The attendance audit trail and the organiser's "attendance is final" decision."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, CheckConstraint, ForeignKey, Index, String
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsapp.extensions import db
from eventsapp.models.base import utcnow
from eventsapp.models.event import Event
from eventsapp.models.registration import ATTENDANCE_METHODS, Registration
from eventsapp.models.user import User

ATTENDANCE_ACTIONS = ("check_in", "undo", "no_show")


class AttendanceLog(db.Model):
    """One thing that happened to a registration's attendance: who, when, what and how."""

    __table_args__ = (
        CheckConstraint(f"action IN {ATTENDANCE_ACTIONS!r}", name="action_known"),
        CheckConstraint(f"method IS NULL OR method IN {ATTENDANCE_METHODS!r}", name="method_known"),
        Index("ix_attendance_log_registration_at", "registration_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(16))
    #: How the person was checked in (or, for an undo, how the removed check-in was made).
    method: Mapped[str | None] = mapped_column(String(16))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    registration: Mapped[Registration] = relationship()
    by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AttendanceLog {self.action} registration={self.registration_id}>"


class AttendanceFinalisation(db.Model):
    """An organiser's decision that an event's attendance is complete: the rest are no-shows."""

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    finalised_at: Mapped[datetime] = mapped_column(default=utcnow)
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: How many confirmed registrations had no attendance at that moment.
    no_show_count: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship()
    finalised_by: Mapped[User | None] = relationship()


#: Sort keys compare byte by byte on PostgreSQL too ("lee\tzoe" before "leek\tadam"), as on SQLite.
SORT_KEY_TYPE = String(400).with_variant(String(400, collation="C"), "postgresql")


#: The trigram index's pending list limit, in kB (PostgreSQL's minimum; its default is 4,096).
TRIGRAM_PENDING_LIST_KB = 64


class RegistrationSearch(db.Model):
    """A registration's folded search and sort keys: the desk finds "Wójcik" by typing "wojcik".

    Kept by an ORM listener, and written by the bulk writers (import, restore) with their rows
    (eventsapp.checkin.search); the desk only reads them and scans only this narrow table, in
    surname order along ``(event_id, sort_key)``, and stops at the first page.
    """

    __table_args__ = (
        Index("ix_registration_search_event_sort", "event_id", "sort_key"),
        # PostgreSQL: "contains" searches of three letters or more go through trigrams of the event's
        # keys instead of reading them all (extensions pg_trgm and btree_gin; see below).
        # New keys wait in the index's pending list, which every search reads in full until a
        # VACUUM (or autoanalyze) moves them into the index: capped at 64 kB (default 4 MB), so a
        # busy registration day never makes the door's search read megabytes per keystroke.
        Index(
            "ix_registration_search_event_trigrams", "event_id", "search_key",
            postgresql_using="gin", postgresql_ops={"search_key": "gin_trgm_ops"},
            postgresql_with={"gin_pending_list_limit": TRIGRAM_PENDING_LIST_KB},
            info={"dialects": ("postgresql",)},  # for the migrations' autogenerate (database.autogenerate_filter)
        ).ddl_if(dialect="postgresql"),
    )

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    #: Folded "surname<TAB>first name".
    sort_key: Mapped[str] = mapped_column(SORT_KEY_TYPE)
    #: Folded "first last organisation email".
    search_key: Mapped[str] = mapped_column(String(1000))

    registration: Mapped[Registration] = relationship()
    event: Mapped[Event] = relationship()


#: The trigram index needs these PostgreSQL extensions (both "trusted": a database owner may create them).
TRIGRAM_EXTENSIONS = ("pg_trgm", "btree_gin")
for _extension in TRIGRAM_EXTENSIONS:
    sa_event.listen(
        RegistrationSearch.__table__, "before_create",
        DDL(f"CREATE EXTENSION IF NOT EXISTS {_extension}").execute_if(dialect="postgresql"),
    )
