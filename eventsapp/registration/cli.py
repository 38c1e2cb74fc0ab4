"""``flask --app eventsapp send-reminders --hours N``; people merged, split and changes undone on purpose."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from eventsapp.extensions import db
from eventsapp.models import Person, PersonMerge
from eventsapp.registration import counters, services
from eventsapp.registration.people import PeopleChangeError, merge_people, split_person, undo_person_change


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


def _person(person_id: int) -> Person:
    person = db.session.get(Person, person_id)
    if person is None:
        raise click.ClickException(f"No person has the number {person_id}.")
    return person


def _done(action) -> PersonMerge:
    try:
        record = action()
    except PeopleChangeError as error:
        db.session.rollback()
        raise click.ClickException(f"Nothing was changed: {error}") from None
    db.session.commit()
    return record


@click.command("merge-people")
@click.argument("keep", type=int)
@click.argument("duplicate", type=int)
@with_appcontext
def merge_people_command(keep: int, duplicate: int) -> None:
    """Make two people's records one: DUPLICATE's registrations move to KEEP (undo with undo-people-change)."""
    record = _done(lambda: merge_people(_person(keep), _person(duplicate), None))
    click.echo(f"Change {record.id}: merged “{record.other_name}” (person {record.other_id}) into "
               f"“{record.person_name}” (person {record.person_id}); {len(record.registration_ids)} registrations moved.")


@click.command("split-person")
@click.argument("person_id", type=int)
@click.option("--registration", "registration_ids", type=int, multiple=True, required=True,
              help="A registration (id) to move to the new person; repeatable.")
@with_appcontext
def split_person_command(person_id: int, registration_ids: tuple[int, ...]) -> None:
    """Make one person's record two: the given registrations move to a new person (undo with undo-people-change)."""
    record = _done(lambda: split_person(_person(person_id), list(registration_ids), None))
    click.echo(f"Change {record.id}: split “{record.other_name}” (new person {record.other_id}) from "
               f"“{record.person_name}” (person {record.person_id}); {len(record.registration_ids)} registrations moved.")


@click.command("undo-people-change")
@click.argument("change_id", type=int)
@with_appcontext
def undo_people_change_command(change_id: int) -> None:
    """Undo a merge-people or split-person change, exactly."""
    record = db.session.get(PersonMerge, change_id)
    if record is None:
        raise click.ClickException(f"No change has the number {change_id}.")
    _done(lambda: undo_person_change(record, None) or record)
    click.echo(f"Undid change {change_id} ({record.kind} of “{record.other_name}” and “{record.person_name}”).")
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
    app.cli.add_command(merge_people_command)
    app.cli.add_command(split_person_command)
    app.cli.add_command(undo_people_change_command)
    app.cli.add_command(counters_group)
