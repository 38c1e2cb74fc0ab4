"""``flask --app eventsapp send-surveys [--days N]``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from eventsapp.extensions import db
from eventsapp.surveys import services


@click.command("send-surveys")
@click.option("--days", default=None, type=click.IntRange(min=1, max=3650),
              help="Survey events that ended within this many days (default SURVEY_LOOKBACK_DAYS, 14).")
@with_appcontext
def send_surveys_command(days: int | None) -> None:
    """Email the feedback survey to the attendees of events that have ended, now.

    The Celery worker's beat does this every 15 minutes; safe to run again: nobody gets the
    survey of an event twice, and nobody who did not attend gets it at all.
    """
    count = services.send_surveys(lookback_days=days)
    db.session.commit()
    click.echo(f"Sent {count} survey email{'s' if count != 1 else ''}.")


def register(app: Flask) -> None:
    app.cli.add_command(send_surveys_command)
