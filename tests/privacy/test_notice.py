"""The privacy notice: /privacy, a programme's addition, links from consent forms, the version agreed to."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eventsapp.models import Registration
from eventsapp.privacy.notice import notice_version
from tests import factories
from tests.privacy.html import parse


@pytest.mark.parametrize("app", [{
    "PRIVACY_CONTROLLER_NAME": "Northshire Cohesion Partnership", "PRIVACY_CONTACT_EMAIL": "dpo@northshire.example",
    "RETENTION_NEEDS_DAYS": 45, "RETENTION_PERSON_MONTHS": 18, "RETENTION_ACCESS_LOG_DAYS": 200,
    "PRIVACY_NOTICE_VERSION": "v7",
}], indirect=True)
def test_the_notice_names_the_controller_and_states_the_configured_retention_periods(client):
    response = client.get("/privacy")
    assert response.status_code == 200
    page = parse(response)
    assert page.by_id("controller-name").text() == "Northshire Cohesion Partnership"
    assert "mailto:dpo@northshire.example" in page.links()
    retention = page.by_id("retention").text()
    assert "45 days after the event" in retention
    assert "18 months after the last event" in retention
    assert "200 days" in retention
    assert page.by_id("notice-version").text() == "v7"


def test_a_programme_addition_is_sanitised_markdown_after_the_site_notice(client, db, make_programme):
    programme = make_programme(slug="cohesion-2027")
    programme.privacy_notice = "We also share **totals** with the funder.\n\n<script>alert(1)</script>"
    db.session.commit()
    page = parse(client.get("/privacy/programmes/cohesion-2027"))
    addition = page.by_id("programme-addition")
    assert addition.find_all("strong")[0].text() == "totals"
    assert not addition.find_all("script") and "alert(1)" not in addition.text()
    assert client.get("/privacy/programmes/no-such-programme").status_code == 404


def test_coordinators_edit_the_addition_on_the_programme_form(client, db, login_as, make_organisation):
    network = make_organisation("Cohesion Network")
    user = login_as("coordinator", network)
    programme = factories.make_programme(slug="edit-me", coordinator_organisation=network)
    db.session.commit()
    response = client.post("/programmes/edit-me/edit", data={
        "name": programme.name, "slug": "edit-me", "description": "", "coordinator_organisation": network.id,
        "privacy_notice": "Our funder sees *totals* only.",
    })
    assert response.status_code == 302, user
    db.session.expire_all()
    assert db.session.get(type(programme), programme.id).privacy_notice == "Our funder sees *totals* only."
    assert "privacy/programmes/edit-me" in client.get("/programmes/edit-me").get_data(as_text=True)


def test_every_form_that_asks_for_consent_links_the_notice(client, db, make_event, make_registration):
    event = make_event(capacity=10)
    registration = make_registration(event=event)
    db.session.commit()
    from eventsapp.tokens import make_token

    pages = [f"/events/{event.id}/register", f"/booking/{make_token('booking', registration.id)}/equality"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "/privacy" in parse(response).by_id("main").links(), url
    hint = parse(client.get(pages[0])).by_id("consent_privacy-hint")
    assert hint.links() == ["/privacy"]


def test_the_register_form_links_the_programme_notice_when_it_has_an_addition(client, db, make_event, make_programme):
    programme = make_programme(slug="with-addition")
    programme.privacy_notice = "Extra words."
    event = make_event(programme=programme)
    db.session.commit()
    hint = parse(client.get(f"/events/{event.id}/register")).by_id("consent_privacy-hint")
    assert hint.links() == ["/privacy/programmes/with-addition"]
    assert client.get("/privacy/programmes/with-addition").status_code == 200


def test_the_version_agreed_to_is_kept_with_the_registration(app, client, db, make_event, make_programme):
    from tests.registration.conftest import form_data

    plain = make_event()
    programme = make_programme(slug="versioned")
    programme.privacy_notice = "Extra words."
    in_programme = make_event(programme=programme)
    db.session.commit()
    assert client.post(f"/events/{plain.id}/register", data=form_data(organisation_name="", individual="y")).status_code == 302
    assert client.post(f"/events/{in_programme.id}/register",
                       data=form_data(organisation_name="", individual="y", email="other@example.org")).status_code == 302
    versions = {r.event_id: r.privacy_notice_version for r in db.session.scalars(select(Registration))}
    site = app.config["PRIVACY_NOTICE_VERSION"]
    assert versions[plain.id] == site
    assert versions[in_programme.id].startswith(f"{site}+versioned-")
    assert versions[in_programme.id] == notice_version(programme)
    programme.privacy_notice = "Changed words."
    assert notice_version(programme) != versions[in_programme.id]
