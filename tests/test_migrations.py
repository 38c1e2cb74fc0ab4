"""Migrations build, from an empty database, exactly the schema the models describe."""

from contextlib import contextmanager

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from eventsapp import create_app
from eventsapp.database import autogenerate_filter
from eventsapp.extensions import db
from eventsapp.models import Attendance, Event, Person, Registration
from eventsapp.reference_data import seed_reference_data
from eventsapp.registration import counters
from tests import factories
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
            options = db.session.scalar(text(
                "SELECT reloptions FROM pg_class WHERE relname = 'ix_registration_search_event_trigrams'"))
            assert options == ["gin_pending_list_limit=64"]  # gin0p1e2n3d4
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


BEFORE_SOURCE_API = "hostn0t1c2e3"


@contextmanager
def _todays_columns_on_an_older_schema():
    """Today's models insert and select every column they map; on a database at an older revision,
    the columns added since (nullable, or with a server default) are added bare (with that default)
    for the test's own rows, and dropped again before the next migration, which so finds the schema
    of its revision."""
    inspector = inspect(db.engine)
    quote = db.engine.dialect.identifier_preparer.quote
    missing = []
    for table in db.metadata.sorted_tables:
        if not inspector.has_table(table.name):
            continue
        present = {column["name"] for column in inspector.get_columns(table.name)}
        missing += [(table.name, column) for column in table.columns if column.name not in present]
    assert all(column.nullable or column.server_default is not None for _, column in missing), missing

    def default(column) -> str:
        if column.server_default is None:
            return ""
        return " DEFAULT " + str(column.server_default.arg.compile(
            dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))

    with db.engine.begin() as connection:
        for table, column in missing:
            connection.execute(text(f"ALTER TABLE {quote(table)} ADD COLUMN {quote(column.name)} "
                                    f"{column.type.compile(db.engine.dialect)}{default(column)}"))
    try:
        yield
    finally:
        db.session.remove()
        with db.engine.begin() as connection:
            for table, column in missing:
                connection.execute(text(f"ALTER TABLE {quote(table)} DROP COLUMN {quote(column.name)}"))


def _counters(event_id: int) -> tuple[int, int, int]:
    db.session.expire_all()
    return tuple(db.session.execute(select(Event.confirmed_count, Event.waitlisted_count, Event.cancelled_count)
                                    .where(Event.id == event_id)).one())


def _counters_follow_registrations(source: str = "api") -> None:
    """On the migrated database: an insert, a cancellation and a delete each move the event's counters
    (the triggers are there), and one active registration per email still holds (the partial index)."""
    event = factories.make_event(capacity=5)
    before = _counters(event.id)
    registration = factories.make_registration(event=event, source=source)
    assert _counters(event.id) == (before[0] + 1, before[1], before[2])
    registration.status = "cancelled"
    db.session.commit()
    assert _counters(event.id) == (before[0], before[1], before[2] + 1)
    waiting = factories.make_registration(event=event, status="waitlisted", source="web")
    assert _counters(event.id) == (before[0], before[1] + 1, before[2] + 1)
    db.session.delete(waiting)
    db.session.commit()
    assert _counters(event.id) == (before[0], before[1], before[2] + 1)
    assert counters.check().ok  # every event's counters equal COUNT(*), and no trigger is missing

    person = db.session.get(Person, registration.person_id)
    again = factories.make_registration(event=event, person=person, source=source)  # the first was cancelled
    with pytest.raises(IntegrityError):
        factories.make_registration(event=event, person=person, source="web")  # a second active one
    db.session.rollback()
    assert db.session.get(Registration, again.id).status == "confirmed"


def test_source_api_migration_on_an_empty_database_keeps_counters_and_indexes(fresh_engine_url, tmp_path):
    """api2s0u4r1c on an empty database: the API's source is allowed, an unknown one still refused,
    and the counters' triggers and the registration's indexes are there (SQLite copied the table)."""
    app = create_app(base_config(tmp_path, fresh_engine_url))
    with app.app_context():
        upgrade()
        seed_reference_data()
        db.session.commit()
        indexes = {index["name"] for index in inspect(db.engine).get_indexes("registration")}
        assert {"ix_registration_event_status", "ix_registration_organisation_id", "ix_registration_person_id",
                "uq_registration_active_email"} <= indexes
        _counters_follow_registrations()
        with pytest.raises(IntegrityError):
            factories.make_registration(source="telepathy")
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


