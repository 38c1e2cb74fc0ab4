"""A registration made through the API is stored with source ``api`` (not ``manual``, the organiser's
manage page), and says so wherever registrations are listed: the API itself, its OpenAPI
description, the event's CSV, the programme export and the person's subject-access export."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from sqlalchemy import select

from eventsapp.imports.export import export_programme
from eventsapp.models import Registration
from tests.api.conftest import bearer

EMAIL = "api.registrant@example.org"


def _register(client, api_world) -> dict:
    response = client.post(f"/api/v1/events/{api_world.event_a.id}/registrations",
                           json={"first_name": "Priya", "last_name": "Chauhan", "email": EMAIL,
                                 "organisation_name": "Alpha Community Trust"},
                           headers=bearer(api_world.tokens["a_write"]))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["registration"]


def _csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_an_api_registration_is_stored_and_listed_with_source_api(client, db, api_world):
    answered = _register(client, api_world)
    assert answered["source"] == "api"
    stored = db.session.scalar(select(Registration).where(Registration.email_key == EMAIL))
    assert stored.id == answered["id"] and stored.source == "api"
    listed = client.get(f"/api/v1/events/{api_world.event_a.id}/registrations",
                        headers=bearer(api_world.tokens["a_read"])).get_json()["items"]
    assert {r["id"]: r["source"] for r in listed} == {api_world.registration_a.id: "web", stored.id: "api"}


def test_the_openapi_description_lists_the_sources(client, db):
    spec = client.get("/api/v1/openapi.json").get_json()
    source = spec["components"]["schemas"]["Registration"]["properties"]["source"]
    assert source["enum"] == ["web", "manual", "api", "walk_in", "import", "demo"]


def test_an_api_registration_says_api_in_every_export(client, db, login_as, api_world, runner, tmp_path):
    registration_id = _register(client, api_world)["id"]

    login_as("organiser", user=api_world.both)
    response = client.get(f"/events/{api_world.event_a.id}/registrations.csv")
    assert response.status_code == 200
    rows = {row["Email"]: row for row in _csv(response.data.decode("utf-8-sig"))}
    assert rows[EMAIL]["Source"] == "api"

    archive = io.BytesIO()
    export_programme(api_world.programme, archive)
    with zipfile.ZipFile(archive) as opened:
        registrations = _csv(opened.read("registrations.csv").decode("utf-8-sig"))
        readme = opened.read("README.txt").decode()
    assert {r["registration id"]: r["source"] for r in registrations}[str(registration_id)] == "api"
    assert "how the registration was made: web, manual, api, walk_in, import, demo" in readme

    output = tmp_path / "person.json"
    result = runner.invoke(args=["export-person", EMAIL, "--output", str(output)])
    assert result.exit_code == 0, result.output
    held = json.loads(output.read_text())["registrations"]
    assert [(r["id"], r["source"]) for r in held] == [(registration_id, "api")]
