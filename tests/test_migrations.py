"""Migrations build, from an empty database, exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from eventsapp import create_app
from eventsapp.database import autogenerate_filter
from eventsapp.extensions import db
from tests.conftest import base_config


def test_upgrade_empty_database_matches_models(fresh_engine_url, tmp_path):
    app = create_app(base_config(tmp_path, fresh_engine_url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "compare_type": True, "include_object": autogenerate_filter(connection.dialect.name)})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        if db.engine.dialect.name == "postgresql":  # the desk search's trigram index, PostgreSQL only
            indexes = {index["name"] for index in inspect(db.engine).get_indexes("registration_search")}
            assert "ix_registration_search_event_trigrams" in indexes
        tables = set(inspect(db.engine).get_table_names())
        assert {"event", "registration", "attendance", "organisation", "membership"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_counters_migration_backfills_the_event_counters(fresh_engine_url, tmp_path):
    """perf1c0u7e5a fills event.confirmed_count & co. from the registrations already there (down, then up)."""
    from sqlalchemy import select

    from eventsapp.models import Event
    from eventsapp.reference_data import seed_reference_data
    from eventsapp.registration import counters
    from tests import factories

    app = create_app(base_config(tmp_path, fresh_engine_url))
    with app.app_context():
        upgrade()
        seed_reference_data()
        db.session.commit()
        event = factories.make_event(capacity=3)
        for status in ("confirmed", "confirmed", "waitlisted", "cancelled"):
            factories.make_registration(event=event, status=status)
        event_id = event.id
        db.session.remove()
        downgrade(revision="net4d1r8c7a2")  # the counters and triggers go
        assert "confirmed_count" not in {c["name"] for c in inspect(db.engine).get_columns("event")}
        upgrade()
        row = db.session.execute(select(Event.confirmed_count, Event.waitlisted_count, Event.cancelled_count)
                                 .where(Event.id == event_id)).one()
        assert tuple(row) == (2, 1, 1)
        assert counters.check().ok  # and the triggers are back
        db.session.remove()
        db.engine.dispose()
