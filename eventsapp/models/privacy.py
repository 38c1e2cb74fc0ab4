"""Data protection records: equality answers unlinked per event."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from eventsapp.extensions import db


class EqualityUnlinking(db.Model):
    """An event whose attendance is final: its equality answers are unlinked and no more are taken."""

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    unlinked_on: Mapped[date]
