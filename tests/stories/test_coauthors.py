"""Co-authors (issue 18): the author of a story not yet published (or a moderator) invites a member of a
host organisation, chosen from a list; the co-author edits and submits the draft, never moderates or
invites; the invitation goes through the outbox; lists, subject access and erasure know of them."""

from __future__ import annotations

import html
import json
import re

import pytest
from sqlalchemy import func, select

from eventsapp.extensions import db as _db
from eventsapp.models import Membership, OutboxMessage, Story, StoryChange, StoryCoauthor, User
from tests import factories
from tests.stories.conftest import make_story
from tests.stories.test_views import story_form_data


@pytest.fixture
def door(world) -> User:
    """A door volunteer of the author's organisation: the member who was there and knows the story."""
    return factories.make_user(role="door", organisation=world.host, email="dara.door@example.org",
                               name="Dara Doorkeeper")


def options(page: str) -> dict[int, str]:
    """The invite list's options: user id -> label (the blank "Choose someone" left out)."""
    select_html = re.search(r'<select[^>]*name="user"[^>]*>(.*?)</select>', page, re.S)
    assert select_html, page
    return {int(value): html.unescape(label).strip()
            for value, label in re.findall(r'<option[^>]*value="(\d+)"[^>]*>(.*?)</option>', select_html.group(1))
            if value != "0"}


def field_error(page: str) -> str:
    found = re.search(r'id="user-error"[^>]*>(.*?)</div>', page, re.S)
    return html.unescape(found.group(1)).strip() if found else ""


def rows(story) -> list[int]:
    return list(_db.session.scalars(select(StoryCoauthor.user_id).where(StoryCoauthor.story_id == story.id)
                                    .order_by(StoryCoauthor.id)))


def test_the_author_invites_a_door_volunteer_who_edits_and_submits_the_draft(client, db, world, door, sign_in):
    story = make_story(world, state="draft", consent_confirmed=True)
    sign_in(world.organiser)
    page = client.get(f"/stories/{story.id}/coauthors").get_data(as_text=True)
    listed = options(page)
    assert listed[door.id] == "Dara Doorkeeper — Alpha Community Trust (door)"
    assert world.organiser.id not in listed  # not the author
    assert world.other_organiser.id not in listed and world.coordinator.id not in listed
    assert "dara.door@example.org" not in page  # chosen by name, never by address

    response = client.post(f"/stories/{story.id}/coauthors", data={"user": door.id})
    assert response.status_code == 302
    assert rows(story) == [door.id]
    row = db.session.scalar(select(StoryCoauthor).where(StoryCoauthor.story_id == story.id))
    assert row.added_by_id == world.organiser.id and row.added_at is not None
    notes = list(db.session.scalars(select(StoryChange.note).where(StoryChange.story_id == story.id)
                                    .order_by(StoryChange.id)))
    assert notes[-1] == "Co-author added: Dara Doorkeeper"
    # The invitation, through the outbox, to them only, with the story's link.
    mail = db.session.scalars(select(OutboxMessage)).all()
    assert [(m.recipient, m.subject) for m in mail] == [
        ("dara.door@example.org", f"Write a story with Orla Organiser: {story.title}")]
    assert f"/stories/{story.id}/edit".encode() in mail[0].payload

    sign_in(door)
    assert client.get(f"/stories/{story.id}").status_code == 200
    assert client.get(f"/stories/{story.id}/edit").status_code == 200
    response = client.post(f"/stories/{story.id}/edit", data=story_form_data(world, title="Told at the door"))
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert story.title == "Told at the door" and story.author_id == world.organiser.id
    # What a co-author may not do: invite, remove, publish.
    assert client.get(f"/stories/{story.id}/coauthors").status_code == 403
    assert client.post(f"/stories/{story.id}/coauthors", data={"user": door.id}).status_code == 403
    assert client.post(f"/stories/{story.id}/coauthors/remove", data={"user": door.id}).status_code == 403
    assert client.post(f"/stories/{story.id}/submit", data={"note": "From the door"}).status_code == 302
    db.session.expire_all()
    assert story.state == "submitted"
    assert client.get(f"/stories/{story.id}").status_code == 200  # still sees what they co-wrote
    assert client.get(f"/stories/{story.id}/edit").status_code == 403  # but edits drafts only
    assert client.post(f"/stories/{story.id}/withdraw").status_code == 403
    assert client.post(f"/stories/{story.id}/publish").status_code == 403
    assert rows(story) == [door.id]

    sign_in(world.coordinator)
    assert client.post(f"/stories/{story.id}/publish").status_code == 302
    sign_in(door)
    assert client.get(f"/stories/{story.id}/edit").status_code == 403  # published: no longer theirs to change
    assert client.post(f"/stories/{story.id}/unpublish").status_code == 403
    assert client.post(f"/stories/{story.id}/feature", data={"featured": "1"}).status_code == 403


