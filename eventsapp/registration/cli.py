"""``flask --app eventsapp send-reminders --hours N``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from eventsapp.extensions import db
from eventsapp.registration import services


@click.command("send-reminders")
@click.option("--hours", default=48.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="Remind people of events starting within this many hours.")
@with_appcontext
def send_reminders_command(hours: float) -> None:
    """Email a reminder to everyone with a confirmed place at an event starting soon.

    The Celery worker's beat does this every hour; safe to run again: nobody gets the same
    reminder twice.
    """
    count = services.send_reminders(hours)
    db.session.commit()
    click.echo(f"Sent {count} reminder{'s' if count != 1 else ''} for events in the next {hours:g} hours.")


def register(app: Flask) -> None:
    app.cli.add_command(send_reminders_command)
