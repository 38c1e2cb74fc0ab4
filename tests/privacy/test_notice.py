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


def test_a_host_adds_its_own_words_and_registrants_agree_to_a_version_naming_them(app, client, db, login_as,
                                                                                 make_organisation, make_programme):
    """Issue 16's per-host addition: the host's organiser writes it on the organisation's form;
    the event's register form links the event's notice, which shows the programme's words and
    then the host's (sanitised); the version agreed to names both and changes with either."""
    from tests.registration.conftest import form_data

    host = make_organisation("Crawley Interfaith Forum")
    programme = make_programme(slug="host-notice")
    programme.privacy_notice = "The programme shares *totals* with its funder."
    event = factories.make_event(host=host, programme=programme, status="published", capacity=20)
    other = factories.make_event(host=make_organisation("Luton Youth Trust"), status="published")
    db.session.commit()
    login_as("organiser", host)
    response = client.post(f"/organisations/{host.id}/edit", data={
        "name": host.name, "sector": host.sector_id or "", "website": "",
        "privacy_notice": "Write to our data lead at **data@crawley-forum.example**.\n\n<script>alert(1)</script>",
    })
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    client.post("/auth/logout")
    hint = parse(client.get(f"/events/{event.id}/register")).by_id("consent_privacy-hint")
    assert hint.links() == [f"/privacy/events/{event.id}"]
    page = parse(client.get(f"/privacy/events/{event.id}"))
    assert page.by_id("programme-addition").find_all("em")[0].text() == "totals"
    host_words = page.by_id("host-addition")
    assert host_words.find_all("strong")[0].text() == "data@crawley-forum.example"
    assert not host_words.find_all("script") and "alert(1)" not in host_words.text()
    # another host's event without an addition: only the site's notice (and no host words)
    assert parse(client.get(f"/events/{other.id}/register")).by_id("consent_privacy-hint").links() == ["/privacy"]
    assert "host-addition" not in client.get(f"/privacy/events/{other.id}").get_data(as_text=True)

    assert client.post(f"/events/{event.id}/register", data=form_data(organisation_name="", individual="y")
                       ).status_code == 302
    agreed = db.session.scalar(select(Registration.privacy_notice_version).where(Registration.event_id == event.id))
    assert agreed == page.by_id("notice-version").text()
    assert agreed.startswith(f"{app.config['PRIVACY_NOTICE_VERSION']}+host-notice-") and f"+h{host.id}-" in agreed
    db.session.expire_all()
    host = db.session.get(type(host), host.id)
    host.privacy_notice = "New words."
    db.session.commit()
    assert parse(client.get(f"/privacy/events/{event.id}")).by_id("notice-version").text() != agreed


def test_a_draft_events_notice_is_as_hidden_as_the_event(client, db, make_organisation):
    host = make_organisation("Slough Faith Forum")
    host.privacy_notice = "Our own words."
    draft = factories.make_event(host=host, status="draft")
    db.session.commit()
    assert client.get(f"/privacy/events/{draft.id}").status_code == 404


@pytest.mark.parametrize(("app", "shown"), [
    ({"EVENTSAPP_ENV": "development"},
     "Northwold Good Relations Partnership (a made-up controller for development and the demo)"),
    ({"EVENTSAPP_ENV": "production"},
     "[No data controller is configured: the site administrator must set PRIVACY_CONTROLLER_NAME "
     "(and PRIVACY_CONTROLLER_ADDRESS, PRIVACY_CONTACT_EMAIL)]"),
], indirect=["app"])
def test_an_unset_controller_is_synthetic_in_development_and_a_named_setting_in_production(client, db,
                                                                                         make_event, shown):
    """Never the vague "The organisation that runs this site": development names a made-up controller,
    an unconfigured production site tells its administrator which setting to set."""
    event = make_event()
    for path in ("/privacy", f"/privacy/events/{event.id}"):
        page = parse(client.get(path))
        assert page.by_id("controller-name").text() == shown, path


@pytest.mark.parametrize("app", [{"SURVEY_LINK_DAYS": 45, "RETENTION_ACCESS_LOG_DAYS": 200}], indirect=True)
def test_the_notice_covers_messages_surveys_stories_the_contact_form_and_accounts_everywhere(client, db, make_event):
    """Walkthrough finding 18: each of these has its own section, on the site's, a programme's and an event's
    notice, stating what the code does (the survey link's configured lifetime, how to unsubscribe)."""
    event = make_event()
    factories.make_programme(slug="notice-sections")
    db.session.commit()
    for url in ("/privacy", "/privacy/programmes/notice-sections", f"/privacy/events/{event.id}"):
        page = parse(client.get(url))
        headings = {h.attrs.get("id"): h.text() for h in page.find_all("h2") if h.attrs.get("id")}
        assert headings == {
            "network-messages": "Messages about the network", "surveys": "Feedback surveys",
            "stories": "Stories of good-relations work",
            "directory-contact": "Contacting an organisation through the network directory",
            "accounts": "Staff accounts and two-step sign-in"}, url
        text = page.text()
        assert "Every message about the network has an Unsubscribe link" in text
        assert "The link works for 45 days and only once" in text
        assert "we email your name, your email address and your message to that organisation" in text
        assert "Two-step sign-in (a code from an app on your phone) is optional" in text
        assert "kept as stated below" in text and "200 days" in page.by_id("retention").text()
