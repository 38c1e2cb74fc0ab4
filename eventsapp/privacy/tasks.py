"""Retention, run daily by Celery beat (eventsapp.tasks.BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from eventsapp.extensions import db
from eventsapp.models import utcnow
from eventsapp.privacy import retention


@shared_task(name="eventsapp.privacy.apply_retention", ignore_result=True)
def apply_retention() -> dict:
    done = retention.apply(utcnow())
    retention.record(done)
    db.session.commit()
    return {"needs": len(done.needs_registrations), "people": len(done.people),
            "equality_events": len(done.equality_events), "access_log": done.access_log_entries}
