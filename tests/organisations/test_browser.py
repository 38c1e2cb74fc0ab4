"""In Chromium: a coordinator invites an organiser, who sets a password and signs in.

axe-core finds no serious or critical violation on the login, organisation (with
open and revoked invitations) and invitation pages, including a revoked link's. (Creating and publishing an event is the events area's half.)
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.auth.mailbox import link_in, messages_to

pytestmark = pytest.mark.browser

PASSPHRASE = "Crawley organiser passphrase 2026"


def sign_in(page, email, password):
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_coordinator_invites_an_organiser_who_sets_a_password(app, db, page, assert_accessible):
    coordinator = factories.make_user(role="coordinator", name="Cora Coordinator", email="cora@example.org")
    assert coordinator.id

    page.goto("/auth/login")
    assert_accessible(page)
    sign_in(page, "cora@example.org", factories.PASSWORD)
    expect(page.get_by_text("You are signed in.")).to_be_visible()

    page.goto("/organisations/")
    assert_accessible(page)
    page.get_by_role("link", name="Add an organisation").click()
    page.get_by_label("Name").fill("Crawley Good Relations Partnership")
    page.get_by_label("Sector").select_option(label="Community & voluntary")
    page.get_by_label("Website").fill("https://crawley.example.org")
    page.get_by_role("button", name="Save organisation").click()
    expect(page.get_by_role("heading", name="Crawley Good Relations Partnership")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Invite someone").click()
    assert_accessible(page)
    page.get_by_label("Their email").fill("olu.organiser@example.org")
    page.get_by_label("Role").select_option("organiser")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("We have emailed an invitation to olu.organiser@example.org")).to_be_visible()
    # The members page lists the open invitation, with a button to revoke it.
    invitations = page.get_by_role("table", name="Invitations to Crawley Good Relations Partnership")
    expect(invitations.get_by_role("cell", name="olu.organiser@example.org", exact=True)).to_be_visible()
    expect(invitations.get_by_role("cell", name="Cora Coordinator")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Their email").fill("wrong.address@example.org")
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_role("button", name="Revoke the invitation to wrong.address@example.org").click()
    expect(page.get_by_text("The invitation to wrong.address@example.org has been revoked")).to_be_visible()
    assert invitations.get_by_role("cell", name="wrong.address@example.org", exact=True).count() == 0
    expect(page.get_by_text("wrong.address@example.org (organiser): revoked")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    page.goto(link_in(messages_to(app, "wrong.address@example.org")[0]))
    expect(page.get_by_role("heading", name="This invitation has been revoked")).to_be_visible()
    assert_accessible(page)

    [message] = messages_to(app, "olu.organiser@example.org")
    link = link_in(message)
    assert link.startswith("http://127.0.0.1:")
    page.goto(link)
    expect(page.get_by_role("heading", name="Join Crawley Good Relations Partnership")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your name").fill("Olu Organiser")
    page.get_by_label("Choose a password").fill("too short")
    page.get_by_label("Repeat the new password").fill("too short")
    page.get_by_role("button", name="Create my account").click()
    expect(page.locator("#password-error")).to_contain_text("Use at least 12 characters")
    assert page.get_by_label("Your name").input_value() == "Olu Organiser"  # input kept
    assert_accessible(page)  # the error state too
    page.get_by_label("Choose a password").fill(PASSPHRASE)
    page.get_by_label("Repeat the new password").fill(PASSPHRASE)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("Welcome! Your account is ready")).to_be_visible()
    expect(page.get_by_role("cell", name="olu.organiser@example.org", exact=True)).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "olu.organiser@example.org", PASSPHRASE)
    expect(page.get_by_text("You are signed in.")).to_be_visible()
    page.get_by_role("button", name="Account").click()  # the bar's Account menu names who is signed in
    expect(page.get_by_text("Signed in as Olu Organiser")).to_be_visible()


def test_account_pages_are_accessible(app, db, page, assert_accessible):
    from eventsapp.auth.passwords import make_reset_token

    user = factories.make_user(role="organiser", email="pat@example.org")
    for path in ("/auth/password/forgot", f"/auth/password/reset/{make_reset_token(user)}",
                 "/auth/password/reset/not-a-token"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    sign_in(page, "pat@example.org", factories.PASSWORD)
    page.goto("/auth/password/change")
    page.get_by_role("button", name="Change password").click()  # empty: errors at the fields
    expect(page.get_by_text("There are problems with what you entered")).to_be_visible()
    assert_accessible(page)


def test_invitation_page_fits_a_phone(app, db, phone_page, assert_accessible):
    host = factories.make_organisation("Phone Friendly Trust")
    by = factories.make_user(role="organiser", organisation=host)
    _invitation, token = factories.make_invitation(host, email="phone@example.org", invited_by=by)
    phone_page.goto(f"/organisations/invitation/{token}")
    expect(phone_page.get_by_role("button", name="Create my account")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"
    assert_accessible(phone_page)
