"""The "Add to calendar" partial on the public event page, in a browser too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from eventsapp.feeds.ical import event_uid


def test_event_page_offers_download_google_outlook_and_subscriptions(client, db, make_event, make_programme, parse):
    programme = make_programme(name="Regional convening")
    event = make_event(programme=programme, title="Good relations in Leeds")

    html = client.get(f"/events/{event.id}").get_data(as_text=True)

    assert "Add to your calendar" in html
    assert f'href="/events/{event.id}.ics"' in html
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in html
    assert "https://outlook.live.com/calendar/0/deeplink/compose?" in html
    assert 'href="webcal://localhost/calendar.ics"' in html
    assert f'href="webcal://localhost/programmes/{programme.slug}/calendar.ics"' in html
    # The download link on the page really serves this event.
    assert parse(client.get(f"/events/{event.id}.ics").data).uids() == {event_uid(event)}


@pytest.mark.browser
def test_add_to_calendar_is_accessible_on_a_phone(phone_page, make_event, make_programme, assert_accessible):
    event = make_event(programme=make_programme(), title="Good relations on a phone")
    phone_page.goto(f"/events/{event.id}")
    section = phone_page.get_by_role("region", name="Add to your calendar")
    expect(section.get_by_role("link", name="Add to Google Calendar")).to_be_visible()
    expect(section.get_by_role("link", name="Subscribe to all events")).to_be_visible()
    assert_accessible(phone_page)
