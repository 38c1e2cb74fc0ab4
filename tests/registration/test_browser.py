"""In Chromium: register, get the email, open its link, cancel; the waitlisted person is promoted and emailed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.registration.conftest import body

pytestmark = pytest.mark.browser


def fill_registration(page, first, last, email):
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Organisation", exact=True).fill("Thames Valley Police")
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Register").click()


def link_in(message) -> str:
    return body(message).split("Your booking (see, change or cancel): ")[1].split()[0]


def test_register_cancel_and_the_waitlist_is_promoted(page, smtp, make_event, known_org, assert_accessible):
    event = make_event(title="Good relations in Crawley", capacity=1)
    page.goto(f"/events/{event.id}/register")
    assert_accessible(page)
    fill_registration(page, "Zoë", "Ó Súilleabháin", "zoe@example.org")
    expect(page.get_by_text("Your place is confirmed")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for checking in Zoë Ó Súilleabháin")).to_be_visible()

    page.goto(f"/events/{event.id}/register")
    fill_registration(page, "Łukasz", "Wójcik", "lukasz@example.org")
    expect(page.get_by_text("you are on the waiting list")).to_be_visible()

    (confirmation,) = smtp.to("zoe@example.org")
    assert confirmation["Subject"] == "Your place is confirmed: Good relations in Crawley"
    page.goto(link_in(confirmation))
    expect(page.get_by_role("heading", name="Your booking for Good relations in Crawley")).to_be_visible()
    page.get_by_role("link", name="Cancel my registration").click()
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(page.get_by_text("Your registration is cancelled")).to_be_visible()
    expect(page.get_by_role("link", name="Back to the event page")).to_be_visible()
    assert_accessible(page)

    promoted = smtp.to("lukasz@example.org")[-1]
    assert promoted["Subject"] == "A place has come free — you're in: Good relations in Crawley"
    page.goto(link_in(promoted))
    expect(page.get_by_text("Your place is confirmed")).to_be_visible()
    assert "Łukasz Wójcik" in page.content()


def test_the_form_with_errors_is_accessible_and_keeps_the_input(page, make_event, assert_accessible):
    event = make_event()
    page.goto(f"/events/{event.id}/register")
    page.get_by_label("First name").fill("Ayşe")
    page.get_by_role("button", name="Register").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Enter your last name")
    assert page.get_by_label("First name").input_value() == "Ayşe"
    assert page.get_by_label("Last name").get_attribute("aria-invalid") == "true"
    assert_accessible(page)


def test_organisation_type_ahead_offers_known_names(page, make_event, known_org):
    event = make_event()
    page.goto(f"/events/{event.id}/register")
    field = page.get_by_label("Organisation", exact=True)
    field.press_sequentially("thames", delay=30)
    page.wait_for_function(
        "document.querySelectorAll('#organisation-options option').length > 0", timeout=5000)
    assert page.locator("#organisation-options option").first.get_attribute("value") == "Thames Valley Police"
    assert field.get_attribute("list") == "organisation-options"
