"""A programme with a coordinator, a host with an organiser, and a factory for stories in any state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventsapp.extensions import db as _db
from eventsapp.models import Approach, Organisation, Programme, Story, StoryChange, User, utcnow
from tests import factories


@dataclass
class StoryWorld:
    programme: Programme
    coordinator_org: Organisation
    host: Organisation
    other_host: Organisation
    coordinator: User
    organiser: User
    other_organiser: User
    other_coordinator: User


def approach(name: str) -> Approach:
    return _db.session.scalar(select(Approach).where(Approach.name == name))


def make_story(world: StoryWorld, state: str = "published", author: User | None = None, **kw) -> Story:
    """A story in ``state`` (its changes logged as the services would), committed."""
    now = utcnow().replace(microsecond=0)
    story = Story(
        title=kw.pop("title", "A story of good relations"),
        summary=kw.pop("summary", "People met across a difference."),
        body=kw.pop("body", "They met, and **things changed**."),
        region=kw.pop("region", factories.region(kw.pop("region_code", "TLJ"))),
        place=kw.pop("place", "Crawley"),
        kind_of_work=kw.pop("kind_of_work", "bringing_together"),
        programme=kw.pop("programme", world.programme),
        consent_confirmed=kw.pop("consent_confirmed", state != "draft"),
        attribution=kw.pop("attribution", "organisation"),
        attributed_organisation=kw.pop("attributed_organisation", world.host),
        author=author or world.organiser,
        state=state,
        published_at=kw.pop("published_at", now if state == "published" else None),
        **kw,
    )
    if not story.approaches:
        story.approaches = [approach("Arts")]
    story.changes.append(StoryChange(user=story.author, from_state=None, to_state="draft"))
    _db.session.add(story)
    _db.session.commit()
    return story


@pytest.fixture
def world(db) -> StoryWorld:
    coordinator_org = factories.make_organisation("Network Of Good Relations")
    programme = factories.make_programme(slug="stories-programme", name="Stories Programme",
                                         coordinator_organisation=coordinator_org)
    host = factories.make_organisation("Alpha Community Trust")
    other_host = factories.make_organisation("Beta Youth Service")
    other_org = factories.make_organisation("Other Network")
    factories.make_programme(slug="other-programme", name="Other Programme", coordinator_organisation=other_org)
    factories.make_event(host=host, programme=programme, starts_at=utcnow() - timedelta(days=10))
    return StoryWorld(
        programme=programme, coordinator_org=coordinator_org, host=host, other_host=other_host,
        coordinator=factories.make_user(role="coordinator", organisation=coordinator_org,
                                        email="coordinator.stories@example.org", name="Cora Coordinator"),
        organiser=factories.make_user(role="organiser", organisation=host, email="organiser.stories@example.org",
                                      name="Orla Organiser"),
        other_organiser=factories.make_user(role="organiser", organisation=other_host,
                                            email="other.organiser@example.org"),
        other_coordinator=factories.make_user(role="coordinator", organisation=other_org,
                                              email="other.coordinator@example.org"),
    )


@pytest.fixture
def sign_in(client):
    def _sign_in(user: User | None):
        client.post("/auth/logout")
        if user is not None:
            response = client.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD})
            assert response.status_code == 302
        return client

    return _sign_in
