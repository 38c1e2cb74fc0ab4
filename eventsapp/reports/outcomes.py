"""The feedback survey's outcomes for a report: response count and rate, each question's answers,
per-event response rates and the published quotes, all counted in SQL.

Protected like equality monitoring (:mod:`eventsapp.reports.suppression`): below
:data:`MIN_RESPONDENTS` (10) responses the count is shown as ``"<10"``, the rate as "–" and no
breakdown at all; above it each question's answers go through :func:`protect_breakdown` (1–7
shown as "<8", others rounded to 5, secondary suppression). Only display strings leave this
module. Quotes come only from events with at least 10 responses, and only when published.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from eventsapp.extensions import db
from eventsapp.models import Event, SurveyAnswer, SurveyInvitation, SurveyQuestion, SurveyResponse
from eventsapp.models.survey import scale_of
from eventsapp.reports.aggregate import scope_conditions
from eventsapp.reports.model import OutcomeEvent, OutcomeQuestion, OutcomeQuote, Outcomes, ReportScope
from eventsapp.reports.suppression import MIN_RESPONDENTS, protect_breakdown

NOT_ANSWERED = "Not answered"
TOO_FEW = f"<{MIN_RESPONDENTS}"
TOO_FEW_NOTE = f"Fewer than {MIN_RESPONDENTS} responses: no breakdown is shown."
#: The last row of each question's table: every response counted (those that skipped the question as
#: "Not answered"), rounded like the rows, so it can differ from the exact "Responses" figure above it.
TOTAL_LABEL = "All responses (rounded to the nearest 5)"


def responses_shown(count: int) -> str:
    """A response count as shown: 0, "<10" from 1 to 9, else the count."""
    if count == 0:
        return "0"
    return TOO_FEW if count < MIN_RESPONDENTS else str(count)


def rate_shown(responses: int, invited: int) -> str:
    """Responses as a whole percentage of emails sent; "–" below 10 responses or with none sent."""
    if responses < MIN_RESPONDENTS or invited <= 0:
        return "–"
    return f"{min(responses / invited, 1):.0%}"


def survey_outcomes(scope: ReportScope, now: datetime) -> Outcomes:
    events = select(Event.id).where(*scope_conditions(scope, now))
    invited_by_event = dict(db.session.execute(
        select(SurveyInvitation.event_id, func.count()).where(SurveyInvitation.event_id.in_(events))
        .group_by(SurveyInvitation.event_id)).all())
    responses_by_event = dict(db.session.execute(
        select(SurveyResponse.event_id, func.count()).where(SurveyResponse.event_id.in_(events))
        .group_by(SurveyResponse.event_id)).all())
    if not invited_by_event and not responses_by_event:
        return Outcomes()
    invited = sum(invited_by_event.values())
    responses = sum(responses_by_event.values())
    surveyed = set(invited_by_event) | set(responses_by_event)
    rows = db.session.execute(select(Event.id, Event.title, Event.starts_at).where(Event.id.in_(surveyed))
                              .order_by(Event.starts_at, Event.id)).all()
    per_event = tuple(
        OutcomeEvent(event_id, title, starts_at, invited_by_event.get(event_id, 0),
                     responses_shown(responses_by_event.get(event_id, 0)),
                     rate_shown(responses_by_event.get(event_id, 0), invited_by_event.get(event_id, 0)))
        for event_id, title, starts_at in rows)
    if responses < MIN_RESPONDENTS:
        return Outcomes(invited=invited, responses=responses_shown(responses), rate="–", note=TOO_FEW_NOTE,
                        events=per_event)
    return Outcomes(invited=invited, responses=responses_shown(responses), rate=rate_shown(responses, invited),
                    note="", questions=_questions(events, responses), events=per_event,
                    quotes=_quotes(events, [e for e, n in responses_by_event.items() if n >= MIN_RESPONDENTS]))


def _questions(events, responses: int) -> tuple[OutcomeQuestion, ...]:
    """Each choice question's answers over the responses in scope; questions worded alike in several
    programmes count together."""
    in_scope = select(SurveyResponse.id).where(SurveyResponse.event_id.in_(events))
    counted = db.session.execute(
        select(SurveyQuestion.kind, SurveyQuestion.label, SurveyAnswer.value, func.count(),
               func.min(SurveyQuestion.position))
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .where(SurveyAnswer.response_id.in_(in_scope), SurveyQuestion.kind != "text")
        .group_by(SurveyQuestion.kind, SurveyQuestion.label, SurveyAnswer.value)).all()
    found: dict[tuple[str, str], dict[str, int]] = {}
    order: dict[tuple[str, str], int] = {}
    for kind, label, value, count, position in counted:
        found.setdefault((kind, label), {})[value] = count
        order[(kind, label)] = min(order.get((kind, label), position), position)
    questions = []
    for kind, label in sorted(found, key=lambda key: (order[key], key[1])):
        answers = found[(kind, label)]
        counts = [(shown, answers.get(value, 0)) for value, shown in scale_of(kind)]
        counts.append((NOT_ANSWERED, max(responses - sum(answers.values()), 0)))
        rows, total, note = protect_breakdown(counts, responses)
        questions.append(OutcomeQuestion(kind, label, total, rows, note))
    return tuple(questions)


def _quotes(events, quotable_events: list[int]) -> tuple[OutcomeQuote, ...]:
    if not quotable_events:
        return ()
    rows = db.session.execute(
        select(Event.title, SurveyQuestion.label, SurveyAnswer.value)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(Event, Event.id == SurveyResponse.event_id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .where(SurveyAnswer.published, SurveyQuestion.kind == "text", SurveyResponse.event_id.in_(events),
               SurveyResponse.event_id.in_(quotable_events))
        .order_by(Event.starts_at, Event.id, SurveyAnswer.response_id)).all()
    return tuple(OutcomeQuote(title, label, value) for title, label, value in rows)
