"""Invitations to join an organisation: one row per emailed link."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsapp.extensions import db
from eventsapp.models.base import utcnow
from eventsapp.models.organisation import Organisation
from eventsapp.models.registration import normalise_email
from eventsapp.models.user import ROLES, User

#: An invitation neither accepted nor revoked (it may still have expired).
OPEN = "accepted_at IS NULL AND revoked_at IS NULL"


class Invitation(db.Model):
    """An emailed, single-use link that makes its holder a member of an organisation.

    Only a SHA-256 hash of the link's random token is stored, so the table cannot be
    used to forge a link. Once accepted or revoked it is closed for good; after
    ``expires_at`` it no longer opens.
    """

    __table_args__ = (
        CheckConstraint(f"role IN {ROLES!r}", name="role_known"),
        CheckConstraint("accepted_at IS NULL OR revoked_at IS NULL", name="accepted_or_revoked"),
        # Who accepted or revoked is kept only with when (the account may later be deleted).
        CheckConstraint("accepted_at IS NOT NULL OR accepted_by_id IS NULL", name="accepted_by_when"),
        CheckConstraint("revoked_at IS NOT NULL OR revoked_by_id IS NULL", name="revoked_by_when"),
        # At most one open invitation per person and organisation: inviting again replaces it.
        Index(
            "uq_invitation_open_email",
            "organisation_id",
            "email_key",
            unique=True,
            sqlite_where=text(OPEN),
            postgresql_where=text(OPEN),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    #: The address as the inviter typed it; ``email_key`` is its case-folded form. Personal
    #: data: erasure and subject-access exports of an address must cover these two columns.
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(16))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    #: Hex SHA-256 of the token in the link; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.email and not self.email_key:
            self.email_key = normalise_email(self.email)

    @property
    def is_open(self) -> bool:
        """Neither accepted nor revoked (say nothing about expiry)."""
        return self.accepted_at is None and self.revoked_at is None

    def __repr__(self) -> str:
        return f"<Invitation {self.id} {self.email!r} to {self.organisation_id} as {self.role}>"