def test_a_published_story_keeps_its_public_attribution(client, db, world, door, sign_in):
    story = make_story(world, state="published")
    named = make_story(world, state="published", title="Anonymous one", attribution="anonymous",
                       attributed_organisation=None)
    for s in (story, named):
        db.session.add(StoryCoauthor(story_id=s.id, user_id=door.id, added_by_id=world.organiser.id))
    db.session.commit()
    for signed_in in (None, world.other_organiser):
        sign_in(signed_in)
        page = client.get(f"/stories/{story.id}").get_data(as_text=True)
        assert "Dara" not in page and 'id="story-writers"' not in page
        assert "Alpha Community Trust" in re.search(r'id="attribution">(.*?)</p>', page, re.S).group(1)
        page = client.get(f"/stories/{named.id}").get_data(as_text=True)
        assert "Dara" not in page and "Shared anonymously" in page
        assert "Dara" not in client.get("/stories/").get_data(as_text=True)
        assert "Dara" not in client.get("/stories/feed.atom").get_data(as_text=True)
    sign_in(world.organiser)  # its author sees who wrote it, the public does not
    page = client.get(f"/stories/{story.id}").get_data(as_text=True)
    assert re.search(r'id="story-writers"[^>]*>(.*?)</p>', page, re.S).group(1) == \
        "Orla Organiser, with Dara Doorkeeper"
    # A published story takes no new co-authors, and its co-authors stay.
    assert client.get(f"/stories/{story.id}/coauthors").status_code == 403
    assert client.post(f"/stories/{story.id}/coauthors/remove", data={"user": door.id}).status_code == 403
    assert rows(story) == [door.id]


@pytest.mark.parametrize("posted, message", [
    ("other_organiser", "Choose someone from the list."),  # no member of the author's organisations
    ("organiser", "Choose someone from the list."),  # the author
    ("abc", "Choose someone from the list."),
    ("0", "Choose someone from the list."),
    ("-4", "Choose someone from the list."),
    ("99999999999999999999", "Choose someone from the list."),
    ("door", "They already co-write this story."),
])
def test_who_cannot_be_invited_comes_back_at_the_field(client, db, world, door, sign_in, posted, message):
    story = make_story(world, state="draft")
    db.session.add(StoryCoauthor(story_id=story.id, user_id=door.id, added_by_id=world.organiser.id))
    db.session.commit()
    value = {"other_organiser": world.other_organiser.id, "organiser": world.organiser.id,
             "door": door.id}.get(posted, posted)
    sign_in(world.organiser)
    response = client.post(f"/stories/{story.id}/coauthors", data={"user": value})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert field_error(page) == message
    assert 'aria-invalid="true"' in page
    assert rows(story) == [door.id]
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_only_the_authors_organisations_members_are_offered_not_those_of_organisations_named(
        client, db, world, door, sign_in):
    """Any organisation on the site can be named in a story: naming one must not show its members' names."""
    story = make_story(world, state="submitted")
    story.organisations = [world.host, world.other_host]  # an organisation of another network involved
    gone = factories.make_user(role="door", organisation=world.host, email="gone@example.org", name="Gwen Gone",
                               active=False)
    db.session.commit()
    sign_in(world.coordinator)  # a moderator invites too
    page = client.get(f"/stories/{story.id}/coauthors").get_data(as_text=True)
    assert set(options(page)) == {door.id}
    assert world.other_organiser.name not in page and gone.name not in page
    for refused in (gone.id, world.other_organiser.id):
        response = client.post(f"/stories/{story.id}/coauthors", data={"user": refused})
        assert response.status_code == 400 and field_error(response.get_data(as_text=True)) == \
            "Choose someone from the list."
    assert client.post(f"/stories/{story.id}/coauthors", data={"user": door.id}).status_code == 302
    assert rows(story) == [door.id]
    assert [m.recipient for m in db.session.scalars(select(OutboxMessage))] == [door.email]


