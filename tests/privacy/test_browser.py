"""The privacy pages in Chromium: the notice, a coordinator finding and erasing a person, the access log."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.browser

EMAIL = "Siobhan.ONeill-Wojcik@Example.org"


def _sign_in(page, user) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_the_notice_and_the_people_pages_are_accessible(page, world, assert_accessible):
    page.goto("/privacy")
    expect(page.get_by_role("heading", name="How long we keep it")).to_be_visible()
    assert_accessible(page)
    user = factories.make_user(role="coordinator", organisation=world.programme.coordinator_organisation)
    _sign_in(page, user)
    page.goto("/privacy/people")
    page.get_by_label("Email address").fill("nobody@example.org")
    page.get_by_role("button", name="Find").click()
    expect(page.locator("#email-error")).to_contain_text("No one with this email address")
    assert_accessible(page)
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("heading", name="Registrations (3)")).to_be_visible()
    assert_accessible(page)
    # Without the tick: the same person's page, the error at the tick box (walkthrough finding 17).
    page.get_by_role("button", name="Erase this person's data").click()
    expect(page.get_by_text("Tick to confirm before erasing.")).to_be_visible()
    expect(page.get_by_role("heading", name="Registrations (3)")).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_count(0)
    assert_accessible(page)
    page.get_by_label("The person asked for their data to be erased").check()
    page.get_by_role("button", name="Erase this person's data").click()
    expect(page.get_by_text("The person's data is erased everywhere")).to_be_visible()
    page.goto("/privacy/access-log")
    expect(page.get_by_text("view: person page")).to_have_count(2)  # found, then shown again unticked
    assert_accessible(page)
