"""The survey's rules: which questions a programme asks, who is sent a link (attendees only, once),
what a link is, and recording one anonymous response per link.

The link is a signed token holding the event and a random nonce. The nonce is not stored with the
attendee: when the link is used, only its SHA-256 goes into :class:`SurveyLinkUse` (the primary key,
inserted with ``ON CONFLICT DO NOTHING``, so a link used twice, even at the same moment, records one response), and the response gets a random
id of its own. Nothing in the database leads from a response to a person or a registration.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from eventsapp.extensions import db
from eventsapp.models import (
    DEFAULT_SURVEY_QUESTIONS,
    Attendance,
    Event,
    Person,
    Programme,
    Registration,
    SurveyAnswer,
    SurveyInvitation,
    SurveyLinkUse,
    SurveyQuestion,
    SurveyResponse,
    utcnow,
)
from eventsapp.models.survey import scale_of
from eventsapp.tokens import make_token, read_token

DEFAULT_LINK_DAYS = 60
DEFAULT_LOOKBACK_DAYS = 14


# --- questions ---------------------------------------------------------------------------------

def questions_for(programme_id: int | None, active_only: bool = True) -> list[SurveyQuestion]:
    """A programme's survey questions in order (``None``: the set for events outside a programme)."""
    query = select(SurveyQuestion).where(
        SurveyQuestion.programme_id.is_(None) if programme_id is None else SurveyQuestion.programme_id == programme_id)
    if active_only:
        query = query.where(SurveyQuestion.active)
    return list(db.session.scalars(query.order_by(SurveyQuestion.position, SurveyQuestion.id)))


def _default_questions(programme_id: int | None) -> list[SurveyQuestion]:
    return [SurveyQuestion(programme_id=programme_id, kind=kind, label=label, position=position, active=True)
            for position, (kind, label) in enumerate(DEFAULT_SURVEY_QUESTIONS)]


def questions_or_defaults(programme_id: int | None) -> list[SurveyQuestion]:
    """A programme's questions, or (none stored yet) the defaults it would start with, unsaved
    (``id`` None, not in the session): what its questions page shows, writing nothing."""
    return questions_for(programme_id, active_only=False) or _default_questions(programme_id)


def ensure_questions(programme_id: int | None) -> list[SurveyQuestion]:
    """A programme's questions, stored from the defaults the first time a write needs them: a
    coordinator changes or adds one, or the survey is sent (flushed)."""
    existing = questions_for(programme_id, active_only=False)
    if existing:
        return existing
    rows = _default_questions(programme_id)
    db.session.add_all(rows)
    db.session.flush()
    return rows


def add_question(programme: Programme, kind: str, label: str) -> SurveyQuestion:
    """Add a question at the end of ``programme``'s survey (flushed)."""
    existing = ensure_questions(programme.id)
    position = max((q.position for q in existing), default=-1) + 1
    question = SurveyQuestion(programme_id=programme.id, kind=kind, label=label.strip(), position=position)
    db.session.add(question)
    db.session.flush()
    return question


def update_question(question: SurveyQuestion, label: str, active: bool) -> None:
    """Reword a question or stop (or start again) asking it; its answers are kept either way."""
    question.label = label.strip()
    question.active = active


# --- links -------------------------------------------------------------------------------------

def _nonce_hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode("utf-8")).hexdigest()


def make_link_token(event_id: int) -> str:
    """A new personal survey link's token for ``event_id`` (a fresh random nonce each time)."""
    return make_token("survey", {"e": event_id, "n": secrets.token_urlsafe(18)})


def read_link(token: str) -> tuple[Event, str] | None:
    """The event and nonce of a valid, unexpired survey token; None otherwise."""
    days = int(current_app.config.get("SURVEY_LINK_DAYS") or DEFAULT_LINK_DAYS)
    payload = read_token("survey", token, max_age=days * 86400)
    if not isinstance(payload, dict):
        return None
    event_id, nonce = payload.get("e"), payload.get("n")
    if not isinstance(event_id, int) or not isinstance(nonce, str) or not 0 < event_id < 2**31 or not nonce:
        return None
    event = db.session.get(Event, event_id)
    if event is None or event.status != "published":
        return None
    return event, nonce


def link_used(nonce: str) -> bool:
    return db.session.scalar(select(exists().where(SurveyLinkUse.nonce_hash == _nonce_hash(nonce)))) or False


