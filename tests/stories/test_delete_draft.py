"""Walkthrough finding 9: deleting a draft story (its author and its moderators, after a confirm step), its
co-author rows, organisation and approach links and history with it; never a submitted or published one."""

from __future__ import annotations

from sqlalchemy import func, select

from eventsapp.extensions import db as _db
from eventsapp.models import Story, StoryChange, StoryCoauthor
from eventsapp.models.story import story_approach, story_organisation
from tests import factories
from tests.stories.conftest import make_story


def _count(table, story_id: int) -> int:
    column = table.c.story_id if hasattr(table, "c") else table.story_id
    return _db.session.scalar(select(func.count()).select_from(table).where(column == story_id))


def _cowritten_draft(world):
    story = make_story(world, state="draft")
    story.organisations = [world.host, world.other_host]
    door = factories.make_user(role="door", organisation=world.host, email="door.stories@example.org")
    story.coauthor_rows.append(StoryCoauthor(user=door, added_by=world.organiser))
    _db.session.commit()
    return story, door


def test_the_author_deletes_a_draft_after_confirming_and_everything_of_it_goes(client, db, world, sign_in):
    story, _ = _cowritten_draft(world)
    kept = make_story(world, state="draft", title="Another draft")
    story_id = story.id
    assert (_count(StoryCoauthor, story_id), _count(story_organisation, story_id),
            _count(story_approach, story_id), _count(StoryChange, story_id)) == (1, 2, 1, 1)
    sign_in(world.organiser)
    page = client.get(f"/stories/{story_id}").get_data(as_text=True)
    assert f'href="/stories/{story_id}/delete"' in page
    confirm = client.get(f"/stories/{story_id}/delete")
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Delete the draft" in html and "1 co-author" in html
    assert _db.session.get(Story, story_id) is not None  # asking deletes nothing

    response = client.post(f"/stories/{story_id}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith("/stories/mine")
    _db.session.expire_all()
    assert _db.session.get(Story, story_id) is None
    assert (_count(StoryCoauthor, story_id), _count(story_organisation, story_id),
            _count(story_approach, story_id), _count(StoryChange, story_id)) == (0, 0, 0, 0)
    assert _db.session.get(Story, kept.id) is not None
    assert "is deleted" in client.get("/stories/mine").get_data(as_text=True)
    assert client.get(f"/stories/{story_id}").status_code == 404


def test_a_coordinator_deletes_a_draft_but_a_coauthor_may_not(client, db, world, sign_in):
    story, door = _cowritten_draft(world)
    sign_in(door)
    assert f'/stories/{story.id}/delete"' not in client.get(f"/stories/{story.id}").get_data(as_text=True)
    assert client.post(f"/stories/{story.id}/delete").status_code == 403
    assert _db.session.get(Story, story.id) is not None
    sign_in(world.coordinator)
    assert client.post(f"/stories/{story.id}/delete").status_code == 302
    _db.session.expire_all()
    assert _db.session.get(Story, story.id) is None


def test_submitted_and_published_stories_are_not_deleted(client, db, world, sign_in):
    submitted = make_story(world, state="submitted")
    published = make_story(world, state="published")
    sign_in(world.organiser)
    for story in (submitted, published):
        assert f'/stories/{story.id}/delete"' not in client.get(f"/stories/{story.id}").get_data(as_text=True)
        assert client.post(f"/stories/{story.id}/delete").status_code == 403
    sign_in(world.coordinator)
    assert client.post(f"/stories/{published.id}/delete").status_code == 403
    _db.session.expire_all()
    assert {s.id for s in _db.session.scalars(select(Story))} == {submitted.id, published.id}


def test_the_service_keeps_a_story_submitted_meanwhile(db, world):
    import pytest

    from eventsapp.stories.services import StoryStateError, delete_draft

    story = make_story(world, state="draft", consent_confirmed=True)
    # a co-author submits it after the page read it: the object still says draft, the row does not
    _db.session.execute(Story.__table__.update().where(Story.id == story.id).values(state="submitted"))
    assert story.state == "draft"
    with pytest.raises(StoryStateError):
        delete_draft(story)
    _db.session.rollback()
    assert _db.session.get(Story, story.id) is not None
