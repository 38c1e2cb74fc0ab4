"""In Chromium, desktop and phone: axe-core finds no serious or critical violation on any network page,
signed in (an organiser who is also a coordinator of the programme) and anonymous."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from eventsapp.models import Membership
from tests import factories
from tests.network.conftest import make_post, make_profile, make_resource

pytestmark = pytest.mark.browser


@pytest.fixture
def network(db):
    coordinating = factories.make_organisation("Larch Good Relations Network")
    host = factories.make_organisation("Larch Youth Project")
    host.website = "https://larch.example.org"  # the profile's "Their website" link is checked too
    programme = factories.make_programme(coordinator_organisation=coordinating)
    factories.make_event(host=host, programme=programme, title="Larch dialogue evening")
    profile = make_profile(host, region_code="TLE", approaches=["dialogue", "arts"],
                           kinds=["bringing_together"], about="We run **dialogue evenings**.")
    other = make_profile(factories.make_organisation("Spruce Mediation"), region_code="TLE", approaches=["dialogue"])
    offer = make_post(other.organisation, title="We can train facilitators", region_code="TLE",
                      approaches=["dialogue"])
    ask = make_post(host, kind="ask", title="We need a facilitator", region_code="TLE", approaches=["dialogue"])
    approved = make_resource(host, title="Dialogue guide", approaches=["dialogue"], file=("guide.pdf", b"%PDF-1"))
    waiting = make_resource(host, status="submitted", title="Waiting guide")
    user = factories.make_user(role="coordinator", organisation=coordinating, email="larch.coordinator@example.org")
    user.memberships.append(Membership(organisation=host, role="organiser"))
    db.session.commit()
    public = ["/network/", "/network/?region=TLN", f"/network/{profile.slug}", f"/network/{profile.slug}/contact",
              "/network/support", f"/network/support/{ask.id}", f"/network/support/{offer.id}/contact",
              "/network/resources", f"/network/resources/{approved.id}"]
    private = ["/network/manage", f"/network/organisations/{host.id}/profile", "/network/support/new",
               f"/network/support/{ask.id}/edit", "/network/resources/new", "/network/resources/review", "/network/approaches",
               f"/network/resources/{waiting.id}"]
    return user, public, private


def sign_in(page, email):
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_network_page_is_accessible(request, network, assert_accessible, viewport):
    tab = request.getfixturevalue("page" if viewport == "desktop" else "phone_page")
    user, public, private = network
    for url in public:
        assert tab.goto(url).status == 200, url
        assert_accessible(tab)
    tab.goto(public[2])
    expect(tab.get_by_role("link", name="Their website (Larch Youth Project)")).to_be_visible()
    # A form sent back with its mistakes marked.
    tab.goto(public[3])
    tab.get_by_role("button", name="Send the message").click()
    expect(tab.get_by_text("Enter your name.", exact=True)).to_be_visible()
    assert_accessible(tab)

    sign_in(tab, user.email)
    for url in private + public[:3]:
        assert tab.goto(url).status == 200, url
        assert_accessible(tab)
    tab.goto(private[1])
    tab.get_by_role("textbox", name="What we do").fill("")
    tab.get_by_role("button", name="Save the profile").click()
    expect(tab.locator("#about-error")).to_contain_text("Say what your organisation does")
    assert_accessible(tab)
