"""Webhook endpoints: a host's or a programme's HTTPS address told about changes (eventsapp.webhooks)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from eventsapp.extensions import db
from eventsapp.models.base import utcnow

#: What an endpoint can subscribe to (``webhook.test`` is sent by the "Send test" button only).
WEBHOOK_EVENTS = (
    "registration.created",
    "registration.cancelled",
    "registration.promoted",
    "attendance.recorded",
    "event.published",
    "event.changed",
)


class WebhookEndpoint(db.Model):
    """An address that receives signed POSTs about one organisation's or one programme's events."""

    __tablename__ = "webhook_endpoint"
    __table_args__ = (
        # Exactly one owner: a host organisation (its organisers) or a programme (its coordinators).
        CheckConstraint("(organisation_id IS NULL) != (programme_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(String(200), default="")
    #: The subscribed kinds, a list drawn from WEBHOOK_EVENTS.
    events: Mapped[list] = mapped_column(JSON, default=list)
    #: The signing secret (HMAC-SHA256 key); shown once, when the endpoint is made.
    secret: Mapped[str] = mapped_column(String(80))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<WebhookEndpoint {self.id} {self.url!r}>"
