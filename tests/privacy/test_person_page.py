"""The coordinator's person page and export: messages their network sent within the coordinator's
export, times shown as the site shows them (ISO kept in the JSON), and an erasure refused for want
of the tick staying on the same person's page (walkthrough findings 15, 16 and 17)."""

from __future__ import annotations

import io
import json
import re
import zipfile

from sqlalchemy import select

from eventsapp.messages.audiences import Scope
from eventsapp.messages.services import send_message
from eventsapp.models import AccessLogEntry, Person
from eventsapp.timeutil import format_local
from tests import factories
from tests.privacy.conftest import World
from tests.privacy.html import parse

EMAIL = "Siobhan.ONeill-Wojcik@Example.org"
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def coordinator_of(world: World):
    return factories.make_user(role="coordinator", organisation=world.programme.coordinator_organisation)


def export(client) -> tuple[dict, str]:
    download = client.post("/privacy/people/export", data={"email": EMAIL})
    assert download.status_code == 200 and download.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        return json.loads(archive.read("person.json")), archive.read("summary.txt").decode()


def test_a_coordinators_export_has_the_messages_their_network_sent_and_no_others(app, db, client, world,
                                                                                 login_as):
    coordinator = coordinator_of(world)
    elsewhere_host = factories.make_organisation("Hillside Youth Forum")
    elsewhere = factories.make_event(host=elsewhere_host, programme=factories.make_programme(), title="Elsewhere")
    factories.make_registration(event=elsewhere, person=world.target, attended=True, consent_contact=True)
    sender = factories.make_user("organiser", world.host)
    outsider = factories.make_user("organiser", elsewhere_host)
    with app.test_request_context():
        send_message(Scope(event=world.events[0]), "attended", "Slides from the evening", "Hi", "plain", sender,
                     "http://localhost")
        send_message(Scope(programme=world.programme), "network", "Network news", "Hi", "plain", coordinator,
                     "http://localhost")
        send_message(Scope(event=elsewhere), "attended", "Elsewhere's thanks", "Hi", "plain", outsider,
                     "http://localhost")
        db.session.commit()

    login_as("coordinator", user=coordinator)
    data, summary = export(client)
    ours = ["Slides from the evening", "Network news"]
    assert [m["subject"] for m in data["messages_received"]] == ours
    assert [m["about"] for m in data["messages_received"]] == [world.events[0].title, world.programme.name]
    assert [e["subject"] for e in data["emails"]] == ours
    assert all(e["to"].endswith(f"<{world.target.email}>") for e in data["emails"])
    assert "Elsewhere" not in json.dumps(data) and "Elsewhere" not in summary
    assert "Messages organisers sent you (2)" in summary and "Emails sent to you (2)" in summary

    client.post("/auth/logout")
    login_as("admin")
    everything, _ = export(client)
    assert [m["subject"] for m in everything["messages_received"]] == [*ours, "Elsewhere's thanks"]
    assert len(everything["emails"]) == 3


def test_times_on_the_person_page_and_in_the_summary_read_as_on_the_rest_of_the_site(db, client, world, login_as):
    login_as("coordinator", user=coordinator_of(world))
    page = parse(client.post("/privacy/people", data={"email": EMAIL}))
    table = page.find_all("tbody")[0]
    assert not ISO.search(table.text())
    first = table.find_all("tr")[0].find_all("td")
    registration = world.target_registrations[0]
    assert first[1].text() == format_local(world.events[0].starts_at)  # e.g. "Sat 5 Dec 2026, 03:49"
    assert first[4].text() == f"{format_local(registration.consent_privacy_at)} (v. v1)"

    data, summary = export(client)
    assert ISO.fullmatch(data["registrations"][0]["event"]["starts_at"])  # the JSON keeps ISO 8601
    assert not ISO.search(summary)
    assert f"{world.events[0].title} — {format_local(world.events[0].starts_at)}," in summary
    assert f"Privacy notice agreed: {format_local(registration.consent_privacy_at)} (version v1)" in summary
    assert format_local(data["exported_at"]) in summary


def test_erasing_without_the_tick_keeps_the_persons_page_with_the_error_at_the_tick_box(db, client, world,
                                                                                        login_as):
    login_as("coordinator", user=coordinator_of(world))
    refused = client.post("/privacy/people/erase", data={"email": EMAIL})
    assert refused.status_code == 422
    page = parse(refused)
    assert page.find_all("h1")[0].text() == "Personal data held"
    assert page.find_all("title")[0].text().startswith("Error: ")
    # The same person's registrations are still in view ...
    rows = page.find_all("tbody")[0].find_all("tr")
    assert [row.find_all("td")[0].text() for row in rows] == [event.title for event in world.events]
    # ... the error sits at the tick box ...
    tick = page.by_id("confirm")
    assert tick.attrs.get("aria-invalid") == "true" and tick.attrs.get("aria-describedby") == "confirm-error"
    assert page.by_id("confirm-error").text() == "Tick to confirm before erasing."
    # ... and no field lets anyone type another address: the erase form carries the one shown, hidden.
    (erase_form,) = [form for form in page.find_all("form") if form.attrs.get("action") == "/privacy/people/erase"]
    inputs = erase_form.find_all("input")
    assert [(i.attrs.get("type"), i.attrs.get("value")) for i in inputs if i.attrs.get("name") == "email"] == [
        ("hidden", EMAIL)]
    assert all(i.attrs.get("type") in ("hidden", "checkbox") for i in inputs)
    assert db.session.get(Person, world.target.id).email == EMAIL  # nothing erased
    # Showing the page again is a view of personal data like any other.
    assert db.session.scalars(select(AccessLogEntry.what)).all() == ["person page"]

    # A malformed address still gets the search page with the error at the address.
    malformed = client.post("/privacy/people/erase", data={"email": "not-an-address"})
    assert malformed.status_code == 422 and "Enter an email address like" in malformed.get_data(as_text=True)
