"""The forms' organisation pick-lists as a type-ahead combobox, in Chromium (eventsapp/static/organisation-picker.js).

An organiser types part of a name, chooses with the keyboard, and the saved event (co-host asked) and story
(organisation involved) have that organisation; a chosen organisation is removed with its button; an id
outside the form's choices is refused at the field. axe-core checks the combobox with its list open.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from eventsapp.extensions import db
from eventsapp.models import CohostRequest, Event, Story
from tests import factories
from tests.checkin.test_browser import sign_in
from tests.conftest import BROWSER_CONTEXT
from tests.events.dates import autumn_saturday
from tests.stories.conftest import world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def organisations(world):  # noqa: F811
    """Enough organisations that a list of them all is no way to choose, and the two to find."""
    for n in range(40):
        factories.make_organisation(f"{factories.fake.city()} Community Forum {n}")
    return {name: factories.make_organisation(name).id
            for name in ("Thames Valley Police", "Kent Police", "Sussex Police")}


def popup(page, combobox):
    """The combobox's listbox (the one its ``aria-controls`` names)."""
    return page.locator(f"#{combobox.get_attribute('aria-controls')}")


def choose(page, combobox, typed: str, name: str, downs: int = 1) -> None:
    """Type ``typed``, wait for ``name`` among the options, move to it with the arrow keys, press Enter."""
    combobox.fill(typed)
    option = popup(page, combobox).get_by_role("option", name=name, exact=True)
    expect(option).to_be_visible()
    for _ in range(downs):
        combobox.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(combobox).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    combobox.press("Enter")
    expect(page.get_by_role("button", name=f"Remove {name}")).to_be_visible()


def fill_event(page, title: str) -> None:
    day = autumn_saturday()
    page.fill("#title", title)
    page.select_option("#region", label="South East")
    page.fill("#town", "Crawley")
    page.fill("#starts_at", f"{day:%Y-%m-%d}T18:30")
    page.fill("#ends_at", f"{day:%Y-%m-%d}T20:30")


def test_an_organiser_chooses_co_hosts_by_typing_and_the_keyboard(page, world, organisations,  # noqa: F811
                                                                  assert_accessible):
    sign_in(page, world.organiser)
    page.goto("/events/new")
    expect(page.locator("select#cohosts")).to_be_hidden()  # the plain list stays, hidden, and is what is sent
    combobox = page.get_by_role("combobox", name="Co-hosts")
    expect(combobox).to_have_attribute("aria-expanded", "false")

    combobox.fill("police")
    expect(popup(page, combobox).get_by_role("option")).to_have_count(3)
    expect(combobox).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("status").filter(has_text="organisations found")).to_have_text(
        "3 organisations found. Use the arrow keys to choose.")
    assert_accessible(page)  # with the list open
    combobox.press("Escape")
    expect(popup(page, combobox)).to_be_hidden()
    expect(combobox).to_have_attribute("aria-expanded", "false")

    choose(page, combobox, "thames vall", "Thames Valley Police")
    expect(page.get_by_role("status").filter(has_text="Added")).to_have_text(
        "Added Thames Valley Police. 1 organisation chosen.")
    assert combobox.input_value() == ""
    # "Kent Police" then "Sussex Police" (a chosen one is not offered again); then Kent goes again.
    choose(page, combobox, "police", "Sussex Police", downs=2)
    choose(page, combobox, "kent", "Kent Police")
    page.get_by_role("button", name="Remove Kent Police").press("Enter")
    expect(page.get_by_role("button", name="Remove Kent Police")).to_have_count(0)
    assert_accessible(page)

    fill_event(page, "Chosen by typing")
    page.get_by_role("button", name="Save event").click()
    expect(page.get_by_role("heading", name="Chosen by typing", level=1)).to_be_visible()
    db.session.rollback()  # end this thread's read transaction: see what the server committed
    event = db.session.scalar(select(Event).where(Event.title == "Chosen by typing"))
    asked = {r.organisation_id for r in db.session.scalars(
        select(CohostRequest).where(CohostRequest.event_id == event.id))}
    assert asked == {organisations["Thames Valley Police"], organisations["Sussex Police"]}

    page.goto(f"/events/{event.id}/edit")  # the co-hosts asked are shown chosen
    expect(page.get_by_role("button", name="Remove Thames Valley Police")).to_be_visible()
    expect(page.get_by_role("button", name="Remove Sussex Police")).to_be_visible()


def test_an_organisation_outside_the_choices_is_refused_at_the_field(page, world, organisations):  # noqa: F811
    sign_in(page, world.organiser)
    page.goto("/events/new")
    fill_event(page, "Tampered with")
    # What a tampered-with page (or an organisation merged away meanwhile) would send.
    page.evaluate("""() => { const option = new Option('Nobody', '999999', true, true);
                             document.getElementById('cohosts').appendChild(option); }""")
    page.get_by_role("button", name="Save event").click()
    expect(page.locator("#cohosts-error")).to_have_text(
        "999999 is not a valid choice here: choose organisations from the list.")
    combobox = page.get_by_role("combobox", name="Co-hosts")
    expect(combobox).to_have_attribute("aria-invalid", "true")
    assert "cohosts-error" in combobox.get_attribute("aria-describedby")
    assert page.input_value("#title") == "Tampered with"
    db.session.rollback()
    assert db.session.scalar(select(Event).where(Event.title == "Tampered with")) is None


def test_a_story_names_an_organisation_chosen_by_typing(page, world, organisations, assert_accessible):  # noqa: F811
    sign_in(page, world.organiser)
    page.goto("/stories/new")
    page.get_by_label("Title").fill("Chosen in the story form")
    page.get_by_label("Summary").fill("Neighbours met.")
    page.get_by_label("The story").fill("They met.")
    page.locator("input[name=kind_of_work]").first.check()
    page.get_by_label("Arts", exact=True).check()
    page.select_option("#region", label="South East")
    page.select_option("#programme", label="Stories Programme")
    combobox = page.get_by_role("combobox", name="Organisations involved")
    choose(page, combobox, "kent pol", "Kent Police")
    assert_accessible(page)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", name="Chosen in the story form", level=1)).to_be_visible()
    db.session.rollback()
    story = db.session.scalar(select(Story).where(Story.title == "Chosen in the story form"))
    assert [o.id for o in story.organisations] == [organisations["Kent Police"]]


def test_without_javascript_the_plain_list_still_works(browser, live_server, world, organisations):  # noqa: F811
    context = browser.new_context(**BROWSER_CONTEXT, base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, world.organiser)
        page.goto("/events/new")
        expect(page.get_by_role("combobox", name="Co-hosts")).to_have_count(0)
        page.get_by_label("Co-hosts").select_option(label="Kent Police")
        fill_event(page, "Chosen from the plain list")
        page.get_by_role("button", name="Save event").click()
        expect(page.get_by_role("heading", name="Chosen from the plain list", level=1)).to_be_visible()
    finally:
        context.close()
    db.session.rollback()
    event = db.session.scalar(select(Event).where(Event.title == "Chosen from the plain list"))
    assert [r.organisation_id for r in db.session.scalars(select(CohostRequest).where(
        CohostRequest.event_id == event.id))] == [organisations["Kent Police"]]
