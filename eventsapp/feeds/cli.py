"""``flask --app eventsapp export-calendar``: the same feed the web serves, written to a file."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.feeds.ical import events_to_ical
from eventsapp.feeds.services import FeedFilters, feed_events
from eventsapp.models import Organisation, Programme, Region


@click.command("export-calendar")
@with_appcontext
@click.option("--programme", "programme_slug", help="Only this programme (slug).")
@click.option("--region", "region_code", help="Only this region (ITL1 code, e.g. TLJ).")
@click.option("--host", "host_id", type=int, help="Only events this organisation hosts or co-hosts (id).")
@click.option("--query", "text", help="Only events mentioning these words.")
@click.option("--name", help="Calendar name (default: from the scope).")
@click.option("-o", "--output", type=click.File("wb"), default="-", show_default=True,
              help="File to write the .ics to.")
def export_calendar_command(programme_slug, region_code, host_id, text, name, output) -> None:
    """Write public events (never drafts) as an iCalendar file, exactly as the feed URLs serve them.

    Event page links need SERVER_NAME (and PREFERRED_URL_SCHEME) to be set outside a request.
    """
    names = ["eventsapp: events"]
    if programme_slug:
        programme = db.session.scalar(select(Programme).where(Programme.slug == programme_slug))
        if programme is None:
            raise click.BadParameter(f"no programme with slug {programme_slug!r}", param_hint="--programme")
        names = [programme.name]
    if region_code:
        region = db.session.scalar(select(Region).where(Region.code == region_code.upper()))
        if region is None:
            raise click.BadParameter(f"no region with code {region_code!r}", param_hint="--region")
        names.append(f"in {region.name}")
    if host_id is not None:
        organisation = db.session.get(Organisation, host_id)
        if organisation is None:
            raise click.BadParameter(f"no organisation with id {host_id}", param_hint="--host")
        names.append(f"hosted by {organisation.name}")
    filters = FeedFilters.from_args(
        {"programme": programme_slug, "region": region_code, "host": str(host_id or ""), "q": text}
    )
    events = feed_events(filters)
    output.write(events_to_ical(events, name=name or " ".join(names)))
    target = getattr(output, "name", "<stdout>")
    if target != "<stdout>":
        click.echo(f"Wrote {len(events)} events to {target}.", err=True)


def register(app: Flask) -> None:
    app.cli.add_command(export_calendar_command)
