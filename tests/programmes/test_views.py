"""Programme pages, and coordinators creating and editing programmes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from eventsapp.models import Programme, utcnow


def test_programme_page_lists_public_events_by_region_then_date(client, make_programme, make_event):
    programme = make_programme(slug="bridges", name="Building Bridges", description="A **national** network.")
    now = utcnow()
    make_event(title="Brighton later", programme=programme, region_code="TLJ", starts_at=now + timedelta(days=9))
    make_event(title="Brighton sooner", programme=programme, region_code="TLJ", starts_at=now + timedelta(days=2))
    make_event(title="Manchester", programme=programme, region_code="TLD", starts_at=now + timedelta(days=5))
    make_event(title="Last year", programme=programme, region_code="TLD", starts_at=now - timedelta(days=300))
    make_event(title="Hidden draft", programme=programme, status="draft")
    make_event(title="Other programme")
    response = client.get("/programmes/bridges")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<strong>national</strong>" in html
    assert "Hidden draft" not in html and "Other programme" not in html
    # North West (TLD) is before South East (TLJ) in the ITL1 order; dates ascend in each region.
    order = [html.index(t) for t in ("North West", "Last year", "Manchester", "South East", "Brighton sooner",
                                     "Brighton later")]
    assert order == sorted(order)


def test_unknown_programme_is_404(client):
    assert client.get("/programmes/no-such-thing").status_code == 404


def test_programme_with_no_events_has_an_empty_state(client, make_programme):
    make_programme(slug="quiet")
    assert "No events published yet" in client.get("/programmes/quiet").get_data(as_text=True)


def test_programmes_index(client, make_programme):
    assert "No programmes yet" in client.get("/programmes/").get_data(as_text=True)
    make_programme(slug="bridges", name="Building Bridges")
    assert "Building Bridges" in client.get("/programmes/").get_data(as_text=True)


def programme_data(organisation, **overrides) -> dict:
    data = {"name": "Good Relations 2027", "slug": "good-relations-2027", "description": "Eleven events.",
            "starts_on": "2027-01-01", "ends_on": "2027-12-31", "coordinator_organisation": str(organisation.id)}
    data.update(overrides)
    return data


def test_coordinator_creates_a_programme(client, db, login_as, make_organisation):
    coordinating = make_organisation("National Network")
    login_as("coordinator", coordinating)
    response = client.post("/programmes/new", data=programme_data(coordinating, slug="Good-Relations-2027"))
    assert response.status_code == 302
    programme = db.session.scalar(select(Programme))
    assert programme.slug == "good-relations-2027" and programme.coordinator_organisation_id == coordinating.id
    assert response.headers["Location"].endswith("/programmes/good-relations-2027")


def test_bad_programme_input_is_kept_with_errors(client, db, login_as, make_organisation, make_programme):
    coordinating = make_organisation()
    other = make_organisation()
    make_programme(slug="taken")
    login_as("coordinator", coordinating)
    for overrides, field in (
        ({"slug": "taken"}, "slug"),
        ({"slug": "has spaces!"}, "slug"),
        ({"slug": "new"}, "slug"),
        ({"ends_on": "2026-01-01"}, "ends_on"),
        ({"coordinator_organisation": str(other.id)}, "coordinator_organisation"),
        ({"name": "n" * 10_000}, "name"),
    ):
        response = client.post("/programmes/new", data=programme_data(coordinating, **overrides))
        assert response.status_code == 422, overrides
        html = response.get_data(as_text=True)
        assert f'id="{field}-error"' in html, overrides
        assert "Eleven events." in html
    assert db.session.scalar(select(Programme).where(Programme.slug != "taken")) is None


def test_organisers_cannot_create_programmes(client, login_as):
    login_as("organiser")
    assert client.get("/programmes/new").status_code == 403


def test_only_its_coordinators_edit_a_programme(client, db, login_as, make_organisation, make_programme):
    coordinating = make_organisation()
    programme = make_programme(slug="bridges", coordinator_organisation=coordinating)
    login_as("coordinator", make_organisation())
    assert client.get("/programmes/bridges/edit").status_code == 404  # another network's: not found
    client.post("/auth/logout")
    login_as("coordinator", coordinating)
    assert client.get("/programmes/bridges/edit").status_code == 200
    response = client.post("/programmes/bridges/edit", data=programme_data(coordinating, name="Renamed",
                                                                            slug="bridges"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Programme, programme.id).name == "Renamed"


def test_schedule_link_on_the_programme_page_preselects_the_programme(client, login_as, make_organisation,
                                                                     make_programme):
    coordinating = make_organisation()
    programme = make_programme(slug="bridges", coordinator_organisation=coordinating)
    login_as("coordinator", coordinating)
    page = client.get("/programmes/bridges").get_data(as_text=True)
    assert f'href="/events/new?programme={programme.id}"' in page
    form = client.get(f"/events/new?programme={programme.id}").get_data(as_text=True)
    assert f'<option selected value="{programme.id}">' in form or f'<option value="{programme.id}" selected' in form


def test_the_programme_period_is_its_published_events_first_start_to_last_end(client, make_programme,
                                                                             make_event):
    """The walkthrough's programme said "15 January 2025 to 2 September 2025" (stored dates) above
    events up to February 2027: the period shown is now the events' own, on the page and the list."""
    import re
    from datetime import date, datetime

    programme = make_programme(slug="period", name="Period Programme", starts_on=date(2025, 1, 15),
                               ends_on=date(2025, 9, 2))
    make_event(title="First", programme=programme, starts_at=datetime(2025, 1, 15, 10, 0))
    # 23:30 UTC on 13 Feb 2027 ends at 01:30 on the 14th (GMT): the UK date of its end counts.
    make_event(title="Last", programme=programme, starts_at=datetime(2027, 2, 13, 22, 30))
    make_event(title="Draft later", programme=programme, status="draft", starts_at=datetime(2028, 1, 1, 10, 0))
    make_event(title="Cancelled earlier", programme=programme, status="cancelled",
               starts_at=datetime(2024, 6, 1, 10, 0))

    html = client.get("/programmes/period").get_data(as_text=True)
    shown = re.search(r'id="programme-period">(.*?)</span>', html, re.S).group(1)
    assert " ".join(shown.split()) == "Events from Wednesday 15 January 2025 to Sunday 14 February 2027"
    assert "2 September 2025" not in html
    listed = client.get("/programmes/").get_data(as_text=True)
    assert "Events from Wednesday 15 January 2025 to Sunday 14 February 2027" in " ".join(listed.split())


def test_a_programme_without_published_events_shows_its_planned_dates_as_planned(client, make_programme):
    from datetime import date

    make_programme(slug="planned", name="Planned Programme", starts_on=date(2027, 4, 1), ends_on=date(2028, 3, 31))
    html = " ".join(client.get("/programmes/planned").get_data(as_text=True).split())
    assert "Planned: Thursday 1 April 2027 to Friday 31 March 2028" in html
