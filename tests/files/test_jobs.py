"""Files prepared in the background (eventsapp.files): a programme export, a large report PDF and a
restore as jobs. Tasks run eagerly here (inside the request), as for import jobs."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from eventsapp.files import jobs
from eventsapp.models import AccessLogEntry, FileJob, Programme, Registration, User, utcnow
from tests import factories


def _job_id(response) -> str:
    assert response.status_code == 302, response.status_code
    location = response.headers["Location"]
    assert location.startswith("/files/"), location
    return location.rsplit("/", 1)[-1]


def _set(db, job_id: str, **values) -> None:
    db.session.execute(update(FileJob).where(FileJob.id == job_id).values(**values))
    db.session.commit()


def _rows(archive: zipfile.ZipFile, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


@pytest.fixture
def programme_world(db):
    network = factories.make_organisation("Kent Network")
    programme = factories.make_programme(slug="kent", coordinator_organisation=network)
    event = factories.make_event(programme=programme)
    people = [factories.make_registration(event=event, attended=True) for _ in range(3)]
    coordinator = factories.make_user(role="coordinator", organisation=network)
    db.session.commit()
    return programme, coordinator, people


def test_export_job_runs_and_its_download_is_the_programmes_zip(app, client, db, login_as, programme_world):
    programme, coordinator, registrations = programme_world
    login_as("coordinator", user=coordinator)
    job_id = _job_id(client.post("/imports/programmes/kent/export"))
    page = client.get(f"/files/{job_id}").get_data(as_text=True)
    assert "is ready" in page and f"/files/{job_id}/download" in page
    assert client.get(f"/files/{job_id}/progress").get_json() == {"status": "done", "progress": 1.0}
    download = client.get(f"/files/{job_id}/download")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert download.headers["Cache-Control"] == "private, no-store"
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        rows = _rows(archive, "registrations.csv")
        assert sorted(r["email"] for r in rows) == sorted(r.person.email for r in registrations)
        assert _rows(archive, "programme.csv")[0]["slug"] == "kent"
    entry = db.session.scalar(select(AccessLogEntry).where(AccessLogEntry.what == "programme export ZIP"))
    assert entry is not None and entry.user_id == coordinator.id and entry.programme_id == programme.id
    assert entry.action == "download"


def test_another_organisations_coordinator_gets_404_on_the_job_and_its_download(app, db, programme_world):
    programme, coordinator, _ = programme_world
    stranger = factories.make_user(role="coordinator", organisation=factories.make_organisation("Other Network"))
    organiser = factories.make_user(role="organiser", organisation=programme.events[0].host)
    db.session.commit()
    owner, other, host = app.test_client(), app.test_client(), app.test_client()
    for client, user in ((owner, coordinator), (other, stranger), (host, organiser)):
        assert client.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 302
    job_id = _job_id(owner.post("/imports/programmes/kent/export"))
    assert owner.get(f"/files/{job_id}/download").status_code == 200
    for client in (other, host):
        for suffix in ("", "/progress", "/download"):
            assert client.get(f"/files/{job_id}{suffix}").status_code == 404
        assert client.post(f"/files/{job_id}/retry").status_code == 404
    assert other.post("/imports/programmes/kent/export").status_code == 404
    # The requester who no longer coordinates the programme loses the download too.
    programme.coordinator_organisation_id = stranger.memberships[0].organisation_id
    db.session.commit()
    assert owner.get(f"/files/{job_id}/download").status_code == 404
    assert other.get(f"/files/{job_id}/download").status_code == 200  # whoever may export it now


def test_a_failing_job_shows_its_error_and_trying_again_works(app, client, db, login_as, programme_world,
                                                              monkeypatch):
    from eventsapp.files import work

    _, coordinator, _ = programme_world
    login_as("coordinator", user=coordinator)
    real = work.WORK["programme_export"]

    def broken(job, progress):
        raise OSError("disk full")

    monkeypatch.setitem(work.WORK, "programme_export", broken)
    job_id = _job_id(client.post("/imports/programmes/kent/export"))
    page = client.get(f"/files/{job_id}").get_data(as_text=True)
    assert "The work stopped unexpectedly; nothing was kept" in page and 'role="alert"' in page
    assert client.get(f"/files/{job_id}/download").status_code == 404
    job = db.session.get(FileJob, job_id)
    assert (job.status, job.attempts, job.result) == ("failed", 1, None)

    # The administrator sees it on the operator page and starts it again; now it works.
    admin = app.test_client()
    login_admin = factories.make_user(role="coordinator", is_admin=True)
    db.session.commit()
    admin.post("/auth/login", data={"email": login_admin.email, "password": factories.PASSWORD})
    operator = admin.get("/operator/").get_data(as_text=True)
    table = operator[operator.index('id="file-jobs"'):]
    assert f"Export of {programme_world[0].name}" in table and "disk full" not in table  # no internals shown
    assert "<td>failed</td>" in table and f"/operator/files/{job_id}/retry" in table
    monkeypatch.setitem(work.WORK, "programme_export", real)
    assert admin.post(f"/operator/files/{job_id}/retry").status_code == 302
    db.session.expire_all()
    assert db.session.get(FileJob, job_id).status == "done"
    assert zipfile.ZipFile(io.BytesIO(client.get(f"/files/{job_id}/download").data)).testzip() is None
    # A job that has not failed is not started again.
    assert not jobs.retry(job_id)


def test_the_requester_may_try_a_failed_job_again_on_its_page(client, db, login_as, programme_world, monkeypatch):
    from eventsapp.files import work

    _, coordinator, _ = programme_world
    login_as("coordinator", user=coordinator)
    real = work.WORK["programme_export"]
    monkeypatch.setitem(work.WORK, "programme_export", lambda job, progress: 1 / 0)
    job_id = _job_id(client.post("/imports/programmes/kent/export"))
    assert db.session.get(FileJob, job_id).status == "failed"
    monkeypatch.setitem(work.WORK, "programme_export", real)
    assert client.post(f"/files/{job_id}/retry").status_code == 302
    assert "is ready" in client.get(f"/files/{job_id}").get_data(as_text=True)


def _restore_job(db, admin, archive: bytes) -> str:
    # Queued but not yet run: as a worker would find it.
    job_id = "restore-under-test"
    db.session.add(FileJob(id=job_id, kind="programme_restore", user_id=admin.id, upload=archive, title="Restore",
                           status="running", attempts=1, expires_at=utcnow() + timedelta(hours=1),
                           claimed_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    return job_id


def _admin(db) -> User:
    """The site administrator, who belongs to no organisation (a new one could take an id of the export's)."""
    admin = User(email="site.admin@example.org", name="Admin", is_admin=True)
    db.session.add(admin)
    db.session.commit()
    return admin


def _export_then_empty(db, programme_world) -> bytes:
    """The programme's export ZIP, and the programme removed from the database (to restore it)."""
    from eventsapp.imports.export import export_programme

    programme, _, _ = programme_world
    archive = io.BytesIO()
    export_programme(programme, archive)
    from tests.access.conftest import delete_all_rows

    db.session.commit()
    with db.engine.begin() as connection:
        delete_all_rows(connection)
    db.session.expire_all()
    from eventsapp.reference_data import seed_reference_data

    seed_reference_data()
    db.session.commit()
    return archive.getvalue()


def test_a_restore_whose_worker_was_killed_is_restarted_and_written_whole(app, db, programme_world):
    archive = _export_then_empty(db, programme_world)
    admin = _admin(db)
    # As a worker killed mid-restore leaves it: still "running", its claim run out, its rows rolled back.
    job_id = _restore_job(db, admin, archive)
    assert db.session.scalar(select(func.count(Registration.id))) == 0
    assert jobs.sweep() == {"restarted": 1, "failed": 0}
    job = jobs.wait(job_id)
    assert job.status == "done", job.message
    assert "Restored the programme “kent”" in job.message and job.attempts == 2 and job.upload is None
    assert db.session.scalar(select(func.count(Registration.id))) == 3
    assert db.session.scalar(select(Programme.id).where(Programme.slug == "kent")) == job.programme_id
    assert jobs.sweep() == {"restarted": 0, "failed": 0}


def test_after_the_last_attempt_a_restore_fails_visibly_with_nothing_written(app, db, programme_world):
    archive = _export_then_empty(db, programme_world)
    admin = _admin(db)
    job_id = _restore_job(db, admin, archive)
    _set(db, job_id, attempts=app.config["FILE_JOB_MAX_ATTEMPTS"])
    assert jobs.sweep() == {"restarted": 0, "failed": 1}
    job = jobs.get(job_id)
    assert job.status == "failed" and "3 times; nothing was kept or written" in job.message
    assert db.session.scalar(select(func.count(Registration.id))) == 0
    assert db.session.scalar(select(func.count(Programme.id))) == 0


def test_a_claim_still_held_is_left_alone(app, db, programme_world):
    _, coordinator, _ = programme_world
    job_id = jobs.create("programme_export", coordinator, programme_id=programme_world[0].id)
    _set(db, job_id, status="running", result=None, claimed_until=utcnow() + timedelta(minutes=5))
    assert jobs.run(job_id) == "skipped"  # a second delivery of the task while the first runs
    assert jobs.sweep() == {"restarted": 0, "failed": 0}


def test_expired_results_are_removed_by_beat_and_by_retention(app, db, programme_world):
    from eventsapp.privacy import retention

    programme, coordinator, _ = programme_world
    old = jobs.create("programme_export", coordinator, programme_id=programme.id)
    recent = jobs.create("programme_export", coordinator, programme_id=programme.id)
    job = db.session.get(FileJob, recent)
    keep = timedelta(hours=app.config["FILE_JOB_KEEP_HOURS"])
    assert job.expires_at - job.finished_at == keep
    _set(db, old, expires_at=utcnow() - timedelta(minutes=1))
    plan = retention.plan(utcnow())
    assert plan.file_jobs == 1 and "expired exports, report PDFs and restore uploads to remove: 1" in plan.lines()
    assert jobs.remove_expired_task() == 1
    db.session.rollback()
    assert jobs.get(old) is None and jobs.get(recent) is not None
    _set(db, recent, expires_at=utcnow() - timedelta(minutes=1))
    done = retention.apply(utcnow())
    db.session.commit()
    assert done.file_jobs == 1 and jobs.get(recent) is None


def test_beat_runs_the_sweep_and_the_expiry():
    from eventsapp.tasks import BEAT_SCHEDULE

    tasks = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert {"eventsapp.files.sweep", "eventsapp.files.remove_expired"} <= tasks


@pytest.mark.parametrize("app", [{"CELERY_TASK_ALWAYS_EAGER": False,
                                  "CELERY_BROKER_URL": "redis://127.0.0.1:9/0"}], indirect=True)
def test_a_broker_that_cannot_be_reached_fails_the_job_with_a_message(app, client, db, login_as, programme_world):
    _, coordinator, _ = programme_world
    login_as("coordinator", user=coordinator)
    job_id = _job_id(client.post("/imports/programmes/kent/export"))
    assert "worker could not be reached" in client.get(f"/files/{job_id}").get_data(as_text=True)


def test_a_restore_that_breaks_half_way_writes_nothing(app, db, programme_world, monkeypatch):
    from eventsapp.imports import restore

    archive = _export_then_empty(db, programme_world)
    admin = _admin(db)
    real_run = restore._Restore.run

    def run_then_break(self):
        real_run(self)  # every row written (not committed) ...
        raise RuntimeError("worker lost its database connection")  # ... then it stops

    monkeypatch.setattr(restore._Restore, "run", run_then_break)
    job_id = jobs.create("programme_restore", admin, upload=archive, title="Restore")
    job = jobs.wait(job_id)
    assert job.status == "failed" and "nothing was kept or written" in job.message
    assert db.session.scalar(select(func.count(Registration.id))) == 0
    assert db.session.scalar(select(func.count(Programme.id))) == 0
