"""The public directory: opt-in profiles, filters, search, pagination, the profile page."""

from __future__ import annotations

from datetime import timedelta

from eventsapp.models import NetworkProfile, utcnow
from tests import factories
from tests.network.conftest import SECRET, card_titles, make_profile


def test_a_profile_is_404_until_the_organisation_opts_in_and_again_after_it_opts_out(client, db, login_as):
    organisation = factories.make_organisation("Kestrel Lane Community Trust")
    login_as("organiser", organisation)
    form = {"about": "We run a **lunch club** for neighbours.", "area": "Kestrel Lane", "contact_email": SECRET}

    assert client.post(f"/network/organisations/{organisation.id}/profile", data=form).status_code == 302
    profile = db.session.query(NetworkProfile).one()
    assert not profile.listed
    client.post("/auth/logout")
    assert client.get(f"/network/{profile.slug}").status_code == 404
    assert client.get(f"/network/{profile.id}").status_code == 404
    assert "Kestrel Lane" not in client.get("/network/").get_data(as_text=True)

    login_as("organiser", user=factories.make_user(role="organiser", organisation=organisation))
    client.post(f"/network/organisations/{organisation.id}/profile", data={**form, "listed": "y"})
    client.post("/auth/logout")
    page = client.get(f"/network/{profile.slug}")
    assert page.status_code == 200
    assert "<strong>lunch club</strong>" in page.get_data(as_text=True)
    assert card_titles(client.get("/network/").get_data(as_text=True)) == ["Kestrel Lane Community Trust"]

    db.session.refresh(profile)
    profile.listed = False
    db.session.commit()
    assert client.get(f"/network/{profile.slug}").status_code == 404


def test_a_merged_away_organisation_is_not_in_the_directory(client, db):
    survivor = factories.make_organisation("Survivor Trust")
    profile = make_profile(factories.make_organisation("Merged Away Trust"))
    profile.organisation.merged_into = survivor
    db.session.commit()
    assert client.get(f"/network/{profile.slug}").status_code == 404
    assert card_titles(client.get("/network/").get_data(as_text=True)) == []


def test_filters_by_region_approach_kind_and_search(client, db):
    make_profile(factories.make_organisation("Alder Arts Collective"), region_code="TLE", approaches=["arts"],
                 kinds=["bringing_together"], area="Leeds")
    make_profile(factories.make_organisation("Birch Mediation Service"), region_code="TLJ",
                 approaches=["mediation", "dialogue"], kinds=["calming_tensions"], about="Mediators for estates.")
    make_profile(factories.make_organisation("Cedar Dialogue Forum"), region_code="TLE", approaches=["dialogue"],
                 kinds=["calming_tensions"])
    make_profile(factories.make_organisation("Hidden Hornbeam Group"), listed=False, region_code="TLE",
                 approaches=["dialogue"])

    def names(query: str) -> list[str]:
        response = client.get(f"/network/{query}")
        assert response.status_code == 200
        return card_titles(response.get_data(as_text=True))

    assert names("") == ["Alder Arts Collective", "Birch Mediation Service", "Cedar Dialogue Forum"]
    assert names("?region=TLE") == ["Alder Arts Collective", "Cedar Dialogue Forum"]
    assert names("?approach=dialogue") == ["Birch Mediation Service", "Cedar Dialogue Forum"]
    assert names("?approach=dialogue&region=TLE") == ["Cedar Dialogue Forum"]
    assert names("?kind=calming_tensions") == ["Birch Mediation Service", "Cedar Dialogue Forum"]
    assert names("?q=ESTATES") == ["Birch Mediation Service"]  # what they do
    assert names("?q=leeds") == ["Alder Arts Collective"]  # the area
    assert names("?q=%25") == []  # a LIKE wildcard is a character, not "anything"
    # A forged or stale filter value is ignored, never an error.
    assert names("?region=nowhere&approach=%07&page=x") == names("")
    assert client.get("/network/?approach=%00").status_code == 400  # NUL: refused site-wide (eventsapp.forms)


