"""The stories pages in Chromium, on a desktop and a phone: axe-core finds no serious problem."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.stories.conftest import make_story

pytestmark = pytest.mark.browser


def _sign_in(page, user) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def some_stories(db, world):
    published = make_story(world, title="The mural of three estates", featured_in_report=True,
                           body="A paragraph.\n\n- a list item\n- another")
    make_story(world, title="Quiet listening circles", attribution="anonymous", attributed_organisation=None)
    submitted = make_story(world, state="submitted", title="Awaiting review story")
    return published, submitted


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_public_pages_are_accessible(request, viewport, some_stories, assert_accessible):
    page = request.getfixturevalue(viewport)
    published, _ = some_stories
    page.goto("/stories/")
    expect(page.get_by_role("heading", name="The mural of three estates")).to_be_visible()
    assert_accessible(page)
    page.goto("/stories/?q=nothing-matches-this")
    expect(page.get_by_text("No stories match these filters")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/stories/{published.id}")
    assert page.get_by_role("heading", level=1).inner_text() == "The mural of three estates"
    assert_accessible(page)


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_writing_a_story_is_accessible_with_errors_at_the_fields(request, viewport, world, some_stories,
                                                                  assert_accessible):
    page = request.getfixturevalue(viewport)
    _sign_in(page, world.organiser)
    page.goto("/stories/new")
    assert_accessible(page)
    page.get_by_label("Title").fill("Written in the browser")
    page.get_by_role("button", name="Save and submit for publication").click()
    expect(page.get_by_text("Write a sentence or two that sums the story up.", exact=True)).to_be_visible()
    assert page.get_by_label("Title").input_value() == "Written in the browser"
    assert_accessible(page)
    page.goto("/stories/mine")
    assert_accessible(page)


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_moderation_pages_are_accessible(request, viewport, world, some_stories, assert_accessible):
    page = request.getfixturevalue(viewport)
    _, submitted = some_stories
    _sign_in(page, world.coordinator)
    page.goto("/stories/moderation")
    expect(page.get_by_role("link", name="Awaiting review story")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/stories/{submitted.id}")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published: the story is now public.")).to_be_visible()
    assert_accessible(page)
    page.goto("/stories/approaches")  # one page for the list: the network directory's
    expect(page.get_by_role("heading", name="Approaches", exact=True)).to_be_visible()
    assert page.url.endswith("/network/approaches")
    assert_accessible(page)


def test_the_list_fits_a_phone_with_the_longest_kind_of_work(phone_page, world):
    """Bootstrap's badges do not wrap: the longest kind of work pushed the list 137 px wider than a
    390 px phone (a new-user walkthrough), so the page scrolled sideways."""
    make_story(world, title="Tension mapping over tea", kind_of_work="calming_tensions")
    phone_page.goto("/stories/")
    expect(phone_page.get_by_role("article").get_by_text("Calming community tensions")).to_be_visible()
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
