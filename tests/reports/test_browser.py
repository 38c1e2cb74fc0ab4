"""The report and merge pages in Chromium: they render the figures and axe-core finds no serious problem."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("REPORT_SCREENSHOTS")  # a directory, to look at the pages by eye


def _sign_in(page, user) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_report_page_is_accessible_and_states_the_figures(page, known, assert_accessible):
    user = factories.make_user(role="coordinator", organisation=known.coordinator_org)
    _sign_in(page, user)
    page.goto(f"/reports/?programme={known.programme.slug}")
    assert page.locator('[data-figure="people"]').inner_text() == "346"
    expect(page.get_by_role("img", name="Organisations by sector")).to_be_visible()
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "report.png"), full_page=True)
    assert_accessible(page)


def test_report_page_on_a_phone(phone_page, known, assert_accessible):
    user = factories.make_user(role="coordinator", organisation=known.coordinator_org)
    _sign_in(phone_page, user)
    phone_page.goto(f"/reports/events/{known.events[0]}")
    assert phone_page.locator('[data-figure="attendances"]').inner_text() == "33"
    if SCREENSHOTS:
        phone_page.screenshot(path=os.path.join(SCREENSHOTS, "event-phone.png"), full_page=True)
    assert_accessible(phone_page)


def test_merge_pages_are_accessible(page, db, assert_accessible, make_organisation):
    user = factories.make_user(role="coordinator")
    network = user.memberships[0].organisation_id  # both were added by the coordinator's network
    a = make_organisation("Crawley Community Trust", added_by_organisation_id=network)
    b = make_organisation("Crawley Comunity Trust", added_by_organisation_id=network)
    _sign_in(page, user)
    page.goto("/organisations/merges/")
    expect(page.get_by_text("Crawley Comunity Trust").first).to_be_visible()
    assert_accessible(page)
    page.goto(f"/organisations/merges/new?first={a.id}&second={b.id}")
    page.get_by_label("Crawley Community Trust").check()
    page.get_by_role("button", name="Merge").click()
    expect(page.get_by_text("Merged “Crawley Comunity Trust” into “Crawley Community Trust”")).to_be_visible()
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "merges.png"), full_page=True)
    assert_accessible(page)


SCROLLERS = """() => [...document.querySelectorAll('main *')]
  .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth)
  .map(e => ({tabindex: e.getAttribute('tabindex'), role: e.getAttribute('role'),
              name: e.getAttribute('aria-label') || e.getAttribute('aria-labelledby')}))"""


def test_report_tables_that_scroll_on_a_phone_are_reachable_by_keyboard(phone_page, known, assert_accessible):
    """Finding 14: a table wider than a phone scrolls sideways in a named region the keyboard can reach."""
    user = factories.make_user(role="coordinator", organisation=known.coordinator_org)
    _sign_in(phone_page, user)
    phone_page.goto(f"/reports/?programme={known.programme.slug}")
    scrollers = phone_page.evaluate(SCROLLERS)
    assert len(scrollers) >= 5, scrollers  # the report's wide tables do scroll on a phone
    assert all(s == {"tabindex": "0", "role": "region", "name": s["name"]} and s["name"] for s in scrollers), scrollers
    assert_accessible(phone_page)
