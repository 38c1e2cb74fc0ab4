"""Accounts and their membership of organisations."""

from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsapp.extensions import db
from eventsapp.models.base import utcnow
from eventsapp.models.organisation import Organisation

ROLES = ("coordinator", "organiser", "door")

#: argon2id parameters: OWASP's recommended 64 MiB, t=3 (RFC 9106 second profile).
#: Tests lower them through the ``ARGON2_PARAMETERS`` setting for speed.
DEFAULT_ARGON2_PARAMETERS = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}


def password_hasher() -> PasswordHasher:
    parameters = DEFAULT_ARGON2_PARAMETERS
    if has_app_context():
        parameters = current_app.config.get("ARGON2_PARAMETERS") or parameters
    return PasswordHasher(**parameters)


class User(UserMixin, db.Model):
    """Someone who signs in: a coordinator, host organiser or door volunteer."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    #: The site administrator (national coordination): may do everything. Granted by the CLI only.
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Raised at logout and password change, which ends every other session.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    #: Two-step sign-in (eventsapp.auth.two_step): the TOTP secret (base32), set when enrolment is
    #: confirmed with a code; the last time step accepted (a code is never accepted twice).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None]
    #: Hashes (SHA-256) of unused recovery codes, one per line.
    totp_recovery_hashes: Mapped[str | None] = mapped_column(String(1000))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        self.password_hash = password_hasher().hash(password)

    def check_password(self, password: str) -> bool:
        if not self.password_hash:
            return False
        try:
            return password_hasher().verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def roles_for(self, organisation_id: int) -> set[str]:
        return {m.role for m in self.memberships if m.organisation_id == organisation_id}

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Membership(db.Model):
    """A user's role in one organisation."""

    __table_args__ = (
        UniqueConstraint("user_id", "organisation_id", name="uq_membership_user_organisation"),
        CheckConstraint(f"role IN {ROLES!r}", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship()
