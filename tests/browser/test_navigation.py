"""The signed-in navigation bar at 1366 px (a common laptop) and 1024 px (a tablet on its side, a small
laptop): one line for every role, every link still there (the less used in the More and Account menus),
and the menus work from the keyboard; on a phone (390 px) the toggler opens and closes the menu."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from eventsapp.models import Membership
from tests import factories

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 900}
TABLET = {"width": 1024, "height": 768}
#: The links of the bar (anywhere in it, menus included) for each role.
LINKS = {
    "door": {"/events/", "/events/past", "/programmes/", "/stories/", "/network/", "/dashboard/", "/organisations/",
             "/auth/password/change", "/account/api-tokens/"},
}
LINKS["organiser"] = LINKS["door"] | {"/reports/", "/imports/"}
LINKS["coordinator"] = LINKS["organiser"] | {"/privacy/people"}
LINKS["admin"] = LINKS["coordinator"] | {"/operator/"}


def _user(role: str):
    organisation = factories.make_organisation("Northwold Good Relations Partnership")
    user = factories.make_user("coordinator" if role == "admin" else role, organisation,
                               name="Bartholomew Fitzgerald-Okonkwo", is_admin=role == "admin")
    if role in ("coordinator", "admin"):
        user.memberships.append(Membership(organisation=factories.make_organisation("Alpha Community Trust"),
                                           role="organiser"))
        factories.db.session.commit()
    return user


def _sign_in(page, user) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("You are signed in.").wait_for()


@pytest.mark.parametrize("viewport", [LAPTOP, TABLET], ids=["1366", "1024"])
@pytest.mark.parametrize("role", ["door", "organiser", "coordinator", "admin"])
def test_the_signed_in_bar_fits_on_one_line_with_every_link(browser, live_server, db, role, viewport):
    context = browser.new_context(base_url=live_server.url, viewport=viewport, reduced_motion="reduce")
    page = context.new_page()
    try:
        _sign_in(page, _user(role))
        page.goto("/dashboard/")
        tops = page.eval_on_selector_all("#main-nav > .navbar-nav > li",
                                         "items => items.map(i => i.getBoundingClientRect().top)")
        assert len(tops) >= 8
        assert page.locator(".navbar-toggler").is_hidden()  # the bar itself, not the collapsed menu
        assert max(tops) - min(tops) < 12, f"the bar wraps: item tops {tops}"
        height = page.eval_on_selector("nav.navbar", "n => n.getBoundingClientRect().height")
        assert height < 70, height
        hrefs = set(page.eval_on_selector_all("nav.navbar a[href]",
                                              "links => links.map(a => a.getAttribute('href'))"))
        assert LINKS[role] <= hrefs, LINKS[role] - hrefs
        assert page.get_by_role("button", name="Sign out").is_visible()
    finally:
        context.close()


def test_the_menus_open_and_are_walked_from_the_keyboard(browser, live_server, db):
    context = browser.new_context(base_url=live_server.url, viewport=LAPTOP, reduced_motion="reduce")
    page = context.new_page()
    try:
        _sign_in(page, _user("coordinator"))
        page.goto("/dashboard/")
        more = page.get_by_role("button", name="More")
        menu = page.locator("#more-menu + .dropdown-menu")
        expect(menu).to_be_hidden()
        more.focus()
        page.keyboard.press("Enter")
        expect(menu).to_be_visible()
        expect(more).to_have_attribute("aria-expanded", "true")
        page.keyboard.press("Escape")
        expect(menu).to_be_hidden()
        page.keyboard.press("Enter")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        expect(page.get_by_role("link", name="Import")).to_be_focused()
        page.keyboard.press("ArrowDown")
        expect(page.get_by_role("link", name="Personal data")).to_be_focused()
        page.keyboard.press("Enter")
        page.wait_for_url("**/privacy/people")
        expect(page.locator("#more-menu")).to_have_class("nav-link dropdown-toggle current-section")

        account = page.get_by_role("button", name="Account")
        account.focus()
        page.keyboard.press(" ")
        expect(page.get_by_text("Signed in as Bartholomew Fitzgerald-Okonkwo")).to_be_visible()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        expect(page.get_by_role("link", name="API tokens")).to_be_focused()
        page.keyboard.press("Enter")
        page.wait_for_url("**/account/api-tokens/")
    finally:
        context.close()


def test_on_a_phone_the_toggler_opens_and_closes_the_menu(browser, live_server, db):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, reduced_motion="reduce")
    page = context.new_page()
    try:
        _sign_in(page, _user("coordinator"))
        page.goto("/dashboard/")
        toggler = page.get_by_role("button", name="Toggle navigation")
        menu = page.locator("#main-nav")
        expect(toggler).to_be_visible()
        expect(menu).to_be_hidden()
        expect(toggler).to_have_attribute("aria-expanded", "false")
        toggler.click()
        expect(menu).to_be_visible()
        expect(toggler).to_have_attribute("aria-expanded", "true")
        more = page.get_by_role("button", name="More")
        expect(more).to_be_visible()
        more.click()
        page.get_by_role("link", name="Organisations").click()
        page.wait_for_url("**/organisations/")
        page.get_by_role("button", name="Toggle navigation").click()
        expect(page.locator("#more-menu")).to_have_class("nav-link dropdown-toggle current-section")
        page.get_by_role("button", name="Toggle navigation").click()
        expect(page.locator("#main-nav")).to_be_hidden()
    finally:
        context.close()
