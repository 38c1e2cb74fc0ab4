"""Two-step sign-in in Chromium: turn it on, then make new recovery codes from its page (walkthrough
finding 28); the code box is offered as a one-time code; axe finds nothing serious on any page."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.browser

RECOVERY_CODE = re.compile(r"[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}")


def test_turn_it_on_then_make_new_recovery_codes(db, page, make_user, assert_accessible):
    user = make_user(role="organiser")
    page.goto("/auth/login")
    expect(page.get_by_label("Email")).to_have_attribute("autocomplete", "username")
    expect(page.get_by_label("Password")).to_have_attribute("autocomplete", "current-password")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("You are signed in.")).to_be_visible()

    page.goto("/auth/two-step/setup")
    secret = page.locator("#totp-secret").inner_text()
    box = page.get_by_label("Six-digit code from your authenticator app")
    expect(box).to_have_attribute("autocomplete", "one-time-code")
    assert_accessible(page)
    box.fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    first = page.locator("#recovery-codes li").all_inner_texts()
    assert len(first) == 10 and all(RECOVERY_CODE.fullmatch(code) for code in first)

    page.goto("/auth/two-step/setup")
    expect(page.get_by_text("You have 10 unused recovery codes.")).to_be_visible()
    page.get_by_role("button", name="Make new recovery codes").click()
    expect(page.locator("#renew-code-error")).to_have_text("Enter a code from your authenticator app, or your password.")
    assert_accessible(page)
    page.get_by_label("Code from your authenticator app, or a recovery code").first.fill(
        pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Make new recovery codes").click()
    expect(page.get_by_role("heading", name="Your new recovery codes")).to_be_visible()
    renewed = page.locator("#recovery-codes li").all_inner_texts()
    assert len(renewed) == 10 and not set(renewed) & set(first)
    assert_accessible(page)
