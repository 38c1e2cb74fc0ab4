"""Finding 9: control characters and invalid UTF-8 never reach the database.

- single-line text fields refuse NUL, CR, LF and other control characters (a message at the field);
- multi-line fields keep line breaks and tabs and drop other control characters;
- invalid UTF-8 anywhere in the request (path, query string, url-encoded form) answers 400 before
  any form is parsed, also with CSRF protection on (before the fix the check ran after Flask-WTF
  had parsed the form, so it never fired, and ``%FF%FE`` was stored as text);
- imported cells follow the same rule: a control character is a problem at its row, nothing is written;
- every form of the app derives from :class:`eventsapp.forms.BaseForm`.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

import eventsapp
from eventsapp.extensions import db
from eventsapp.models import Event, Organisation, Person, Registration
from tests import factories

CSRF_ON = {"WTF_CSRF_ENABLED": True}


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def organiser(client, db, login_as):
    host = factories.make_organisation("Control Character Trust")
    login_as("organiser", host)
    return host


def _event_form(host, **overrides) -> dict:
    data = {"title": "A clean title", "host": str(host.id), "region": str(factories.region("TLJ").id),
            "programme": "0", "starts_at": "2031-05-01T18:00", "ends_at": "2031-05-01T20:00", "status": "draft"}
    return {**data, **overrides}


@pytest.mark.parametrize("title", ["Evil\x00title", "Two\r\nlines", "Line\nfeed", "Carriage\rreturn", "Bell\x07",
                                   "\u202eRight-to-left override", "Isolated \u2067text\u2069"])
def test_single_line_fields_refuse_control_characters(client, organiser, title):
    response = client.post("/events/new", data=_event_form(organiser, title=title))
    assert response.status_code == 422
    assert "control characters" in response.get_data(as_text=True)
    assert _count(Event) == 0


def test_multi_line_fields_keep_line_breaks_and_drop_other_controls(client, organiser):
    response = client.post("/events/new", data=_event_form(
        organiser, description="First line\r\nsecond\x00 line\x0b\tindented\x1b[31m\u202e"))
    assert response.status_code == 302
    description = db.session.scalar(select(Event.description))
    assert description == "First line\nsecond line\tindented[31m"


def test_walk_in_names_refuse_control_characters(client, db, login_as):
    host = factories.make_organisation()
    event = factories.make_event(host=host, status="published")
    login_as("organiser", host)
    response = client.post(f"/events/{event.id}/checkin/walk-in", data={
        "first_name": "Wal\x00ter", "last_name": "Kin\r\nSet-Cookie: x", "organisation": "Walk\x00In Org",
        "sector": "community_voluntary"})
    assert response.status_code == 422
    assert _count(Registration) == 0 and _count(Person) == 0


@pytest.mark.parametrize("name", ["Null\x00 Org", "Split\r\nOrg", "Tab\tOrg"])
def test_organisation_names_refuse_control_characters(client, db, login_as, name):
    login_as("coordinator")
    before = _count(Organisation)
    response = client.post("/organisations/new", data={"name": name, "sector": str(factories.sector().id)})
    assert response.status_code == 422
    assert _count(Organisation) == before


@pytest.mark.parametrize("app", [CSRF_ON], indirect=True)
def test_invalid_utf8_in_a_form_is_refused_before_the_form_is_parsed(app, client):
    with app.app_context():
        host = factories.make_organisation()
        user = factories.make_user("organiser", host)
        event_id = factories.make_event(host=host, status="published").id
        email = user.email
    login = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    body = f"email=x%FF%FE%40example.org&password=x&csrf_token={token}".encode()
    response = client.post("/auth/login", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "UTF-8" in response.get_data(as_text=True)
    response = client.post("/auth/login", data={"email": email, "password": factories.PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    page = client.get(f"/events/{event_id}/register").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    body = (f"first_name=Zo%FF%FE&last_name=Test&email=zoe%40example.org&individual=y&consent_privacy=y"
            f"&csrf_token={token}").encode()
    response = client.post(f"/events/{event_id}/register", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    with app.app_context():
        assert _count(Registration) == 0
        assert _count(Person) == 0


@pytest.mark.parametrize("url", ["/events/?q=%FF%FE", "/events/?%FF=1", "/organisations/?q=%C3",
                                 "/reports/?from=%ED%A0%80", "/events/?q=caf%E9", "/events/?q=%00",
                                 "/events/1/checkin/search.json?q=a%00b"])
def test_invalid_utf8_or_nul_in_the_query_string_is_400(client, login_as, url):
    """NUL: PostgreSQL refuses any text holding it (found by the sweep on PostgreSQL: 500s)."""
    login_as("coordinator")
    response = client.get(url)
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/programmes/\xff\xfe", "/regions/T\xc3/calendar.ics", "/booking/\xed\xa0\x80",
                                  "/programmes/a\x00b"])
def test_invalid_utf8_in_the_path_is_400(client, path):
    # A server puts the path's raw bytes in PATH_INFO (as Latin-1); the test client would
    # replace them with U+FFFD first, so the environ is given as a server would.
    response = client.get("/", environ_overrides={"PATH_INFO": path})
    assert response.status_code == 400


def test_valid_utf8_still_passes(client, login_as):
    login_as("coordinator")
    assert client.get("/events/?q=%C3%A9t%C3%A9").status_code == 200
    assert client.get("/events/?q=caf%E9".replace("%E9", "%C3%A9")).status_code == 200


def test_imported_rows_are_cleaned(app, db):
    from eventsapp.imports.parsing import cell_text

    assert cell_text("Mo\x00 Matrix") == "Mo Matrix"
    assert cell_text("Two\r\nlines\there") == "Two lines here"
    assert cell_text("  Bell\x07 ") == "Bell"
    assert cell_text("Zo\u00eb \u00d3 S\u00failleabh\u00e1in") == "Zo\u00eb \u00d3 S\u00failleabh\u00e1in"
    assert cell_text(None) == ""


def test_an_import_with_control_characters_writes_nothing(db, client, login_as):
    """An imported cell follows the forms' rule: a control character is a problem at its row, shown
    visibly, and nothing is written (tests/imports/test_hidden_characters.py has every kind)."""
    import io

    host = factories.make_organisation()
    event = factories.make_event(host=host)
    login_as("organiser", host)
    # (A NUL byte makes the file look binary: it is refused whole, see tests/imports/test_files.py.)
    content = (b"Name,Email,Organisation,Sector,Attended\n"
               b"\"Mo\x08 Ma\x07trix\",mo@example.org,\"Null\x7f Org\x1b\",Police,yes\n")
    response = client.post("/imports/", data={"file": (io.BytesIO(content), "list.csv"),
                                             "destination": f"event:{event.id}"}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    job_id = response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    page = client.get(f"/imports/{job_id}").get_data(as_text=True)
    assert "Mo[U+0008] Ma[U+0007]trix" in page and "Null[U+007F] Org[U+001B]" in page
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", page)
    client.post(f"/imports/{job_id}/confirm")
    db.session.rollback()
    assert _count(Person) == 0 and _count(Registration) == 0
    assert _count(Organisation) == 1  # the host


def _all_form_classes():
    from wtforms import Form

    package = Path(eventsapp.__file__).parent
    for module_info in pkgutil.walk_packages([str(package)], "eventsapp."):
        if module_info.name.endswith(("worker", "tasks")):
            continue
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Form) and cls.__module__ == module.__name__:
                yield cls


def test_every_form_derives_from_the_base_form():
    from eventsapp.forms import BaseForm

    classes = list(_all_form_classes())
    assert len(classes) > 20
    offenders = [f"{c.__module__}.{c.__name__}" for c in classes if not issubclass(c, BaseForm)]
    assert not offenders, f"forms not derived from eventsapp.forms.BaseForm: {offenders}"
    source = "\n".join(p.read_text() for p in Path(eventsapp.__file__).parent.rglob("*.py")
                       if p.name != "forms.py" or p.parent.name != "eventsapp")
    assert "(FlaskForm)" not in source


def test_access_needs_keep_their_lines_and_lose_a_nul(client, db):
    from tests.registration.conftest import form_data

    factories.make_organisation("Thames Valley Police", sector_code="police")
    event = factories.make_event(status="published")
    response = client.post(f"/events/{event.id}/register",
                           data=form_data(access_requirements="ramp\x00\r\nhearing loop\x1b"))
    assert response.status_code == 302
    assert db.session.scalar(select(Registration.access_requirements)) == "ramp\nhearing loop"
