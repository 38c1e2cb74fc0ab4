"""The webhook pages in Chromium: register an endpoint, copy the secret shown once, send a test to a
real receiver on loopback and read the delivery log; axe finds nothing serious on any of them."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.webhooks.conftest import receiver, verify  # noqa: F401 (the receiver fixture)

pytestmark = pytest.mark.browser


def sign_in(page, user):
    page.goto("/auth/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("You are signed in.")).to_be_visible()


def test_an_organiser_registers_an_endpoint_and_sends_a_test(app, db, page, make_organisation, make_user,
                                                             receiver, assert_accessible):  # noqa: F811
    app.config["WEBHOOK_ALLOW_LOOPBACK"] = True
    organisation = make_organisation("Riverside Community Trust")
    user = make_user(role="organiser", organisation=organisation)
    sign_in(page, user)
    page.goto(f"/organisations/{organisation.id}")
    expect(page.get_by_label("Code to copy")).to_have_value(
        f'<script src="{page.url.split("/organisations")[0]}/embed.js" data-organisation="{organisation.id}" '
        'async></script>')
    assert_accessible(page)
    page.get_by_role("link", name="Webhooks").click()
    page.get_by_role("button", name="Register endpoint").click()
    expect(page.get_by_text("Choose at least one kind of change to send.", exact=True)).to_be_visible()
    page.get_by_role("link", name="Send: Choose at least one kind of change to send.").click()
    expect(page.locator("#events input").first).to_be_focused()  # the summary's link reaches the group
    assert_accessible(page)
    page.get_by_label("Address (URL)").fill(receiver.url)
    page.get_by_label("Someone registers (registration.created)").check()
    page.get_by_role("button", name="Register endpoint").click()
    secret_box = page.get_by_label(f"Signing secret for {receiver.url}")
    expect(secret_box).to_be_visible()
    secret = secret_box.input_value()
    assert_accessible(page)
    page.get_by_role("link", name="Open its delivery log").click()
    page.get_by_role("button", name="Send test").click()
    expect(page.get_by_text("A test delivery is on its way")).to_be_visible()
    expect(page.get_by_role("cell", name="webhook.test")).to_be_visible()
    expect(page.get_by_role("cell", name="200")).to_be_visible()
    assert_accessible(page)
    (request,) = receiver.requests
    assert json.loads(request.body)["type"] == "webhook.test"
    assert verify(secret, request.headers["eventsapp-signature"], request.body)
