"""The resource library: shared by hosts, approved by coordinators, files in the database with limits."""

from __future__ import annotations

import io
import re

import pytest

from eventsapp.models import Resource
from tests import factories
from tests.network.conftest import make_resource

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture
def programme_world(db):
    """A programme coordinated by a network, with a host that ran an event in it."""
    network = factories.make_organisation("Hollybush Network")
    host = factories.make_organisation("Hollybush Youth Project")
    programme = factories.make_programme(coordinator_organisation=network)
    factories.make_event(host=host, programme=programme)
    organiser = factories.make_user(role="organiser", organisation=host)
    coordinator = factories.make_user(role="coordinator", organisation=network)
    return host, organiser, coordinator


def sign_in(client, user):
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 302


def share(client, host, **fields):
    data = {"organisation": host.id, "title": "Running a listening campaign", "summary": "How we did it.",
            "kind_of_work": "integration", "approaches": [], **fields}
    return client.post("/network/resources/new", data=data, content_type="multipart/form-data")


def titles(client, query=""):
    return re.findall(r'<h2 class="h6 mb-1"><a href="/network/resources/\d+">([^<]+)</a>',
                      client.get(f"/network/resources{query}").get_data(as_text=True))


def test_a_shared_file_is_public_only_once_a_coordinator_approves_it(client, db, programme_world):
    host, organiser, coordinator = programme_world
    sign_in(client, organiser)
    response = share(client, host, file=(io.BytesIO(PDF), "Listening campaign guide.pdf"))
    assert response.status_code == 302
    resource = db.session.query(Resource).one()
    assert (resource.status, resource.file_size, resource.file_type) == ("submitted", len(PDF), "application/pdf")

    client.post("/auth/logout")
    assert titles(client) == []
    assert client.get(f"/network/resources/{resource.id}").status_code == 404
    assert client.get(f"/network/resources/{resource.id}/download").status_code == 404

    sign_in(client, coordinator)
    queue = client.get("/network/resources/review").get_data(as_text=True)
    assert "Running a listening campaign" in queue
    assert client.post(f"/network/resources/{resource.id}/review", data={"approve": "y"}).status_code == 302

    client.post("/auth/logout")
    assert titles(client) == ["Running a listening campaign"]
    download = client.get(f"/network/resources/{resource.id}/download")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "Listening campaign guide.pdf" in download.headers["Content-Disposition"]


def test_a_file_above_the_limit_is_refused_with_a_clear_message_and_nothing_is_kept(app, client, db,
                                                                                    programme_world):
    host, organiser, _ = programme_world
    app.config["RESOURCE_MAX_BYTES"] = 2048
    sign_in(client, organiser)
    response = share(client, host, file=(io.BytesIO(b"%PDF-" + b"x" * 5000), "big.pdf"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This file is 5 KB; the largest file you can share is 2 KB." in html
    assert 'value="Running a listening campaign"' in html
    assert db.session.query(Resource).count() == 0


@pytest.mark.parametrize(("name", "data", "message"), [
    ("tool.exe", b"MZ\x90\x00", "Share a PDF, Word, OpenDocument"),
    ("guide.pdf", b"<html><script>alert(1)</script>", "This file is not a .pdf file"),
    ("notes.txt", b"\xff\xfe\x00bad", "is not UTF-8 text"),
    ("empty.docx", b"", "This file is empty."),
])
def test_files_that_are_not_what_they_say_are_refused(client, db, programme_world, name, data, message):
    host, organiser, _ = programme_world
    sign_in(client, organiser)
    response = share(client, host, file=(io.BytesIO(data), name))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.query(Resource).count() == 0


def test_a_link_or_a_file_is_needed(client, db, programme_world):
    host, organiser, _ = programme_world
    sign_in(client, organiser)
    response = share(client, host)
    assert response.status_code == 422
    assert "Give a link, a file, or both." in response.get_data(as_text=True)
    assert share(client, host, url="https://example.org/guide").status_code == 302


def test_a_rejection_needs_a_reason_which_the_organisation_sees(client, db, programme_world):
    host, organiser, coordinator = programme_world
    resource = make_resource(host, status="submitted", title="Half-finished toolkit")
    sign_in(client, coordinator)
    client.post(f"/network/resources/{resource.id}/review", data={"reject": "y", "note": ""})
    db.session.refresh(resource)
    assert resource.status == "submitted"
    client.post(f"/network/resources/{resource.id}/review", data={"reject": "y", "note": "Links are broken."})
    db.session.refresh(resource)
    assert resource.status == "rejected"
    sign_in(client, organiser)
    assert "Not approved: Links are broken." in client.get(f"/network/resources/{resource.id}").get_data(
        as_text=True)
    client.post("/auth/logout")
    assert client.get(f"/network/resources/{resource.id}").status_code == 404


def test_a_coordinator_of_another_programme_cannot_approve(client, db, programme_world):
    host, _, _ = programme_world
    resource = make_resource(host, status="submitted")
    other = factories.make_user(role="coordinator", organisation=factories.make_organisation("Elsewhere Network"))
    sign_in(client, other)
    assert client.post(f"/network/resources/{resource.id}/review", data={"approve": "y"}).status_code == 404
    assert client.get("/network/resources/review").status_code == 403
    db.session.refresh(resource)
    assert resource.status == "submitted"


def test_the_library_filters_by_approach_kind_and_search(client, db):
    organisation = factories.make_organisation("Sycamore Trust")
    make_resource(organisation, title="Sport for all toolkit", approaches=["sport"], kind_of_work="bringing_together")
    make_resource(organisation, title="Mediation handbook", approaches=["mediation"], kind_of_work="calming_tensions")
    make_resource(organisation, title="Waiting one", status="submitted", approaches=["sport"])
    assert titles(client) == ["Mediation handbook", "Sport for all toolkit"]
    assert titles(client, "?approach=sport") == ["Sport for all toolkit"]
    assert titles(client, "?kind=calming_tensions") == ["Mediation handbook"]
    assert titles(client, "?q=HANDBOOK") == ["Mediation handbook"]


def test_a_file_named_in_any_language_downloads_with_an_ascii_header_and_one_content_type(client, db):
    resource = make_resource(factories.make_organisation("Łódź Friends"), url=None,
                             file=("Wytyczne – łódź \"dialog\".txt", "Zażółć gęślą jaźń\n".encode()))
    response = client.get(f"/network/resources/{resource.id}/download")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    disposition.encode("latin-1")  # a WSGI server can send it
    assert disposition.isascii()
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Wytyczne%20%E2%80%93%20%C5%82%C3%B3d%C5%BA%20%22dialog%22.txt" in disposition
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.data.decode() == "Zażółć gęślą jaźń\n"
