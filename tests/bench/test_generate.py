"""The benchmark data generator: right row counts, references that hold, same data every time.

Runs the generator at a tiny size into a fresh, empty database of each
backend (the benchmarks themselves are not part of the test suite).
"""

from __future__ import annotations

import hashlib
import os

import pytest
from sqlalchemy import DateTime, bindparam, create_engine, text

from bench.generate import Sizes, generate
from eventsapp.models import utcnow

TINY = Sizes(organisations=30, people=150, events=6, attendances=240, checkin_registrations=25,
             upcoming_per_event=8)


def scalar(engine, sql: str, **params):
    with engine.connect() as connection:
        return connection.execute(text(sql), params).scalar()


def digest(engine) -> str:
    """A fingerprint of what was generated (names, bookings, attendance)."""
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT r.id, r.event_id, r.status, p.first_name, p.last_name, p.email, o.name, a.method "
            "FROM registration r JOIN person p ON p.id = r.person_id "
            "LEFT JOIN organisation o ON o.id = r.organisation_id "
            "LEFT JOIN attendance a ON a.registration_id = r.id ORDER BY r.id"
        )).all()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(scope="module", params=BACKENDS)
def generated(request, tmp_path_factory):
    """One tiny generated dataset per backend, shared by this module's tests (they only read it)."""
    tmp = tmp_path_factory.mktemp("bench")
    if request.param == "sqlite":
        url, admin, name = f"sqlite:///{tmp / 'bench.db'}", None, None
    else:
        admin = create_engine(os.environ["TEST_DATABASE_URL"], isolation_level="AUTOCOMMIT")
        name = f"bench_generate_{os.getpid()}"
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = admin.url.set(database=name).render_as_string(hide_password=False)
    counts = generate(url, TINY, instance_path=str(tmp / "instance"))
    engine = create_engine(url)
    yield counts, engine, url
    engine.dispose()
    if admin is not None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_row_counts_match_the_sizes(generated):
    counts, engine, _url = generated
    assert (counts.organisations, counts.people, counts.events) == (30, 150, 7)  # + the check-in event
    assert counts.attendances == 240
    for table, expected in [("organisation", 30), ("person", 150), ("event", 7), ("programme", 1),
                            ("registration", counts.registrations), ("attendance", 240), ('"user"', 2),
                            ("membership", 2)]:
        assert scalar(engine, f"SELECT COUNT(*) FROM {table}") == expected, table  # noqa: S608
    # registrations: attended + no-shows + cancellations at past events, bookings at upcoming ones
    assert counts.registrations > counts.attendances + TINY.checkin_registrations
    assert scalar(engine, "SELECT COUNT(*) FROM registration WHERE event_id = :e",
                  e=counts.checkin_event_id) == TINY.checkin_registrations
    # the schema came from the migrations, and reference data was seeded like init-db does
    assert scalar(engine, "SELECT COUNT(*) FROM alembic_version") >= 1
    assert scalar(engine, "SELECT COUNT(*) FROM region") == 13


