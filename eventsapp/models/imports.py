"""What imports remember: sector synonyms and column mappings per source."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
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
