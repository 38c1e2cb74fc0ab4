"""The token page and the API reference in Chromium: a token is made and shown once (a reload makes no
second one), revoked after a confirmation page; axe finds nothing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_make_a_token_and_read_the_reference(request, viewport, db, assert_accessible):
    page = request.getfixturevalue(viewport)
    organisation = factories.make_organisation("Alpha Community Trust")
    user = factories.make_user("organiser", organisation, email="browser.organiser@example.org")
    page.goto("/auth/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("You are signed in.").wait_for()

    page.goto("/account/api-tokens/")
    expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What the token is for").fill("Our CRM")
    page.get_by_label("Access").select_option("write")
    page.get_by_label("Limited to").select_option(label="Organisation: Alpha Community Trust")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token")
    expect(token).to_be_visible()
    assert re.fullmatch(r"ea_[0-9a-f]{12}_\S+", token.inner_text())
    assert_accessible(page)
    # Walkthrough finding 6: reloading the page neither re-posts the form nor shows the value again.
    page.reload()
    expect(page.locator("#new-token")).to_have_count(0)
    expect(page.get_by_role("link", name="Revoke Our CRM")).to_have_count(1)
    page.get_by_role("link", name="Revoke Our CRM").click()
    expect(page.get_by_role("heading", name="Revoke the API token “Our CRM”?")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Revoke the token").click()
    expect(page.get_by_text("The token “Our CRM” is revoked.")).to_be_visible()
    expect(page.get_by_role("cell", name="Revoked")).to_be_visible()

    page.goto("/api/v1/docs")
    expect(page.get_by_role("heading", name="GET /api/v1/events", exact=True)).to_be_visible()
    assert_accessible(page)
