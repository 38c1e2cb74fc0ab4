"""The database refuses stories that break the rules, whatever the code above it does."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from eventsapp.models import Approach, Story, StoryChange
from eventsapp.reference_data import seed_reference_data
from tests.stories.conftest import make_story


@pytest.mark.parametrize(("values", "constraint"), [
    ({"state": "archived", "published_at": None}, "state_known"),
    ({"kind_of_work": "knitting"}, "kind_of_work_known"),
    ({"attribution": "someone"}, "attribution_known"),
    ({"attributed_organisation_id": None}, "named_attribution_has_organisation"),
    ({"consent_confirmed": False}, "consent_before_submission"),
    ({"photo": b"\xff\xd8", "photo_alt": ""}, "photo_has_alt_text"),
    ({"state": "submitted"}, "published_at_only_when_published"),
])
def test_constraints_refuse_impossible_stories(db, world, values, constraint):
    story = make_story(world, state="published")
    with pytest.raises(IntegrityError) as error:
        db.session.execute(update(Story).where(Story.id == story.id).values(**values))
        db.session.flush()
    assert constraint in str(error.value)
    db.session.rollback()


def test_a_draft_may_lack_consent_but_not_be_featured(db, world):
    story = make_story(world, state="draft", consent_confirmed=False)
    assert story.state == "draft"
    with pytest.raises(IntegrityError) as error:
        db.session.execute(update(Story).where(Story.id == story.id).values(featured_in_report=True))
        db.session.flush()
    assert "featured_only_when_published" in str(error.value)
    db.session.rollback()


def test_the_log_refuses_unknown_states(db, world):
    story = make_story(world)
    db.session.add(StoryChange(story_id=story.id, from_state="draft", to_state="lost"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_init_db_seeds_the_approaches_once(db):
    names = set(db.session.scalars(select(Approach.name)))
    assert {"Arts", "Sport", "Community organising", "Volunteering", "Advocacy", "Skills training",
            "Dialogue", "Mediation"} <= names
    seed_reference_data()
    assert len(db.session.scalars(select(Approach.name)).all()) == len(names)
