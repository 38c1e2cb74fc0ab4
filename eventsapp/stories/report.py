"""The stories a report carries: published, chosen by a moderator, and within the report's scope.

Only published stories are ever read here, so a report shows nothing that is not already public.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from eventsapp.extensions import db
from eventsapp.models import Event, Story
from eventsapp.models.story import story_organisation as story_organisation_table
from eventsapp.reports.model import ReportScope, ReportStory
from eventsapp.timeutil import to_utc


def _utc_start(day) -> datetime:
    return to_utc(datetime.combine(day, time.min))


def report_stories(scope: ReportScope) -> tuple[ReportStory, ...]:
    """Chosen published stories in ``scope``: of its programme, event, host (credited, involved or
    hosting the event told at) and region; dated by their event, else by publication."""
    query = (select(Story).outerjoin(Event, Story.event_id == Event.id)
             .where(Story.state == "published", Story.featured_in_report)
             .options(selectinload(Story.approaches), selectinload(Story.attributed_organisation),
                      selectinload(Story.region)))
    if scope.programme_id is not None:
        query = query.where(Story.programme_id == scope.programme_id)
    if scope.event_id is not None:
        query = query.where(Story.event_id == scope.event_id)
    if scope.host_id is not None:
        involved = select(story_organisation_table.c.story_id).where(
            story_organisation_table.c.organisation_id == scope.host_id)
        query = query.where(or_(Event.host_organisation_id == scope.host_id,
                                Story.attributed_organisation_id == scope.host_id, Story.id.in_(involved)))
    if scope.region_id is not None:
        query = query.where(Story.region_id == scope.region_id)
    when = func.coalesce(Event.starts_at, Story.published_at)
    if scope.date_from is not None:
        query = query.where(when >= _utc_start(scope.date_from))
    if scope.date_to is not None:
        query = query.where(when < _utc_start(scope.date_to + timedelta(days=1)))
    stories = db.session.scalars(query.order_by(Story.published_at, Story.id)).all()
    return tuple(
        ReportStory(
            id=s.id, title=s.title, summary=s.summary, body=s.body, attribution=s.attribution_label,
            kind_of_work=s.kind_label, approaches=tuple(a.name for a in s.approaches), region=s.region.name,
            place=s.place, event_id=s.event_id, published_at=s.published_at,
        )
        for s in stories
    )