def record_response(event: Event, nonce: str, answers: dict[int, str]) -> bool:
    """Record one response for the link with ``nonce``: False (nothing written) when the link was
    used already. Only answers to the event's programme's questions are kept. The caller commits.
    """
    allowed = {q.id: q for q in questions_for(event.programme_id)}
    if not _insert_once(SurveyLinkUse, nonce_hash=_nonce_hash(nonce), event_id=event.id):
        return False
    response = SurveyResponse(id=secrets.token_hex(16), event_id=event.id)
    for question_id, value in answers.items():
        question = allowed.get(question_id)
        value = (value or "").strip()
        if question is None or not value:
            continue
        if question.kind != "text" and value not in dict(scale_of(question.kind)):
            continue
        response.answers.append(SurveyAnswer(question_id=question_id, value=value))
    db.session.add(response)
    db.session.flush()
    return True


def _insert_once(model, **values) -> bool:
    """Insert a row unless its primary key exists (``ON CONFLICT DO NOTHING``, on SQLite and
    PostgreSQL alike): True when this call inserted it. A concurrent transaction inserting the same
    key waits for the other and then inserts nothing, so exactly one of them wins.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    table = model.__table__
    key = table.primary_key.columns.values()[0]
    inserted = db.session.execute(insert(table).values(**values).on_conflict_do_nothing().returning(key))
    return inserted.first() is not None


# --- sending -----------------------------------------------------------------------------------

def ended_events(now: datetime, lookback_days: int) -> list[Event]:
    """Published events that ended within the last ``lookback_days`` (older ones are never surveyed,
    so switching the survey on does not write to the attendees of every past event)."""
    return list(db.session.scalars(
        select(Event).where(Event.status == "published", Event.ends_at <= now,
                            Event.ends_at > now - timedelta(days=lookback_days))
        .order_by(Event.ends_at, Event.id)))


def attendees_not_invited(event: Event) -> list[Registration]:
    """Registrations of ``event`` marked as attended, with an address, not yet sent the survey."""
    return list(db.session.scalars(
        select(Registration)
        .join(Attendance, Attendance.registration_id == Registration.id)
        .join(Person, Person.id == Registration.person_id)
        .where(Registration.event_id == event.id, Person.email.is_not(None), func.trim(Person.email) != "",
               ~exists().where(SurveyInvitation.registration_id == Registration.id))
        .order_by(Registration.id)))


def send_surveys(now: datetime | None = None, lookback_days: int | None = None) -> int:
    """Queue the survey email to every attendee of every recently ended event, once.

    Idempotent: each attendance is claimed by inserting its :class:`SurveyInvitation` (the
    registration is the primary key) with ``ON CONFLICT DO NOTHING``; a second or concurrent run
    inserts nothing and sends nothing. No-shows and cancelled or waitlisted registrations have no
    attendance, so they are never sent it. The caller commits (the emails are outbox rows).
    :return: how many emails were queued.
    """
    from eventsapp.surveys import emails

    now = now or utcnow()
    if lookback_days is None:
        lookback_days = int(current_app.config.get("SURVEY_LOOKBACK_DAYS") or DEFAULT_LOOKBACK_DAYS)
    sent = 0
    for event in ended_events(now, lookback_days):
        registrations = attendees_not_invited(event)
        if not registrations:
            continue
        if not questions_for(event.programme_id):
            ensure_questions(event.programme_id)
        for registration in registrations:
            if not _insert_once(SurveyInvitation, registration_id=registration.id, event_id=event.id, sent_at=now):
                continue  # another run claimed it
            emails.queue_survey(registration, make_link_token(event.id))
            sent += 1
    return sent


# --- results -----------------------------------------------------------------------------------

def text_answers(event_id: int) -> list[tuple[str, int, str, str, bool]]:
    """The free-text answers of an event's responses: (response id, question id, question, text,
    published), in the random order of the response ids (never the order they came in)."""
    return [tuple(row) for row in db.session.execute(
        select(SurveyAnswer.response_id, SurveyAnswer.question_id, SurveyQuestion.label, SurveyAnswer.value,
               SurveyAnswer.published)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .where(SurveyResponse.event_id == event_id, SurveyQuestion.kind == "text")
        .order_by(SurveyQuestion.position, SurveyAnswer.response_id)).all()]


def set_published(event_id: int, response_id: str, question_id: int, published: bool) -> bool:
    """Publish (or withdraw) one free-text answer of ``event_id`` as a quote; False when there is none."""
    in_event = select(SurveyResponse.id).where(SurveyResponse.event_id == event_id,
                                               SurveyResponse.id == response_id)
    text_question = select(SurveyQuestion.id).where(SurveyQuestion.kind == "text")
    changed = db.session.execute(
        update(SurveyAnswer)
        .where(SurveyAnswer.response_id.in_(in_event), SurveyAnswer.question_id == question_id,
               SurveyAnswer.question_id.in_(text_question))
        .values(published=published)
        .execution_options(synchronize_session=False)).rowcount
    return bool(changed)
