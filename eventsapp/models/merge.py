"""The record of an organisation merge: who merged what into what, and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsapp.extensions import db
from eventsapp.models.base import utcnow
from eventsapp.models.organisation import Organisation
from eventsapp.models.user import User


class OrganisationMerge(db.Model):
    """One merge of a duplicate organisation into a survivor; undone when ``undone_at`` is set."""

    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    #: Names shown at the time, so the log still reads right after renames.
    survivor_name: Mapped[str] = mapped_column(String(200))
    merged_name: Mapped[str] = mapped_column(String(200))
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    merged_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Ids of the aliases this merge added (space-separated), removed again on undo.
    aliases_added: Mapped[str] = mapped_column(Text, default="")
    #: Ids of organisations merged earlier into the merged one, re-pointed to the survivor
    #: (space-separated) so that chains stay one step long; pointed back on undo.
    repointed: Mapped[str] = mapped_column(Text, default="")
    undone_at: Mapped[datetime | None]
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)

    survivor: Mapped[Organisation] = relationship(foreign_keys=[survivor_id])
    merged: Mapped[Organisation] = relationship(foreign_keys=[merged_id])
    merged_by: Mapped[User | None] = relationship(foreign_keys=[merged_by_id])
    undone_by: Mapped[User | None] = relationship(foreign_keys=[undone_by_id])

    @property
    def alias_ids(self) -> list[int]:
        return [int(part) for part in self.aliases_added.split()]

    @property
    def repointed_ids(self) -> list[int]:
        return [int(part) for part in self.repointed.split()]

    def __repr__(self) -> str:
        return f"<OrganisationMerge {self.merged_id} -> {self.survivor_id}>"


PERSON_CHANGE_KINDS = ("merge", "split")


class PersonMerge(db.Model):
    """The record of a person merge (two records made one) or split (one record made two), for undo and audit."""

    __table_args__ = (CheckConstraint("kind IN ('merge', 'split')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    #: merge: the person kept; split: the person split from.
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    #: merge: the person merged in (left without registrations); split: the person created.
    other_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    #: The names at the time, for the audit trail.
    person_name: Mapped[str] = mapped_column(String(201))
    other_name: Mapped[str] = mapped_column(String(201))
    #: Ids of the registrations moved, separated by spaces (undo moves exactly these back).
    registrations: Mapped[str] = mapped_column(Text, default="")
    #: The email moved to the kept person with a merge (the kept one had none), for undo.
    email_moved: Mapped[bool] = mapped_column(default=False)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    undone_at: Mapped[datetime | None]
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)

    @property
    def registration_ids(self) -> list[int]:
        return [int(part) for part in self.registrations.split()]
