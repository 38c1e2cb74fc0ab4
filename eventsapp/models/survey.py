"""The post-event feedback survey: a programme's questions, who was sent a link, which links were
used, and the answers, which are kept apart from any person or registration.

What links an answer to nobody: a response has a random id, no timestamp and no reference to a
registration, person, invitation or token; a used link is recorded only as the SHA-256 of its
random nonce (:class:`SurveyLinkUse`), with no time and no reference to the response. On SQLite
the three tables are ``WITHOUT ROWID``, so not even the order rows were written in is kept
(they are stored in the order of their random keys).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsapp.extensions import db
from eventsapp.models.base import utcnow

#: (code, label) of the kinds of survey question.
SURVEY_KINDS = (("agreement", "Agreement scale"), ("rating", "Overall rating"), ("text", "Free text"))
SURVEY_KIND_CODES = tuple(code for code, _ in SURVEY_KINDS)
#: The answers of an agreement question, in the order shown and reported.
AGREEMENT_SCALE = ("Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree")
#: The answers of a rating question: the stored value and its label.
RATING_SCALE = (("5", "5 – Excellent"), ("4", "4 – Good"), ("3", "3 – Fair"), ("2", "2 – Poor"),
                ("1", "1 – Very poor"))
#: The questions a programme starts with (kind, label); its coordinators may change them.
DEFAULT_SURVEY_QUESTIONS = (
    ("agreement", "I met people from backgrounds different from mine"),
    ("agreement", "I learned about good-relations work near me"),
    ("agreement", "I intend to work with someone I met here"),
    ("rating", "Overall, how would you rate this event?"),
    ("text", "What will you do differently?"),
)


def scale_of(kind: str) -> tuple[tuple[str, str], ...]:
    """The (stored value, label) answers of a choice question (none for free text)."""
    if kind == "agreement":
        return tuple((label, label) for label in AGREEMENT_SCALE)
    if kind == "rating":
        return RATING_SCALE
    return ()


class SurveyQuestion(db.Model):
    """One question of a programme's feedback survey (``programme_id`` NULL: events outside a programme)."""

    __table_args__ = (
        CheckConstraint(f"kind IN {SURVEY_KIND_CODES!r}", name="kind_known"),
        Index("ix_survey_question_programme_position", "programme_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)
    #: Asked in surveys sent from now on (a question with answers is switched off, never deleted).
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def kind_label(self) -> str:
        return dict(SURVEY_KINDS).get(self.kind, self.kind)

    def __repr__(self) -> str:
        return f"<SurveyQuestion {self.id} {self.kind} {self.label!r}>"


class SurveyInvitation(db.Model):
    """The survey email was queued for this attendance (one per registration: the task is idempotent)."""

    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"),
                                                 primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyLinkUse(db.Model):
    """A survey link that has been used: only the hash of its nonce (no time, no response)."""

    __table_args__ = {"sqlite_with_rowid": False}

    nonce_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)


class SurveyResponse(db.Model):
    """One anonymous response to an event's survey: a random id and the event, nothing else."""

    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)

    answers: Mapped[list[SurveyAnswer]] = relationship(back_populates="response", cascade="all, delete-orphan")


class SurveyAnswer(db.Model):
    """The answer to one question in a response; free text is quoted in reports only once published."""

    __table_args__ = {"sqlite_with_rowid": False}

    response_id: Mapped[str] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"),
                                             primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id", ondelete="CASCADE"),
                                             primary_key=True, index=True)
    value: Mapped[str] = mapped_column(Text, default="")
    #: An organiser or coordinator chose this free-text answer as a quote for reports.
    published: Mapped[bool] = mapped_column(default=False)

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")
    question: Mapped[SurveyQuestion] = relationship()