def test_source_api_migration_on_a_database_holding_registrations(fresh_engine_url, tmp_path):
    """Upgraded over registrations (with attendances) of every earlier source: nothing is lost, 'api'
    becomes allowed, the counters still move on insert and cancel; down again, the API's rows are
    'manual' as before and the counters still move."""
    app = create_app(base_config(tmp_path, fresh_engine_url))
    with app.app_context():
        upgrade(revision=BEFORE_SOURCE_API)
        with _todays_columns_on_an_older_schema():
            seed_reference_data()
            db.session.commit()
            event = factories.make_event(capacity=10)
            for source, status in (("web", "confirmed"), ("manual", "confirmed"), ("walk_in", "confirmed"),
                                   ("import", "cancelled"), ("demo", "waitlisted")):
                factories.make_registration(event=event, status=status, source=source,
                                            attended=status == "confirmed")
            event_id = event.id
            with pytest.raises(IntegrityError):  # before the migration the API's source is refused
                factories.make_registration(event=event, source="api")
            db.session.rollback()
            sources = dict(db.session.execute(select(Registration.id, Registration.source)).all())

        upgrade()
        assert dict(db.session.execute(select(Registration.id, Registration.source)).all()) == sources
        assert db.session.scalar(select(func.count(Attendance.id))) == 3  # the copy kept them all
        assert _counters(event_id) == (3, 1, 1)
        _counters_follow_registrations()
        api = factories.make_registration(event=db.session.get(Event, event_id), source="api")
        api_id = api.id
        db.session.remove()

        downgrade(revision=BEFORE_SOURCE_API)
        with _todays_columns_on_an_older_schema():
            assert db.session.scalar(select(Registration.source).where(Registration.id == api_id)) == "manual"
            with pytest.raises(IntegrityError), db.engine.begin() as connection:
                connection.execute(text("UPDATE registration SET source = 'api' WHERE id = :id"), {"id": api_id})
            _counters_follow_registrations(source="manual")
        db.engine.dispose()


def test_story_coauthor_migration_on_an_empty_database(fresh_engine_url, tmp_path):
    """coa1u7h0r5s2 on an empty database: one co-author per (story, user); the rows go with the story and
    with the user, the inviter's id is forgotten with their account; down again, the table goes."""
    from eventsapp.models import Story, StoryCoauthor, User

    app = create_app(base_config(tmp_path, fresh_engine_url))
    with app.app_context():
        upgrade()
        seed_reference_data()
        db.session.commit()
        columns = {c["name"] for c in inspect(db.engine).get_columns("story_coauthor")}
        assert columns == {"id", "story_id", "user_id", "added_by", "added_at"}
        foreign = {(fk["constrained_columns"][0], fk["options"].get("ondelete"))
                   for fk in inspect(db.engine).get_foreign_keys("story_coauthor")}
        assert foreign == {("story_id", "CASCADE"), ("user_id", "CASCADE"), ("added_by", "SET NULL")}
        host = factories.make_organisation("Migration Host")
        programme = factories.make_programme(coordinator_organisation=host)
        author = factories.make_user(organisation=host)
        inviter = factories.make_user(role="coordinator", organisation=host)
        door = factories.make_user(role="door", organisation=host)

        def story(title):
            row = Story(title=title, region=factories.region("TLJ"), kind_of_work="bringing_together",
                        programme=programme, attribution="anonymous", author=author, state="draft")
            db.session.add(row)
            db.session.flush()
            db.session.add(StoryCoauthor(story_id=row.id, user_id=door.id, added_by_id=inviter.id))
            return row

        first, second = story("One"), story("Two")
        db.session.commit()
        db.session.add(StoryCoauthor(story_id=first.id, user_id=door.id))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        db.session.execute(text("DELETE FROM membership WHERE user_id = :id"), {"id": inviter.id})
        db.session.execute(text('DELETE FROM "user" WHERE id = :id'), {"id": inviter.id})
        db.session.execute(text("DELETE FROM story WHERE id = :id"), {"id": first.id})
        db.session.commit()
        assert db.session.execute(select(StoryCoauthor.story_id, StoryCoauthor.added_by_id)).all() == [
            (second.id, None)]
        db.session.execute(text("DELETE FROM membership WHERE user_id = :id"), {"id": door.id})
        db.session.execute(text('DELETE FROM "user" WHERE id = :id'), {"id": door.id})
        db.session.commit()
        assert db.session.scalar(select(func.count(StoryCoauthor.id))) == 0
        assert db.session.get(User, author.id) is not None
        db.session.remove()
        downgrade(revision="notify1a2b3c4")
        assert "story_coauthor" not in set(inspect(db.engine).get_table_names())
        assert "story" in set(inspect(db.engine).get_table_names())
        db.engine.dispose()


def test_recipients_migration_fills_message_recipient_from_the_outbox(fresh_engine_url, tmp_path):
    """exp0m1s2g3w4 keeps the recipients still known from the outbox's message rows (down, then up);
    endpoints come out active."""
    from eventsapp.messages.audiences import Scope
    from eventsapp.messages.services import send_message
    from eventsapp.models import MessageRecipient, WebhookEndpoint

    app = create_app(base_config(tmp_path, fresh_engine_url))
    with app.app_context():
        upgrade()
        seed_reference_data()
        db.session.commit()
        event = factories.make_event()
        people = [factories.make_registration(event=event).person_id for _ in range(3)]
        sender = factories.make_user(role="organiser", organisation=event.host)
        message_id = send_message(Scope(event=event), "confirmed", "Hello", "Hi", "plain", sender,
                                  "http://localhost").id
        db.session.add(WebhookEndpoint(url="https://x.example.org/", events=[], secret="s",
                                       organisation_id=event.host_organisation_id))
        db.session.commit()
        db.session.remove()
        downgrade(revision="coa1u7h0r5s2")
        assert "message_recipient" not in inspect(db.engine).get_table_names()
        upgrade()
        assert sorted(db.session.execute(select(MessageRecipient.message_id, MessageRecipient.person_id)).all()) == [
            (message_id, person) for person in sorted(people)]
        assert db.session.scalar(select(WebhookEndpoint.active)) is True
        db.session.remove()
        db.engine.dispose()
