"""Personal data is never kept by a browser or proxy cache (issue #13, finding 12).

Every response to a signed-in user, every export and the attendee's booking pages (anonymous,
the signed link is the key) carry ``Cache-Control: no-store``; public pages stay cacheable.
"""

from __future__ import annotations

import pytest

from eventsapp.tokens import make_token


def no_store(response) -> bool:
    return "no-store" in (response.headers.get("Cache-Control") or "")


@pytest.mark.parametrize("path", ["", "/edit", "/cancel", "/event.ics", "/equality"])
def test_the_booking_pages_are_not_stored(client, make_registration, path):
    token = make_token("booking", make_registration().id)
    response = client.get(f"/booking/{token}{path}")
    assert response.status_code == 200
    assert no_store(response)


def test_registrations_csv_and_the_organiser_list_are_not_stored(client, make_event, make_registration, login_as):
    event = make_event()
    make_registration(event=event)
    login_as("organiser", event.host)
    for path in (f"/events/{event.id}/registrations.csv", f"/events/{event.id}/registrations",
                 f"/events/{event.id}"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert no_store(response), path


def test_the_desk_json_is_not_stored(client, make_event, make_registration, login_as):
    event = make_event()
    make_registration(event=event)
    login_as("door", event.host)
    for path in (f"/events/{event.id}/checkin/search.json?q=a", f"/events/{event.id}/checkin/counts.json",
                 f"/events/{event.id}/checkin"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert no_store(response), path


def test_public_pages_stay_cacheable(client, make_event):
    event = make_event()
    for path in ("/", "/events/", f"/events/{event.id}", f"/events/{event.id}/register", "/calendar.ics",
                 f"/events/{event.id}.ics"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert not no_store(response), path
    assert client.get("/calendar.ics").headers["Cache-Control"] == "public, no-cache"
