"""The story form's organisations involved: the type-ahead's address on the list, and an id outside the
choices refused at the field (the type-ahead itself: tests/test_organisation_search.py, tests/browser)."""

from __future__ import annotations

from sqlalchemy import select

from eventsapp.models import Story
from tests.stories.test_views import story_form_data
from tests.test_organisation_search import field_error, names  # noqa: F401 (a fixture)


def test_the_story_form_tells_the_search_where_it_is_and_refuses_a_merged_organisation_at_the_field(
        client, db, world, sign_in, names):  # noqa: F811
    sign_in(world.organiser)
    assert ('data-organisation-search="/stories/organisations.json"'
            in client.get("/stories/new").get_data(as_text=True))
    response = client.post("/stories/new", data=story_form_data(world, organisations=[names["merged"].id]))
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "organisations") == (
        f"{names['merged'].id} is not a valid choice here: choose organisations from the list.")
    assert db.session.scalar(select(Story)) is None
    kent = names["police"][1]
    assert client.post("/stories/new", data=story_form_data(world, organisations=[kent.id])).status_code == 302
    assert [o.id for o in db.session.scalars(select(Story)).one().organisations] == [kent.id]
