"""``flask --app eventsapp report --programme SLUG --format pdf|csv|json --output FILE``."""

from __future__ import annotations

import json
from datetime import date

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.models import Event, Organisation, Programme, Region
from eventsapp.reports.aggregate import ReportScope
from eventsapp.reports.build import build_report
from eventsapp.reports.csv import render_csv, render_csv_zip
from eventsapp.reports.json import report_to_dict
from eventsapp.reports.pdf import render_pdf
from eventsapp.reports.services import report_title
from eventsapp.reports.tables import TABLES


def _date(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD, e.g. 2026-03-31", param_hint=option) from None


@click.command("report")
@with_appcontext
@click.option("--programme", "programme_slug", help="Programme slug.")
@click.option("--event", "event_id", type=int, help="Event id.")
@click.option("--host", "host_id", type=int, help="Host organisation id.")
@click.option("--region", "region_code", help="Region code, e.g. TLJ.")
@click.option("--from", "date_from", help="First day (YYYY-MM-DD), inclusive.")
@click.option("--to", "date_to", help="Last day (YYYY-MM-DD), inclusive.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "csv", "json"]), default="pdf", show_default=True)
@click.option("--table", type=click.Choice(list(TABLES)),
              help="With --format csv: one table as CSV (default: every table in a ZIP).")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="File to write ('-' for standard output).")
def report_command(programme_slug, event_id, host_id, region_code, date_from, date_to, fmt, table, output):
    """Write a report (PDF, CSV or JSON) for a programme, event, host, region or dates."""
    values: dict = {}
    if programme_slug:
        values["programme_id"] = db.session.scalar(select(Programme.id).where(Programme.slug == programme_slug))
        if values["programme_id"] is None:
            raise click.BadParameter(f"no programme with slug {programme_slug!r}", param_hint="--programme")
    if event_id is not None:
        if db.session.get(Event, event_id) is None:
            raise click.BadParameter(f"no event {event_id}", param_hint="--event")
        values["event_id"] = event_id
    if host_id is not None:
        if db.session.get(Organisation, host_id) is None:
            raise click.BadParameter(f"no organisation {host_id}", param_hint="--host")
        values["host_id"] = host_id
    if region_code:
        values["region_id"] = db.session.scalar(select(Region.id).where(Region.code == region_code.upper()))
        if values["region_id"] is None:
            raise click.BadParameter(f"no region {region_code!r}", param_hint="--region")
    values["date_from"] = _date(date_from, "--from")
    values["date_to"] = _date(date_to, "--to")
    scope = ReportScope(**values)
    report = build_report(scope)
    if fmt == "pdf":
        content = render_pdf(report, title=report_title(scope))
    elif fmt == "json":
        content = json.dumps(report_to_dict(report), indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    else:
        content = render_csv(report, table) if table else render_csv_zip(report)
    if output == "-":
        click.get_binary_stream("stdout").write(content)
    else:
        with open(output, "wb") as file:
            file.write(content)
        click.echo(f"{report.headline}\nWritten to {output} ({len(content):,} bytes).", err=True)


def register(app: Flask) -> None:
    app.cli.add_command(report_command)
