"""The transactional outbox: external effects written with the change that causes them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eventsapp.extensions import db
from eventsapp.models.base import utcnow

OUTBOX_STATES = ("pending", "sending", "sent", "failed")
#: What leaves through the outbox: an email, or a webhook delivery (a signed POST, eventsapp.webhooks).
OUTBOX_KINDS = ("email", "webhook")


class OutboxMessage(db.Model):
    """An email or a webhook delivery waiting to leave, delivered after its transaction commits
    (eventsapp.outbox). A webhook row's ``recipient`` is the URL, ``subject`` the event kind,
    ``payload`` the JSON body, and ``endpoint_id`` the endpoint whose secret signs it."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        CheckConstraint(f"state IN {OUTBOX_STATES!r}", name="state_known"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        # Either the message itself, or what the worker renders it from.
        CheckConstraint("payload IS NOT NULL OR template IS NOT NULL", name="has_content"),
        CheckConstraint(f"kind IN {OUTBOX_KINDS!r}", name="kind_known"),
        CheckConstraint("kind != 'webhook' OR endpoint_id IS NOT NULL", name="webhook_has_endpoint"),
        # The sweep's question: which pending messages are due?
        Index("ix_outbox_message_state_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), default="email")
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300), default="")
    #: The message, built in the transaction (RFC 5322 bytes); or None, and then …
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: … the renderer (eventsapp.outbox.renderer) that builds it at delivery, from ``params``,
    #: so that rendering and MIME cost nothing inside the request.
    template: Mapped[str | None] = mapped_column(String(40))
    params: Mapped[dict | None] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When a pending message may next be tried (backoff after a failure).
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: While "sending": until when the worker that claimed it holds it (then another may retry).
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    #: A webhook delivery: its endpoint (the delivery log), and the receiver's last HTTP status.
    endpoint_id: Mapped[int | None] = mapped_column(
        ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), index=True)
    response_status: Mapped[int | None]

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.state} to {self.recipient!r}>"
