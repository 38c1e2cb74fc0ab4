"""In Chromium: an organiser schedules and publishes an event across a clock change; pages pass axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.events.dates import autumn_saturday

pytestmark = pytest.mark.browser


def sign_in(page, user) -> None:
    page.goto("/auth/login")
    page.fill("#email", user.email)
    page.fill("#password", factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_organiser_schedules_and_publishes_an_event_across_the_clock_change(page, db, host, assert_accessible):
    organiser = factories.make_user("organiser", host)
    sign_in(page, organiser)

    page.goto("/dashboard/")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    assert_accessible(page)

    # The event is on the last Saturday of October (BST, UTC+1); today's clocks may say GMT.
    day = autumn_saturday()
    page.get_by_role("link", name="Schedule an event").click()
    assert_accessible(page)  # the empty form
    page.fill("#title", "Autumn bridges")
    page.select_option("#region", label="South East")
    page.fill("#town", "Crawley")
    page.fill("#venue", "The Hawth")
    page.fill("#postcode", "rh106yz")
    page.fill("#starts_at", f"{day:%Y-%m-%d}T18:30")
    page.fill("#ends_at", f"{day:%Y-%m-%d}T17:00")  # before the start: a validation error
    page.get_by_role("button", name="Save event").click()
    assert page.locator("#ends_at-error").inner_text() == "The event must end after it starts."
    assert page.input_value("#title") == "Autumn bridges"
    assert_accessible(page)

    page.fill("#ends_at", f"{day:%Y-%m-%d}T20:30")
    page.get_by_role("button", name="Save event").click()
    expect(page.get_by_role("heading", name="Autumn bridges", level=1)).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The event is published")).to_be_visible()
    assert_accessible(page)  # the organiser's event page

    page.goto("/events/")
    card = page.locator(".event-card", has_text="Autumn bridges")
    assert f"Saturday {day.day} October {day.year}, 18:30–20:30" in card.inner_text()
    assert "RH10" not in card.inner_text()  # the postcode is on the detail page
    assert_accessible(page)

    card.get_by_role("link", name="Autumn bridges").click()
    expect(page.get_by_role("heading", name="Autumn bridges", level=1)).to_be_visible()
    text = page.locator("main").inner_text()
    assert f"Saturday {day.day} October {day.year}" in text and "18:30–20:30" in text and "RH10 6YZ" in text
    assert_accessible(page)

    page.goto("/dashboard/")
    expect(page.locator("#upcoming-heading")).to_be_visible()
    expect(page.get_by_role("link", name="Autumn bridges", exact=True)).to_be_visible()
    assert_accessible(page)


def test_empty_public_lists_are_accessible_on_a_phone(phone_page, db, assert_accessible):
    for path in ("/events/", "/events/past", "/programmes/", "/events/?q=nothing"):
        phone_page.goto(path)
        expect(phone_page.locator("h1")).to_be_visible()
        assert_accessible(phone_page)


def test_programme_page_and_cancel_form_are_accessible(page, db, host, make_programme, make_event,
                                                       assert_accessible):
    programme = make_programme(slug="bridges", name="Building Bridges", description="Eleven **regional** events.")
    event = make_event(host=host, programme=programme, title="Bridges in Crawley")
    make_event(host=host, programme=programme, title="Bridges called off", status="cancelled",
               cancel_reason="Snow.")
    page.goto("/programmes/bridges")
    expect(page.get_by_role("link", name="Bridges in Crawley")).to_be_visible()
    assert_accessible(page)
    sign_in(page, factories.make_user("organiser", host))
    page.goto(f"/events/{event.id}/cancel")
    page.get_by_role("button", name="Cancel this event").click()  # no reason: an error at the field
    expect(page.locator("#reason-error")).to_be_visible()
    assert_accessible(page)


def test_dashboard_fits_a_phone_and_is_accessible(phone_page, db, host, make_event, assert_accessible):
    make_event(host=host, title="Phone event", capacity=20)
    sign_in(phone_page, factories.make_user("organiser", host))
    phone_page.goto("/dashboard/")
    expect(phone_page.get_by_role("link", name="Phone event", exact=True)).to_be_visible()
    # No sideways scrolling on a 390 px wide screen.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(phone_page)
