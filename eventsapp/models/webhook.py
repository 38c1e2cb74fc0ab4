"""Webhook endpoints: a host's or a programme's HTTPS address told about changes (eventsapp.webhooks)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, true
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
    #: Deliveries are written only for an active endpoint. A restored endpoint comes back inactive,
    #: with a secret nobody knows, until its owner enables it (which makes and shows a new secret).
    active: Mapped[bool] = mapped_column(default=True, server_default=true())

    def __repr__(self) -> str:
        return f"<WebhookEndpoint {self.id} {self.url!r}>"


class WebhookDeliveryRecord(db.Model):
    """A delivery of another installation, restored from a programme export as history only.

    The live log is the endpoint's outbox rows; a restore writes none (nothing is sent again) and
    keeps what the audit needs here instead: the kind, the outcome, the attempts and the times.
    """

    __tablename__ = "webhook_delivery_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), index=True)
    #: The delivery's id where it was made (its Eventsapp-Delivery header).
    original_id: Mapped[int | None]
    event_type: Mapped[str] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(default=0)
    response_status: Mapped[int | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
