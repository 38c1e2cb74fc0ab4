"""The calendar URLs: which events appear, headers, conditional requests, filters and privacy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event as sa_event

from eventsapp.extensions import db as _db
from eventsapp.feeds import views
from eventsapp.feeds.ical import event_uid
from eventsapp.models import utcnow
from tests import factories


def feed_uids(client, parse, url, **kw) -> set[str]:
    response = client.get(url, **kw)
    assert response.status_code == 200, response.status_code
    return parse(response.data).uids()


def uid(event) -> str:
    return event_uid(event)


# --- which events -----------------------------------------------------------------


def test_all_events_feed_holds_public_events_only(app, client, db, make_event, make_registration, parse):
    published = make_event(title="Published one")
    make_event(title="Secret draft", status="draft", summary="private plans")
    cancelled = make_event(title="Called off", status="cancelled", cancelled_at=utcnow())
    registration = make_registration(event=published)

    response = client.get("/calendar.ics")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    parsed = parse(response.data)
    assert parsed.uids() == {uid(published), uid(cancelled)}
    assert str(parsed.event(uid(cancelled))["STATUS"]) == "CANCELLED"
    assert str(parsed.event(uid(published))["STATUS"]) == "CONFIRMED"
    body = response.get_data(as_text=True)
    for secret in ("Secret draft", "private plans", registration.person.email, registration.person.last_name):
        assert secret not in body
    assert "ATTENDEE" not in body


def test_drafts_stay_out_of_feeds_even_for_their_own_organisers(client, db, make_event, login_as, parse):
    host = factories.make_organisation()
    draft = make_event(host=host, status="draft")
    published = make_event(host=host)
    login_as("organiser", host)

    for url in ("/calendar.ics", f"/organisations/{host.id}/calendar.ics", "/regions/TLJ/calendar.ics"):
        assert feed_uids(client, parse, url) == {uid(published)}, url
    assert uid(draft) not in feed_uids(client, parse, f"/calendar.ics?host={host.id}")


def test_past_events_stay_for_feed_past_days_then_leave(app, client, db, make_event, parse):
    app.config["FEED_PAST_DAYS"] = 90
    now = utcnow().replace(microsecond=0)
    recent = make_event(starts_at=now - timedelta(days=89))
    old = make_event(starts_at=now - timedelta(days=92))
    upcoming = make_event()

    assert feed_uids(client, parse, "/calendar.ics") == {uid(recent), uid(upcoming)}
    app.config["FEED_PAST_DAYS"] = 100
    assert uid(old) in feed_uids(client, parse, "/calendar.ics")


def test_cancelled_events_stay_for_a_while_after_cancellation_and_after_the_date(app, client, db, make_event, parse):
    app.config["FEED_KEEP_CANCELLED_DAYS"] = 30
    now = utcnow().replace(microsecond=0)
    future_long_cancelled = make_event(status="cancelled", cancelled_at=now - timedelta(days=60))
    past_just_cancelled = make_event(
        status="cancelled", starts_at=now - timedelta(days=50), cancelled_at=now - timedelta(days=2)
    )
    gone = make_event(
        status="cancelled", starts_at=now - timedelta(days=40), cancelled_at=now - timedelta(days=45)
    )

    uids = feed_uids(client, parse, "/calendar.ics")

    assert uid(future_long_cancelled) in uids  # the date has not even come yet
    assert uid(past_just_cancelled) in uids  # cancelled only two days ago
    assert uid(gone) not in uids


@pytest.mark.parametrize("kind", ["programme", "region", "organisation"])
def test_scoped_feeds_hold_only_their_events(client, db, make_event, make_programme, parse, kind):
    host = factories.make_organisation()
    programme = make_programme(name="North programme")
    inside = make_event(host=host, programme=programme, region_code="TLE")
    make_event(region_code="TLJ")  # another host, region and programme
    make_event(host=host, programme=programme, region_code="TLE", status="draft")
    url = {
        "programme": f"/programmes/{programme.slug}/calendar.ics",
        "region": "/regions/TLE/calendar.ics",
        "organisation": f"/organisations/{host.id}/calendar.ics",
    }[kind]

    response = client.get(url)

    parsed = parse(response.data)
    assert parsed.uids() == {uid(inside)}
    name = str(parsed.icalendar["X-WR-CALNAME"])
    expected = {"programme": "North programme", "region": "Yorkshire", "organisation": host.name}[kind]
    assert expected in name


def test_an_organisation_feed_includes_cohosted_events(client, db, make_event, parse):
    cohost = factories.make_organisation()
    event = make_event()
    event.cohosts.append(cohost)
    _db.session.commit()

    assert feed_uids(client, parse, f"/organisations/{cohost.id}/calendar.ics") == {uid(event)}


def test_query_filters_match_the_public_list(client, db, make_event, make_programme, parse):
    host = factories.make_organisation()
    programme = make_programme()
    a = make_event(host=host, region_code="TLJ", title="Faith and belonging")
    b = make_event(region_code="TLJ", programme=programme, title="Youth voices", town="Hastings")
    c = make_event(region_code="TLE", title="Youth voices north")

    assert feed_uids(client, parse, "/calendar.ics?region=TLJ") == {uid(a), uid(b)}
    assert feed_uids(client, parse, "/calendar.ics?region=tlj") == {uid(a), uid(b)}
    assert feed_uids(client, parse, f"/calendar.ics?host={host.id}") == {uid(a)}
    assert feed_uids(client, parse, f"/calendar.ics?programme={programme.slug}") == {uid(b)}
    assert feed_uids(client, parse, "/calendar.ics?q=youth") == {uid(b), uid(c)}
    assert feed_uids(client, parse, "/calendar.ics?q=hastings") == {uid(b)}
    assert feed_uids(client, parse, "/calendar.ics?q=youth&region=TLE") == {uid(c)}
    assert feed_uids(client, parse, "/calendar.ics?q=100%25") == set()  # % is literal
    # Filters also narrow scoped feeds.
    assert feed_uids(client, parse, "/regions/TLJ/calendar.ics?q=faith") == {uid(a)}


@pytest.mark.parametrize(
    "query", ["host=abc", "host=-1", "host=99999999999999999999", "region=%01", "programme=" + "x" * 500]
)
def test_unusable_filters_never_give_a_500(client, db, make_event, parse, query):
    make_event()
    response = client.get(f"/calendar.ics?{query}")
    assert response.status_code == 200
    parse(response.data)


def test_invalid_utf8_or_nul_in_a_filter_is_400(client, db):
    assert client.get("/calendar.ics?q=%FF").status_code == 400
    assert client.get("/calendar.ics?region=%00").status_code == 400


def test_unknown_scopes_are_404(client, db):
    assert client.get("/programmes/nope/calendar.ics").status_code == 404
    assert client.get("/regions/ZZZ/calendar.ics").status_code == 404
    assert client.get("/organisations/999999/calendar.ics").status_code == 404
    assert client.get("/events/999999.ics").status_code == 404


def test_region_code_is_canonicalised(client, db):
    response = client.get("/regions/tlj/calendar.ics?q=x")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/regions/TLJ/calendar.ics?q=x")


def test_a_merged_organisation_feed_moves_to_the_survivor(client, db):
    survivor = factories.make_organisation()
    merged = factories.make_organisation(merged_into=survivor)
    response = client.get(f"/organisations/{merged.id}/calendar.ics")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/organisations/{survivor.id}/calendar.ics")


# --- one event ---------------------------------------------------------------------


def test_single_event_download(client, db, make_event, parse):
    event = make_event(title="Download me")
    response = client.get(f"/events/{event.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="event-{event.id}.ics"'
    parsed = parse(response.data)
    assert parsed.uids() == {uid(event)}
    assert str(parsed.icalendar["X-WR-CALNAME"]) == "Download me"


def test_a_draft_download_is_404_to_the_public_and_other_organisations(client, db, make_event, login_as):
    draft = make_event(status="draft")
    url = f"/events/{draft.id}.ics"

    assert client.get(url).status_code == 404
    login_as("organiser", factories.make_organisation())
    assert client.get(url).status_code == 404  # another organisation: uniform 404


def test_a_draft_download_works_for_its_host(client, db, make_event, login_as, parse):
    host = factories.make_organisation()
    draft = make_event(host=host, status="draft")
    login_as("door", host)
    response = client.get(f"/events/{draft.id}.ics")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"  # a signed-in user's response (finding 12)
    assert parse(response.data).uids() == {uid(draft)}


def test_a_cancelled_event_is_still_downloadable_as_cancelled(client, db, make_event, parse):
    event = make_event(status="cancelled", cancelled_at=utcnow())
    vevent = parse(client.get(f"/events/{event.id}.ics").data).events[0]
    assert str(vevent["STATUS"]) == "CANCELLED"


# --- conditional requests ----------------------------------------------------------------


FEEDS = ["/calendar.ics", "/regions/TLJ/calendar.ics", "single"]


def _url(url, event):
    return f"/events/{event.id}.ics" if url == "single" else url


@pytest.mark.parametrize("url", FEEDS)
def test_if_none_match_answers_304_and_an_edit_changes_the_etag(client, db, make_event, url):
    event = make_event()
    url = _url(url, event)
    first = client.get(url)
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")  # strong

    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag

    event.title = "Renamed"
    _db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert b"Renamed" in changed.data


@pytest.mark.parametrize("url", FEEDS)
def test_if_modified_since_answers_304(client, db, make_event, url):
    event = make_event()
    url = _url(url, event)
    first = client.get(url)
    last_modified = first.headers["Last-Modified"]

    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200
    # If-None-Match wins: a stale ETag gets the feed even with a current date.
    response = client.get(url, headers={"If-Modified-Since": last_modified, "If-None-Match": '"stale"'})
    assert response.status_code == 200


def test_the_etag_changes_when_an_event_enters_or_leaves_a_feed(client, db, make_event):
    event = make_event()
    etag = client.get("/calendar.ics").headers["ETag"]
    other = make_event(status="draft")
    assert client.get("/calendar.ics", headers={"If-None-Match": etag}).status_code == 304  # drafts don't count
    other.status = "published"
    _db.session.commit()
    etag2 = client.get("/calendar.ics", headers={"If-None-Match": etag}).headers["ETag"]
    assert etag2 != etag
    event.status = "draft"
    _db.session.commit()
    assert client.get("/calendar.ics", headers={"If-None-Match": etag2}).status_code == 200


def test_a_304_takes_one_query_and_builds_nothing(app, client, db, make_event, monkeypatch):
    for _ in range(3):
        make_event()
    etag = client.get("/calendar.ics").headers["ETag"]

    def must_not_build(*args, **kwargs):
        raise AssertionError("the feed was rebuilt for a conditional request")

    monkeypatch.setattr(views, "events_to_ical", must_not_build)
    monkeypatch.setattr(views, "feed_events", must_not_build)
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa_event.listen(_db.engine, "before_cursor_execute", count)
    try:
        response = client.get("/calendar.ics", headers={"If-None-Match": etag})
    finally:
        sa_event.remove(_db.engine, "before_cursor_execute", count)

    assert response.status_code == 304
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1, statements


def test_feed_headers(client, db, make_event, parse):
    make_event()
    response = client.get("/calendar.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "public, no-cache"
    assert response.headers["Content-Disposition"].startswith("inline")
    parsed = parse(response.data)
    assert parsed.icalendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in response.data
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in response.data
    assert str(parsed.icalendar["X-WR-CALNAME"])


def test_an_empty_feed_is_a_valid_calendar(client, db, parse):
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    assert parse(response.data).events == []


def test_a_built_feed_is_served_from_the_cache_until_something_changes(app, client, db, make_event, monkeypatch):
    event = make_event(title="Cached")
    first = client.get("/calendar.ics?region=TLJ")
    builds = []
    real = views.events_to_ical

    def counting(*args, **kwargs):
        builds.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(views, "events_to_ical", counting)
    again = client.get("/calendar.ics?region=TLJ")  # another subscriber, no If-None-Match
    assert again.data == first.data
    assert builds == []
    assert client.get("/calendar.ics?region=TLE").status_code == 200  # another URL builds its own
    assert builds == [1]

    event.title = "Changed"
    _db.session.commit()
    changed = client.get("/calendar.ics?region=TLJ")
    assert builds == [1, 1]
    assert b"SUMMARY:Changed" in changed.data

    app.config["FEED_CACHE_BYTES"] = 0  # off: every request builds
    client.get("/calendar.ics?region=TLJ")
    client.get("/calendar.ics?region=TLJ")
    assert len(builds) == 4
