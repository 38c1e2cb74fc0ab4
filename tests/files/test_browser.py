"""File jobs in Chromium: an export started from the programme page, its job page (progress while
waiting, then the download), a failed job; accessible (axe-core) on desktop and phone. Tasks run
eagerly here; the job page's polling is exercised by a job a worker has not reached yet."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from eventsapp.models import FileJob, Programme, utcnow
from tests import factories

pytestmark = pytest.mark.browser


def _sign_in(page, user):
    page.goto("/auth/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("You are signed in.").wait_for()


@pytest.fixture
def coordinator(db):
    network = factories.make_organisation("Coast Network")
    programme = factories.make_programme(slug="coast", name="Coast Programme", coordinator_organisation=network)
    factories.make_registration(event=factories.make_event(programme=programme), attended=True)
    user = factories.make_user(role="coordinator", organisation=network)
    db.session.commit()
    return user


def test_export_from_the_programme_page_to_the_download(page, db, coordinator, assert_accessible):
    _sign_in(page, coordinator)
    page.goto("/programmes/coast")
    page.get_by_role("button", name="Export all data (ZIP)").click()
    expect(page.get_by_text("Your programme export ZIP is ready.")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download coast-export.zip").click()
    with zipfile.ZipFile(io.BytesIO(open(info.value.path(), "rb").read())) as archive:  # noqa: PTH123, SIM115
        assert "registrations.csv" in archive.namelist()


def test_a_waiting_job_shows_progress_and_a_failed_one_its_error(phone_page, db, coordinator, assert_accessible):
    page = phone_page
    programme_id = db.session.scalar(select(Programme.id).where(Programme.slug == "coast"))
    later = utcnow() + timedelta(hours=1)
    db.session.add_all([
        FileJob(id="waiting-job", kind="programme_export", user_id=coordinator.id, programme_id=programme_id,
                title="Export of Coast Programme", status="running", progress=0.4, expires_at=later),
        FileJob(id="failed-job", kind="programme_export", user_id=coordinator.id, programme_id=programme_id,
                title="Export of Coast Programme", status="failed", expires_at=later,
                message="The work stopped unexpectedly; nothing was kept."),
    ])
    db.session.commit()
    _sign_in(page, coordinator)
    page.goto("/files/waiting-job")
    expect(page.get_by_role("status")).to_contain_text("A worker is on it.")
    expect(page.get_by_role("progressbar")).to_be_visible()
    expect(page.get_by_role("link", name="Reload this page")).to_be_visible()
    assert_accessible(page)
    page.goto("/files/failed-job")
    expect(page.get_by_role("alert")).to_contain_text("nothing was kept")
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
    assert_accessible(page)



def _update_job(db, job_id: str, **values) -> None:
    """Change the job as its worker would. The read the sign-in made is ended first: on SQLite a
    transaction that read before the server wrote (its session, the access log) may not write."""
    db.session.rollback()
    db.session.execute(update(FileJob).where(FileJob.id == job_id).values(**values))
    db.session.commit()


def test_the_job_page_follows_the_job_and_shows_the_download_once_it_is_done(page, db, coordinator):
    """progress.js: the bar moves with the job's progress, and the page reloads by itself when it ends."""
    programme_id = db.session.scalar(select(Programme.id).where(Programme.slug == "coast"))
    db.session.add(FileJob(id="followed-job", kind="programme_export", user_id=coordinator.id,
                           programme_id=programme_id, title="Export of Coast Programme", status="running",
                           progress=0.1, expires_at=utcnow() + timedelta(hours=1)))
    db.session.commit()
    _sign_in(page, coordinator)
    page.goto("/files/followed-job")
    expect(page.get_by_role("progressbar")).to_have_js_property("value", 10)
    _update_job(db, "followed-job", progress=0.7)
    expect(page.get_by_role("progressbar")).to_have_js_property("value", 70)
    _update_job(db, "followed-job", status="done", progress=1.0, result=b"PK", filename="coast-export.zip",
                mimetype="application/zip")
    expect(page.get_by_role("link", name="Download coast-export.zip")).to_be_visible()