def test_the_directory_is_paginated_and_says_so_when_empty(client, db):
    page = client.get("/network/").get_data(as_text=True)
    assert "No organisations listed yet" in page
    assert "0 organisations" in page
    assert "Nothing matches these filters" in client.get("/network/?region=TLE").get_data(as_text=True)

    for number in range(15):
        make_profile(factories.make_organisation(f"Network Member {number:02d}"))
    first = card_titles(client.get("/network/").get_data(as_text=True))
    second = card_titles(client.get("/network/?page=2").get_data(as_text=True))
    assert len(first) == 12 and len(second) == 3
    assert sorted(first + second) == [f"Network Member {n:02d}" for n in range(15)]
    assert 'aria-label="Page 2"' in client.get("/network/").get_data(as_text=True)


def test_the_profile_lists_published_upcoming_events_only_and_sanitises_what_they_do(client, db):
    organisation = factories.make_organisation("Rowan Youth Project")
    profile = make_profile(organisation, about="Hello <script>alert(1)</script> [site](javascript:alert(2))")
    soon = utcnow() + timedelta(days=10)
    factories.make_event(host=organisation, title="Rowan summer picnic", starts_at=soon)
    factories.make_event(host=organisation, title="Rowan draft plan", starts_at=soon, status="draft")
    factories.make_event(host=organisation, title="Rowan last year", starts_at=utcnow() - timedelta(days=300))
    html = client.get(f"/network/{profile.slug}").get_data(as_text=True)
    assert "Rowan summer picnic" in html
    assert "Rowan draft plan" not in html and "Rowan last year" not in html
    assert "<script>alert(1)" not in html and "javascript:" not in html
    assert SECRET not in html


def test_the_profile_form_keeps_input_and_explains_mistakes(client, db, login_as):
    organisation = factories.make_organisation("Willow Faith Forum")
    login_as("organiser", organisation)
    response = client.post(f"/network/organisations/{organisation.id}/profile",
                           data={"listed": "y", "about": "", "area": "Willowbrook", "contact_email": "not-an-address",
                                 "website": "javascript:alert(1)"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Say what your organisation does before listing it" in html
    assert "Enter an email address like name@example.org." in html
    assert "Enter a web address that starts with https://" in html
    assert 'value="Willowbrook"' in html
    assert db.session.query(NetworkProfile).count() == 0


def test_a_door_volunteer_cannot_list_the_organisation(client, db, login_as):
    organisation = factories.make_organisation("Hazel Neighbourhood Forum")
    login_as("door", organisation)
    response = client.post(f"/network/organisations/{organisation.id}/profile", data={"listed": "y", "about": "x"})
    assert response.status_code == 403
    assert db.session.query(NetworkProfile).count() == 0


def test_coordinators_add_approaches_the_administrator_renames_and_filters_keep_working(client, db, login_as):
    from eventsapp.models import Approach

    make_profile(factories.make_organisation("Oak Arts Hub"), approaches=["arts"])
    login_as("organiser")
    assert client.post("/network/approaches", data={"name": "Storytelling"}).status_code == 403
    client.post("/auth/logout")
    login_as("coordinator")
    assert client.post("/network/approaches", data={"name": "Storytelling"}).status_code == 302
    duplicate = client.post("/network/approaches", data={"name": "  storytelling "})
    assert duplicate.status_code == 422
    assert "is already in the list." in duplicate.get_data(as_text=True)
    arts = db.session.query(Approach).filter_by(code="arts").one()
    # A new name relabels every network's tags: only the administrator renames.
    assert client.post(f"/network/approaches/{arts.id}", data={"rename-name": "Arts and culture"}).status_code == 403
    client.post("/auth/logout")
    login_as("admin")
    assert client.post(f"/network/approaches/{arts.id}", data={"rename-name": "Arts and culture"}).status_code == 302
    names = [a.name for a in db.session.query(Approach).order_by(Approach.sort_order)]
    assert names[0] == "Arts and culture" and names[-1] == "Storytelling"
    html = client.get("/network/?approach=arts").get_data(as_text=True)
    assert card_titles(html) == ["Oak Arts Hub"]
    assert "Arts and culture" in html
