"""Command-line interface: ``flask --app eventsapp <command>``."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from eventsapp.auth.passwords import password_problem
from eventsapp.extensions import db
from eventsapp.models import ROLES, Membership, Organisation, User, normalise_organisation_name
from eventsapp.reference_data import seed_reference_data


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Migrate the database to the latest schema and seed regions and sectors.

    Safe to run again: it only applies missing migrations and missing rows.
    """
    upgrade()
    regions, sectors = seed_reference_data()
    db.session.commit()
    click.echo(f"Database is up to date ({regions} regions and {sectors} sectors added).")


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Only load it into a database with no events.")
def seed_demo_command(if_empty: bool) -> None:
    """Load the demo programme, its people and the demo accounts (once)."""
    from eventsapp.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo
    from eventsapp.models import Event

    seed_reference_data()
    if if_empty and db.session.scalar(select(Event.id).limit(1)) is not None:
        click.echo("The database already holds events; demo data not loaded again.")
    else:
        summary = seed_demo()
        db.session.commit()
        if summary.created:
            click.echo(
                f"Demo data loaded: {summary.events} events, {summary.people} people "
                f"from {summary.organisations} organisations."
            )
        else:
            click.echo("Demo data is already loaded.")
    if db.session.scalar(select(User.id).where(User.email == DEMO_USERS["coordinator"])):
        click.echo(
            f"Demo sign-in: {DEMO_USERS['coordinator']} (coordinator), "
            f"{DEMO_USERS['organiser']} (organiser), {DEMO_USERS['door']} (door); "
            f"password: {DEMO_PASSWORD}"
        )


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--org", "org_name", help="Organisation name (created if new).")
@click.option("--role", type=click.Choice(ROLES))
@click.option("--name", default="", help="The person's display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--admin", is_flag=True, help="Make the account the site administrator (may do everything).")
def create_user_command(email: str, org_name: str | None, role: str | None, name: str, password_stdin: bool,
                        admin: bool) -> None:
    """Create an account (or add a role to an existing one) in an organisation.

    With ``--admin`` the account is a site administrator; ``--org`` and ``--role`` are then optional.
    """
    if not admin and not (org_name and role):
        raise click.UsageError("Give --org and --role (or --admin for a site administrator).")
    if bool(org_name) != bool(role):
        raise click.UsageError("Give --org and --role together.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password, email)
    if problem:
        raise click.UsageError(problem)

    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        user = User(email=email.strip().lower(), name=name)
        db.session.add(user)
    user.set_password(password)
    if admin:
        user.is_admin = True
    if org_name:
        _give_role(user, org_name, role)
    db.session.commit()
    roles = [f"{m.role} of {m.organisation.name}" for m in user.memberships]
    click.echo(f"{user.email} is " + " and ".join((["site administrator"] if user.is_admin else []) + roles) + ".")


def _give_role(user: User, org_name: str, role: str) -> None:
    key = normalise_organisation_name(org_name)
    organisation = db.session.scalar(
        select(Organisation).where(
            Organisation.normalised_key == key, Organisation.merged_into_id.is_(None)
        )
    )
    if organisation is None:
        organisation = Organisation(name=org_name.strip())
        db.session.add(organisation)
    membership = next((m for m in user.memberships if m.organisation is organisation), None)
    if membership is None:
        user.memberships.append(Membership(organisation=organisation, role=role))
    else:
        membership.role = role


@click.command("make-admin")
@with_appcontext
@click.argument("email")
@click.option("--revoke", is_flag=True, help="Take the administrator role away instead.")
def make_admin_command(email: str, revoke: bool) -> None:
    """Make an existing account the site administrator (national coordination), or with --revoke undo it."""
    user = db.session.scalar(select(User).where(db.func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise click.UsageError(f"No account has the email {email}.")
    user.is_admin = not revoke
    user.session_version += 1  # signed-in sessions start again with the new powers
    db.session.commit()
    click.echo(f"{user.email} is {'no longer' if revoke else 'now'} a site administrator.")


def register(app: Flask) -> None:
    for command in (init_db_command, seed_demo_command, create_user_command, make_admin_command):
        app.cli.add_command(command)
