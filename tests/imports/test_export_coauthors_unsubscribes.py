"""The programme export carries the published stories' co-authors (by their accounts' addresses) and who
asked for no more programme-wide messages; a restore into an empty database (the other backend when
TEST_DATABASE_URL is set) links the co-authors to the accounts of the same address there, making one
(no password, no organisation) for an address nobody has, and keeps the unsubscribes. An older export
without these files still restores, and says what it lacked."""

from __future__ import annotations

import csv
import io
import zipfile
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import func, select

from eventsapp import create_app
from eventsapp.extensions import db as _db
from eventsapp.imports.export import COLUMNS
from eventsapp.messages.audiences import Scope, recipients
from eventsapp.messages.services import send_message, unsubscribe_from_network
from eventsapp.models import (
    Approach,
    Message,
    NetworkUnsubscribe,
    Person,
    Programme,
    Registration,
    Story,
    StoryCoauthor,
    User,
)
from eventsapp.reference_data import seed_reference_data
from tests import factories
from tests.conftest import base_config
from tests.imports.test_export_messages_webhooks import _edited
from tests.imports.test_restore import other_backend_url  # noqa: F401 (a fixture)

NEW_FILES = ("story_coauthors.csv", "network_unsubscribes.csv")
ADDRESSES = {"author": "orla.organiser@example.org", "coauthor": "Dara.Door@example.org",
             "draft": "drafting.colleague@example.org"}


def _csv(archive: zipfile.ZipFile, name: str) -> tuple[list[str], list[dict]]:
    text = archive.read(name).decode("utf-8-sig")
    return next(csv.reader(io.StringIO(text))), list(csv.DictReader(io.StringIO(text)))


def _story(programme, host, author, state: str, title: str) -> Story:
    story = Story(title=title, summary="People met.", body="They met.", region=factories.region("TLJ"),
                  place="Crawley", kind_of_work="bringing_together", programme=programme,
                  consent_confirmed=state != "draft", attribution="organisation", attributed_organisation=host,
                  author=author, state=state, published_at=datetime(2024, 6, 1, 12, 0) if state == "published" else None)
    story.approaches = [_db.session.scalar(select(Approach).where(Approach.name == "Arts"))]
    story.organisations = [host]
    _db.session.add(story)
    _db.session.flush()
    return story


def _programme_with_coauthors_and_unsubscribes():
    """A published story with two co-authors (one invited by the author, one by an account since removed),
    a draft with a co-author of its own (drafts are not exported); two of three people unsubscribed, one
    through a programme-wide message of this programme and one through another programme's message."""
    programme = factories.make_programme(slug="cowritten")
    event = factories.make_event(programme=programme, host=factories.make_organisation("Crawley Partnership"),
                                 starts_at=datetime(2024, 5, 9, 9, 0))
    host = event.host
    author = factories.make_user("organiser", host, email=ADDRESSES["author"], name="Orla Organiser")
    coauthor = factories.make_user("door", host, email=ADDRESSES["coauthor"], name="Dara Door")
    drafting = factories.make_user("organiser", host, email=ADDRESSES["draft"], name="Drew Drafter")
    gone = factories.make_user("organiser", host, email="gone.colleague@example.org", name="Gwen Gone")
    published = _story(programme, host, author, "published", "Painted together")
    draft = _story(programme, host, author, "draft", "Not yet told")
    _db.session.add_all([
        StoryCoauthor(story_id=published.id, user_id=coauthor.id, added_by_id=author.id,
                      added_at=datetime(2024, 5, 20, 10, 0)),
        StoryCoauthor(story_id=published.id, user_id=drafting.id, added_by_id=gone.id,
                      added_at=datetime(2024, 5, 21, 11, 30)),
        StoryCoauthor(story_id=draft.id, user_id=drafting.id, added_by_id=author.id,
                      added_at=datetime(2024, 5, 22, 9, 0)),
    ])
    _db.session.flush()
    _db.session.execute(StoryCoauthor.__table__.update().where(StoryCoauthor.added_by_id == gone.id)
                        .values(added_by=None))  # the inviter's account has gone (ON DELETE SET NULL)
    people = [factories.make_registration(event=event, attended=True, consent_contact=True).person
              for _ in range(3)]
    send_message(Scope(programme=programme), "network", "News", "Next year too", "plain", author,
                 "http://localhost")
    message = _db.session.scalar(select(Message).where(Message.programme_id == programme.id))
    elsewhere = factories.make_programme(slug="elsewhere")
    send_message(Scope(programme=elsewhere), "network", "Other news", "Hello", "plain", author, "http://localhost")
    other_message = _db.session.scalar(select(Message).where(Message.programme_id == elsewhere.id))
    assert unsubscribe_from_network(people[0].id, message.id)
    assert unsubscribe_from_network(people[1].id, other_message.id)
    stranger = factories.make_person()  # unsubscribed, but registered for no event of the programme
    assert unsubscribe_from_network(stranger.id, other_message.id)
    _db.session.commit()
    return programme, published, people, message


