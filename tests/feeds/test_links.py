"""The "Add to calendar" links and partials: Google, Outlook, webcal, download."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from flask import render_template

from eventsapp.feeds.ical import event_description
from eventsapp.feeds.links import google_url, outlook_url, webcal
from tests.feeds.conftest import local
from tests.feeds.test_ical import AWKWARD


def query(url: str) -> dict[str, str]:
    values = parse_qs(urlsplit(url).query, keep_blank_values=True, strict_parsing=True)
    assert all(len(v) == 1 for v in values.values())
    return {k: v[0] for k, v in values.items()}


def test_google_link_has_the_fields_in_utc(app, db, make_event):
    event = make_event(title=AWKWARD, starts_at=local(2027, 10, 30, 18, 30), hours=2, venue="Hall & Co; 1")
    with app.test_request_context("/"):
        url = google_url(event)
        description = event_description(event)

    assert url.startswith("https://calendar.google.com/calendar/render?")
    fields = query(url)
    assert fields["action"] == "TEMPLATE"
    assert fields["text"] == AWKWARD  # encoded and decoded exactly
    assert fields["dates"] == "20271030T173000Z/20271030T193000Z"  # 18:30 BST is 17:30 UTC
    assert fields["details"] == description
    assert fields["location"].startswith("Hall & Co; 1")
    assert " " not in url and "\n" not in url


def test_outlook_links_have_the_fields_in_utc(app, db, make_event):
    event = make_event(title="Winter, gathering", starts_at=local(2027, 3, 27, 18, 30), hours=2)
    with app.test_request_context("/"):
        for base in ("https://outlook.live.com/", "https://outlook.office.com/"):
            url = outlook_url(event, base + "calendar/0/deeplink/compose")
            fields = query(url)
            assert fields["rru"] == "addevent"
            assert fields["subject"] == "Winter, gathering"
            assert fields["startdt"] == "2027-03-27T18:30:00Z"  # GMT: the same as UTC
            assert fields["enddt"] == "2027-03-27T20:30:00Z"


def test_webcal():
    assert webcal("https://example.org/calendar.ics?region=TLJ") == "webcal://example.org/calendar.ics?region=TLJ"
    assert webcal("http://localhost:5000/programmes/p/calendar.ics") == "webcal://localhost:5000/programmes/p/calendar.ics"


def _render(app, template, path="/", **context):
    with app.test_request_context(path):
        return render_template(template, **context)


def test_add_to_calendar_partial_for_a_published_event_in_a_programme(app, db, make_event, make_programme):
    programme = make_programme(name="Regional convening")
    event = make_event(programme=programme, title="Good relations")

    html = _render(app, "feeds/_add_to_calendar.html", event=event)

    assert f'href="/events/{event.id}.ics"' in html
    assert "https://calendar.google.com/calendar/render?" in html
    assert "https://outlook.live.com/calendar/0/deeplink/compose?" in html
    assert 'href="webcal://localhost/calendar.ics"' in html
    assert f'href="webcal://localhost/programmes/{programme.slug}/calendar.ics"' in html
    assert "Regional convening" in html
    assert "style=" not in html and "<script" not in html and " on" not in html.replace(" one", "")


def test_add_to_calendar_partial_without_programme_has_no_programme_link(app, db, make_event):
    event = make_event()
    html = _render(app, "feeds/_add_to_calendar.html", event=event)
    assert "/programmes/" not in html
    assert 'href="webcal://localhost/calendar.ics"' in html


def test_add_to_calendar_partial_is_empty_for_a_cancelled_event(app, db, make_event):
    event = make_event(status="cancelled", cancelled_at=datetime(2026, 1, 1))
    assert _render(app, "feeds/_add_to_calendar.html", event=event).strip() == ""


def test_add_to_calendar_partial_offers_no_subscription_for_a_draft(app, db, make_event):
    event = make_event(status="draft")
    html = _render(app, "feeds/_add_to_calendar.html", event=event)
    assert f'href="/events/{event.id}.ics"' in html
    assert "webcal://" not in html
    assert "draft" in html


def test_subscribe_partial_keeps_the_list_filters(app, db):
    html = _render(app, "feeds/_subscribe.html", path="/events/?region=TLJ&q=youth&page=3&host=x")
    assert 'href="webcal://localhost/calendar.ics?region=TLJ&amp;q=youth"' in html
    assert 'href="http://localhost/calendar.ics?region=TLJ&amp;q=youth"' in html


def test_subscribe_partial_with_a_given_feed(app, db, make_programme):
    programme = make_programme()
    with app.test_request_context("/"):
        from flask import url_for

        html = render_template(
            "feeds/_subscribe.html", feed_url=url_for("feeds.programme_calendar", slug=programme.slug)
        )
    assert f'href="webcal://localhost/programmes/{programme.slug}/calendar.ics"' in html
