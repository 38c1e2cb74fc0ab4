"""The event page for anonymous visitors: a short shared cache (like the list's); signed-in views live;
registering always decides on the locked counts, whatever the cached page said."""

from __future__ import annotations

import re
import time

from eventsapp.events.services import update_event
from eventsapp.extensions import db as _db
from eventsapp.registration import services


def places_text(response) -> str:
    html = response.get_data(as_text=True)
    found = re.search(r"<strong>(\d+ places? left)</strong>|<strong>(This event is full\.)</strong>", html)
    assert found, html
    return found.group(1) or found.group(2)


def form(n: int) -> dict:
    return {"first_name": f"Cached{n}", "last_name": "Ó Briain", "email": f"cached{n}@example.org",
            "organisation_name": "", "individual": "y", "consent_privacy": "y"}


def test_anonymous_visitors_share_a_page_no_older_than_its_age(app, client, db, make_event, make_registration):
    app.config["EVENT_PAGE_CACHE_SECONDS"] = 1
    event = make_event(capacity=3)
    path = f"/events/{event.id}"
    assert places_text(client.get(path)) == "3 places left"
    make_registration(event=event)  # another worker, or the desk: this process's cache is not told
    assert places_text(client.get(path)) == "3 places left"  # the shared page, at most 1 s old
    time.sleep(1.05)
    assert places_text(client.get(path)) == "2 places left"


def test_the_page_cache_follows_the_list_cache_setting_and_is_off_when_testing(app, client, db, make_event,
                                                                             make_registration):
    event = make_event(capacity=3)
    path = f"/events/{event.id}"
    assert places_text(client.get(path)) == "3 places left"
    make_registration(event=event)
    assert places_text(client.get(path)) == "2 places left"  # testing: no cache unless configured
    app.config["EVENT_LIST_CACHE_SECONDS"] = 3600  # the page's default is the list's age
    assert places_text(client.get(path)) == "2 places left"
    make_registration(event=event)
    assert places_text(client.get(path)) == "2 places left"


def test_signed_in_visitors_get_a_live_page(app, client, db, make_event, make_registration, login_as):
    app.config["EVENT_PAGE_CACHE_SECONDS"] = 3600
    event = make_event(capacity=3)
    path = f"/events/{event.id}"
    assert places_text(client.get(path)) == "3 places left"  # cached for anonymous visitors
    login_as("organiser", event.host)
    make_registration(event=event)
    page = client.get(path)
    assert places_text(page) == "2 places left"
    assert f"/events/{event.id}/manage" in page.get_data(as_text=True)  # the organiser's own view


def test_an_event_change_in_this_process_empties_the_cache(app, client, db, make_event):
    app.config["EVENT_PAGE_CACHE_SECONDS"] = 3600
    event = make_event(capacity=3, title="Before the change")
    path = f"/events/{event.id}"
    assert "Before the change" in client.get(path).get_data(as_text=True)
    update_event(_db.session.get(type(event), event.id), {"title": "After the change"})
    _db.session.commit()
    assert "After the change" in client.get(path).get_data(as_text=True)


def test_registering_decides_on_the_locked_counts_not_the_cached_page(app, client, db, make_event,
                                                                      make_registration):
    app.config["EVENT_PAGE_CACHE_SECONDS"] = 3600
    event = make_event(capacity=1)
    path = f"/events/{event.id}"
    assert places_text(client.get(path)) == "1 place left"
    make_registration(event=event)  # the last place goes elsewhere
    assert places_text(client.get(path)) == "1 place left"  # the cached page has not seen it
    response = client.post(f"/events/{event.id}/register", data=form(1))
    assert response.status_code == 302
    assert services.status_counts(_db.session.get(type(event), event.id))["waitlisted"] == 1
