"""Creating, editing, publishing, cancelling and duplicating events through the forms."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from eventsapp.events import services
from eventsapp.models import Event, utcnow
from eventsapp.timeutil import to_utc
from tests import factories
from tests.events.dates import autumn_saturday, spring_saturday, spring_sunday


def event_count(db) -> int:
    return db.session.scalar(select(func.count(Event.id)))


def local_input(day, hour, minute=0) -> str:
    return f"{day:%Y-%m-%d}T{hour:02d}:{minute:02d}"


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/events/new")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_door_volunteers_cannot_schedule(client, login_as):
    login_as("door")
    assert client.get("/events/new").status_code == 403


def test_organiser_creates_a_draft_with_utc_times_and_normalised_postcode(client, db, organiser, host,
                                                                          event_form):
    day = spring_saturday()
    response = client.post("/events/new", data=event_form(
        starts_at=local_input(day, 18, 30), ends_at=local_input(day, 20, 30)))
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert response.headers["Location"].endswith(f"/events/{event.id}/manage")
    assert event.status == "draft" and event.host_organisation_id == host.id
    assert event.postcode == "RH10 6YZ"
    assert event.starts_at == datetime(day.year, day.month, day.day, 18, 30)  # GMT = UTC
    assert event.capacity == 40 and event.themes.startswith("Trust")


def test_autumn_times_are_stored_as_bst(client, db, organiser, event_form):
    day = autumn_saturday()
    client.post("/events/new", data=event_form(starts_at=local_input(day, 18, 30), ends_at=local_input(day, 20)))
    event = db.session.scalar(select(Event))
    assert event.starts_at == datetime(day.year, day.month, day.day, 17, 30)  # BST = UTC+1


def test_blank_capacity_is_unlimited(client, db, organiser, event_form):
    client.post("/events/new", data=event_form(capacity=""))
    assert db.session.scalar(select(Event)).capacity is None


def test_editing_an_event_to_capacity_0_is_refused_at_the_field(client, db, organiser, host, event_form):
    """0 places makes an event nobody can get a place at (blank is "no limit"): refused on edit too,
    where the "I understand" box for lowering the capacity must not let it through."""
    event = factories.make_event(host=host, capacity=10)
    response = client.post(f"/events/{event.id}/edit", data=event_form(capacity="0", capacity_understood="y"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_error(html, "capacity") and "Leave blank for no limit, or enter 1 or more." in html
    db.session.expire_all()
    assert db.session.get(Event, event.id).capacity == 10


def field_error(html: str, field_id: str) -> bool:
    return f'id="{field_id}-error"' in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": "2027-03-27T17:00"}, "ends_at", "must end after it starts"),
        ({"postcode": "SW1A 1CA"}, "postcode", "real UK postcode"),
        ({"title": "x" * 10_000}, "title", "200 characters"),
        ({"title": "   "}, "title", "required"),
        ({"online_url": "http://insecure.example.org"}, "online_url", "https://"),
        ({"online_url": "javascript:alert(1)"}, "online_url", "https://"),
        ({"capacity": "-3"}, "capacity", "Leave blank for no limit, or enter 1 or more."),
        ({"capacity": "0"}, "capacity", "Leave blank for no limit, or enter 1 or more."),
        ({"capacity": "100001"}, "capacity", "Enter at most 100,000 places"),
        ({"capacity": "lots"}, "capacity", "integer"),
        ({"starts_at": "next tuesday"}, "starts_at", "Enter a date and time"),
        ({"registration_opens_at": "2027-03-01T09:00", "registration_closes_at": "2027-02-01T09:00"},
         "registration_closes_at", "close after it opens"),
        ({"region": "99999"}, "region", "Not a valid choice"),
        ({"region": "0"}, "region", "Choose the region"),
        ({"starts_at": "0001-01-01T00:00", "ends_at": "9999-12-31T23:59"}, "starts_at", "between 2000 and 2100"),
        ({"cohosts": "99999"}, "cohosts", "not a valid choice"),
        ({"programme": "99999"}, "programme", "Not a valid choice"),
    ],
)
def test_bad_input_comes_back_with_the_error_at_the_field(client, db, organiser, event_form, overrides, field,
                                                          message):
    response = client.post("/events/new", data=event_form(**overrides))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_error(html, field) and message in html
    assert "Building bridges in Crawley" in html or field == "title"  # input kept
    assert "The Hawth" in html
    assert event_count(db) == 0


def test_a_time_in_the_spring_forward_gap_is_a_clear_error(client, db, organiser, event_form):
    day = spring_sunday()
    response = client.post("/events/new", data=event_form(
        starts_at=local_input(day, 1, 30), ends_at=local_input(day, 4)))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, "starts_at") and "clocks go forward" in html
    assert f'value="{local_input(day, 1, 30)}"' in html
    assert event_count(db) == 0


def test_a_forged_host_of_another_organisation_is_refused(client, db, organiser, event_form, make_organisation):
    other = make_organisation("Someone Else Trust")
    response = client.post("/events/new", data=event_form(host=str(other.id)))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "host")
    assert event_count(db) == 0


def test_host_choices_are_only_the_users_organisations(client, organiser, host, make_organisation):
    make_organisation("Someone Else Trust")
    html = client.get("/events/new").get_data(as_text=True)
    host_select = html.split('id="host"')[1].split("</select>")[0]
    assert host.name in host_select and "Someone Else Trust" not in host_select


def test_coordinator_schedules_for_a_host_only_within_its_programme(client, db, login_as, event_form, host,
                                                                    make_programme, make_organisation):
    coordinating = make_organisation("National Network")
    programme = make_programme(coordinator_organisation=coordinating)
    factories.make_user("organiser", host)  # host is a host organisation (it has members)
    host.added_by_organisation_id = coordinating.id  # ... of this coordinator's network
    db.session.commit()
    login_as("coordinator", coordinating)
    outside = client.post("/events/new", data=event_form())
    assert outside.status_code == 422 and field_error(outside.get_data(as_text=True), "host")
    inside = client.post("/events/new", data=event_form(programme=str(programme.id)))
    assert inside.status_code == 302
    assert db.session.scalar(select(Event)).programme_id == programme.id


def test_edit_form_shows_local_times(client, organiser, host, make_event):
    day = autumn_saturday()
    event = make_event(host=host, starts_at=to_utc(datetime(day.year, day.month, day.day, 18, 30)), hours=2)
    html = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert f'value="{local_input(day, 18, 30)}"' in html
    assert f'value="{local_input(day, 20, 30)}"' in html


def test_editing_the_place_notifies_registrants(client, db, organiser, host, make_event, event_form,
                                                monkeypatch):
    told = []
    monkeypatch.setattr(services, "_notify", lambda event, change: told.append(change))
    event = make_event(host=host)
    client.post(f"/events/{event.id}/edit", data=event_form(status="published"))
    told.clear()
    response = client.post(f"/events/{event.id}/edit", data=event_form(venue="Crawley Library", status="published"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).venue == "Crawley Library"
    assert told == ["What changed: the venue."]


def test_lowering_capacity_below_confirmed_needs_i_understand(client, db, organiser, host, make_event,
                                                              make_registration, event_form):
    event = make_event(host=host, capacity=10)
    for _ in range(3):
        make_registration(event)
    refused = client.post(f"/events/{event.id}/edit", data=event_form(capacity="2", status="published"))
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert field_error(html, "capacity") and "3 people are already confirmed" in html
    db.session.expire_all()
    assert db.session.get(Event, event.id).capacity == 10
    accepted = client.post(f"/events/{event.id}/edit",
                           data=event_form(capacity="2", capacity_understood="y", status="published"))
    assert accepted.status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).capacity == 2


def test_publish_then_cancel_with_a_reason(client, db, organiser, host, make_event):
    event = make_event(host=host, status="draft")
    assert client.post(f"/events/{event.id}/publish").status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == "published"
    missing_reason = client.post(f"/events/{event.id}/cancel", data={"reason": "  "})
    assert missing_reason.status_code == 422
    assert field_error(missing_reason.get_data(as_text=True), "reason")
    assert client.post(f"/events/{event.id}/cancel", data={"reason": "Snow."}).status_code == 302
    db.session.expire_all()
    cancelled = db.session.get(Event, event.id)
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "Snow.")
    assert cancelled.cancelled_at is not None
    assert "This event is cancelled" in client.get(f"/events/{event.id}").get_data(as_text=True)


def test_state_changes_are_post_only(client, organiser, host, make_event):
    event = make_event(host=host)
    assert client.get(f"/events/{event.id}/publish").status_code == 405
    assert client.get(f"/events/{event.id}/unpublish").status_code == 405


def test_unpublish_with_registrations_is_refused_with_a_message(client, db, organiser, host, make_event,
                                                                make_registration):
    event = make_event(host=host)
    make_registration(event)
    response = client.post(f"/events/{event.id}/unpublish", follow_redirects=True)
    assert "cannot go back to draft" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == "published"


def test_duplicate_makes_a_draft_on_the_new_date(client, db, organiser, host, make_event):
    day = autumn_saturday()
    original = make_event(host=host, starts_at=to_utc(datetime(day.year, 9, 1, 18, 0)), hours=2)
    response = client.post(f"/events/{original.id}/duplicate", data={"starts_at": local_input(day, 18, 30)})
    assert response.status_code == 302
    copy = db.session.scalar(select(Event).where(Event.id != original.id))
    assert response.headers["Location"].endswith(f"/events/{copy.id}/edit")
    assert copy.status == "draft" and copy.title == original.title
    assert copy.starts_at == to_utc(datetime(day.year, day.month, day.day, 18, 30))
    assert copy.ends_at - copy.starts_at == timedelta(hours=2)


def test_duplicate_with_bad_date_keeps_input(client, db, organiser, host, make_event):
    event = make_event(host=host)
    response = client.post(f"/events/{event.id}/duplicate", data={"starts_at": "soon"})
    assert response.status_code == 422 and 'value="soon"' in response.get_data(as_text=True)
    assert event_count(db) == 1


def test_other_organisations_cannot_manage(client, login_as, make_event):
    event = make_event()
    draft = make_event(status="draft", host=event.host)
    login_as("organiser")
    for url in (f"/events/{event.id}/manage", f"/events/{event.id}/edit", f"/events/{draft.id}/manage",
                f"/events/{event.id}/cancel", f"/events/{event.id}/duplicate"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/events/{event.id}/publish").status_code == 404


def test_door_volunteer_of_the_host_gets_403(client, login_as, make_event):
    event = make_event()
    login_as("door", event.host)
    assert client.get(f"/events/{event.id}/manage").status_code == 403
    assert client.post(f"/events/{event.id}/cancel", data={"reason": "x"}).status_code == 403


def test_coordinator_manages_programme_events(client, login_as, make_event, make_programme, make_organisation):
    coordinating = make_organisation()
    programme = make_programme(coordinator_organisation=coordinating)
    event = make_event(programme=programme, status="draft")
    login_as("coordinator", coordinating)
    assert client.get(f"/events/{event.id}/manage").status_code == 200
    assert client.get(f"/events/{event.id}/edit").status_code == 200


def test_manage_page_shows_counts(client, organiser, host, make_event, make_registration):
    event = make_event(host=host, capacity=5)
    make_registration(event)
    make_registration(event, status="waitlisted")
    html = client.get(f"/events/{event.id}/manage").get_data(as_text=True)
    assert '<strong id="confirmed-count">1</strong>' in html
    assert '<strong id="waitlisted-count">1</strong>' in html
    assert "4 places left" in html


def test_upcoming_event_created_today_is_listed(client, organiser, event_form):
    day = (utcnow() + timedelta(days=30)).date()
    client.post("/events/new", data=event_form(status="published", starts_at=local_input(day, 10),
                                               ends_at=local_input(day, 12)))
    assert "Building bridges in Crawley" in client.get("/events/").get_data(as_text=True)


def _manage_texts(html: str) -> dict[str, str]:
    """The manage page's timing line, no-shows line, public-registration line and report panel, as text."""
    import re

    def text(fragment: str) -> str:
        return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())

    timing = re.search(r'id="event-timing">(.*?)</span>', html, re.S).group(1)
    no_shows = re.search(r"No-shows</dt><dd[^>]*>(.*?)</dd>", html, re.S).group(1)
    report = re.search(r'class="card mb-3 report-panel".*?</section>', html, re.S).group(0)
    return {"timing": text(timing), "no_shows": text(no_shows), "report": text(report)}


