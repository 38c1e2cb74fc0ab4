"""``flask --app eventsapp import-attendance`` and ``export-programme``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.imports.export import export_programme
from eventsapp.imports.parsing import FIELDS, ImportFileError, normalise_header, open_rows
from eventsapp.imports.restore import RestoreRefused, restore_programme
from eventsapp.imports.services import (
    ImportRefused,
    ImportTarget,
    commit_import,
    preview_import,
    read_event_details,
)
from eventsapp.imports.summary import ImportSummary, event_lacks
from eventsapp.models import Programme


def echo_columns(summary: ImportSummary) -> None:
    """Each column and the field it was read as, with examples; then the columns ignored."""
    if not summary.headers:
        return
    click.echo("Columns:")
    for header, field_name in summary.columns.items():
        if field_name:
            examples = ", ".join(summary.examples.get(header, [])) or "no values"
            click.echo(f"  “{header}” → {FIELDS[field_name]} (e.g. {examples})")
    if summary.ignored:
        click.echo("Ignored columns: " + ", ".join(f"“{h}”" for h in summary.ignored))
    if summary.attendance == "all":
        click.echo("Attendance: every row attended (--all-attended)")
    elif summary.attendance == "none":
        click.echo("Attendance: no row attended (--none-attended)")
    for warning in summary.warnings:
        click.echo(f"Note: {warning}")


def echo_summary(summary: ImportSummary, *, written: bool) -> None:
    verb = "Imported" if written else "Would import"
    click.echo(f"Rows read: {summary.rows:,}")
    if summary.cancelled_rows:
        click.echo(f"Cancelled, refunded or transferred rows: {summary.cancelled_rows:,} (kept as cancelled bookings)")
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
    for conflict in summary.name_conflicts:
        click.echo(f"  ! row {conflict['row']}: {conflict['email']} is “{conflict['name']}” here but "
                   f"“{conflict['other_name']}” in {conflict['other']}: imported as one person (split them "
                   "afterwards if they are two)")
    if summary.name_conflict_count > len(summary.name_conflicts):
        click.echo(f"  … and {summary.name_conflict_count - len(summary.name_conflicts):,} more emails with two names")
    if summary.name_candidate_count:
        click.echo(f"  {summary.name_candidate_count:,} people without an email have the name and organisation of an "
                   "existing person: counted as new people unless you confirm with --match-names")
        for candidate in summary.name_candidates[:20]:
            click.echo(f"    row {candidate['row']}: {candidate['name']}")
    for word, count in summary.unknown_sectors.items():
        click.echo(f"  sector not recognised: “{word}” ({count} rows) — the site administrator can add it as a synonym at /imports/synonyms")
    click.echo(f"{verb}: {summary.registrations_new:,} registrations, {summary.attendances_new:,} attendances; "
               f"{summary.registrations_existing:,} registrations already there; "
               f"{summary.repeated_rows:,} repeated rows")


def echo_problems(summary: ImportSummary) -> None:
    if summary.file_error:
        click.echo(f"Error: {summary.file_error}", err=True)
    for missing in summary.missing:
        click.echo(f"Error: the file needs {missing}.", err=True)
    if summary.needs_attendance:
        click.echo("Error: no column says who attended. Choose one: --all-attended (every row attended), "
                   "--none-attended (registrations only), or --map \"COLUMN=attended\" to read a column.",
                   err=True)
    for spec in summary.events_incomplete:
        click.echo(f"Error: {event_lacks(spec)}", err=True)
    if summary.events_incomplete:
        click.echo("Give them with --events FILE: a CSV with the columns name, date, region and host "
                   "(and optionally start, end, town), one line per event.", err=True)
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
@click.option("--map", "mappings", multiple=True, metavar="COLUMN=FIELD",
              help="Read COLUMN as FIELD (repeatable); FIELD “ignore” ignores the column. Fields: "
                   + ", ".join(FIELDS) + ".")
@click.option("--all-attended", is_flag=True, help="No column says who attended: every row attended.")
@click.option("--none-attended", is_flag=True, help="No column says who attended: no row did (registrations only).")
@click.option("--match-names", is_flag=True,
              help="Rows without an email are the existing person with the same name and organisation.")
@click.option("--events", "events_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="With --create-events: a CSV of the new events (name, date, region, host; optionally start, "
                   "end, town).")
def import_attendance_command(file: Path, event_id: int | None, programme_slug: str | None, create_events: bool,
                              dry_run: bool, source_name: str, mappings: tuple[str, ...], all_attended: bool,
                              none_attended: bool, match_names: bool, events_file: Path | None) -> None:
    """Import an attendance list (CSV or XLSX): preview first, then write all or nothing."""
    if (event_id is None) == (programme_slug is None):
        raise click.UsageError("Give exactly one of --event ID or --programme SLUG.")
    if create_events and programme_slug is None:
        raise click.UsageError("--create-events needs --programme SLUG.")
    if all_attended and none_attended:
        raise click.UsageError("Give at most one of --all-attended and --none-attended.")
    if events_file is not None and not create_events:
        raise click.UsageError("--events FILE describes new events: it needs --create-events.")
    columns = _columns_from(file, mappings) if mappings else None
    try:
        details = read_event_details(events_file) if events_file else []
    except ValueError as error:
        raise click.UsageError(f"--events {events_file.name}: {error}") from None
    target = ImportTarget(event_id=event_id, programme_slug=programme_slug, create_events=create_events,
                          file_label=file.name, attendance="all" if all_attended else "none" if none_attended else "",
                          event_details=details, match_names=match_names)
    with click.progressbar(length=1000, label="Checking", file=sys.stderr) as bar:
        summary = preview_import(file, target, source_name=source_name, columns=columns, progress=_advance(bar))
    echo_columns(summary)
    if not summary.ok:
        echo_problems(summary)
        raise click.ClickException("Nothing was imported.")
    if dry_run:
        echo_summary(summary, written=False)
        click.echo("Dry run: nothing was written.")
        return
    try:
        with click.progressbar(length=1000, label="Importing", file=sys.stderr) as bar:
            summary = commit_import(file, target, source_name=source_name, columns=columns,
                                    progress=_advance(bar))
    except ImportRefused as refused:
        echo_problems(refused.summary)
        raise click.ClickException(f"Nothing was imported: {refused}") from None
    echo_summary(summary, written=True)


def _columns_from(file: Path, mappings: tuple[str, ...]) -> dict[str, str]:
    """--map "COLUMN=FIELD" options as header -> field, checked against the file's header row."""
    try:
        source = open_rows(file)
    except ImportFileError as error:
        raise click.ClickException(str(error)) from None
    source.close()
    headers = {normalise_header(h): h for h in source.headers}
    labels = {normalise_header(label): name for name, label in FIELDS.items()}
    columns: dict[str, str] = {}
    for mapping in mappings:
        column, equals, wanted = mapping.rpartition("=")
        header = headers.get(normalise_header(column))
        if not equals or header is None:
            raise click.UsageError(f"--map “{mapping}”: the file has no column “{column or mapping}”. Its columns: "
                                   + ", ".join(f"“{h}”" for h in source.headers))
        key = normalise_header(wanted)
        field_name = "" if key in ("ignore", "none", "") else key.replace(" ", "_")
        field_name = labels.get(key, field_name)
        if field_name and field_name not in FIELDS:
            raise click.UsageError(f"--map “{mapping}”: “{wanted}” is not a field. Fields: "
                                   + ", ".join(FIELDS) + ", or ignore.")
        columns[header] = field_name
    return columns


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
@click.option("--with-equality-answers", is_flag=True,
              help="Add each registration's equality-monitoring answers (special-category data), so that "
                   "import-programme restores the equality tables exactly. Keep such a file as securely as "
                   "the database.")
