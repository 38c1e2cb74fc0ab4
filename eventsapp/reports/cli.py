"""``flask --app eventsapp report --programme SLUG --format pdf|csv|json --output FILE``."""

from __future__ import annotations

import json

import click
from flask import Flask
from flask.cli import with_appcontext

from eventsapp.reports.build import build_report
from eventsapp.reports.csv import render_csv, render_csv_zip
from eventsapp.reports.json import report_to_dict
from eventsapp.reports.pdf import render_pdf
from eventsapp.reports.scope import FILTERS, ScopeError, describe_scope, parse_scope
from eventsapp.reports.tables import TABLES


@click.command("report")
@with_appcontext
@click.option("--programme", help="Programme slug (or id).")
@click.option("--event", help="Event id.")
@click.option("--host", help="Host organisation id.")
@click.option("--region", help="Region code, e.g. TLJ.")
@click.option("--from", "date_from", help="First day (YYYY-MM-DD), inclusive.")
@click.option("--to", "date_to", help="Last day (YYYY-MM-DD), inclusive.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "csv", "json"]), default="pdf", show_default=True)
@click.option("--table", type=click.Choice(list(TABLES)),
              help="With --format csv: one table as CSV (default: every table in a ZIP).")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="File to write ('-' for standard output).")
def report_command(programme, event, host, region, date_from, date_to, fmt, table, output):
    """Write a report (PDF, CSV or JSON) for a programme, event, host, region or dates."""
    filters = {"programme": programme, "event": event, "host": host, "region": region,
               "from": date_from, "to": date_to}
    try:
        scope = parse_scope(filters)
    except ScopeError as error:
        name = min(error.errors, key=FILTERS.index)
        raise click.BadParameter(error.errors[name], param_hint=f"--{name}") from None
    report = build_report(scope)
    if fmt == "pdf":
        content = render_pdf(report, title=describe_scope(scope).title)
    elif fmt == "json":
        payload = report_to_dict(report)
        payload["scope"]["title"] = describe_scope(scope).title  # as the API gives it
        content = json.dumps(payload, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
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
