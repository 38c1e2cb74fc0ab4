"""In Chromium on a phone: the attendee opens the survey from the email, answers it with the keyboard-
and screen-reader-friendly groups, and is thanked; the page passes axe-core (WCAG 2.2 AA, target size too)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from eventsapp.surveys.tasks import send_surveys
from tests import factories
from tests.browser.test_axe_pages import AXE_RUN
from tests.conftest import AXE_SCRIPT
from tests.surveys.test_survey import LINK

pytestmark = pytest.mark.browser


def axe_serious(page) -> list:
    page.wait_for_load_state("load")
    page.add_script_tag(path=str(AXE_SCRIPT))
    return page.evaluate(AXE_RUN)


def test_an_attendee_answers_the_survey_on_a_phone(phone_page, db, smtp, ended_event):
    registration = factories.make_registration(event=ended_event, attended=True)
    send_surveys.delay()
    (message,) = smtp.to(registration.person.email)
    link = LINK.findall(message.get_body(preferencelist=("plain",)).get_content())[0]
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    phone_page.goto(path)
    expect(phone_page.get_by_role("heading", name=f"How was {ended_event.title}?")).to_be_visible()
    assert axe_serious(phone_page) == []
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll

    phone_page.get_by_role("group", name="I met people from backgrounds different from mine") \
        .get_by_label("Strongly agree", exact=True).check()
    phone_page.get_by_role("group", name="Overall, how would you rate this event?").get_by_label("5 – Excellent").check()
    phone_page.get_by_label("What will you do differently?").fill("Ask the council's cohesion lead to our next meeting.")
    phone_page.get_by_role("button", name="Send my answers").click()
    expect(phone_page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert axe_serious(phone_page) == []

    phone_page.goto(path)  # the link, used again
    expect(phone_page.get_by_text("This link has been used")).to_be_visible()