def test_references_and_domain_rules_hold(generated):
    counts, engine, _url = generated
    orphans = [
        "SELECT COUNT(*) FROM registration r LEFT JOIN person p ON p.id = r.person_id WHERE p.id IS NULL",
        "SELECT COUNT(*) FROM registration r LEFT JOIN event e ON e.id = r.event_id WHERE e.id IS NULL",
        "SELECT COUNT(*) FROM registration r LEFT JOIN organisation o ON o.id = r.organisation_id "
        "WHERE r.organisation_id IS NOT NULL AND o.id IS NULL",
        "SELECT COUNT(*) FROM attendance a LEFT JOIN registration r ON r.id = a.registration_id "
        "WHERE r.id IS NULL",
        "SELECT COUNT(*) FROM event e LEFT JOIN organisation o ON o.id = e.host_organisation_id "
        "WHERE o.id IS NULL",
        "SELECT COUNT(*) FROM organisation o LEFT JOIN sector s ON s.id = o.sector_id WHERE s.id IS NULL",
    ]
    for sql in orphans:
        assert scalar(engine, sql) == 0, sql
    # only confirmed registrations at past, published events are attended
    with engine.connect() as connection:
        wrongly_attended = connection.execute(
            text(
                "SELECT COUNT(*) FROM attendance a JOIN registration r ON r.id = a.registration_id "
                "JOIN event e ON e.id = r.event_id "
                "WHERE r.status != 'confirmed' OR e.status != 'published' OR e.starts_at > :now"
            ).bindparams(bindparam("now", type_=DateTime)),
            {"now": utcnow()},
        ).scalar()
    assert wrongly_attended == 0
    # one active registration per (event, email), and never more confirmed than the capacity
    assert scalar(engine, (
        "SELECT COUNT(*) FROM (SELECT event_id, email_key FROM registration WHERE status != 'cancelled' "
        "GROUP BY event_id, email_key HAVING COUNT(*) > 1) AS duplicates"
    )) == 0
    assert scalar(engine, (
        "SELECT COUNT(*) FROM event e WHERE e.capacity IS NOT NULL AND e.capacity < "
        "(SELECT COUNT(*) FROM registration r WHERE r.event_id = e.id AND r.status = 'confirmed')"
    )) == 0
    assert scalar(engine, "SELECT COUNT(*) FROM organisation WHERE normalised_key = ''") == 0


def test_the_app_reads_the_data_and_can_add_rows(generated, tmp_path):
    """Dates read back as datetimes and new rows get fresh ids (PostgreSQL sequences were moved on)."""
    from bench.generate import make_app
    from eventsapp.extensions import db
    from eventsapp.models import Event, Organisation, Registration

    counts, _engine, url = generated
    app = make_app(url, INSTANCE_PATH=str(tmp_path / "instance2"))
    with app.app_context():
        event = db.session.get(Event, counts.checkin_event_id)
        assert event.host.id == counts.checkin_host_id
        assert event.ends_at > event.starts_at
        attended = db.session.scalars(
            db.select(Registration).where(Registration.attendance.has()).limit(5)).all()
        assert all(r.attendance.checked_in_at.year >= 2000 for r in attended)
        organisation = Organisation(name="A new organisation after the bulk load")
        db.session.add(organisation)
        db.session.flush()  # the id comes from the sequence (PostgreSQL) or MAX(id) (SQLite)
        assert organisation.id == counts.organisations + 1
        db.session.rollback()  # the dataset is shared by this module's tests
        db.session.remove()
        db.engine.dispose()


def test_the_same_seed_gives_the_same_data(generated, tmp_path):
    """Generating again (into SQLite) gives the same rows as this backend's dataset."""
    _counts, engine, _url = generated
    again = f"sqlite:///{tmp_path / 'again.db'}"
    generate(again, TINY, instance_path=str(tmp_path / "instance"))
    other = create_engine(again)
    assert digest(other) == digest(engine)
    other.dispose()


def test_the_event_counters_equal_count_and_their_triggers_are_on(generated):
    """The generator loads with the counter triggers off, then backfills and turns them back on."""
    from eventsapp.models import counters

    _counts, engine, _url = generated
    wrong = scalar(engine, """
        SELECT COUNT(*) FROM event e WHERE e.confirmed_count !=
            (SELECT COUNT(*) FROM registration r WHERE r.event_id = e.id AND r.status = 'confirmed')
          OR e.waitlisted_count !=
            (SELECT COUNT(*) FROM registration r WHERE r.event_id = e.id AND r.status = 'waitlisted')
          OR e.cancelled_count !=
            (SELECT COUNT(*) FROM registration r WHERE r.event_id = e.id AND r.status = 'cancelled')""")
    assert wrong == 0
    assert scalar(engine, "SELECT SUM(confirmed_count) FROM event") > 0
    with engine.connect() as connection:
        assert counters.missing_triggers(connection) == []