def test_a_past_event_is_saved_with_a_notice_and_its_manage_page_says_it_is_past(client, db, organiser,
                                                                               event_form):
    """Recording an event already held is allowed, but saving says so, and the manage page no longer
    says it "has not started", is "not open for registration yet" or reports "once it has taken place"."""
    response = client.post("/events/new", data=event_form(starts_at="2020-01-01T18:00",
                                                          ends_at="2020-01-01T21:00"), follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert db.session.scalar(select(Event)).starts_at == datetime(2020, 1, 1, 18, 0)
    assert "This event is in the past: it ended on Wed 1 Jan 2020 at 21:00." in html
    texts = _manage_texts(html)
    assert texts["timing"] == "· in the past"
    assert texts["no_shows"] == "not counted while the event is a draft: publish it to count who did not come"
    assert "once it is published: it is a draft, and it has already taken place" in texts["report"]
    for stale in ("has not started", "not open for registration yet", "once it has taken place"):
        assert stale not in html, stale
    assert "This event has already taken place" in html

    event = db.session.scalar(select(Event))
    edited = client.post(f"/events/{event.id}/edit", data=event_form(starts_at="2020-01-01T18:00",
                                                                     ends_at="2020-01-01T21:00"),
                         follow_redirects=True)
    assert "This event is in the past" in edited.get_data(as_text=True)


def test_a_future_event_saves_without_the_notice_and_reads_upcoming(client, db, organiser, event_form):
    html = client.post("/events/new", data=event_form(), follow_redirects=True).get_data(as_text=True)
    assert "This event is in the past" not in html and "happening now" not in html
    texts = _manage_texts(html)
    assert texts["timing"] == "· upcoming"
    assert texts["no_shows"] == "none yet: the event has not started"
    assert "once it has taken place" in texts["report"]


def test_a_held_and_a_running_published_event_read_held_and_happening(client, organiser, host):
    now = utcnow().replace(microsecond=0)
    held = factories.make_event(host=host, starts_at=now - timedelta(days=3))
    running = factories.make_event(host=host, starts_at=now - timedelta(hours=1))
    assert _manage_texts(client.get(f"/events/{held.id}/manage").get_data(as_text=True))["timing"] == "· held"
    assert (_manage_texts(client.get(f"/events/{running.id}/manage").get_data(as_text=True))["timing"]
            == "· happening now")
