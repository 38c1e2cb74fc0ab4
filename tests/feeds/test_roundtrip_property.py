"""Property: any printable title, summary and venue survive icalendar and vobject exactly."""

from __future__ import annotations

from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventsapp.feeds.ical import event_to_ical
from eventsapp.models import Event, Organisation, Region
from tests.feeds.conftest import parse_calendar

#: Any character but control characters (a TEXT value cannot hold CR; others are dropped)
#: and surrogates (not encodable as UTF-8); newlines are allowed.
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u2028\u2029\x85")
    | st.just("\n"),
    min_size=1,
    max_size=120,
).filter(lambda s: s.strip() == s and s.strip())


def transient_event(title: str, summary: str, venue: str) -> Event:
    return Event(
        id=1, title=title, summary=summary, venue=venue, address="", town="", postcode="", themes="",
        accessibility="", status="published", sequence=0, online_url=None,
        starts_at=datetime(2027, 10, 30, 17, 30), ends_at=datetime(2027, 10, 30, 19, 30),
        created_at=datetime(2026, 1, 1), updated_at=datetime(2026, 1, 2),
        host=Organisation(name="Host"), region=Region(code="TLJ", name="South East"),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=TEXT, summary=TEXT, venue=TEXT.filter(lambda s: "\n" not in s))
def test_text_round_trips_through_both_parsers(title, summary, venue):
    raw = event_to_ical(transient_event(title, summary, venue))
    parsed = parse_calendar(raw)

    (vevent,) = parsed.events
    assert str(vevent["SUMMARY"]) == title
    assert str(vevent["DESCRIPTION"]) == summary
    assert str(vevent["LOCATION"]) == venue
    (other,) = parsed.vevents
    assert other.summary.value == title
    assert other.description.value == summary
    assert other.location.value == venue
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
