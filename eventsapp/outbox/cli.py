"""``flask --app eventsapp outbox send`` and ``outbox status``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from eventsapp import outbox

outbox_cli = AppGroup("outbox", help="The outbox (mail and webhook deliveries): what waits to leave, and sending it now.")


@outbox_cli.command("send")
def send_command() -> None:
    """Deliver every pending message now, in this process (no worker needed).

    Messages waiting out a backoff after a failure are tried at once too.
    """
    results = outbox.send_pending()
    if not results:
        click.echo("Nothing to send.")
        return
    click.echo(", ".join(f"{count} {state}" for state, count in sorted(results.items())))
    if results.get("pending") or results.get("failed"):
        raise SystemExit(1)


@outbox_cli.command("status")
def status_command() -> None:
    """Print how many messages are in each state (pending, sending, sent, failed)."""
    for state, count in outbox.status_counts().items():
        click.echo(f"{state}: {count}")


def register(app: Flask) -> None:
    app.cli.add_command(outbox_cli)
