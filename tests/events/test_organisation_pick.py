"""The event form's co-hosts: the type-ahead's address on the list, and an id outside the choices refused
at the field (the type-ahead itself: tests/test_organisation_search.py, tests/browser)."""

from __future__ import annotations

from sqlalchemy import select

from eventsapp.models import CohostRequest, Event
from tests.test_organisation_search import field_error, names  # noqa: F401 (a fixture)


def test_the_event_form_tells_the_search_where_it_is_and_refuses_a_merged_organisation_at_the_field(
        client, db, login_as, names, host, event_form):  # noqa: F811
    login_as("organiser", host)
    assert 'data-organisation-search="/events/organisations.json"' in client.get("/events/new").get_data(as_text=True)
    response = client.post("/events/new", data={**event_form(), "cohosts": [str(names["merged"].id)]})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_error(html, "cohosts") == (f"{names['merged'].id} is not a valid choice here: "
                                            "choose organisations from the list.")
    assert "The Hawth" in html  # the rest is kept
    response = client.post("/events/new", data={**event_form(), "cohosts": ["Kent Police"]})
    assert field_error(response.get_data(as_text=True), "cohosts") == "Choose organisations from the list."
    assert db.session.scalar(select(Event)) is None
    kent = names["police"][1]
    assert client.post("/events/new", data={**event_form(), "cohosts": [str(kent.id)]}).status_code == 302
    assert [r.organisation_id for r in db.session.scalars(select(CohostRequest))] == [kent.id]
