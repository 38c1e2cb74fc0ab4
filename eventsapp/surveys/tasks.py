"""Periodic work of the survey (Celery beat)."""

from __future__ import annotations

from celery import shared_task

from eventsapp.extensions import db
from eventsapp.surveys import services


@shared_task(name="eventsapp.surveys.send_surveys", ignore_result=True)
def send_surveys() -> int:
    """Send the feedback survey to the attendees of events that have ended (once each)."""
    count = services.send_surveys()
    db.session.commit()
    return count
