"""The check-in desk on a phone in Chromium: search, check in, undo, walk-in, live counts, axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from eventsapp.checkin import services
from eventsapp.extensions import db
from tests import factories

pytestmark = pytest.mark.browser


def sign_in(page, user) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("You are signed in.")).to_be_visible()


def count(page, key: str):
    return page.locator(f'#checkin-counts [data-count="{key}"]')


def test_phone_desk_search_check_in_undo_walk_in(phone_page, event, door_user, named_registration,
                                                 assert_accessible):
    page = phone_page
    target = named_registration("Łukasz", "Wójcik", organisation_name="Thames Valley Police",
                                access_requirements="Wheelchair user")
    for n in range(30):
        named_registration("Person", f"Number{n:02d}")
    other = named_registration("Grace", "Hopper")
    event_id = event.id
    sign_in(page, door_user)

    page.goto(f"/events/{event_id}/checkin")
    expect(count(page, "registered")).to_have_text("32")
    expect(count(page, "checked_in")).to_have_text("0")
    assert_accessible(page)

    # Search as you type (no submit): only the matching person is left.
    page.get_by_label("Find a person").press_sequentially("thames", delay=30)
    results = page.locator("#checkin-results > ul > li")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Łukasz Wójcik")
    expect(results.first).to_contain_text("Wheelchair user")
    expect(page.locator("#checkin-announcer")).to_have_text("1 person found.")
    assert "q=thames" in page.url

    # One tap to check in; the page is not reloaded, the counts and the live region update.
    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name="Check in Łukasz Wójcik").click()
    expect(page.locator("#checkin-announcer")).to_have_text("Łukasz Wójcik is checked in.")
    expect(count(page, "checked_in")).to_have_text("1")
    expect(count(page, "expected")).to_have_text("31")
    expect(page.get_by_role("button", name="Undo check-in of Łukasz Wójcik")).to_be_focused()
    assert page.evaluate("window.__noReload === true")
    assert_accessible(page)

    # One tap to undo.
    page.get_by_role("button", name="Undo check-in of Łukasz Wójcik").click()
    expect(page.locator("#checkin-announcer")).to_have_text(re.compile("Check-in undone: Łukasz Wójcik"))
    expect(count(page, "checked_in")).to_have_text("0")
    db.session.rollback()  # a fresh snapshot of what the server wrote
    assert services.attendance_counts(event).checked_in == 0
    assert [e.action for e in services.attendance_log(target)] == ["check_in", "undo"]

    # Someone else checks a person in at another device: the counts follow without a reload.
    services.check_in(other, door_user, "desk")
    db.session.commit()
    expect(count(page, "checked_in")).to_have_text("1", timeout=12_000)
    assert page.evaluate("window.__noReload === true")

    # A walk-in, registered and checked in at once.
    page.get_by_role("link", name="Not on the list? Add a walk-in").click()
    page.get_by_label("First name").fill("Nguyễn")
    page.get_by_label("Last name").fill("Thị Minh Khai")
    page.get_by_label("Organisation").fill("Crawley Vietnamese Community")
    page.get_by_label("Sector").select_option("community_voluntary")
    page.get_by_role("button", name="Register and check in").click()
    expect(page.get_by_text("Nguyễn Thị Minh Khai is checked in.")).to_be_visible()
    expect(count(page, "walk_ins")).to_have_text("1")
    expect(count(page, "checked_in")).to_have_text("2")
    expect(count(page, "registered")).to_have_text("33")
    assert_accessible(page)

    # The walk-in form, with an error at a field, is accessible too.
    page.get_by_role("link", name="Add a walk-in", exact=True).click()
    page.get_by_role("button", name="Register and check in").click()
    expect(page.get_by_text("There are problems with what you entered")).to_be_visible()
    assert_accessible(page)
