"""Celery, bound to the Flask app: background work runs in worker processes with an app context.

Production points ``CELERY_BROKER_URL`` at Redis (``redis://…``); without it the broker
is a SQLite file in the instance folder (kombu's SQLAlchemy transport), so ``make run``
runs the same tasks in a real worker with no server to install. Unit tests run tasks
eagerly (``CELERY_TASK_ALWAYS_EAGER``, on by default when ``TESTING``).

Start a worker (with beat, the periodic tasks) beside the web server::

    celery -A eventsapp.worker worker --beat --loglevel=INFO
"""

from __future__ import annotations

import os
from datetime import timedelta

from celery import Celery, Task
from flask import Flask, current_app, has_app_context
from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import sqlalchemy as kombu_sqlalchemy
from sqlalchemy.exc import IntegrityError


class PolledSQLChannel(kombu_sqlalchemy.Channel):
    """kombu's channel, which survives another process creating the same queue at the same moment.

    kombu guards the check-then-insert of a queue's row with a lock of its own process only, so
    when several gunicorn workers send their first task at once, all but one insert fails on the
    queue name's unique constraint; the row is there all the same, so it is read again.
    """

    def _get_or_create(self, queue):
        try:
            return super()._get_or_create(queue)
        except IntegrityError:
            self.session.rollback()
            return self.session.query(self.queue_cls).filter(self.queue_cls.name == queue).one()


class PolledSQLTransport(kombu_sqlalchemy.Transport):
    """kombu's SQLAlchemy transport, asking the database for work ten times a second.

    A worker takes its next message only after finishing one and then sleeps for the polling
    interval when the queue looks empty, so kombu's default of one second caps a worker at about
    ``concurrency`` messages a second. The interval cannot be set through
    ``broker_transport_options`` with this transport (kombu 5.7 hands every option it does not
    know to ``create_engine``), hence the subclass, registered for ``sqla+…`` broker URLs.
    """

    polling_interval = 0.1
    Channel = PolledSQLChannel


TRANSPORT_ALIASES["sqla"] = TRANSPORT_ALIASES["sqlalchemy"] = f"{__name__}:PolledSQLTransport"

#: Periodic tasks (Celery beat).
BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "eventsapp.outbox.sweep", "schedule": timedelta(minutes=1)},
    "registration-reminders": {"task": "eventsapp.registration.send_reminders", "schedule": timedelta(hours=1)},
    "registration-counters": {"task": "eventsapp.registration.check_counters", "schedule": timedelta(hours=1)},
    "import-jobs-sweep": {"task": "eventsapp.imports.sweep", "schedule": timedelta(minutes=1)},
    "old-import-jobs": {"task": "eventsapp.imports.remove_old_jobs", "schedule": timedelta(hours=1)},
    "file-jobs-sweep": {"task": "eventsapp.files.sweep", "schedule": timedelta(minutes=1)},
    "expired-file-jobs": {"task": "eventsapp.files.remove_expired", "schedule": timedelta(hours=1)},
    "feedback-surveys": {"task": "eventsapp.surveys.send_surveys", "schedule": timedelta(minutes=15)},
    "retention": {"task": "eventsapp.privacy.apply_retention", "schedule": timedelta(hours=24)},
}


def broker_url(app: Flask) -> str:
    return app.config.get("CELERY_BROKER_URL") or "sqla+sqlite:///" + os.path.join(
        app.instance_path, "celery-broker.sqlite"
    )


def init_celery(app: Flask) -> Celery:
    """Create the Celery app for ``app``; tasks run inside ``app``'s context."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            # A context of its own (and so a database session of its own), also when run eagerly
            # inside a request or command: the caller's session may be mid-commit.
            flask_app = current_app._get_current_object() if has_app_context() else app
            with flask_app.app_context():
                return self.run(*args, **kwargs)

    broker = broker_url(app)
    celery = Celery(app.import_name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=broker,
        result_backend=app.config.get("CELERY_RESULT_BACKEND"),
        task_ignore_result=True,
        task_always_eager=app.config.get("CELERY_TASK_ALWAYS_EAGER", app.testing),
        task_eager_propagates=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        # A broker that does not answer must not hold a request for long: the outbox sweep
        # delivers whatever could not be queued.
        broker_connection_timeout=3,
        broker_transport_options={"max_retries": 1, "interval_start": 0, "interval_step": 0.5},
        beat_schedule=BEAT_SCHEDULE,
        beat_schedule_filename=os.path.join(app.instance_path, "celerybeat-schedule"),
        timezone="UTC",
        imports=("eventsapp.outbox.tasks", "eventsapp.registration.tasks", "eventsapp.imports.jobs",
                 "eventsapp.files.jobs", "eventsapp.surveys.tasks", "eventsapp.privacy.tasks"),
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
