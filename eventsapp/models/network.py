"""The network of hosts: directory profiles, peer-support offers and asks, shared resources."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from eventsapp.extensions import db
from eventsapp.models.approach import KINDS_OF_WORK as APPROACH_KINDS
from eventsapp.models.approach import Approach
from eventsapp.models.base import utcnow
from eventsapp.models.organisation import Organisation
from eventsapp.models.reference import Region

#: The kinds of work (code -> label), from eventsapp.models.approach.
KINDS_OF_WORK: dict[str, str] = dict(APPROACH_KINDS)
SUPPORT_KINDS = ("offer", "ask")
SUPPORT_STATUSES = ("open", "closed")
RESOURCE_STATUSES = ("submitted", "approved", "rejected")

_KIND_CHECK = f"IN {tuple(KINDS_OF_WORK)!r}"


network_profile_approach = Table(
    "network_profile_approach",
    db.metadata,
    Column("profile_id", ForeignKey("network_profile.id", ondelete="CASCADE"), primary_key=True),
    Column("approach_id", ForeignKey("approach.id", ondelete="RESTRICT"), primary_key=True),
)

support_post_approach = Table(
    "support_post_approach",
    db.metadata,
    Column("post_id", ForeignKey("support_post.id", ondelete="CASCADE"), primary_key=True),
    Column("approach_id", ForeignKey("approach.id", ondelete="RESTRICT"), primary_key=True),
)

resource_approach = Table(
    "resource_approach",
    db.metadata,
    Column("resource_id", ForeignKey("resource.id", ondelete="CASCADE"), primary_key=True),
    Column("approach_id", ForeignKey("approach.id", ondelete="RESTRICT"), primary_key=True),
)


class NetworkProfileKind(db.Model):
    """One kind of work a directory profile says its organisation does."""

    __tablename__ = "network_profile_kind"
    __table_args__ = (CheckConstraint(f"kind {_KIND_CHECK}", name="kind_known"),)

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("network_profile.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)


class NetworkProfile(db.Model):
    """An organisation's entry in the public directory; public only while ``listed`` (opt-in)."""

    __tablename__ = "network_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), unique=True
    )
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    #: The organisation has opted in: the profile, its offers and asks are public.
    listed: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    #: What they do, in Markdown (rendered through eventsapp.events.rich_text).
    about: Mapped[str] = mapped_column(Text, default="")
    #: The area they work in, in their words ("Bradford and Keighley").
    area: Mapped[str] = mapped_column(String(200), default="")
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="RESTRICT"), index=True)
    #: Where directory messages go; never shown to anyone outside the organisation.
    #: None: the organisation takes no messages through the directory.
    contact_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    region: Mapped[Region | None] = relationship()
    approaches: Mapped[list[Approach]] = relationship(
        secondary=network_profile_approach, order_by=Approach.sort_order
    )
    kind_rows: Mapped[list[NetworkProfileKind]] = relationship(cascade="all, delete-orphan")

    @property
    def kinds(self) -> list[str]:
        return [k for k in KINDS_OF_WORK if k in {row.kind for row in self.kind_rows}]

    def __repr__(self) -> str:
        return f"<NetworkProfile {self.slug}>"


class SupportPost(db.Model):
    """A host's offer of peer support ("we can run a facilitation training") or ask for it."""

    __tablename__ = "support_post"
    __table_args__ = (
        CheckConstraint(f"kind IN {SUPPORT_KINDS!r}", name="kind_known"),
        CheckConstraint(f"status IN {SUPPORT_STATUSES!r}", name="status_known"),
        CheckConstraint(f"kind_of_work IS NULL OR kind_of_work {_KIND_CHECK}", name="kind_of_work_known"),
        Index("ix_support_post_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text, default="")
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="RESTRICT"), index=True)
    kind_of_work: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(8), default="open")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    region: Mapped[Region | None] = relationship()
    approaches: Mapped[list[Approach]] = relationship(
        secondary=support_post_approach, order_by=Approach.sort_order
    )

    def __repr__(self) -> str:
        return f"<SupportPost {self.id} {self.kind} {self.title!r}>"


class Resource(db.Model):
    """A guide, toolkit or link a host shares; public once a coordinator approves it."""

    __table_args__ = (
        CheckConstraint(f"status IN {RESOURCE_STATUSES!r}", name="status_known"),
        CheckConstraint(f"kind_of_work IS NULL OR kind_of_work {_KIND_CHECK}", name="kind_of_work_known"),
        # A link, a file, or both; a file always with its name, type and size.
        CheckConstraint("url IS NOT NULL OR file_data IS NOT NULL", name="has_link_or_file"),
        CheckConstraint(
            "(file_data IS NULL) = (file_name IS NULL) AND (file_data IS NULL) = (file_size IS NULL)",
            name="file_complete",
        ),
        CheckConstraint("file_size IS NULL OR file_size >= 0", name="file_size_not_negative"),
        Index("ix_resource_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500))
    file_name: Mapped[str | None] = mapped_column(String(200))
    file_type: Mapped[str | None] = mapped_column(String(100))
    file_size: Mapped[int | None]
    #: The file itself, in the database (every app server reads the same); loaded only to download.
    file_data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    kind_of_work: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    reviewed_at: Mapped[datetime | None]
    #: Why it was rejected (shown to the organisation that shared it).
    review_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    approaches: Mapped[list[Approach]] = relationship(
        secondary=resource_approach, order_by=Approach.sort_order
    )

    def __repr__(self) -> str:
        return f"<Resource {self.id} {self.status} {self.title!r}>"
