"""Questions an organiser asks on one event's registration form, and the answers."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsapp.extensions import db
from eventsapp.models.base import utcnow

if TYPE_CHECKING:
    from eventsapp.models.registration import Registration

#: (code, label) of the kinds of question an organiser may ask.
QUESTION_KINDS = (
    ("short_text", "Short text"),
    ("long_text", "Long text"),
    ("single_choice", "Single choice"),
    ("multiple_choice", "Multiple choice"),
    ("yes_no", "Yes / no"),
)
QUESTION_KIND_CODES = tuple(code for code, _ in QUESTION_KINDS)


class EventQuestion(db.Model):
    """One extra question on an event's registration form."""

    __table_args__ = (
        CheckConstraint(f"kind IN {QUESTION_KIND_CODES!r}", name="kind_known"),
        Index("ix_event_question_event_position", "event_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="short_text")
    #: For single and multiple choice: the options, one per line.
    choices: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    #: Answers in reports get equality monitoring's small-number protection (health, faith, identity…).
    sensitive: Mapped[bool] = mapped_column(default=False, server_default=false())
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in (self.choices or "").splitlines() if line.strip()]

    def __repr__(self) -> str:
        return f"<EventQuestion {self.id} {self.kind} {self.label!r}>"


class RegistrationAnswer(db.Model):
    """A registrant's answer to one event question (multiple choices one per line)."""

    __table_args__ = (
        Index("uq_registration_answer_question", "registration_id", "question_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("event_question.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(Text, default="")

    question: Mapped[EventQuestion] = relationship()
    registration: Mapped[Registration] = relationship()
