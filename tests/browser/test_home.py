"""The home page in Chromium: it renders, and axe-core finds no serious problem."""

from datetime import timedelta

import pytest

from eventsapp.models import utcnow

pytestmark = pytest.mark.browser


def test_home_page_renders_events_and_is_accessible(page, make_event, assert_accessible):
    make_event(title="Good relations in Leeds", starts_at=utcnow() + timedelta(days=3))
    page.goto("/")
    assert page.title() == "Upcoming events · eventsapp"
    assert page.get_by_role("heading", name="Good relations in Leeds").is_visible()
    assert_accessible(page)


def test_empty_home_page_is_accessible_on_a_phone(phone_page, assert_accessible):
    phone_page.goto("/")
    assert phone_page.get_by_text("No upcoming events yet").is_visible()
    assert_accessible(phone_page)
