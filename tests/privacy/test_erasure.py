"""Erasure on request: every personal field of the person, everywhere, gone; the report identical.

The acceptance test seeds the person everywhere the app keeps personal data — registrations
at three events, answers, equality answers, attendance and its log, desk search keys, mail in
the outbox and as .eml files, an import upload and its job, a story and its history, a
network profile's contact address, an invitation — then runs ``erase-person`` and searches a
full dump of the database (SQLite: ``iterdump``; PostgreSQL: ``pg_dump``) and every file of
the instance folder for the email and the name in every form.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import make_url

from eventsapp.checkin.search import fold
from eventsapp.files import jobs as file_jobs
from eventsapp.mail import build_message
from eventsapp.models import (
    AttendanceLog,
    ErasureRecord,
    FileJob,
    ImportJob,
    NetworkProfile,
    Person,
    Registration,
    RegistrationSearch,
    Story,
    StoryChange,
    utcnow,
)
from eventsapp.outbox import enqueue
from eventsapp.privacy.people import ANONYMISED
from eventsapp.registration.people import merge_people
from tests import factories
from tests.privacy.conftest import report_json

EMAIL = "Siobhan.ONeill-Wojcik@Example.org"
FIRST, LAST = "Siobhán", "O'Neill-Wójcik"


def needles() -> list[str]:
    """The person's email and name in every form the app could have stored them in (case-folded)."""
    base = {EMAIL.casefold(), f"{FIRST} {LAST}".casefold(), fold(f"{FIRST} {LAST}"), LAST.casefold(), fold(LAST),
            f"{fold(LAST)}\t{fold(FIRST)}"}
    forms = set(base)
    for value in base:
        forms.add(value.replace("'", "''"))  # quoted in an SQL dump
        forms.add(json.dumps(value)[1:-1].casefold())  # inside JSON (\u00e1)
        forms.add(value.encode().hex())  # BLOBs are dumped as hex
    return sorted(forms)


def found_in(content: str) -> list[str]:
    folded = content.casefold()
    return [needle for needle in needles() if needle in folded]


def database_dump(db) -> str:
    if db.engine.dialect.name == "sqlite":
        connection = db.engine.raw_connection()
        try:
            return "\n".join(connection.driver_connection.iterdump())
        finally:
            connection.close()
    if Path("/usr/bin/pg_dump").exists():
        url = make_url(str(db.engine.url))
        env = {**os.environ, "PGPASSWORD": url.password or ""}
        command = ["/usr/bin/pg_dump", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
                   "-U", url.username or "postgres", "--data-only", url.database]
        return subprocess.run(command, check=True, capture_output=True, env=env).stdout.decode("utf-8", "replace")
    # No pg_dump: every text column of every table.
    parts = []
    for table in inspect(db.engine).get_table_names():
        parts.extend(str(row) for row in db.session.execute(text(f'SELECT * FROM "{table}"')))  # noqa: S608
    return "\n".join(parts)


def sqlite_files(db) -> str:
    """The SQLite database's files as bytes (free pages and the write-ahead log included)."""
    path = Path(db.engine.url.database)
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in path.parent.glob(path.name + "*"))