def _snapshot():
    """The published stories' co-authors (story, address, inviter's address, when) and the unsubscribes of
    registered people (person, message, when), in comparable form: accounts differ between installations."""
    account = User.__table__.alias("inviter")
    inviter = select(account.c.email).where(account.c.id == StoryCoauthor.added_by_id).scalar_subquery()
    coauthors = sorted(
        (story_id, email.lower(), invited_by, added_at) for story_id, email, invited_by, added_at in _db.session.execute(
            select(StoryCoauthor.story_id, User.email, inviter, StoryCoauthor.added_at)
            .join(User, User.id == StoryCoauthor.user_id)
            .where(StoryCoauthor.story_id.in_(select(Story.id).where(Story.state == "published")))))
    unsubscribes = sorted(tuple(row) for row in _db.session.execute(
        select(NetworkUnsubscribe.person_id, NetworkUnsubscribe.message_id, NetworkUnsubscribe.created_at)
        .where(NetworkUnsubscribe.person_id.in_(select(Registration.person_id)))))
    return coauthors, unsubscribes


def _accounts(*addresses: str) -> None:
    """Accounts that exist where the programme is restored (an administrator's, say: no organisation)."""
    _db.session.add_all([User(email=address, name="Someone here") for address in addresses])
    _db.session.commit()


@contextmanager
def _elsewhere(tmp_path, url):
    """Another installation's app context, its database empty but for the reference data."""
    other = create_app(base_config(tmp_path / "other", url))
    with other.app_context():
        _db.create_all()
        seed_reference_data()
        _db.session.commit()
        try:
            yield other
        finally:
            _db.session.remove()
            _db.engine.dispose()


def test_coauthors_and_unsubscribes_leave_in_the_export_and_come_back(runner, db, tmp_path,
                                                                      other_backend_url):  # noqa: F811
    programme, published, people, message = _programme_with_coauthors_and_unsubscribes()
    people = [person.id for person in people]  # ids: the objects are this database's
    coauthors, unsubscribes = _snapshot()
    assert [c[:3] for c in coauthors] == [(published.id, "dara.door@example.org", ADDRESSES["author"]),
                                          (published.id, ADDRESSES["draft"], None)]
    assert [u[:2] for u in unsubscribes] == [(people[0], message.id), (people[1], unsubscribes[1][1])]

    archive = tmp_path / "cowritten.zip"
    exported = runner.invoke(args=["export-programme", "cowritten", "--output", str(archive)])
    assert exported.exit_code == 0, exported.output
    with zipfile.ZipFile(archive) as opened:
        files = {name: _csv(opened, name) for name in NEW_FILES}
        readme = opened.read("README.txt").decode()
    for name, (header, _rows) in files.items():
        assert header == [column for column, _ in COLUMNS[name]], name
        assert f"{name} (" in readme
    assert "makes one without a password or an organisation" in readme
    assert [(int(r["story id"]), r["co-author name"], r["co-author email"], r["invited by email"], r["added at utc"])
            for r in files["story_coauthors.csv"][1]] == [
        (published.id, "Dara Door", ADDRESSES["coauthor"], ADDRESSES["author"], "2024-05-20 10:00:00.000000"),
        (published.id, "Drew Drafter", ADDRESSES["draft"], "", "2024-05-21 11:30:00.000000")]  # not the draft's
    # Only people of people.csv; another programme's message (not in messages.csv) is left empty.
    assert [(int(r["person id"]), r["message id"]) for r in files["network_unsubscribes.csv"][1]] == [
        (people[0], str(message.id)), (people[1], "")]

    with _elsewhere(tmp_path, other_backend_url) as other:
        _accounts(ADDRESSES["author"], ADDRESSES["coauthor"].upper(), ADDRESSES["draft"])  # case ignored
        result = other.test_cli_runner().invoke(args=["import-programme", str(archive)])
        assert result.exit_code == 0, result.output
        assert "2 story co-authors" in result.output and "2 network unsubscribes" in result.output
        assert "no account here" not in result.output
        restored_coauthors, restored_unsubscribes = _snapshot()
        assert restored_coauthors == coauthors
        # people[1] unsubscribed through a message not restored: the unsubscribe holds, without it.
        assert restored_unsubscribes == [unsubscribes[0], (people[1], None, unsubscribes[1][2])]
        # And it still works: the restored programme's network leaves out who unsubscribed.
        _db.session.execute(Registration.__table__.update().values(consent_contact=True))
        restored_programme = _db.session.scalar(select(Programme).where(Programme.slug == "cowritten"))
        assert [p.id for p in recipients(Scope(programme=restored_programme), "network")] == [people[2]]
        _db.session.rollback()


