"""A whole report for a scope: the counted figures (aggregate), the headline sentence (headline),
question and protected equality tables (monitoring), the feedback survey's outcomes (outcomes), the event's
themes and the chosen stories.

This module sits above the three, so none of them imports another in a circle; every output
(page, PDF, CSV, JSON, CLI) gets its report from :func:`build_report`.
"""

from __future__ import annotations

from datetime import datetime

from eventsapp.extensions import db
from eventsapp.models import Event, utcnow
from eventsapp.reports.aggregate import count
from eventsapp.reports.headline import headline
from eventsapp.reports.model import Report, ReportScope
from eventsapp.reports.monitoring import equality_tables, question_summaries
from eventsapp.reports.outcomes import survey_outcomes
from eventsapp.reports.scope import describe_scope
from eventsapp.stories.report import report_stories


def build_report(scope: ReportScope, now: datetime | None = None) -> Report:
    """Every figure for ``scope``, from SQL aggregates only."""
    now = now or utcnow()
    counted = count(scope, now)
    equality, respondents = equality_tables(scope, now)
    return Report(
        scope=scope,
        scope_label=describe_scope(scope).label,
        generated_at=now,
        headline=headline(counted.figures, counted.sectors),
        questions=question_summaries(scope, now),
        equality=equality,
        equality_respondents=respondents,
        themes=_themes(scope),
        stories=report_stories(scope),
        outcomes=survey_outcomes(scope, now),
        **counted._asdict(),
    )


def _themes(scope: ReportScope) -> tuple[str, ...]:
    """The discussion themes of the one event a report is about (none for wider scopes)."""
    if scope.event_id is None:
        return ()
    event = db.session.get(Event, scope.event_id)
    if event is None:
        return ()
    return tuple(line.strip() for line in (event.themes or "").splitlines() if line.strip())