def instance_files(app) -> str:
    contents = []
    for root, _dirs, files in os.walk(app.instance_path):
        for name in files:
            path = Path(root) / name
            contents.append(str(path) + "\n" + path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(contents)


def seed_everywhere(app, db, world, login_user):
    """Put the person in every other place personal data lives."""
    # The desk: check-in log lines (by a door volunteer) for the attendances.
    for registration in world.target_registrations[:2]:
        db.session.add(AttendanceLog(registration_id=registration.id, action="check_in", method="desk",
                                     by_id=login_user.id))
        registration.attendance.note = f"{FIRST} arrived late"
    # Mail: a confirmation in the outbox, a copy to the host naming them, an .eml file written.
    enqueue(build_message(f"{FIRST} {LAST} <{EMAIL}>", "Your place", f"Dear {FIRST} {LAST}, your place is booked."))
    enqueue(build_message("host@example.org", f"New registration: {FIRST} {LAST}", f"{FIRST} {LAST} ({EMAIL})"))
    enqueue(build_message("someone.else@example.org", "Your place", "Dear Alex, your place is booked."))
    outbox = Path(app.instance_path) / "outbox"
    outbox.mkdir(parents=True, exist_ok=True)
    (outbox / "one.eml").write_bytes(bytes(build_message(EMAIL, "Reminder", f"Hello {FIRST}")))
    (outbox / "other.eml").write_bytes(bytes(build_message("alex@example.org", "Reminder", "Hello Alex")))
    # An import upload naming them, and its job.
    db.session.add(ImportJob(
        id="job-with-person", user_id=login_user.id, file_name="attendance.csv", suffix=".csv",
        upload=f"First name,Last name,Email\n{FIRST},{LAST},{EMAIL.upper()}\n".encode(),
        target={"event_id": world.events[0].id}, phase="previewed", progress=1.0, rows=1,
        summary={"errors": [f"row 2: {FIRST} {LAST}"]}, message=""))
    db.session.add(ImportJob(
        id="job-without", user_id=login_user.id, file_name="other.csv", suffix=".csv",
        upload=b"First name,Last name,Email\nAlex,Smith,alex@example.org\n",
        target={"event_id": world.events[0].id}, phase="previewed", progress=1.0, rows=1))
    # A story that names them, and its history; a network profile and an invitation with their address.
    story = Story(title=f"How {FIRST} {LAST} brought two estates together", summary="A story",
                  body=f"{FIRST} {LAST} ({EMAIL}) ran the sessions.", region_id=world.events[0].region_id,
                  kind_of_work="bringing_together", programme_id=world.programme.id, author_id=login_user.id,
                  attribution="anonymous")
    db.session.add(story)
    db.session.flush()
    db.session.add(StoryChange(story_id=story.id, user_id=login_user.id, to_state="draft",
                               note=f"Checked with {FIRST} {LAST}"))
    db.session.add(NetworkProfile(organisation_id=world.host.id, slug="riverside", contact_email=EMAIL.lower()))
    factories.make_invitation(world.host, email=EMAIL, role="door", invited_by=login_user)
    # A person merged into them on purpose: the audit record keeps both names as they were.
    duplicate = Person(first_name=FIRST, last_name=f"{LAST} (paper list)")
    db.session.add(duplicate)
    db.session.flush()
    merge_people(world.target_registrations[0].person, duplicate, by=login_user)
    db.session.commit()
    # The programme's export, made by a worker (eagerly here) and kept in its job's row, compressed.
    file_jobs.create("programme_export", login_user, programme_id=world.programme.id)


def stored_files(db) -> str:
    """The files kept in file jobs' rows, unzipped (a search of the dump cannot see into a ZIP)."""
    contents = []
    for result, upload in db.session.execute(select(FileJob.result, FileJob.upload)):
        for data in (result, upload):
            if data and data.startswith(b"PK"):
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    contents.extend(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
            elif data:
                contents.append(data.decode("utf-8", "replace"))
    return "\n".join(contents)


def test_erase_person_removes_the_email_and_name_everywhere_and_keeps_the_report(app, db, world, runner):
    door = factories.make_user(role="door", organisation=world.host)
    seed_everywhere(app, db, world, door)
    now = utcnow()
    before = report_json(world.programme, now=now)
    assert found_in(database_dump(db)) and found_in(instance_files(app)), "the seeding should be found first"
    assert found_in(stored_files(db)), "the export job should hold the person"
    on_sqlite = db.engine.dialect.name == "sqlite"
    if on_sqlite:
        assert found_in(sqlite_files(db))

    result = runner.invoke(args=["erase-person", "  siobhan.oneill-WOJCIK@example.org ", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Erased" in result.output

    db.session.expire_all()
    assert found_in(database_dump(db)) == []
    assert found_in(instance_files(app)) == []
    assert found_in(stored_files(db)) == [] and db.session.scalar(select(func.count(FileJob.id))) == 0
    if on_sqlite:  # not even in free pages or the log: secure_delete and a checkpoint
        assert found_in(sqlite_files(db)) == []
    assert report_json(world.programme, now=now) == before
    # Rows the figures come from are all still there.
    person = db.session.get(Person, world.target.id)
    assert person.full_name == ANONYMISED and person.email is None and person.anonymised_at is not None
    assert len(person.registrations) == 3
    assert sum(r.attendance is not None for r in person.registrations) == 2
    # Other people's data is untouched.
    assert db.session.get(ImportJob, "job-without") is not None
    assert (Path(app.instance_path) / "outbox" / "other.eml").exists()
    assert db.session.scalar(select(Story)).body == "[removed] ([removed]) ran the sessions."
    assert db.session.scalar(select(StoryChange)).note == "Checked with [removed]"
    assert db.session.scalar(select(NetworkProfile)).contact_email is None
    other = world.others[1]
    assert db.session.get(Registration, other.id).first_name == other.person.first_name
    keys = db.session.get(RegistrationSearch, other.id)
    assert fold(other.person.last_name) in keys.sort_key
    # The audit record: counts, no personal data.
    record = db.session.scalar(select(ErasureRecord))
    assert record.kind == "erasure" and record.person_id == person.id and record.by_id is None
    assert record.counts["registrations"] == 3 and record.counts["import_jobs"] == 1
    assert record.counts["file_jobs"] == 1
    assert record.counts["invitations"] == 1 and record.counts["mail"] >= 3
    assert found_in(repr(record.counts)) == []


def test_erase_person_for_an_unknown_address_says_so(runner, db):
    result = runner.invoke(args=["erase-person", "nobody@example.org", "--yes"])
    assert result.exit_code != 0 and "No one with that email address" in result.output


def test_erasing_keeps_the_report_when_equality_answers_are_still_linked(db, world, runner):
    """A recent event: the person's equality answer is unlinked, not lost."""
    from eventsapp.models import EqualityResponse

    now = utcnow()
    before = report_json(world.programme, now=now)
    assert runner.invoke(args=["erase-person", EMAIL, "--yes"]).exit_code == 0
    db.session.expire_all()
    assert report_json(world.programme, now=now) == before
    mine = db.session.scalar(select(EqualityResponse).where(EqualityResponse.ethnicity == "other_any"))
    assert mine.registration_id is None and mine.attended is True


def test_pg_dump_is_used_when_present():
    assert shutil.which("pg_dump") or not Path("/usr/bin/pg_dump").exists()


def test_erasing_an_account_clears_its_name_on_the_messages_it_sent(db, world, runner):
    from eventsapp.models import Message, User

    sender = factories.make_user(role="organiser", organisation=world.host, email="rhian.probert@example.org",
                                 name="Rhian Probert")
    db.session.flush()
    db.session.add(Message(event_id=world.events[0].id, audience="confirmed", subject="Parking",
                           body="Use the rear car park.", sender_id=sender.id, sender_name="Rhian Probert",
                           recipients_count=3))
    db.session.commit()

    result = runner.invoke(args=["erase-person", "rhian.probert@example.org", "--yes"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    message = db.session.scalar(select(Message).where(Message.subject == "Parking"))
    assert message.sender_name == ANONYMISED and message.recipients_count == 3
    assert "probert" not in database_dump(db).casefold()
    assert db.session.get(User, sender.id).email.endswith("@erased.invalid")


def test_erasing_removes_their_unsubscribe_and_keeps_everyone_elses(db, world, runner):
    """The one-click unsubscribe from programme-wide messages is the person's own row: it goes with them
    (no address is left to send to); another person's stays, so they still hear nothing."""
    from eventsapp.messages.services import unsubscribe_from_network
    from eventsapp.models import NetworkUnsubscribe

    other = world.others[0].person_id
    assert unsubscribe_from_network(world.target.id) and unsubscribe_from_network(other)
    db.session.commit()
    now = utcnow()
    before = report_json(world.programme, now=now)
    result = runner.invoke(args=["erase-person", EMAIL, "--yes"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalars(select(NetworkUnsubscribe.person_id)).all() == [other]
    assert report_json(world.programme, now=now) == before
