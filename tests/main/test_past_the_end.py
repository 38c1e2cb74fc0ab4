"""A page past the end of a list that has items (``?page=999``) says so beside a consistent count,
with links back, instead of the list's "nothing yet" empty state (the walkthrough's "4 events"
above "No upcoming events yet")."""

from __future__ import annotations

import re
from datetime import timedelta

from eventsapp.models import utcnow
from tests import factories


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def _past_the_end(html: str, element_id: str = "past-the-end") -> str:
    found = re.search(rf'<div class="empty-state[^"]*" id="{element_id}">(.*?)</div>', html, re.S)
    assert found, "no past-the-end message"
    return _text(found.group(1))


def test_upcoming_and_past_events_past_the_end(client, db):
    now = utcnow().replace(microsecond=0)
    for days in (1, 2, 3, 4):
        factories.make_event(starts_at=now + timedelta(days=days), title=f"Soon {days}")
        factories.make_event(starts_at=now - timedelta(days=days * 10), title=f"Gone {days}")
    for url in ("/events/?page=999", "/events/past?page=999"):
        html = client.get(url).get_data(as_text=True)
        count = _text(re.search(r'id="result-count"[^>]*>(.*?)</p>', html, re.S).group(1))
        assert count == "4 events", url
        assert _past_the_end(html) == "No page 999 Everything here fits on one page: go to page 1.", url
        assert "No upcoming events yet" not in html and "No past events" not in html, url
        assert 'href="/events/' in html and "page=1" in html
    first = client.get("/events/").get_data(as_text=True)
    assert 'id="past-the-end"' not in first and "Soon 1" in first


def test_past_the_end_names_the_last_page_and_keeps_the_filters(client, db, app):
    app.config["EVENTS_PER_PAGE"] = 2
    now = utcnow().replace(microsecond=0)
    for days in range(1, 6):
        factories.make_event(starts_at=now + timedelta(days=days), region_code="TLJ")
    html = client.get("/events/?region=TLJ&page=7").get_data(as_text=True)
    assert _past_the_end(html) == "No page 7 There are 3 pages: go to page 1 or the last page (3)."
    links = re.findall(r'href="([^"]+)"', re.search(r'id="past-the-end">(.*?)</div>', html, re.S).group(1))
    assert [link.replace("&amp;", "&") for link in links] == ["/events/?region=TLJ&page=1",
                                                              "/events/?region=TLJ&page=3"]


def test_an_empty_list_still_says_it_is_empty(client, db):
    html = client.get("/events/?page=3").get_data(as_text=True)
    assert "No upcoming events yet" in html and 'id="past-the-end"' not in html


def test_the_registrations_list_past_the_end(client, db, login_as):
    host = factories.make_organisation("Paging Trust")
    event = factories.make_event(host=host)
    factories.make_registration(event=event)
    login_as("organiser", host)
    html = client.get(f"/events/{event.id}/registrations?page=5").get_data(as_text=True)
    assert _past_the_end(html).startswith("No page 5")
    assert "No registrations yet" not in html
