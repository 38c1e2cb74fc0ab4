"""Periodic work of the registration area (Celery beat)."""

from __future__ import annotations

from celery import shared_task
from flask import current_app

from eventsapp.extensions import db
from eventsapp.registration import counters, services


@shared_task(name="eventsapp.registration.send_reminders", ignore_result=True)
def send_reminders() -> int:
    """Remind everyone with a confirmed place at an event starting within ``REMINDER_HOURS`` (48)."""
    count = services.send_reminders(float(current_app.config.get("REMINDER_HOURS", 48)))
    db.session.commit()
    return count


@shared_task(name="eventsapp.registration.check_counters", ignore_result=True)
def check_counters() -> int:
    """Prove the events' registration counters equal COUNT(*); repair (and log) any that do not.

    :return: how many events differed.
    """
    result = counters.repair()
    db.session.commit()
    return len(result.mismatches)
