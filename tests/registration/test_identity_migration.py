"""The migration that gives each registration its own name fills it in from the person (issue #13, finding 2)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_migrate import upgrade

from eventsapp import create_app
from eventsapp.extensions import db
from tests.conftest import base_config

BEFORE = "a4f1c2d9e8b7"


def _filler(column: dict):
    kind = column["type"]
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return 0
    if isinstance(kind, sa.DateTime | sa.Date):
        return datetime(2026, 1, 1, 12)
    return "x"


def insert(connection, table: str, **values) -> int:
    """A row with ``values`` and a plain value in every other required column."""
    for column in sa.inspect(connection).get_columns(table):
        name = column["name"]
        if name in values or name == "id" or column["nullable"] or column.get("default") is not None:
            continue
        values[name] = _filler(column)
    reflected = sa.Table(table, sa.MetaData(), autoload_with=connection)
    return connection.execute(reflected.insert().values(**values).returning(reflected.c.id)).scalar()


def test_existing_registrations_get_their_persons_name(fresh_engine_url, tmp_path):
    app = create_app(base_config(tmp_path, fresh_engine_url))
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            region = insert(connection, "region", code="TLJ", name="South East")
            host = insert(connection, "organisation", name="Host", normalised_key="host")
            event = insert(connection, "event", host_organisation_id=host, region_id=region, status="published",
                           starts_at=datetime(2026, 1, 1, 18), ends_at=datetime(2026, 1, 1, 20))
            people = [insert(connection, "person", first_name=first, last_name=last, email=None, email_key=None)
                      for first, last in (("Zoë", "Ó Súilleabháin"), ("Łukasz", "Wójcik"))]
            for person in people:
                insert(connection, "registration", event_id=event, person_id=person, organisation_id=None,
                       status="confirmed", source="web", email_key=None)
        upgrade()
        with db.engine.connect() as connection:
            names = connection.execute(sa.text(
                "SELECT first_name, last_name FROM registration ORDER BY id")).all()
        assert [tuple(row) for row in names] == [("Zoë", "Ó Súilleabháin"), ("Łukasz", "Wójcik")]
        db.engine.dispose()
