"""SEQUENCE goes up when the date, time, place or status change, and only then; the UID stays."""

from __future__ import annotations

from datetime import timedelta

import pytest

from eventsapp.feeds.ical import event_to_ical, event_uid
from eventsapp.models import utcnow


@pytest.mark.parametrize(
    ("attribute", "value"),
    [
        ("starts_at", lambda e: e.starts_at + timedelta(hours=1)),
        ("ends_at", lambda e: e.ends_at + timedelta(hours=1)),
        ("venue", lambda e: "Another hall"),
        ("address", lambda e: "2 Other Road"),
        ("postcode", lambda e: "LS1 1AA"),
        ("town", lambda e: "Leeds"),
        ("online_url", lambda e: "https://meet.example.org/new"),
        ("status", lambda e: "cancelled"),
    ],
)
def test_a_scheduling_change_raises_sequence(db, make_event, attribute, value):
    event = make_event()
    assert event.sequence == 0

    setattr(event, attribute, value(event))
    db.session.commit()

    assert event.sequence == 1


@pytest.mark.parametrize(
    ("attribute", "value"),
    [("title", "A new title"), ("summary", "New words"), ("capacity", 40), ("accessibility", "Lift")],
)
def test_other_changes_keep_sequence(db, make_event, attribute, value):
    event = make_event()
    setattr(event, attribute, value)
    db.session.commit()
    assert event.sequence == 0


def test_setting_the_same_value_keeps_sequence(db, make_event):
    event = make_event(venue="Town Hall", online_url=None)
    event.venue = "Town Hall"
    event.starts_at = event.starts_at
    event.online_url = ""  # no link either way
    db.session.commit()
    assert event.sequence == 0


def test_several_changes_in_one_commit_raise_sequence_once_and_later_ones_again(db, make_event):
    event = make_event()
    event.starts_at += timedelta(days=1)
    event.ends_at += timedelta(days=1)
    event.venue = "Elsewhere"
    db.session.commit()
    assert event.sequence == 1

    event.town = "York"
    db.session.commit()
    assert event.sequence == 2


def test_a_change_on_an_expired_object_is_still_seen(db, make_event):
    event = make_event()
    db.session.expire(event)  # as after a commit in another request
    event.starts_at = utcnow().replace(microsecond=0) + timedelta(days=30)
    event.ends_at = event.starts_at + timedelta(hours=2)
    db.session.commit()
    assert event.sequence == 1


def test_moving_an_event_raises_sequence_in_the_ics_and_keeps_the_uid(app, db, make_event, parse):
    event = make_event()
    with app.test_request_context("/"):
        before = parse(event_to_ical(event)).events[0]
        event.starts_at += timedelta(hours=2)
        event.ends_at += timedelta(hours=2)
        db.session.commit()
        after = parse(event_to_ical(event)).events[0]

    assert str(after["UID"]) == str(before["UID"]) == event_uid(event)
    assert after.decoded("SEQUENCE") == before.decoded("SEQUENCE") + 1
    assert after.decoded("DTSTART") - before.decoded("DTSTART") == timedelta(hours=2)
    assert after.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")


def test_cancelling_sets_status_cancelled_and_raises_sequence(app, db, make_event, parse):
    event = make_event()
    event.status = "cancelled"
    event.cancelled_at = utcnow()
    db.session.commit()

    with app.test_request_context("/"):
        vevent = parse(event_to_ical(event)).events[0]

    assert str(vevent["STATUS"]) == "CANCELLED"
    assert vevent.decoded("SEQUENCE") == 1
    assert str(vevent["UID"]) == event_uid(event)
