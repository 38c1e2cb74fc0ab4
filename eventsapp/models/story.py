"""Stories of good-relations work, the approaches they use, and the log of their moderation."""

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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsapp.extensions import db
from eventsapp.models.approach import KIND_CODES, KINDS_OF_WORK, Approach
from eventsapp.models.base import utcnow
from eventsapp.models.event import Event, Programme
from eventsapp.models.organisation import Organisation
from eventsapp.models.reference import Region
from eventsapp.models.user import User

STORY_STATES = ("draft", "submitted", "published")

#: The differences a story's work bridges (multi-choice): (stable code, label).
DIFFERENCES: tuple[tuple[str, str], ...] = (
    ("ethnicity", "Ethnicity and race"),
    ("faith", "Faith and belief"),
    ("age", "Age"),
    ("gender", "Gender"),
    ("class", "Class"),
    ("wealth", "Wealth"),
    ("geography", "Geography"),
    ("nationality", "Nationality and migration"),
    ("disability", "Disability"),
    ("sexuality", "Sexual orientation"),
)

ATTRIBUTIONS = ("organisation", "anonymous")

story_organisation = Table(
    "story_organisation",
    db.metadata,
    Column("story_id", ForeignKey("story.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="RESTRICT"), primary_key=True,
           index=True),
)

story_approach = Table(
    "story_approach",
    db.metadata,
    Column("story_id", ForeignKey("story.id", ondelete="CASCADE"), primary_key=True),
    Column("approach_id", ForeignKey("approach.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Story(db.Model):
    """A story of good-relations work, moderated by the programme's coordinators before it is public."""

    __table_args__ = (
        CheckConstraint(f"state IN {STORY_STATES!r}", name="state_known"),
        CheckConstraint(f"kind_of_work IN {KIND_CODES!r}", name="kind_of_work_known"),
        CheckConstraint(f"attribution IN {ATTRIBUTIONS!r}", name="attribution_known"),
        CheckConstraint("attribution = 'anonymous' OR attributed_organisation_id IS NOT NULL",
                        name="named_attribution_has_organisation"),
        CheckConstraint("state = 'draft' OR consent_confirmed", name="consent_before_submission"),
        CheckConstraint("photo IS NULL OR (photo_alt IS NOT NULL AND photo_alt <> '')",
                        name="photo_has_alt_text"),
        CheckConstraint("state = 'published' OR published_at IS NULL", name="published_at_only_when_published"),
        CheckConstraint("state = 'published' OR NOT featured_in_report", name="featured_only_when_published"),
        Index("ix_story_state_published_at", "state", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    #: Markdown, rendered with eventsapp.events.rich_text (sanitised).
    body: Mapped[str] = mapped_column(Text, default="")
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id", ondelete="RESTRICT"), index=True)
    place: Mapped[str] = mapped_column(String(100), default="")
    kind_of_work: Mapped[str] = mapped_column(String(40))
    #: Codes from DIFFERENCES, comma-separated.
    differences: Mapped[str] = mapped_column(String(200), default="")
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="RESTRICT"), index=True)
    #: Re-encoded JPEG or PNG bytes, metadata stripped (eventsapp.stories.images).
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    photo_type: Mapped[str | None] = mapped_column(String(20))
    photo_alt: Mapped[str | None] = mapped_column(String(300))
    #: The author confirmed that the people and groups named agreed to be named.
    consent_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    attribution: Mapped[str] = mapped_column(String(16), default="organisation")
    attributed_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    #: Chosen by a moderator for the "Stories from the programme" section of reports.
    featured_in_report: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    region: Mapped[Region] = relationship()
    event: Mapped[Event | None] = relationship()
    programme: Mapped[Programme] = relationship()
    attributed_organisation: Mapped[Organisation | None] = relationship(
        foreign_keys=[attributed_organisation_id]
    )
    author: Mapped[User | None] = relationship()
    organisations: Mapped[list[Organisation]] = relationship(
        secondary=story_organisation, order_by=Organisation.name
    )
    approaches: Mapped[list[Approach]] = relationship(secondary=story_approach, order_by=Approach.name)
    changes: Mapped[list[StoryChange]] = relationship(
        back_populates="story", cascade="all, delete-orphan", order_by="StoryChange.id"
    )
    coauthor_rows: Mapped[list[StoryCoauthor]] = relationship(
        back_populates="story", cascade="all, delete-orphan", passive_deletes=True, order_by="StoryCoauthor.id"
    )

    @property
    def is_published(self) -> bool:
        return self.state == "published"

    @property
    def is_anonymous(self) -> bool:
        return self.attribution == "anonymous"

    @property
    def difference_codes(self) -> list[str]:
        return [code for code in (self.differences or "").split(",") if code]

    @property
    def difference_labels(self) -> list[str]:
        labels = dict(DIFFERENCES)
        return [labels[code] for code in self.difference_codes if code in labels]

    @property
    def kind_label(self) -> str:
        return dict(KINDS_OF_WORK).get(self.kind_of_work, self.kind_of_work)

    @property
    def attribution_label(self) -> str:
        """How the story is credited in public: the organisation, or nobody."""
        if self.is_anonymous or self.attributed_organisation is None:
            return "Shared anonymously"
        return self.attributed_organisation.name

    @property
    def coauthors(self) -> list[User]:
        """The people who co-write it, in the order they were invited."""
        return [row.user for row in self.coauthor_rows]

    def __repr__(self) -> str:
        return f"<Story {self.id} {self.state} {self.title!r}>"


class StoryChange(db.Model):
    """One change of a story's state: who, when, from, to, and why."""

    __table_args__ = (
        CheckConstraint(f"to_state IN {STORY_STATES!r}", name="to_state_known"),
        CheckConstraint(f"from_state IS NULL OR from_state IN {STORY_STATES!r}", name="from_state_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("story.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    #: None for the story's creation.
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")

    story: Mapped[Story] = relationship(back_populates="changes")
    user: Mapped[User | None] = relationship()


class StoryCoauthor(db.Model):
    """A member of a host organisation the author (or a moderator) invited to write the story with them.

    Seen on the story's page, in "my stories" and in the story's history; never in public attribution.
    """

    __tablename__ = "story_coauthor"
    __table_args__ = (UniqueConstraint("story_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("story.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    #: Who invited them (None once that account is gone).
    added_by_id: Mapped[int | None] = mapped_column("added_by", ForeignKey("user.id", ondelete="SET NULL"),
                                                    index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    story: Mapped[Story] = relationship(back_populates="coauthor_rows")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    added_by: Mapped[User | None] = relationship(foreign_keys=[added_by_id])
