"""The embeddable event list: what it shows, and that it alone may be framed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from eventsapp.models import utcnow


def csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in (p.strip() for p in policy.split(";")) if part}


def test_an_organisations_embed_lists_its_upcoming_published_events(app, db, client, make_event, make_organisation,
                                                                     make_registration):
    host = make_organisation("Riverside Community Trust")
    soon = make_event(host=host, title="Walk and talk", capacity=5, venue="Library", town="Derry")
    make_registration(event=soon)
    make_event(host=host, title="Draft gathering", status="draft")
    make_event(host=host, title="Last year's picnic", starts_at=utcnow() - timedelta(days=300))
    make_event(title="Somebody else's event")
    response = client.get(f"/embed/organisations/{host.id}/events")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Upcoming events: Riverside Community Trust" in html
    assert "Walk and talk" in html and "Library, Derry" in html and "4 places left" in html
    for absent in ("Draft gathering", "Last year's picnic", "Somebody else's event"):
        assert absent not in html
    (link,) = re.findall(r'<a class="btn[^"]*" href="([^"]+)" target="_blank" rel="noopener">Register', html)
    assert link.endswith(f"/events/{soon.id}")
    assert client.get("/embed/organisations/999999/events").status_code == 404


def test_a_programmes_embed_lists_its_events(app, db, client, make_event, make_programme):
    programme = make_programme(name="Shared Futures")
    make_event(title="Inside the programme", programme=programme)
    make_event(title="Outside the programme")
    html = client.get(f"/embed/programmes/{programme.id}/events").get_data(as_text=True)
    assert "Inside the programme" in html and "Outside the programme" not in html
    assert client.get("/embed/programmes/999999/events").status_code == 404


def test_only_the_embed_pages_may_be_framed(app, db, client, login_as, make_event, make_programme):
    event = make_event()
    programme = make_programme()
    for url in (f"/embed/organisations/{event.host_organisation_id}/events", f"/embed/programmes/{programme.id}/events"):
        response = client.get(url)
        assert csp(response)["frame-ancestors"] == "*"
        assert "X-Frame-Options" not in response.headers
        assert csp(response)["script-src"] == "'self'"  # the rest of the policy is kept
    refused = ["/", "/events/", f"/events/{event.id}", "/events/past", "/auth/login", f"/programmes/{programme.slug}",
               "/embed.js", "/no-such-page", f"/embed/organisations/{event.host_organisation_id}/events/x"]
    login_as("organiser", event.host)
    refused += [f"/organisations/{event.host_organisation_id}", f"/organisations/{event.host_organisation_id}/webhooks",
                f"/events/{event.id}/manage", "/dashboard/"]
    for url in refused:
        response = client.get(url)
        assert response.headers["X-Frame-Options"] == "DENY", url
        assert csp(response)["frame-ancestors"] == "'none'", url


@pytest.mark.parametrize("app", [{"EMBED_FRAME_ANCESTORS": "https://riverside.example.org https://partner.example"}],
                         indirect=True)
def test_the_administrator_can_name_the_sites_that_may_frame(app, db, client, make_organisation):
    organisation = make_organisation()
    response = client.get(f"/embed/organisations/{organisation.id}/events")
    assert csp(response)["frame-ancestors"] == "https://riverside.example.org https://partner.example"


def test_the_script_and_the_snippet_on_the_organisation_page(app, db, client, login_as, make_organisation):
    response = client.get("/embed.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert b"eventsapp:height" in response.data
    organisation = make_organisation()
    login_as("organiser", organisation)
    html = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert f'&lt;script src="http://localhost/embed.js" data-organisation="{organisation.id}" async&gt;' in html
