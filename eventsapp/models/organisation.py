"""Organisations, the names they are also known by, and name normalisation."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsapp.extensions import db
from eventsapp.models.base import utcnow
from eventsapp.models.reference import Sector

_SUFFIXES = re.compile(r"\b(ltd|limited|plc|llp|cic)$")


def normalise_organisation_name(name: str) -> str:
    """Return the key under which two spellings of one organisation match.

    Case, accents, spacing and punctuation are ignored, "&" reads as "and",
    and a leading "The" and a trailing "Ltd"/"Limited" are dropped, so
    "The Thames Valley Police Ltd." and "thames valley  police" share a key.
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    folded = folded.casefold().replace("&", " and ").replace("'", "")
    folded = re.sub(r"[^a-z0-9]+", " ", folded).strip()
    folded = re.sub(r"^the\s+", "", folded)
    folded = _SUFFIXES.sub("", folded).strip()
    return folded


class Organisation(db.Model):
    """An organisation that hosts events or that attendees come from."""

    __table_args__ = (
        # One live organisation per normalised key; merged ones keep theirs.
        Index(
            "uq_organisation_live_key",
            "normalised_key",
            unique=True,
            sqlite_where=text("merged_into_id IS NULL"),
            postgresql_where=text("merged_into_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    normalised_key: Mapped[str] = mapped_column(String(200), index=True)
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sector.id", ondelete="RESTRICT"))
    #: Set when this organisation was merged into another (the survivor).
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    website: Mapped[str | None] = mapped_column(String(300))
    #: The host's own addition to the privacy notice (sanitised Markdown), shown to people registering
    #: for its events after the site's and the programme's (eventsapp.privacy.notice).
    privacy_notice: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: The coordinating organisation whose coordinator added it (it is then in that network's scope).
    added_by_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sector: Mapped[Sector | None] = relationship()
    aliases: Mapped[list[OrganisationAlias]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )
    merged_into: Mapped[Organisation | None] = relationship(remote_side=[id], foreign_keys=[merged_into_id])

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.name and not self.normalised_key:
            self.normalised_key = normalise_organisation_name(self.name)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"


class OrganisationAlias(db.Model):
    """Another name that resolves to an organisation (e.g. after a merge)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    normalised_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="aliases")
