"""An online event's joining link reaches confirmed registrants only (issue #13, finding 13).

The public event page, its .ics download and every subscription feed say that an
event is online, but never carry the link itself.
"""

from __future__ import annotations

import icalendar

JOIN = "https://meet.example.org/secret-room-4821"


def assert_no_link_in(parsed) -> None:
    for vevent in parsed.events:
        assert "CONFERENCE" not in vevent
        assert JOIN not in str(vevent.get("URL", ""))
        assert JOIN not in str(vevent.get("DESCRIPTION", ""))
        assert JOIN not in str(vevent.get("LOCATION", ""))
    assert JOIN.encode() not in parsed.raw


def test_the_public_event_page_does_not_show_the_joining_link(client, make_event):
    event = make_event(venue="", town="", online_url=JOIN)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert JOIN not in page and "meet.example.org" not in page
    assert "Online" in page  # visitors still learn the event is online


def test_public_calendar_files_do_not_carry_the_joining_link(client, make_event, make_programme, parse):
    programme = make_programme(slug="online-programme")
    event = make_event(venue="", town="", address="", postcode="", online_url=JOIN, programme=programme)
    for url in (f"/events/{event.id}.ics", "/calendar.ics", "/programmes/online-programme/calendar.ics",
                "/regions/TLJ/calendar.ics", f"/organisations/{event.host_organisation_id}/calendar.ics"):
        response = client.get(url)
        assert response.status_code == 200, url
        parsed = parse(response.data)
        assert [str(v["UID"]) for v in parsed.events], url
        assert_no_link_in(parsed)
        (vevent,) = [v for v in parsed.events if str(v["UID"]).startswith(f"event-{event.id}@")]
        assert str(vevent["LOCATION"]) == "Online"


def test_the_generator_writes_the_link_only_when_asked(app, make_event, parse):
    from eventsapp.feeds.ical import event_to_ical

    event = make_event(online_url=JOIN)
    with app.test_request_context("/"):
        assert_no_link_in(parse(event_to_ical(event)))
        private = icalendar.Calendar.from_ical(event_to_ical(event, include_online=True))
    (vevent,) = private.walk("VEVENT")
    assert str(vevent["CONFERENCE"]) == JOIN and str(vevent["URL"]) == JOIN
    assert f"Join online: {JOIN}" in str(vevent["DESCRIPTION"])