def export_programme_command(slug: str, output: Path, with_equality_answers: bool) -> None:
    """Write a programme's complete data as a ZIP of CSV files with a README."""
    programme = db.session.scalar(select(Programme).where(Programme.slug == slug))
    if programme is None:
        raise click.ClickException(f"No programme has the slug “{slug}”.")
    counts = export_programme(programme, output, with_equality_answers=with_equality_answers)
    click.echo(f"Wrote {output}: " + ", ".join(f"{name} {n:,} rows" for name, n in counts.items()))


@click.command("import-programme")
@with_appcontext
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_programme_command(archive: Path) -> None:
    """Restore a programme from its export-programme ZIP into an empty database, ids kept; all or nothing."""
    try:
        summary = restore_programme(archive)
        db.session.commit()
    except RestoreRefused as refused:
        db.session.rollback()
        raise click.ClickException(f"Nothing was restored: {refused}") from None
    except BaseException:
        db.session.rollback()
        raise
    click.echo(f"Restored the programme “{summary.slug}”: "
               + ", ".join(f"{n:,} {label}" for label, n in summary.counts.items()))
    for name in summary.absent:
        click.echo(f"Note: the export has no {name}; that part was not restored.")
    for note in summary.notes:
        click.echo(f"Note: {note}")


def register(app: Flask) -> None:
    app.cli.add_command(import_attendance_command)
    app.cli.add_command(export_programme_command)
    app.cli.add_command(import_programme_command)
