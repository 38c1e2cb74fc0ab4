"""The import pages in Chromium: upload, preview, confirm; accessible (axe-core) on desktop and phone."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from werkzeug.datastructures import FileStorage

from eventsapp.imports import jobs
from eventsapp.imports.summary import ImportTarget
from tests import factories
from tests.imports.samples import attendance_file

pytestmark = pytest.mark.browser


def _sign_in(page, user):
    page.goto("/auth/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_coordinator_uploads_previews_and_imports_a_programme(page, db, tmp_path, assert_accessible):
    """Upload, preview, confirm (the Celery task runs eagerly here; test_worker.py runs a real worker)."""
    network = factories.make_organisation("Good Relations Network")
    _sign_in(page, factories.make_user(role="coordinator", organisation=network))
    page.goto("/imports/")
    expect(page.get_by_role("heading", name="Import an attendance list")).to_be_visible()
    assert_accessible(page)
    path = tmp_path / "sheet.csv"
    path.write_bytes(attendance_file().data)
    page.get_by_label("Attendance list").set_input_files(str(path))
    page.get_by_label("Import into").select_option("new")
    page.get_by_label("Slug of the new programme").fill("gr-2013")
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Import 358 rows").wait_for()
    expect(page.get_by_role("heading", name="New organisations to review")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Import 358 rows").click()
    page.get_by_text("Imported: 358 registrations and 358 attendances added.").wait_for()


@pytest.mark.parametrize("role", ["admin", "coordinator"])
def test_synonyms_page_is_accessible_on_a_phone(phone_page, db, assert_accessible, role):
    """The administrator's page (the form, a Remove button per synonym) and a coordinator's (the list only)."""
    from eventsapp.imports.services import add_sector_synonym

    add_sector_synonym("Bobbies", factories.sector("police"))
    user = factories.make_user(role="coordinator", is_admin=role == "admin")
    _sign_in(phone_page, user)
    phone_page.goto("/imports/synonyms")
    expect(phone_page.get_by_role("heading", name="Sector synonyms")).to_be_visible()
    expect(phone_page.get_by_role("cell", name="Bobbies", exact=True)).to_be_visible()
    remove = phone_page.get_by_role("button", name="Remove Bobbies")
    if role == "admin":
        expect(phone_page.get_by_label("Word or phrase")).to_be_visible()
        expect(remove).to_be_visible()
    else:
        expect(remove).to_have_count(0)
        expect(phone_page.get_by_label("Word or phrase")).to_have_count(0)
    assert_accessible(phone_page)


def test_the_job_page_follows_the_check_and_shows_the_preview_once_it_is_done(page, db):
    """progress.js: the status line counts the rows read, and the page reloads by itself at the preview."""
    host = factories.make_organisation()
    event = factories.make_event(host=host)
    organiser = factories.make_user(role="organiser", organisation=host)
    upload = FileStorage(io.BytesIO(b"First name,Last name,Email,Organisation,Attended\n"
                                    b"Ann,Jones,ann@example.org,Kent Police,yes\n"), "list.csv")
    state = jobs.create(upload, organiser.id, ImportTarget(event_id=event.id))  # checked eagerly here
    jobs.save({**state, "phase": "checking", "progress": 0.1, "rows": 0})
    _sign_in(page, organiser)
    page.get_by_text("You are signed in.").wait_for()
    page.goto(f"/imports/{state['id']}")
    expect(page.get_by_role("status").filter(has_text="rows read")).to_have_text("0 rows read (10%).")
    db.session.rollback()  # the sign-in's read: on SQLite it could not write after the server has
    jobs.save({**state, "phase": "checking", "progress": 0.5, "rows": 1200})
    expect(page.get_by_role("status").filter(has_text="rows read")).to_have_text("1,200 rows read (50%).")
    expect(page.get_by_role("progressbar")).to_have_js_property("value", 50)
    jobs.save(state)  # previewed
    expect(page.get_by_role("button", name="Import 1 rows")).to_be_visible()