def test_a_deactivated_account_is_never_emailed(app, db, world, door):
    from eventsapp.stories.services import _invite

    story = make_story(world, state="draft")
    door.active = False
    db.session.commit()
    with app.test_request_context():
        _invite(story, door, world.organiser)
        _db.session.commit()
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    door.active = True
    with app.test_request_context():
        _invite(story, door, world.organiser)
        _db.session.commit()
    assert db.session.scalars(select(OutboxMessage.recipient)).all() == ["dara.door@example.org"]


def test_removing_a_co_author_takes_the_draft_away_from_them(client, db, world, door, sign_in):
    story = make_story(world, state="draft")
    sign_in(world.organiser)
    client.post(f"/stories/{story.id}/coauthors", data={"user": door.id})
    response = client.post(f"/stories/{story.id}/coauthors/remove", data={"user": door.id})
    assert response.status_code == 302
    assert rows(story) == []
    assert db.session.scalars(select(StoryChange.note).where(StoryChange.story_id == story.id)
                              .order_by(StoryChange.id)).all()[-2:] == [
        "Co-author added: Dara Doorkeeper", "Co-author removed: Dara Doorkeeper"]
    response = client.post(f"/stories/{story.id}/coauthors/remove", data={"user": door.id})
    assert response.status_code == 400
    assert "Choose one of the story’s co-authors." in response.get_data(as_text=True)
    sign_in(door)
    assert client.get(f"/stories/{story.id}").status_code == 404
    assert client.get(f"/stories/{story.id}/edit").status_code == 404


def test_a_co_author_edits_only_while_the_author_may_and_they_still_belong(client, db, world, door, sign_in):
    story = make_story(world, state="draft")
    db.session.add(StoryCoauthor(story_id=story.id, user_id=door.id, added_by_id=world.organiser.id))
    db.session.commit()
    sign_in(door)
    assert client.get(f"/stories/{story.id}/edit").status_code == 200
    membership = db.session.scalar(select(Membership).where(Membership.user_id == world.organiser.id))
    membership.role = "door"  # the author is no longer a writer
    db.session.commit()
    assert client.get(f"/stories/{story.id}/edit").status_code == 403
    membership.role = "organiser"
    db.session.delete(db.session.scalar(select(Membership).where(Membership.user_id == door.id)))
    db.session.commit()  # the co-author left the organisation
    assert client.get(f"/stories/{story.id}/edit").status_code == 403


def test_my_stories_and_the_moderation_queue_name_the_co_authors(client, db, world, door, sign_in):
    mine = make_story(world, state="submitted", title="Co-written story")
    make_story(world, state="draft", title="Orla alone")
    make_story(world, state="draft", title="Someone else's", author=world.other_organiser)
    db.session.add(StoryCoauthor(story_id=mine.id, user_id=door.id, added_by_id=world.organiser.id))
    db.session.commit()

    def listed(page: str) -> list[tuple[str, str]]:
        return [(html.unescape(title), html.unescape(writers)) for title, writers in re.findall(
            r'<a href="/stories/\d+">([^<]*)</a></td>\s*<td class="story-writers">([^<]*)</td>', page)]

    sign_in(door)
    assert listed(client.get("/stories/mine").get_data(as_text=True)) == [
        ("Co-written story", "Orla Organiser with you")]
    sign_in(world.organiser)
    assert sorted(listed(client.get("/stories/mine").get_data(as_text=True))) == [
        ("Co-written story", "You with Dara Doorkeeper"), ("Orla alone", "You")]
    sign_in(world.coordinator)
    page = client.get("/stories/moderation").get_data(as_text=True)
    assert "by Orla Organiser with Dara Doorkeeper" in page


