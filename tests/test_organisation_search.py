"""The forms' organisation type-ahead: one search (eventsapp.directory) behind two JSON endpoints, each
open to exactly those who can open its form, offering exactly the form's choices; and the forms still
refuse, at the field, an id outside their choices."""

from __future__ import annotations

import re

import pytest

from eventsapp.directory import SEARCH_PAGE_SIZE, search_organisations
from eventsapp.events.services import cohost_candidates
from eventsapp.stories.services import involvable_organisations
from tests import factories

ENDPOINTS = ("/events/organisations.json", "/stories/organisations.json")


def field_error(html: str, field: str) -> str:
    """The text of the error shown at ``field`` (render_field's ``<div id="FIELD-error">``)."""
    match = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', html)
    return match.group(1) if match else ""


@pytest.fixture
def names(db):
    """Organisations to find: three police forces (one merged away), a trust, a council."""
    police = [factories.make_organisation(n) for n in ("Thames Valley Police", "Kent Police", "The Police Foundation")]
    merged = factories.make_organisation("Thames Valley Police Authority")
    merged.merged_into = police[0]
    factories.make_organisation("Crawley Community Trust")
    factories.make_organisation("Police & Crime Commissioner's Office")
    db.session.commit()
    return {"police": police, "merged": merged}


def found(matches) -> list[str]:
    return [name for _, name in matches.organisations]


def test_search_finds_names_by_their_normalised_spelling_prefix_first_and_never_a_merged_one(names):
    matches = search_organisations("police")
    # "Police & Crime…" and "The Police Foundation" start with "police" once normalised ("the" dropped).
    assert found(matches) == ["Police & Crime Commissioner's Office", "The Police Foundation", "Kent Police",
                              "Thames Valley Police"]
    assert matches.total == 4 and not matches.more
    assert found(search_organisations("  THAMES valley. ")) == ["Thames Valley Police"]  # merged one left out
    assert found(search_organisations("police and crime")) == ["Police & Crime Commissioner's Office"]
    assert search_organisations("p").total == 0  # too short: every name would match
    assert search_organisations("%_").total == 0  # LIKE's wildcards are text, not patterns


def test_search_is_paginated_with_the_total(db):
    for n in range(SEARCH_PAGE_SIZE + 5):
        factories.make_organisation(f"Leeds Mosque {n:02d}")
    first, second = search_organisations("leeds mosque"), search_organisations("leeds mosque", page=2)
    assert (first.total, len(first.organisations), first.more) == (SEARCH_PAGE_SIZE + 5, SEARCH_PAGE_SIZE, True)
    assert (len(second.organisations), second.more) == (5, False)
    assert not set(found(first)) & set(found(second))
    assert search_organisations("leeds mosque", page=10**5).organisations == []


def test_the_search_offers_what_the_forms_offer(names):
    """Every live organisation the forms list is found by its own name, and nothing else is."""
    for candidates in (cohost_candidates(), involvable_organisations()):
        assert {o.name for o in candidates} == {o.name for o in candidates if search_organisations(o.name).total}
    assert names["merged"].id not in {o.id for o in cohost_candidates()}


@pytest.mark.parametrize("url", ENDPOINTS)
def test_the_endpoints_need_sign_in(client, names, url):
    response = client.get(f"{url}?q=police")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_an_organiser_gets_a_page_of_matches_as_json(client, login_as, names, url):
    login_as("organiser")
    data = client.get(f"{url}?q=thames+valley").get_json()
    assert data == {"organisations": [{"id": names["police"][0].id, "name": "Thames Valley Police"}],
                    "total": 1, "page": 1, "per_page": SEARCH_PAGE_SIZE, "more": False}
    assert client.get(f"{url}?q=t").get_json()["organisations"] == []
    assert client.get(f"{url}?q=police&page=2").get_json()["organisations"] == []
    assert client.get(f"{url}?q=police&page=x").get_json()["total"] == 4


@pytest.mark.parametrize("url", ENDPOINTS)
def test_a_door_volunteer_who_cannot_open_either_form_is_refused(client, login_as, names, url):
    login_as("door")
    assert client.get(f"{url}?q=police").status_code == 403


def test_the_administrator_who_moderates_every_story_may_search_for_its_form(client, login_as, names):
    login_as("admin")
    assert client.get("/stories/organisations.json?q=kent").get_json()["total"] == 1
