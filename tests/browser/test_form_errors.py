"""Walkthrough finding 11: a form sent empty from the keyboard comes back with its error summary focused
(templates/_partials/_form.html and static/forms.js, on every page), a page title starting "Error: ", and
links that move focus to each field; axe-core finds nothing serious on the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.network.conftest import make_profile

pytestmark = pytest.mark.browser


def test_an_empty_form_sent_with_the_keyboard_focuses_a_summary_linking_to_the_fields(page, db, assert_accessible):
    profile = make_profile()
    page.goto(f"/network/{profile.slug}/contact")
    page.get_by_role("button", name="Send").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: ")
    links = summary.get_by_role("link")
    expect(links).to_have_count(3)
    assert [links.nth(i).get_attribute("href") for i in range(3)] == ["#name", "#email", "#message"]

    page.keyboard.press("Tab")  # the first link
    expect(links.first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#name")).to_be_focused()
    links.nth(2).click()
    expect(page.locator("#message")).to_be_focused()
    assert_accessible(page)
