"""A programme export across two app servers and a real Celery worker, as deployed on several servers:
started on one server, polled on the other while it waits for a worker, made by the worker, and
downloaded from the other server; nothing of it in either server's instance folder."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from sqlalchemy import select

from eventsapp.models import FileJob
from tests import factories
from tests.registration.gunicorn_harness import Browser, wait_for


def test_export_made_by_a_worker_and_downloaded_from_another_server(db, tmp_path, deployment):
    network = factories.make_organisation("Coast Network")
    programme = factories.make_programme(slug="coast", coordinator_organisation=network)
    event = factories.make_event(programme=programme)
    emails = sorted(factories.make_registration(event=event, attended=True).person.email for _ in range(25))
    coordinator = factories.make_user(role="coordinator", organisation=network)
    db.session.commit()
    with deployment.server("one", workers=1) as one, deployment.server("two", workers=1) as two:
        browser = Browser()
        assert browser.request(one.port, "/auth/login",
                               form={"email": coordinator.email, "password": factories.PASSWORD})[0] == 302
        status, headers, body = browser.request(one.port, "/imports/programmes/coast/export", form={})
        assert status == 302, body[:2000]
        job_url = headers["Location"]
        job_url = job_url[job_url.index("/files/"):]

        def progress(server) -> dict:
            status, _, body = browser.request(server.port, job_url + "/progress")
            assert status == 200, body[:500]
            return json.loads(body)

        assert progress(two)["status"] == "pending"  # no worker yet; the other server knows the job
        with deployment.worker(one) as worker:
            assert wait_for(lambda: progress(two)["status"] == "done", timeout=90), worker.output()[-3000:]
        status, headers, body = browser.request(two.port, job_url + "/download")
        assert status == 200 and headers["Content-Type"] == "application/zip"
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            rows = list(csv.DictReader(io.StringIO(archive.read("registrations.csv").decode("utf-8-sig"))))
        assert sorted(row["email"] for row in rows) == emails
        assert "Traceback" not in one.errors_logged() + two.errors_logged() + worker.output()
    db.session.rollback()
    assert db.session.scalar(select(FileJob.status)) == "done"
    assert [p for folder in ("one", "two") for p in (tmp_path / folder).rglob("*.zip")] == []
