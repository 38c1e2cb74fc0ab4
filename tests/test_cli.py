"""The CLI: init-db, seed-demo, create-user."""

from sqlalchemy import func, select

from eventsapp.demo import DEMO_PROGRAMME_SLUG
from eventsapp.models import (
    Attendance,
    Event,
    Membership,
    Organisation,
    Programme,
    Region,
    Registration,
    Sector,
    User,
)


def test_init_db_migrates_and_seeds_idempotently(app, tmp_path):
    from eventsapp import create_app
    from tests.conftest import base_config

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return  # init-db on PostgreSQL is covered by test_migrations on an empty database
    fresh = create_app(base_config(tmp_path / "fresh", f"sqlite:///{tmp_path / 'fresh.db'}"))
    runner = fresh.test_cli_runner()
    first = runner.invoke(args=["init-db"])
    assert first.exit_code == 0, first.output
    assert "13 regions and 14 sectors added" in first.output
    second = runner.invoke(args=["init-db"])
    assert "0 regions and 0 sectors added" in second.output
    with fresh.app_context():
        from eventsapp.extensions import db

        assert db.session.scalar(select(func.count(Region.id))) == 13
        assert db.session.scalar(select(func.count(Sector.id))) == 14
        db.engine.dispose()


def test_seed_demo_builds_the_programme_the_issue_describes(runner, db):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "coordinator@example.org" in result.output
    programme = db.session.scalar(select(Programme).where(Programme.slug == DEMO_PROGRAMME_SLUG))
    now = func.now()
    past = (
        select(Event.id).where(Event.programme_id == programme.id, Event.status == "published")
        .where(Event.ends_at < now)
    )
    past_ids = list(db.session.scalars(past))
    assert len(past_ids) == 11
    regions = db.session.scalar(select(func.count(func.distinct(Event.region_id))).where(Event.id.in_(past_ids)))
    hosts = db.session.scalar(
        select(func.count(func.distinct(Event.host_organisation_id))).where(Event.id.in_(past_ids))
    )
    assert regions >= 7 and hosts == 11
    attended = (
        select(Registration.person_id, Registration.organisation_id)
        .join(Attendance).where(Registration.event_id.in_(past_ids)).subquery()
    )
    attendances = db.session.scalar(select(func.count()).select_from(attended))
    people = db.session.scalar(select(func.count(func.distinct(attended.c.person_id))))
    organisations = db.session.scalar(select(func.count(func.distinct(attended.c.organisation_id))))
    assert 330 <= people <= 370 and attendances > people
    assert 220 <= organisations <= 250
    # Upcoming events with open registration exist for a newcomer to try.
    upcoming = db.session.scalar(
        select(func.count(Event.id)).where(Event.status == "published", Event.starts_at > now)
    )
    assert upcoming >= 2
    again = runner.invoke(args=["seed-demo"])
    assert "already loaded" in again.output
    assert db.session.scalar(select(func.count(Programme.id))) == 1


def test_seed_demo_if_empty_leaves_a_database_with_events_alone(runner, db, make_event):
    make_event()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "not loaded" in result.output
    assert db.session.scalar(select(func.count(Programme.id))) == 0


def test_create_user_reads_password_from_stdin(runner, db):
    result = runner.invoke(
        args=["create-user", "Host@Example.org", "--org", "Bristol Youth Offending Team", "--role", "organiser"],
        input="a long enough password\na long enough password\n",  # prompt and confirmation
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=["create-user", "host@example.org", "--org", "bristol youth offending team.", "--role", "door",
              "--password-stdin"],
        input="another long password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "host@example.org"))
    assert user.check_password("another long password")
    assert db.session.scalar(select(func.count(Organisation.id))) == 1
    assert [m.role for m in db.session.scalars(select(Membership))] == ["door"]


def test_create_user_rejects_a_short_password(runner, db):
    result = runner.invoke(
        args=["create-user", "x@example.org", "--org", "Org", "--role", "door", "--password-stdin"],
        input="short\n",
    )
    assert result.exit_code != 0 and "Use at least 12 characters" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_create_user_admin_and_make_admin(runner, db):
    result = runner.invoke(args=["create-user", "national@example.org", "--admin", "--password-stdin"],
                           input="the national coordination passphrase\n")
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(select(User).where(User.email == "national@example.org"))
    assert admin.is_admin and admin.memberships == []
    assert "site administrator" in result.output

    runner.invoke(args=["create-user", "coord@example.org", "--org", "Network B", "--role", "coordinator",
                        "--password-stdin"], input="a coordinator passphrase\n")
    coordinator = db.session.scalar(select(User).where(User.email == "coord@example.org"))
    assert not coordinator.is_admin
    result = runner.invoke(args=["make-admin", "COORD@example.org"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(User, coordinator.id).is_admin
    result = runner.invoke(args=["make-admin", "coord@example.org", "--revoke"])
    db.session.expire_all()
    assert result.exit_code == 0 and not db.session.get(User, coordinator.id).is_admin
    missing = runner.invoke(args=["make-admin", "nobody@example.org"])
    assert missing.exit_code != 0 and "No account" in missing.output
    half = runner.invoke(args=["create-user", "x@example.org", "--org", "Org", "--password-stdin"], input="x" * 20 + "\n")
    assert half.exit_code != 0 and "--role" in half.output