def test_a_coauthor_without_an_account_here_gets_one_that_can_do_nothing_until_invited(
        runner, db, tmp_path, other_backend_url):  # noqa: F811
    _programme_with_coauthors_and_unsubscribes()
    coauthors, _ = _snapshot()
    archive = tmp_path / "cowritten.zip"
    assert runner.invoke(args=["export-programme", "cowritten", "--output", str(archive)]).exit_code == 0

    with _elsewhere(tmp_path, other_backend_url) as other:
        _accounts(ADDRESSES["coauthor"])  # one co-author has an account here; the other, and the author, not
        result = other.test_cli_runner().invoke(args=["import-programme", str(archive)])
        assert result.exit_code == 0, result.output
        assert "2 story co-authors" in result.output
        assert ("Note: 1 story co-author has no account here: one was made with their name and address, "
                "without a password or an organisation") in result.output
        restored, _ = _snapshot()
        # Both co-authors are back; the author's invitation is not (the author has no account here).
        assert restored == [(story, address, None, at) for story, address, _inviter, at in coauthors]
        accounts = {u.email: u for u in _db.session.scalars(select(User))}
        assert set(accounts) == {ADDRESSES["coauthor"], ADDRESSES["draft"]}  # no account for the author
        made = accounts[ADDRESSES["draft"]]
        assert made.name == "Drew Drafter" and made.password_hash is None and made.memberships == []
        assert not made.check_password("")


def _without(archive, tmp_path, *names: str) -> str:
    """The export as an older installation made it: without ``names`` (and its README not listing them)."""
    with zipfile.ZipFile(archive) as source:
        parts = {part: source.read(part) for part in source.namelist() if part not in names}
    older = tmp_path / "older.zip"
    with zipfile.ZipFile(older, "w") as target:
        for part, data in parts.items():
            target.writestr(part, data)
    return str(older)


def _counts() -> dict[str, int]:
    return {model.__tablename__: _db.session.scalar(select(func.count()).select_from(model))
            for model in (Programme, Person, Registration, Story, StoryCoauthor, NetworkUnsubscribe)}


def test_an_older_export_restores_and_a_malformed_file_is_refused_with_nothing_written(
        runner, db, tmp_path, other_backend_url):  # noqa: F811
    _programme_with_coauthors_and_unsubscribes()
    archive = tmp_path / "cowritten.zip"
    assert runner.invoke(args=["export-programme", "cowritten", "--output", str(archive)]).exit_code == 0
    person_id = db.session.scalar(select(func.min(NetworkUnsubscribe.person_id)))
    story_id = db.session.scalar(select(Story.id).where(Story.state == "published"))
    twice = _edited(archive, tmp_path, "network_unsubscribes.csv",
                    lambda data: data.rstrip(b"\r\n") + f"\r\n{person_id},,2024-06-01 10:00:00\r\n".encode())
    no_story = _edited(archive, tmp_path, "story_coauthors.csv",
                       lambda data: data.replace(f"\r\n{story_id},".encode(), b"\r\n999999,"))
    no_address = _edited(archive, tmp_path, "story_coauthors.csv",
                         lambda data: data.replace(ADDRESSES["coauthor"].encode(), b"dara.door"))
    no_column = _edited(archive, tmp_path, "network_unsubscribes.csv",
                        lambda data: data.replace(b"unsubscribed at utc", b"when"))
    older = _without(archive, tmp_path, *NEW_FILES)

    with _elsewhere(tmp_path, other_backend_url) as other:
        _accounts(*ADDRESSES.values())
        empty = _counts()
        for path, words in (
                (twice, f"network_unsubscribes.csv: person {person_id} is not in people.csv, or is listed twice"),
                (no_story, "story_coauthors.csv: story 999999 is not in stories.csv"),
                (no_address, f"story_coauthors.csv: a co-author of story {story_id} has no address"),
                (no_column, "network_unsubscribes.csv lacks the column 'unsubscribed at utc'")):
            refused = other.test_cli_runner().invoke(args=["import-programme", path])
            assert refused.exit_code == 1, refused.output
            assert "Nothing was restored" in refused.output and words in refused.output, refused.output
            _db.session.expire_all()
            assert _counts() == empty
        restored = other.test_cli_runner().invoke(args=["import-programme", older])
        assert restored.exit_code == 0, restored.output
        for name in NEW_FILES:
            assert f"Note: the export has no {name}; that part was not restored." in restored.output
        counts = _counts()
        assert counts["programme"] == 1 and counts["story"] == 1 and counts["registration"] == 3
        assert counts["story_coauthor"] == 0 and counts["network_unsubscribe"] == 0
