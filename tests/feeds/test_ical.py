"""The iCalendar generators: times across DST, escaping, folding, injection, fields, privacy."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from eventsapp.feeds.ical import event_to_ical, event_uid, events_to_ical
from tests.feeds.conftest import local

LONDON = "Europe/London"

#: Text that breaks naive iCalendar writers: every TEXT special character, line breaks,
#: emoji (4-byte UTF-8), combining marks and right-to-left and CJK scripts.
AWKWARD = "Meet, greet; eat \\ drink\nSecond line: Ünïcödé 😀👩🏽‍🤝‍👩🏻 Привет мир, مرحبا; 你好，世界 देवनागरी"


@pytest.fixture
def request_ctx(app):
    with app.test_request_context("/"):
        yield


@pytest.mark.parametrize(
    ("local_start", "utc_start"),
    [
        # Last Saturday of March 2027: still GMT (clocks go forward on Sunday 28th).
        (datetime(2027, 3, 27, 18, 30), datetime(2027, 3, 27, 18, 30)),
        # The Sunday after: BST.
        (datetime(2027, 3, 28, 18, 30), datetime(2027, 3, 28, 17, 30)),
        # Last Saturday of October 2027: still BST (clocks go back on Sunday 31st).
        (datetime(2027, 10, 30, 18, 30), datetime(2027, 10, 30, 17, 30)),
        # The Sunday after: GMT.
        (datetime(2027, 10, 31, 18, 30), datetime(2027, 10, 31, 18, 30)),
    ],
)
def test_local_time_and_utc_instant_either_side_of_a_dst_change(
    db, make_event, parse, request_ctx, local_start, utc_start
):
    event = make_event(starts_at=local(*local_start.timetuple()[:5]), hours=2)
    assert event.starts_at == utc_start  # stored in UTC

    parsed = parse(event_to_ical(event))

    (vevent,) = parsed.events
    assert vevent["DTSTART"].params["TZID"] == LONDON
    start = vevent.decoded("DTSTART")
    assert start.replace(tzinfo=None) == local_start  # 18:30 on the wall clock
    assert start.astimezone(UTC).replace(tzinfo=None) == utc_start
    assert vevent.decoded("DTEND").astimezone(UTC).replace(tzinfo=None) == event.ends_at

    # The VTIMEZONE in the file (not just the tz database) gives the same instant.
    (vtimezone,) = parsed.icalendar.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == LONDON
    from_file = vtimezone.to_tz()
    assert local_start.replace(tzinfo=from_file).astimezone(UTC).replace(tzinfo=None) == utc_start

    # vobject builds its own zone from the VTIMEZONE and agrees.
    other = parsed.vevents[0]
    assert parsed.vobject.vtimezone.tzid.value == LONDON
    assert other.dtstart.value.replace(tzinfo=None) == local_start
    assert other.dtstart.value.astimezone(UTC).replace(tzinfo=None) == utc_start
    assert other.dtend.value.astimezone(UTC).replace(tzinfo=None) == event.ends_at


def test_a_feed_spanning_both_changes_has_one_vtimezone_with_both_transitions(db, make_event, parse, request_ctx):
    march = make_event(starts_at=local(2027, 3, 27, 18, 30))
    october = make_event(starts_at=local(2027, 10, 30, 18, 30))

    parsed = parse(events_to_ical([march, october], name="Both"))

    assert len(parsed.icalendar.walk("VTIMEZONE")) == 1
    starts = {e.uid.value: e.dtstart.value for e in parsed.vevents}
    assert starts[event_uid(march)].utcoffset().total_seconds() == 0
    assert starts[event_uid(october)].utcoffset().total_seconds() == 3600
    assert {s.strftime("%H:%M") for s in starts.values()} == {"18:30"}


def test_awkward_text_round_trips_exactly(db, make_event, make_programme, make_organisation, parse, request_ctx):
    programme = make_programme(name="Faith, hope; charity \\ 😀 Привет")
    host = make_organisation(name="Jones, Smith; & Partners \\ 😀 مرحبا")
    event = make_event(
        host=host, programme=programme, title=AWKWARD, summary=AWKWARD, venue="Hall; B, 1 😀",
        address="", town="Ćity", postcode="AB1 2CD", accessibility="Step-free; hearing loop, BSL \\ 😀",
        themes="Belonging, and trust\nFaith; and 你好",
    )

    parsed = parse(event_to_ical(event))

    vevent = parsed.event(event_uid(event))
    assert str(vevent["SUMMARY"]) == AWKWARD
    description = str(vevent["DESCRIPTION"])
    assert AWKWARD in description
    assert "- Belonging, and trust\n- Faith; and 你好" in description
    assert "Step-free; hearing loop, BSL \\ 😀" in description
    assert str(vevent["LOCATION"]) == "Hall; B, 1 😀, Ćity, AB1 2CD"
    assert [str(c) for c in vevent["CATEGORIES"].cats] == [programme.name, "South East"]
    assert vevent["ORGANIZER"].params["CN"] == host.name

    other = parsed.vevent(event_uid(event))
    assert other.summary.value == AWKWARD
    assert AWKWARD in other.description.value
    assert other.location.value == "Hall; B, 1 😀, Ćity, AB1 2CD"
    assert other.categories.value == [programme.name, "South East"]
    assert other.organizer.params["CN"] == [host.name]


def test_every_physical_line_is_at_most_75_octets_and_crlf_terminated(db, make_event, parse, request_ctx):
    long_text = ("😀 Привет, мир; " * 40) + ("a" * 300)
    title = long_text[:200]  # the column's limit; the summary (500) and themes (text) are longer
    events = [make_event(title=title, summary=long_text[:500], themes=long_text, venue=title) for _ in range(2)]

    raw = events_to_ical(events, name=long_text)

    assert raw.endswith(b"\r\n")
    lines = raw[:-2].split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    too_long = [line for line in lines if len(line) > 75]
    assert not too_long, too_long[:3]
    for line in lines:
        line.decode("utf-8")  # folding never splits a multi-byte character
    assert any(line.startswith(b" ") for line in lines)  # long values really were folded
    parsed = parse(raw)
    assert {str(e["SUMMARY"]) for e in parsed.events} == {title}


@pytest.mark.parametrize("field", ["title", "venue", "summary", "host"])
def test_no_property_can_be_injected_through_text(db, make_event, make_organisation, parse, request_ctx, field):
    payload = "Hi\r\nATTENDEE:mailto:x@example.org\r\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil"
    if field == "host":
        event = make_event(host=make_organisation(name=payload[:200]))
    else:
        event = make_event(**{field: payload})

    raw = event_to_ical(event)
    parsed = parse(raw)

    assert len(parsed.events) == 1
    assert parsed.uids() == {event_uid(event)}
    for component in parsed.icalendar.walk():
        assert "ATTENDEE" not in component
    assert not any(line.startswith((b"ATTENDEE", b"UID:evil")) for line in raw.split(b"\r\n"))
    assert not hasattr(parsed.vevents[0], "attendee")
    if field == "title":
        assert str(parsed.events[0]["SUMMARY"]) == payload.replace("\r\n", "\n")


@pytest.mark.parametrize(
    "online_url",
    [
        "https://meet.example.org/x\r\nATTENDEE:mailto:x@example.org",
        "https://meet.example.org/x\nATTENDEE:mailto:x@example.org",
        "javascript:alert(1)",
        "https://meet.example.org/a b",
    ],
)
def test_an_odd_online_link_is_left_out_not_injected(db, make_event, parse, request_ctx, online_url):
    event = make_event(online_url=online_url)
    raw = event_to_ical(event)
    parsed = parse(raw)
    vevent = parsed.events[0]
    assert "ATTENDEE" not in vevent and "CONFERENCE" not in vevent
    assert b"javascript" not in raw and b"meet.example.org" not in raw
    assert not hasattr(parsed.vevents[0], "attendee")


def test_a_draft_is_tentative(db, make_event, parse, request_ctx):
    event = make_event(status="draft")
    assert str(parse(event_to_ical(event)).events[0]["STATUS"]) == "TENTATIVE"


def test_vevent_carries_every_field(app, db, make_event, make_programme, parse):
    programme = make_programme(name="Regional convening")
    event = make_event(
        programme=programme, title="Good relations", summary="An evening together.",
        themes="Trust\nBelonging", venue="Town Hall", address="1 High Street", town="Crawley",
        postcode="RH10 1AA", accessibility="Step-free access.", online_url="https://meet.example.org/abc",
    )
    app.config["ICAL_UID_DOMAIN"] = "events.example.org"
    app.config["ICAL_ORGANIZER_EMAIL"] = "no-reply@example.org"

    with app.test_request_context("/"):
        # A confirmed registrant's copy: the only one with the joining link (see test_online_link_private).
        parsed = parse(event_to_ical(event, include_online=True))
        page = _event_page(app, event)

    vevent = parsed.event(f"event-{event.id}@events.example.org")
    assert vevent.decoded("DTSTAMP") == event.updated_at.replace(tzinfo=UTC, microsecond=0)
    assert vevent.decoded("LAST-MODIFIED") == event.updated_at.replace(tzinfo=UTC, microsecond=0)
    assert str(vevent["SUMMARY"]) == "Good relations"
    description = str(vevent["DESCRIPTION"])
    for part in ("An evening together.", "- Trust\n- Belonging", "Accessibility: Step-free access.",
                 "Join online: https://meet.example.org/abc"):
        assert part in description
    assert f"Event page: {page}" in description
    assert str(vevent["LOCATION"]) == "Town Hall, 1 High Street, Crawley, RH10 1AA"
    # The online link is the URL (and a CONFERENCE), not hidden in LOCATION.
    assert str(vevent["URL"]) == "https://meet.example.org/abc"
    assert str(vevent["CONFERENCE"]) == "https://meet.example.org/abc"
    assert str(vevent["ORGANIZER"]) == "mailto:no-reply@example.org"
    assert vevent["ORGANIZER"].params["CN"] == event.host.name
    assert [str(c) for c in vevent["CATEGORIES"].cats] == ["Regional convening", "South East"]
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert vevent.decoded("SEQUENCE") == 0
    assert str(parsed.icalendar["X-WR-CALNAME"]) == "Good relations"
    assert parsed.icalendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert parsed.raw.count(b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n") == 1
    assert parsed.raw.count(b"X-PUBLISHED-TTL:PT1H\r\n") == 1


def test_an_in_person_event_links_to_its_page_and_an_online_one_says_online(app, db, make_event, parse):
    in_person = make_event(venue="Library", town="Leeds")
    online = make_event(venue="", town="", address="", postcode="", online_url="https://meet.example.org/x")
    with app.test_request_context("/"):
        parsed = parse(events_to_ical([in_person, online], name="Mixed"))
        page = _event_page(app, in_person)
    assert str(parsed.event(event_uid(in_person))["URL"]) == page
    assert f"Event page: {page}" in str(parsed.event(event_uid(in_person))["DESCRIPTION"])
    assert str(parsed.event(event_uid(online))["LOCATION"]) == "Online"
    # A public file says "Online" but keeps the joining link for confirmed registrants.
    assert "https://meet.example.org/x" not in str(parsed.event(event_uid(online))["DESCRIPTION"])


def test_cancelled_event_says_so(db, make_event, parse, request_ctx):
    event = make_event(status="cancelled", cancel_reason="The venue flooded.", cancelled_at=datetime(2026, 1, 1))

    vevent = parse(event_to_ical(event)).events[0]

    assert str(vevent["STATUS"]) == "CANCELLED"
    assert str(vevent["DESCRIPTION"]).startswith("This event has been cancelled. The venue flooded.")


def test_no_attendee_data_in_the_output(db, make_event, make_registration, request_ctx):
    event = make_event()
    registrations = [make_registration(event=event) for _ in range(3)]

    raw = event_to_ical(event).decode()

    for registration in registrations:
        person = registration.person
        for value in (person.email, person.first_name + " " + person.last_name):
            assert value not in raw
    assert "ATTENDEE" not in raw


def test_output_is_a_pure_function_of_the_data(db, make_event, request_ctx):
    event = make_event()
    assert event_to_ical(event) == event_to_ical(event)


def test_works_without_a_request(app, db, make_event, parse):
    """The confirmation email may be built outside a request (CLI, worker)."""
    event = make_event(title="Outside a request")
    parsed = parse(event_to_ical(event))
    assert str(parsed.events[0]["SUMMARY"]) == "Outside a request"


def _event_page(app, event) -> str:
    from flask import url_for

    return url_for("events.detail", event_id=event.id, _external=True)
