"""``flask --app eventsapp import-attendance`` and ``export-programme``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.imports.engine import ImportSummary
from eventsapp.imports.export import export_programme
from eventsapp.imports.services import ImportRefused, ImportTarget, commit_import, preview_import
from eventsapp.models import Programme


def echo_summary(summary: ImportSummary, *, written: bool) -> None:
    verb = "Imported" if written else "Would import"
    click.echo(f"Rows read: {summary.rows:,}")
    if summary.programme_created:
        click.echo("Programme: created" if written else "Programme: would be created")
    click.echo(f"Events: {summary.events_matched if summary.events_matched else 0} matched, "
               f"{len(summary.events_new)} new")
    for spec in summary.events_new:
        click.echo(f"  + {spec['date']} {spec['title']} ({spec['town'] or spec['region']}), host {spec['host']}")
    click.echo(f"People: {summary.people_new:,} new, {summary.people_matched_email:,} matched by email, "
               f"{summary.people_matched_name:,} matched by name and organisation")
    click.echo(f"Organisations: {summary.organisations_matched:,} matched, "
               f"{summary.organisations_new_count:,} new")
    for organisation in summary.organisations_new[:50]:
        sector = organisation["sector"] or "sector unknown"
        click.echo(f"  + {organisation['name']} (proposed sector: {sector})")
    if summary.organisations_new_count > 50:
        click.echo(f"  … and {summary.organisations_new_count - 50:,} more")
    for word, count in summary.unknown_sectors.items():
        click.echo(f"  sector not recognised: “{word}” ({count} rows) — add a synonym in the web app")
    click.echo(f"{verb}: {summary.registrations_new:,} registrations, {summary.attendances_new:,} attendances; "
               f"{summary.registrations_existing:,} registrations already there; "
               f"{summary.repeated_rows:,} repeated rows")


def echo_problems(summary: ImportSummary) -> None:
    if summary.file_error:
        click.echo(f"Error: {summary.file_error}", err=True)
    for missing in summary.missing:
        click.echo(f"Error: the file needs {missing}.", err=True)
    for error in summary.errors:
        click.echo(f"Error: row {error['row']}, column “{error['column']}”: “{error['value']}” {error['message']}",
                   err=True)
    if summary.error_count > len(summary.errors):
        click.echo(f"… and {summary.error_count - len(summary.errors):,} more errors", err=True)


@click.command("import-attendance")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--event", "event_id", type=int, help="Import every row into this event (id).")
@click.option("--programme", "programme_slug", help="Import into the events of this programme (slug).")
@click.option("--create-events", is_flag=True,
              help="Create events (and the programme) named in the file that do not exist yet.")
@click.option("--dry-run", is_flag=True, help="Show what would be imported; write nothing.")
@click.option("--source", "source_name", default="", help="Name of the tool the file came from (for its mapping).")
def import_attendance_command(file: Path, event_id: int | None, programme_slug: str | None, create_events: bool,
                              dry_run: bool, source_name: str) -> None:
    """Import an attendance list (CSV or XLSX): preview first, then write all or nothing."""
    if (event_id is None) == (programme_slug is None):
        raise click.UsageError("Give exactly one of --event ID or --programme SLUG.")
    if create_events and programme_slug is None:
        raise click.UsageError("--create-events needs --programme SLUG.")
    target = ImportTarget(event_id=event_id, programme_slug=programme_slug, create_events=create_events,
                          file_label=file.name)
    with click.progressbar(length=1000, label="Checking", file=sys.stderr) as bar:
        summary = preview_import(file, target, source_name=source_name, progress=_advance(bar))
    if not summary.ok:
        echo_problems(summary)
        raise click.ClickException("Nothing was imported.")
    if dry_run:
        echo_summary(summary, written=False)
        click.echo("Dry run: nothing was written.")
        return
    try:
        with click.progressbar(length=1000, label="Importing", file=sys.stderr) as bar:
            summary = commit_import(file, target, source_name=source_name, progress=_advance(bar))
    except ImportRefused as refused:
        echo_problems(refused.summary)
        raise click.ClickException(f"Nothing was imported: {refused}") from None
    echo_summary(summary, written=True)


def _advance(bar):
    def progress(_rows: int, fraction: float) -> None:
        target = int(fraction * 1000)
        if target > bar.pos:
            bar.update(target - bar.pos)

    return progress


@click.command("export-programme")
@with_appcontext
@click.argument("slug")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The ZIP file to write.")
def export_programme_command(slug: str, output: Path) -> None:
    """Write a programme's complete data as a ZIP of CSV files with a README."""
    programme = db.session.scalar(select(Programme).where(Programme.slug == slug))
    if programme is None:
        raise click.ClickException(f"No programme has the slug “{slug}”.")
    counts = export_programme(programme, output)
    click.echo(f"Wrote {output}: " + ", ".join(f"{name} {n:,} rows" for name, n in counts.items()))


def register(app: Flask) -> None:
    app.cli.add_command(import_attendance_command)
    app.cli.add_command(export_programme_command)
