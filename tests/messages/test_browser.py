"""In Chromium: an organiser writes, previews, tests and sends a message; a coordinator writes to the
network; a recipient unsubscribes with the button. axe-core finds nothing serious on any of the pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from eventsapp.messages.emails import unsubscribe_token
from tests import factories

pytestmark = pytest.mark.browser


def sign_in(page, email):
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_write_preview_test_and_send_then_unsubscribe(request, app, db, smtp, programme_world, assert_accessible,
                                                      viewport):
    page = request.getfixturevalue("page" if viewport == "desktop" else "phone_page")
    world = programme_world
    organiser = factories.make_user("organiser", world.host)
    coordinator = factories.make_user("coordinator", world.coordinating)
    sign_in(page, organiser.email)

    page.goto(f"/events/{world.event2.id}/manage")
    page.get_by_role("link", name="Write to registrants").click()
    assert_accessible(page)
    # Nothing written: the form comes back with its mistakes marked.
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.get_by_text("Write a subject.", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Send to").select_option("no_show")
    page.get_by_label("Subject").fill("Sorry we missed you")
    page.get_by_label("Format").select_option("markdown")
    page.get_by_label("Message").fill("The **slides** are on our site.")
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.locator("#preview-body strong")).to_have_text("slides")
    expect(page.locator("#preview-recipients")).to_contain_text("2 people")
    assert_accessible(page)

    page.locator("#message-preview").get_by_role("button", name="Send a test to myself").click()
    expect(page.get_by_text(f"A test copy is on its way to {organiser.email}")).to_be_visible()
    assert [m["Subject"] for m in smtp.parsed()] == ["[Test] Sorry we missed you"]

    page.get_by_role("button", name="Send to 2 people").click()
    expect(page.get_by_role("heading", name="Sorry we missed you")).to_be_visible()
    expect(page.locator("#message-recipients")).to_have_text("2")
    assert_accessible(page)
    page.goto(f"/events/{world.event2.id}/manage")
    expect(page.locator("#messages-sent")).to_contain_text("Sorry we missed you")

    # The coordinator writes to the programme's network.
    page.context.clear_cookies()
    sign_in(page, coordinator.email)
    page.goto(f"/programmes/{world.programme.slug}")
    page.get_by_role("link", name="Write to the network’s attendees").click()
    page.get_by_label("Subject").fill("Network news")
    page.get_by_label("Message").fill("Hello.")
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.locator("#preview-recipients")).to_contain_text("3 people")
    assert_accessible(page)
    page.get_by_role("button", name="Send to 3 people").click()
    expect(page.get_by_role("heading", name="Network news")).to_be_visible()

    # A recipient opens the link in the footer, signed out, and presses the button.
    page.context.clear_cookies()
    with app.test_request_context():
        token = unsubscribe_token(world.people.ada.id, None)
    page.goto(f"/messages/unsubscribe/{token}")
    assert_accessible(page)
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    assert re.search(r"/messages/unsubscribe/", page.url)
    # The same link later: the state, and the way back.
    page.goto(f"/messages/unsubscribe/{token}")
    expect(page.get_by_role("heading", name="You are already unsubscribed")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Subscribe again").click()
    expect(page.get_by_role("heading", name="You are subscribed again")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/messages/unsubscribe/{token[:-3]}abc")
    expect(page.get_by_role("heading", name="This unsubscribe link does not work")).to_be_visible()
    assert_accessible(page)
