"""``flask --app eventsapp retention run [--dry-run]``, ``erase-person EMAIL``, ``export-person EMAIL``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from eventsapp.extensions import db
from eventsapp.models import utcnow
from eventsapp.privacy import retention
from eventsapp.privacy.export import person_data, render_json, render_summary
from eventsapp.privacy.people import after_commit
from eventsapp.privacy.services import erase_person, find_for

retention_cli = AppGroup("retention", help="Retention: remove personal data older than the settings allow.")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="List what would be removed; change nothing.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
              help="Apply the periods as at this UTC time instead of now (e.g. to plan ahead with --dry-run).")
def run_command(dry_run: bool, as_of: datetime | None) -> None:
    """Apply the retention settings now (beat does it daily)."""
    now = as_of or utcnow()
    if dry_run:
        click.echo(f"Retention as at {now.isoformat(timespec='seconds')}Z (dry run: nothing changed)")
        for line in retention.plan(now).lines():
            click.echo(f"  would: {line}")
        return
    done = retention.apply(now)
    retention.record(done)
    db.session.commit()
    click.echo(f"Retention as at {now.isoformat(timespec='seconds')}Z")
    for line in done.lines(done=True):
        click.echo(f"  {line}")


@click.command("erase-person")
@click.argument("address")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase_person_command(address: str, yes: bool) -> None:
    """Erase every personal field of the person with email ADDRESS, everywhere; figures stay the same."""
    identity = find_for(None, address)
    if identity is None:
        raise click.ClickException("No one with that email address is known.")
    if not yes:
        click.confirm("Erase this person's data everywhere? This cannot be undone", abort=True)
    record = erase_person(identity, None, utcnow())
    db.session.commit()
    after_commit()
    counts = ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in record.counts.items())
    click.echo(f"Erased (erasure record {record.id}): {counts}.")


@click.command("export-person")
@click.argument("address")
@click.option("--output", "output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The JSON file to write; a readable summary is written beside it (.txt).")
def export_person_command(address: str, output: str) -> None:
    """Everything held about the person with email ADDRESS: JSON plus a readable summary."""
    identity = find_for(None, address)
    if identity is None:
        raise click.ClickException("No one with that email address is known.")
    data = person_data(identity)
    path = Path(output)
    path.write_bytes(render_json(data))
    summary = path.with_suffix(".txt") if path.suffix != ".txt" else path.with_suffix(".summary.txt")
    summary.write_bytes(render_summary(data))
    click.echo(f"Wrote {path} and {summary}: {len(data['registrations'])} registrations, "
               f"{len(data['emails'])} emails.")


def register(app: Flask) -> None:
    app.cli.add_command(retention_cli)
    app.cli.add_command(erase_person_command)
    app.cli.add_command(export_person_command)
