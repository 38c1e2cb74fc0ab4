"""Celery tasks of the outbox."""

from __future__ import annotations

from celery import shared_task

from eventsapp import outbox


@shared_task(name="eventsapp.outbox.deliver", ignore_result=True)
def deliver_message(message_id: int) -> str | None:
    """Deliver one outbox row; a failure is recorded on the row and retried by the sweep."""
    return outbox.deliver(message_id)


@shared_task(name="eventsapp.outbox.sweep", ignore_result=True)
def sweep() -> int:
    return outbox.sweep()
