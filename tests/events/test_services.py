"""Scheduling rules: postcodes, clock changes, counts, state changes, duplication."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from eventsapp.events import services
from eventsapp.events.services import (
    EventStateError,
    cancel_event,
    duplicate_event,
    hostable_organisations,
    local_time_exists,
    normalise_postcode,
    publish_event,
    registration_counts,
    unpublish_event,
    update_event,
)
from eventsapp.registration.services import places_left
from tests.events.dates import spring_sunday


@pytest.mark.parametrize(
    ("entered", "expected"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        ("  SW1A   1AA ", "SW1A 1AA"),
        ("rh10 6yz", "RH10 6YZ"),
        ("m11ae", "M1 1AE"),
        ("B338TH", "B33 8TH"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("gir 0aa", "GIR 0AA"),
    ],
)
def test_postcodes_are_normalised(entered, expected):
    assert normalise_postcode(entered) == expected


@pytest.mark.parametrize("entered", ["", "12345", "SW1A 1A", "SW1A 1CA", "not a postcode", "SW1A1AAA", "Q1 1AA"])
def test_invalid_postcodes_are_rejected(entered):
    assert normalise_postcode(entered) is None


def test_the_spring_forward_gap_does_not_exist(app):
    with app.app_context():
        day = spring_sunday()
        assert not local_time_exists(datetime(day.year, day.month, day.day, 1, 30))
        assert local_time_exists(datetime(day.year, day.month, day.day, 0, 59))
        assert local_time_exists(datetime(day.year, day.month, day.day, 2, 0))


def test_registration_counts_come_from_the_event_rows(db, make_event, make_registration):
    full, empty = make_event(capacity=2), make_event()
    make_registration(full)
    make_registration(full)
    make_registration(full, status="waitlisted")
    make_registration(full, status="cancelled")
    counts = registration_counts([full.id, empty.id])
    assert counts[full.id] == services.RegistrationCounts(confirmed=2, waitlisted=1)
    assert counts[empty.id] == services.RegistrationCounts(confirmed=0, waitlisted=0)
    assert places_left(full) == 0
    assert places_left(empty) is None


def test_places_left_counts_only_confirmed(db, make_event, make_registration):
    event = make_event(capacity=10)
    make_registration(event)
    make_registration(event, status="cancelled")
    make_registration(event, status="waitlisted")
    assert places_left(event) == 9


def test_cancelling_keeps_the_record_and_tells_registrants(db, make_event, monkeypatch):
    told = []
    monkeypatch.setattr(services, "_notify", lambda event, change: told.append((event.id, change)))
    event = make_event()
    cancel_event(event, "  The venue flooded.  ")
    db.session.commit()
    db.session.expire_all()
    assert event.status == "cancelled"
    assert event.cancel_reason == "The venue flooded."
    assert event.cancelled_at is not None
    assert told == [(event.id, "cancelled")]
    with pytest.raises(EventStateError):
        cancel_event(event, "again")


def test_a_change_of_time_or_place_notifies_but_a_new_title_does_not(db, make_event, monkeypatch):
    told = []
    monkeypatch.setattr(services, "_notify", lambda event, change: told.append(change))
    event = make_event()
    assert update_event(event, {"title": "A better title"}) == []
    assert told == []
    assert update_event(event, {"venue": "Library", "starts_at": event.starts_at + timedelta(hours=1)}) == [
        "starts_at", "venue"]
    assert told == ["What changed: the start, the venue."]


def test_drafts_change_without_notifications(db, make_event, monkeypatch):
    told = []
    monkeypatch.setattr(services, "_notify", lambda event, change: told.append(change))
    event = make_event(status="draft")
    update_event(event, {"venue": "Library"})
    assert told == []


def test_raising_capacity_fills_from_the_waitlist(db, make_event, monkeypatch):
    filled = []
    monkeypatch.setattr(services, "_fill_from_waitlist", lambda event: filled.append(event.capacity))
    event = make_event(capacity=5)
    update_event(event, {"capacity": 4})
    assert filled == []
    update_event(event, {"capacity": 8})
    update_event(event, {"capacity": None})
    assert filled == [8, None]


def test_publish_and_unpublish_rules(db, make_event, make_registration):
    event = make_event(status="draft")
    publish_event(event)
    assert event.status == "published"
    make_registration(event)
    with pytest.raises(EventStateError, match="1 people are registered"):
        unpublish_event(event)
    event.status = "cancelled"
    with pytest.raises(EventStateError):
        publish_event(event)


def test_unpublish_without_registrations(db, make_event):
    event = make_event()
    unpublish_event(event)
    assert event.status == "draft"


def test_duplicate_copies_fields_into_a_draft_on_the_new_date(db, make_event, make_organisation):
    cohost = make_organisation()
    start = datetime(2030, 5, 1, 17, 0)
    original = make_event(starts_at=start, hours=2, capacity=30, summary="Talk", postcode="RH10 6YZ",
                          registration_closes_at=start - timedelta(days=1), cohosts=[cohost])
    new_start = datetime(2030, 6, 5, 17, 30)
    copy = duplicate_event(original, new_start)
    db.session.commit()
    assert copy.id != original.id and copy.status == "draft"
    assert (copy.title, copy.summary, copy.capacity, copy.postcode) == (
        original.title, "Talk", 30, "RH10 6YZ")
    assert copy.host_organisation_id == original.host_organisation_id
    assert copy.cohosts == [cohost]
    assert copy.starts_at == new_start and copy.ends_at == new_start + timedelta(hours=2)
    assert copy.registration_closes_at == new_start - timedelta(days=1)
    assert copy.registration_opens_at is None


def test_organisers_host_for_their_own_organisations_only(db, make_user, make_organisation):
    mine, other = make_organisation(), make_organisation()
    user = make_user("organiser", mine)
    assert hostable_organisations(user) == [mine]
    door = make_user("door", other)
    assert hostable_organisations(door) == []
    assert other.id not in [o.id for o in hostable_organisations(user)]


def test_coordinators_may_choose_the_host_organisations_of_their_network(db, make_user, make_organisation,
                                                                         make_programme):
    coordinating = make_organisation()
    make_programme(coordinator_organisation=coordinating)
    host = make_organisation(added_by_organisation_id=coordinating.id)
    make_user("organiser", host)
    another_networks_host = make_organisation()
    make_user("organiser", another_networks_host)
    coordinator = make_user("coordinator", coordinating)
    ids = {o.id for o in hostable_organisations(coordinator)}
    assert host.id in ids and coordinating.id in ids
    assert another_networks_host.id not in ids  # hosting for it would bring it into this network
