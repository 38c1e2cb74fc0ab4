"""Reference data seeded by ``init-db``: regions and sectors."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from eventsapp.extensions import db


class Region(db.Model):
    """A region where events are held (ONS ITL1 code, e.g. ``TLJ`` South East)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    sort_order: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.name}>"


class Sector(db.Model):
    """The sector an organisation belongs to, with a stable code."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    #: How the sector reads in a headline: "... primarily from <plural>".
    plural: Mapped[str] = mapped_column(String(120))
    sort_order: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Sector {self.code}>"
