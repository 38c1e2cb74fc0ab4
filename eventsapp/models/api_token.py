"""Personal access tokens for the REST API."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsapp.extensions import db
from eventsapp.models.base import utcnow
from eventsapp.models.event import Programme
from eventsapp.models.organisation import Organisation
from eventsapp.models.user import User

#: read: GET only; write: also create registrations and check people in.
TOKEN_ACCESS = ("read", "write")


class ApiToken(db.Model):
    """A user's personal access token, limited to one organisation or one programme.

    Only the SHA-256 of the token is kept; the token itself is shown once. ``prefix`` (public,
    part of the token) finds the row, so the hash is compared with one row only.
    """

    __tablename__ = "api_token"
    __table_args__ = (
        CheckConstraint(f"access IN {TOKEN_ACCESS!r}", name="access_known"),
        CheckConstraint("(organisation_id IS NULL) <> (programme_id IS NULL)", name="one_scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    #: Public id inside the token (``ea_<prefix>_<secret>``).
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    #: Hex SHA-256 of the whole token.
    secret_hash: Mapped[str] = mapped_column(String(64))
    access: Mapped[str] = mapped_column(String(8), default="read")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    programme: Mapped[Programme | None] = relationship()

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now
