"""Issue 3's whole journey in one browser session, as a coordinator and a new organiser live it.

The coordinator invites an organiser; the organiser opens the emailed link,
sets a password, schedules an event on each side of the spring clock change
and publishes them; the public list shows both at 18:30 local time. axe-core
finds no serious or critical violation on any page on the way.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from eventsapp.models import Event
from eventsapp.timeutil import to_local
from tests import factories
from tests.auth.mailbox import link_in, messages_to
from tests.events.dates import spring_saturday

pytestmark = pytest.mark.browser

PASSPHRASE = "a long organiser passphrase"


def schedule(page, title: str, day, assert_accessible) -> None:
    page.goto("/events/new")
    page.fill("#title", title)
    page.select_option("#region", label="South East")
    page.fill("#town", "Crawley")
    page.fill("#venue", "The Hawth")
    page.fill("#postcode", "RH10 6YZ")
    page.fill("#starts_at", f"{day:%Y-%m-%d}T18:30")
    page.fill("#ends_at", f"{day:%Y-%m-%d}T20:30")
    page.get_by_role("button", name="Save event").click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The event is published")).to_be_visible()
    assert_accessible(page)


def test_invited_organiser_publishes_events_either_side_of_the_clock_change(app, db, page, assert_accessible):
    network = factories.make_organisation("Sussex Good Relations Network")
    # A host the coordinator's network added, so within the coordinator's reach (tenancy).
    host = factories.make_organisation("Crawley Good Relations Partnership", added_by_organisation_id=network.id)
    factories.make_user(role="coordinator", organisation=network, email="cora@example.org")

    page.goto("/auth/login")
    page.get_by_label("Email").fill("cora@example.org")
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/organisations/{host.id}")
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Their email").fill("olu@example.org")
    page.get_by_label("Role").select_option("organiser")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("We have emailed an invitation to olu@example.org")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    [message] = messages_to(app, "olu@example.org")
    page.goto(link_in(message))
    assert_accessible(page)
    page.get_by_label("Your name").fill("Olu Organiser")
    page.get_by_label("Choose a password").fill(PASSPHRASE)
    page.get_by_label("Repeat the new password").fill(PASSPHRASE)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("Welcome! Your account is ready")).to_be_visible()

    before = spring_saturday()  # GMT: 18:30 local is 18:30 UTC
    after = before + timedelta(days=7)  # BST: 18:30 local is 17:30 UTC
    schedule(page, "Before the clocks change", before, assert_accessible)
    schedule(page, "After the clocks change", after, assert_accessible)

    page.get_by_role("button", name="Sign out").click()
    page.goto("/events/")
    for title, day in (("Before the clocks change", before), ("After the clocks change", after)):
        card = page.locator(".event-card", has_text=title)
        assert f"Saturday {day.day} {day:%B %Y}, 18:30–20:30" in card.inner_text()
    assert_accessible(page)

    db.session.rollback()  # end the read snapshot taken before the browser wrote
    stored = {e.title: e for e in db.session.scalars(select(Event))}
    assert stored["Before the clocks change"].starts_at.hour == 18  # UTC
    assert stored["After the clocks change"].starts_at.hour == 17  # UTC, because BST
    assert {to_local(e.starts_at).strftime("%H:%M") for e in stored.values()} == {"18:30"}
    assert {e.host_organisation_id for e in stored.values()} == {host.id}
