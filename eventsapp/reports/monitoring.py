"""Question summaries and (protected) equality-monitoring breakdowns for a report.

Both read the registration area's tables (EventQuestion, RegistrationAnswer,
EqualityResponse); empty tables give empty sections. Only the answers of
people who attended an event in scope are counted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, exists, func, literal, or_, select

from eventsapp.extensions import db
from eventsapp.models import (
    Attendance,
    EqualityResponse,
    Event,
    EventQuestion,
    Registration,
    RegistrationAnswer,
    equality,
)
from eventsapp.reports.aggregate import scope_conditions
from eventsapp.reports.model import ProtectedTable, QuestionSummary, ReportScope
from eventsapp.reports.suppression import MIN_RESPONDENTS, protect_breakdown, round_to_five

CHOICE_KINDS = ("single_choice", "multiple_choice", "yes_no")
NOT_ANSWERED = "Not answered"


def _attended_in_scope(scope: ReportScope, now: datetime):
    return (
        select(Registration.id)
        .join(Attendance, Attendance.registration_id == Registration.id)
        .join(Event, Event.id == Registration.event_id)
        .where(*scope_conditions(scope, now))
    )


def question_summaries(scope: ReportScope, now: datetime) -> tuple[QuestionSummary, ...]:
    """Counts of each answer to each choice question of the events in scope."""
    questions = db.session.execute(
        select(EventQuestion.id, EventQuestion.event_id, Event.title, EventQuestion.label,
               EventQuestion.kind, EventQuestion.choices, EventQuestion.sensitive)
        .join(Event, Event.id == EventQuestion.event_id)
        .where(EventQuestion.kind.in_(CHOICE_KINDS), *scope_conditions(scope, now))
        .order_by(Event.starts_at, Event.id, EventQuestion.position, EventQuestion.id)
    ).all()
    attended = _attended_in_scope(scope, now)
    summaries = []
    for question_id, event_id, title, label, kind, choices, sensitive in questions:
        answers = select(RegistrationAnswer.value).where(
            RegistrationAnswer.question_id == question_id,
            RegistrationAnswer.registration_id.in_(attended),
            func.trim(RegistrationAnswer.value) != "",
        ).subquery("answers")
        options = [line.strip() for line in (choices or "").splitlines() if line.strip()]
        if kind == "yes_no" and not options:
            options = ["yes", "no"]
        # Each option counted in SQL: an answer holds the options ticked, one per line.
        lined = literal("\n") + func.replace(answers.c.value, "\r", "") + literal("\n")
        columns = [func.count()] + [
            func.count(case((func.lower(lined).contains("\n" + option.lower() + "\n"), 1)))
            for option in options
        ]
        respondents, *counts = db.session.execute(select(*columns).select_from(answers)).one()
        shown = [(option.capitalize() if kind == "yes_no" else option, count)
                 for option, count in zip(options, counts, strict=True)]
        if sensitive:  # only protected display strings leave this function, as for equality monitoring
            rows, total, note = protect_breakdown(shown, respondents)
            summaries.append(QuestionSummary(event_id, title, label, kind, total, rows, note))
        else:
            summaries.append(QuestionSummary(event_id, title, label, kind, respondents, tuple(shown)))
    return tuple(summaries)


def equality_tables(scope: ReportScope, now: datetime) -> tuple[tuple[ProtectedTable, ...], str]:
    """Protected breakdowns of each characteristic, and the respondents figure as shown.

    Only protected display strings leave this function, so no output can
    print an exact small count.
    """
    response = EqualityResponse
    # An answer counts when its respondent attended: through the registration while linked, by the
    # ``attended`` kept when it was unlinked after (eventsapp.privacy.equality).
    attended = or_(
        response.attended.is_(True),
        exists(select(Attendance.id).where(Attendance.registration_id == response.registration_id)),
    )
    base = (
        select(response)
        .join(Event, Event.id == response.event_id)
        .where(attended, *scope_conditions(scope, now))
        .subquery("responses")
    )
    respondents = db.session.scalar(select(func.count()).select_from(base)) or 0
    if respondents == 0:
        return (), "0"
    ethnic_group = case(
        *[(base.c.ethnicity == code, group) for code, group in equality.ETHNICITY_GROUP.items()],
        (base.c.ethnicity == "prefer_not_to_say", "Prefer not to say"),
        else_=None,
    )
    characteristics = [
        ("ethnic_group", "Ethnic group", ethnic_group,
         {group: group for group, _ in equality.ETHNIC_GROUPS} | {"Prefer not to say": "Prefer not to say"}),
        ("ethnicity", "Ethnicity (detailed)", base.c.ethnicity, equality.ETHNICITY_LABELS),
        ("religion", "Religion", base.c.religion, equality.RELIGION_LABELS),
        ("age_band", "Age", base.c.age_band, equality.AGE_BAND_LABELS),
        ("gender", "Gender", base.c.gender, equality.GENDER_LABELS),
        ("disability", "Disability", base.c.disability, equality.DISABILITY_LABELS),
    ]
    tables = []
    for code, title, column, labels in characteristics:
        found = dict(db.session.execute(select(column, func.count()).select_from(base).group_by(column)).all())
        counts = [(label, found.pop(value, 0)) for value, label in labels.items()]
        unknown = sum(count for value, count in found.items() if value is not None)
        if unknown:
            counts.append(("Other answer", unknown))
        counts.append((NOT_ANSWERED, found.get(None, 0)))
        rows, total, note = protect_breakdown(counts, respondents)
        tables.append(ProtectedTable(code, title, total, rows, note))
    shown = str(round_to_five(respondents)) if respondents >= MIN_RESPONDENTS else f"<{MIN_RESPONDENTS}"
    return tuple(tables), shown