def test_subject_access_lists_the_stories_a_person_co_writes(db, world, door, runner, tmp_path):
    story = make_story(world, state="draft", title="Door stories")
    make_story(world, state="draft", title="Not theirs")
    db.session.add(StoryCoauthor(story_id=story.id, user_id=door.id, added_by_id=world.organiser.id))
    db.session.commit()
    output = tmp_path / "dara.json"
    result = runner.invoke(args=["export-person", "Dara.Door@example.org", "--output", str(output)])
    assert result.exit_code == 0, result.output
    data = json.loads(output.read_text())
    assert [(s["story"], s["state"]) for s in data["account"]["stories_co_written"]] == [("Door stories", "draft")]
    from eventsapp.privacy.export import render_summary

    assert "You co-write the story “Door stories” (draft" in render_summary(data).decode()
    assert data["account"]["stories_written"] == []


def test_subject_access_lists_the_stories_a_person_wrote(db, world, runner, tmp_path):
    make_story(world, state="published", title="Their mural story")
    make_story(world, state="draft", title="Somebody else's", author=world.coordinator)
    output = tmp_path / "author.json"
    result = runner.invoke(args=["export-person", world.organiser.email, "--output", str(output)])
    assert result.exit_code == 0, result.output
    data = json.loads(output.read_text())
    assert [(s["story"], s["state"]) for s in data["account"]["stories_written"]] == [
        ("Their mural story", "published")]
    from eventsapp.privacy.export import render_summary

    assert "You wrote the story “Their mural story” (published" in render_summary(data).decode()


def test_erasure_removes_their_co_author_rows_and_their_name_from_the_history(client, db, world, door, runner,
                                                                             sign_in):
    story = make_story(world, state="draft")
    other = factories.make_user(role="door", organisation=world.host, email="other.door@example.org",
                                name="Olwen Other")
    sign_in(world.organiser)
    for user in (door, other):
        assert client.post(f"/stories/{story.id}/coauthors", data={"user": user.id}).status_code == 302
    result = runner.invoke(args=["erase-person", "dara.door@example.org", "--yes"])
    assert result.exit_code == 0, result.output
    assert "coauthorships 1," in result.output
    db.session.expire_all()
    assert rows(story) == [other.id]  # theirs gone, the other co-author's kept
    assert db.session.get(Story, story.id) is not None
    notes = db.session.scalars(select(StoryChange.note).where(StoryChange.story_id == story.id)).all()
    assert not any("Dara" in note for note in notes) and "Co-author added: Olwen Other" in notes
    from eventsapp.permissions import can_view_story, is_story_coauthor

    erased = db.session.get(User, door.id)
    assert not is_story_coauthor(erased, story) and not can_view_story(erased, story)


def test_co_author_rows_go_with_the_story_and_with_the_user(db, world, door):
    story = make_story(world, state="draft")
    db.session.add(StoryCoauthor(story_id=story.id, user_id=door.id, added_by_id=world.organiser.id))
    other = make_story(world, state="draft", title="Another")
    db.session.add(StoryCoauthor(story_id=other.id, user_id=door.id, added_by_id=world.organiser.id))
    db.session.commit()
    db.session.execute(Story.__table__.delete().where(Story.id == story.id))  # the database's cascade
    db.session.commit()
    assert db.session.scalars(select(StoryCoauthor.story_id)).all() == [other.id]
    db.session.execute(Membership.__table__.delete().where(Membership.user_id == door.id))
    db.session.execute(User.__table__.delete().where(User.id == door.id))
    db.session.commit()
    assert db.session.scalar(select(func.count(StoryCoauthor.id))) == 0
