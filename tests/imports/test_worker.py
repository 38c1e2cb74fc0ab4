"""A web import across two app servers and a real Celery worker, as deployed on several servers.

Two gunicorn servers share the database and the broker but each has an instance folder of its
own (nothing of a job may live there): the file is uploaded to one, checked by the worker,
confirmed on the other, and the first sees the result.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from werkzeug.datastructures import FileStorage

from eventsapp.imports import jobs
from eventsapp.models import Attendance, ImportJob, Registration, utcnow
from tests import factories
from tests.registration.gunicorn_harness import Browser, wait_for

ROWS = 3000
CSV = "First name,Last name,Email,Organisation,Attended\n" + "".join(
    f"Person{i},Tester{i},person{i}@example.org,Organisation {i % 40},{'yes' if i % 3 else 'no'}\n"
    for i in range(ROWS)
)


def test_import_checked_by_a_worker_confirmed_on_another_server(db, backend, tmp_path, deployment):
    host = factories.make_organisation("Kent Good Relations Forum")
    event = factories.make_event(host=host)
    organiser = factories.make_user(role="organiser", organisation=host)
    db.session.commit()
    with deployment.server("one") as one, deployment.server("two") as two:
        browser = Browser()
        status, _, _ = browser.request(one.port, "/auth/login",
                                       form={"email": organiser.email, "password": factories.PASSWORD})
        assert status == 302
        status, headers, body = browser.request(
            one.port, "/imports/", form={"destination": f"event:{event.id}", "source_name": ""},
            files={"file": FileStorage(io.BytesIO(CSV.encode()), "attendance.csv", content_type="text/csv")})
        assert status == 302, body[:2000]
        job_id = headers["Location"].rstrip("/").rsplit("/", 1)[-1]

        def progress(server) -> dict:
            status, _, body = browser.request(server.port, f"/imports/{job_id}/progress")
            assert status == 200, body[:500]
            return json.loads(body)

        # No worker yet: the job waits, and the other server already knows it.
        assert progress(two)["phase"] == "checking"
        with deployment.worker(one) as worker:
            assert wait_for(lambda: progress(two)["phase"] == "previewed", timeout=90), worker.output()[-3000:]
            assert progress(one) == {"phase": "previewed", "progress": 1.0, "rows": ROWS, "message": ""}
            status, _, page = browser.request(two.port, f"/imports/{job_id}")
            assert status == 200 and f"Import {ROWS:,} rows".encode() in page
            assert browser.request(two.port, f"/imports/{job_id}/confirm", form={})[0] == 302
            assert wait_for(lambda: progress(one)["phase"] == "done", timeout=90), worker.output()[-3000:]
        assert "Traceback" not in one.errors_logged() + two.errors_logged() + worker.output()
    db.session.rollback()
    assert db.session.scalar(select(func.count(Registration.id))) == ROWS
    assert db.session.scalar(select(func.count(Attendance.id))) == sum(1 for i in range(ROWS) if i % 3)
    # Nothing of the job was kept in either server's instance folder.
    assert [p.name for folder in ("one", "two") for p in (tmp_path / folder).rglob("*upload*")] == []
    assert db.session.scalar(select(ImportJob.phase).where(ImportJob.id == job_id)) == "done"


@pytest.mark.postgres_only  # SQLite's write holds the only write lock, so it reports no progress to wait for
def test_a_worker_killed_mid_write_leaves_no_row_and_the_pass_is_started_again(db, backend, deployment):
    rows = 20_000
    data = "First name,Last name,Email,Organisation,Attended\n" + "".join(
        f"Person{i},Tester{i},person{i}@example.org,Organisation {i % 90},yes\n" for i in range(rows))
    host = factories.make_organisation("Kent Good Relations Forum")
    event = factories.make_event(host=host)
    organiser = factories.make_user(role="organiser", organisation=host)
    db.session.commit()
    with deployment.server("one") as server:
        browser = Browser()
        browser.request(server.port, "/auth/login", form={"email": organiser.email, "password": factories.PASSWORD})
        status, headers, body = browser.request(
            server.port, "/imports/", form={"destination": f"event:{event.id}", "source_name": ""},
            files={"file": FileStorage(io.BytesIO(data.encode()), "big.csv", content_type="text/csv")})
        assert status == 302, body[:2000]
        job_id = headers["Location"].rstrip("/").rsplit("/", 1)[-1]

        def state() -> dict:
            return json.loads(browser.request(server.port, f"/imports/{job_id}/progress")[2])

        with deployment.worker(server, concurrency=1) as worker:
            assert wait_for(lambda: state()["phase"] == "previewed", timeout=120), worker.output()[-3000:]
            assert browser.request(server.port, f"/imports/{job_id}/confirm", form={})[0] == 302
            # Part of the way through the write: SIGKILL, no chance to roll back or hand the task back.
            assert wait_for(lambda: state()["phase"] == "importing" and 0.05 < state()["progress"] < 0.8,
                            timeout=120, interval=0.05), (state(), worker.output()[-3000:])
            worker.process.kill()
            worker.process.wait()
    assert wait_for(lambda: _count(db, Registration.id) == 0 and _count(db, Attendance.id) == 0, timeout=30)
    db.session.rollback()
    job = db.session.get(ImportJob, job_id)
    assert (job.phase, job.attempts) == ("importing", 1)
    # Beat's sweep, once the dead worker's claim has run out, starts the pass again (eagerly here).
    db.session.execute(update(ImportJob).where(ImportJob.id == job_id)
                       .values(claimed_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert jobs.sweep() == {"restarted": 1, "failed": 0}
    assert jobs.wait(job_id)["phase"] == "done"
    assert _count(db, Registration.id) == rows and _count(db, Attendance.id) == rows


def _count(db, column) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(column)))
