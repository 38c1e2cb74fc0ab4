"""Import jobs as rows: claims, restarts of passes whose worker died, failure after the last attempt,
removal of old jobs, and a broker that cannot be reached. Tasks run eagerly here (in this process);
tests/imports/test_worker.py runs them on a real worker."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from werkzeug.datastructures import FileStorage

from eventsapp.imports import jobs
from eventsapp.imports.summary import ImportTarget
from eventsapp.models import Attendance, ImportJob, Registration, utcnow
from tests import factories

CSV = ("First name,Last name,Email,Organisation,Attended\n"
       "Ann,Jones,ann@example.org,Kent Police,yes\nBob,Smith,bob@example.org,The Kent Police,no\n")


def _create(event, user, data: str = CSV) -> str:
    upload = FileStorage(io.BytesIO(data.encode()), "list.csv", content_type="text/csv")
    return jobs.create(upload, user.id, ImportTarget(event_id=event.id))["id"]


def _set(db, job_id: str, **values) -> None:
    db.session.execute(update(ImportJob).where(ImportJob.id == job_id).values(**values))
    db.session.commit()


def _count(db, column) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(column)))


@pytest.fixture
def job(db):
    host = factories.make_organisation()
    event = factories.make_event(host=host)
    user = factories.make_user(role="organiser", organisation=host)
    db.session.commit()
    job_id = _create(event, user)
    assert jobs.wait(job_id)["phase"] == "previewed"
    return job_id


def test_a_write_whose_worker_died_is_started_again_and_writes_every_row_once(db, job):
    # As a worker killed mid-write leaves it: still "importing", its claim run out, its rows rolled back.
    _set(db, job, phase="importing", attempts=1, claimed_until=utcnow() - timedelta(seconds=1))
    assert jobs.sweep() == {"restarted": 1, "failed": 0}
    state = jobs.wait(job)
    assert state["phase"] == "done", state
    assert _count(db, Registration.id) == 2 and _count(db, Attendance.id) == 1
    assert db.session.get(ImportJob, job).attempts == 2
    assert jobs.sweep() == {"restarted": 0, "failed": 0}  # nothing left to do


def test_a_claim_still_held_is_left_alone(db, job):
    _set(db, job, phase="importing", attempts=1, claimed_until=utcnow() + timedelta(minutes=5))
    assert jobs.run(job, True) == "skipped"  # a second delivery of the task while the first runs
    assert jobs.sweep() == {"restarted": 0, "failed": 0}
    assert _count(db, Registration.id) == 0
    assert jobs.load(job)["phase"] == "importing"


def test_after_the_last_attempt_the_job_fails_visibly_with_nothing_written(app, db, job):
    attempts = app.config["IMPORT_JOB_MAX_ATTEMPTS"]
    _set(db, job, phase="importing", attempts=attempts, claimed_until=utcnow() - timedelta(seconds=1))
    assert jobs.sweep() == {"restarted": 0, "failed": 1}
    state = jobs.load(job)
    assert state["phase"] == "failed" and f"{attempts} times; nothing was written" in state["message"]
    assert _count(db, Registration.id) == 0


def test_a_task_that_never_reached_a_worker_is_queued_again(db, job):
    # Back to "checking" and never claimed, as when the broker lost the task: after a lease, restarted.
    _set(db, job, phase="checking", summary=None, claimed_until=None,
         updated_at=utcnow() - timedelta(hours=1))
    assert jobs.sweep() == {"restarted": 1, "failed": 0}
    assert jobs.wait(job)["phase"] == "previewed"


def test_a_recent_unclaimed_job_is_not_restarted(db, job):
    _set(db, job, phase="checking", claimed_until=None)
    assert jobs.sweep() == {"restarted": 0, "failed": 0}


def test_old_jobs_and_their_uploads_are_removed(app, db, job):
    hours = app.config["IMPORT_JOB_MAX_AGE_HOURS"]
    host = factories.make_organisation()
    recent = _create(factories.make_event(host=host), factories.make_user(organisation=host))
    _set(db, job, updated_at=utcnow() - timedelta(hours=hours, minutes=1))
    assert jobs.remove_old_jobs() == 1
    assert jobs.load(job) is None and jobs.load(recent) is not None


@pytest.mark.parametrize("app", [{"CELERY_TASK_ALWAYS_EAGER": False,
                                  "CELERY_BROKER_URL": "redis://127.0.0.1:9/0"}], indirect=True)
def test_a_broker_that_cannot_be_reached_fails_the_job_with_a_message(app, db):
    host = factories.make_organisation()
    event = factories.make_event(host=host)
    user = factories.make_user(role="organiser", organisation=host)
    db.session.commit()
    job_id = _create(event, user)
    state = jobs.load(job_id)
    assert state["phase"] == "failed" and "worker could not be reached" in state["message"]
    assert _count(db, Registration.id) == 0
