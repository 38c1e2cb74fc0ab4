"""Files prepared in the background (eventsapp.files): a programme export, a large report PDF and a
restore as jobs. Tasks run eagerly here (inside the request), as for import jobs."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

import pypdf
import pytest
from sqlalchemy import func, select, update

from eventsapp.files import jobs
from eventsapp.models import AccessLogEntry, FileJob, Programme, Registration, utcnow
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
