"""``flask --app eventsapp send-reminders --hours N``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from eventsapp.extensions import db
from eventsapp.registration import counters, services


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


@click.group("counters")
def counters_group() -> None:
    """The registration counters on each event row (kept by database triggers)."""


def _report(result: counters.CheckResult) -> None:
    for mismatch in result.mismatches:
        click.echo(f"event {mismatch.event_id}: stored confirmed/waitlisted/cancelled {mismatch.stored}, "
                   f"counted {mismatch.counted}")
    if result.missing_triggers:
        click.echo(f"missing triggers: {', '.join(result.missing_triggers)}")


@counters_group.command("check")
@with_appcontext
def counters_check_command() -> None:
    """Compare every event's counters with COUNT(*); exit status 1 when any differ."""
    result = counters.check()
    db.session.rollback()
    _report(result)
    if not result.ok:
        raise click.ClickException(f"{len(result.mismatches)} of {result.events} events differ from COUNT(*).")
    click.echo(f"All {result.events} events' counters equal COUNT(*).")


@counters_group.command("repair")
@with_appcontext
def counters_repair_command() -> None:
    """Recount every event whose counters differ (each under its registration lock)."""
    result = counters.repair()
    db.session.commit()
    _report(result)
    click.echo(f"Repaired {len(result.mismatches)} of {result.events} events."
               + (" Triggers re-created." if result.missing_triggers else ""))


def register(app: Flask) -> None:
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(counters_group)
