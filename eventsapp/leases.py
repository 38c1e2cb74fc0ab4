"""Leases on job rows: a worker claims a job for a while; beat's sweep restarts what a dead worker left.

Shared by web import jobs (eventsapp.imports.jobs) and files prepared in the background
(eventsapp.files.jobs). A worker claims a row in a state its task expects, for ``lease``; it
renews the claim as it reports progress. A worker killed even by SIGKILL (which a broker cannot
always hand back) stops renewing, so the claim runs out and :func:`stale` names the row for the
sweep, which starts it again or, after the last attempt, marks it failed.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from eventsapp.extensions import db
from eventsapp.models import utcnow


def claim(model, job_id: str, state_column, state: str | tuple[str, ...], lease: timedelta,
          **values) -> bool:
    """Take the job for this worker unless another worker holds it (one more attempt, and ``values``
    set too); committed. ``state``: the state, or states, the task expects the job in."""
    now = utcnow()
    states = (state,) if isinstance(state, str) else state
    claimed = db.session.execute(
        update(model)
        .where(model.id == job_id, state_column.in_(states),
               (model.claimed_until.is_(None)) | (model.claimed_until < now))
        .values(claimed_until=now + lease, attempts=model.attempts + 1, **values)
    ).rowcount
    db.session.commit()
    return bool(claimed)


def stale(model, state_column, states: tuple[str, ...], lease: timedelta) -> list[tuple[str, str, int]]:
    """(id, state, attempts) of the jobs a worker should hold but nobody does: the claim ran out
    (the worker died), or it was never claimed and is older than a lease (the task was lost)."""
    now = utcnow()
    rows = db.session.execute(
        select(model.id, state_column, model.attempts)
        .where(state_column.in_(states),
               (model.claimed_until < now)
               | (model.claimed_until.is_(None) & (model.updated_at < now - lease)))
    ).all()
    db.session.rollback()
    return [tuple(row) for row in rows]


def release(model, job_id: str, state_column, state: str, **values) -> bool:
    """Before a restart: drop the claim and touch the row (and set ``values``), so that a task lost
    again waits a whole lease before the next restart; committed."""
    moved = db.session.execute(update(model).where(model.id == job_id, state_column == state)
                               .values(claimed_until=None, updated_at=utcnow(), **values)).rowcount
    db.session.commit()
    return bool(moved)
