"""Messages an organiser or coordinator writes to registrants, and who asked to hear no more."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsapp.extensions import db
from eventsapp.models.base import utcnow
from eventsapp.models.event import Event, Programme
from eventsapp.models.user import User

#: Who an event's message goes to (people, deduplicated), and the programme-wide audience.
EVENT_AUDIENCES = ("confirmed", "waitlisted", "attended", "no_show")
PROGRAMME_AUDIENCES = ("network",)
MESSAGE_AUDIENCES = EVENT_AUDIENCES + PROGRAMME_AUDIENCES
BODY_FORMATS = ("plain", "markdown")


class Message(db.Model):
    """A message sent to an event's registrants, or to a programme's consenting attendees."""

    __table_args__ = (
        CheckConstraint(f"audience IN {MESSAGE_AUDIENCES!r}", name="audience_known"),
        CheckConstraint(f"body_format IN {BODY_FORMATS!r}", name="body_format_known"),
        CheckConstraint("recipients_count >= 0", name="recipients_count_not_negative"),
        # An event's message goes to one of its audiences; a programme's only to the consenting network.
        CheckConstraint(
            f"(event_id IS NOT NULL AND programme_id IS NULL AND audience IN {EVENT_AUDIENCES!r})"
            f" OR (event_id IS NULL AND programme_id IS NOT NULL AND audience IN ('network'))",
            name="one_scope",
        ),
        Index("ix_message_event_sent", "event_id", "sent_at"),
        Index("ix_message_programme_sent", "programme_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="RESTRICT"))
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id", ondelete="RESTRICT"))
    audience: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    body_format: Mapped[str] = mapped_column(String(16), default="plain")
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    #: The sender's name as it was when sent (kept if the account goes).
    sender_name: Mapped[str] = mapped_column(String(200), default="")
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipients_count: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event | None] = relationship()
    programme: Mapped[Programme | None] = relationship()
    sender: Mapped[User | None] = relationship()

    @property
    def is_programme_wide(self) -> bool:
        return self.programme_id is not None

    def __repr__(self) -> str:
        return f"<Message {self.id} {self.audience} {self.subject!r}>"


class MessageRecipient(db.Model):
    """One person a message went to (who received it; the email itself left through the outbox).

    Kept with the message so that the record of "to whom" outlives the outbox rows (delivered mail
    is pruned, mail to an erased person deleted) and travels in the programme export. Only ids: an
    erased or anonymised person stays a recipient by their opaque id, their address is not here.
    """

    __tablename__ = "message_recipient"
    __table_args__ = (UniqueConstraint("message_id", "person_id", name="uq_message_recipient_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)


class NetworkUnsubscribe(db.Model):
    """An address that asked (one-click unsubscribe) to receive no more programme-wide messages.

    Keyed by the person (one per address), so it holds for every registration made with the
    address, past and future.
    """

    __tablename__ = "network_unsubscribe"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    #: The message whose link was used (None when it has since gone).
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
