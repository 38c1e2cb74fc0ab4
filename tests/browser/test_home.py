"""The home page in Chromium: it renders, and axe-core finds no serious problem."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from eventsapp.models import utcnow

pytestmark = pytest.mark.browser


def test_home_page_renders_events_and_is_accessible(page, make_event, assert_accessible):
    make_event(title="Good relations in Leeds", starts_at=utcnow() + timedelta(days=3))
    page.goto("/")
    assert page.title() == "Upcoming events · eventsapp"
    expect(page.get_by_role("heading", name="Good relations in Leeds")).to_be_visible()
    assert_accessible(page)


def test_empty_home_page_is_accessible_on_a_phone(phone_page, assert_accessible):
    phone_page.goto("/")
    expect(phone_page.get_by_text("No upcoming events yet")).to_be_visible()
    assert_accessible(phone_page)


DURATIONS_JS = """() => {
  const probe = document.createElement('div');
  probe.style.transition = 'color 1s'; probe.style.animation = 'none 2s infinite';
  document.querySelector('main').append(probe);
  const nodes = [probe, ...document.querySelectorAll('a, button, input, .nav-link, .btn')];
  return [...new Set(nodes.flatMap((n) => [getComputedStyle(n).transitionDuration, getComputedStyle(n).animationDuration]))];
}"""


def test_reduced_motion_turns_every_transition_and_animation_off(page):
    """Browser tests run as someone who asked for less motion (tests/conftest.py); app.css honours it."""
    page.goto("/auth/login")
    assert page.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")
    durations = page.evaluate(DURATIONS_JS)
    assert set(d for value in durations for d in value.split(", ")) <= {"0s", "0.001s"}, durations
    page.emulate_media(reduced_motion="no-preference")  # and the probe does move for everyone else
    assert "1s" in page.evaluate(DURATIONS_JS)
