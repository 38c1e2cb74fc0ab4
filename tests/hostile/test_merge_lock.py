"""Finding 8 (last part): two merges at once never give a 500 ("database is locked" on SQLite).

A merge reads the two organisations and then writes. Before the fix its transaction started
as a plain read on SQLite, so a merge committed by another request in between made its first
write fail at once with "database is locked" (a stale WAL snapshot cannot be upgraded; the
busy timeout does not apply). On PostgreSQL two crossing merges (A into B, B into A) could
both pass their checks. Now a merge takes the write lock (SQLite ``BEGIN IMMEDIATE``,
PostgreSQL ``SELECT … FOR UPDATE`` of both organisations) before it reads them.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError

from eventsapp.extensions import db
from eventsapp.models import Organisation, OrganisationMerge
from eventsapp.organisations import merge as merge_module
from tests import factories


def _other_writer(app):
    """A second connection to the same database, giving up quickly when the lock is held."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 0.2, "isolation_level": None})
    else:
        engine = create_engine(url)
    return engine


def test_a_merge_committed_by_another_request_meanwhile_is_no_500(app, client, login_as, monkeypatch):
    with app.app_context():
        login_as("admin")  # organisations of no programme: only the administrator merges them (tenancy)
        pair = [factories.make_organisation(f"Lock Test Trust {n}") for n in range(4)]
        ids = [o.id for o in pair]
    engine = _other_writer(app)
    real_merge = merge_module.merge_organisations
    sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    attempts = []

    def merge_while_another_request_merges(survivor, duplicate, by):
        # Another coordinator's merge commits between this request's reads and its writes.
        try:
            with engine.begin() as connection:
                if sqlite:
                    connection.execute(text("SELECT 1"))
                else:
                    connection.execute(text("SET LOCAL lock_timeout = '200ms'"))
                connection.execute(text("UPDATE organisation SET merged_into_id = :s WHERE id = :d"),
                                   {"s": ids[0], "d": ids[1]})
            attempts.append("committed")
        except OperationalError:
            attempts.append("waited for the lock")
        return real_merge(survivor, duplicate, by)

    monkeypatch.setattr("eventsapp.merges.views.merge_organisations", merge_while_another_request_merges)
    response = client.post("/organisations/merges/new",
                           data={"first": ids[1], "second": ids[0], "survivor": str(ids[1])})
    assert response.status_code in (302, 422), response.status_code
    assert attempts == ["waited for the lock"], "the merge read the organisations without holding the write lock"
    engine.dispose()
    with app.app_context():
        assert db.session.scalar(select(func.count(OrganisationMerge.id))) == 1


@pytest.mark.parametrize("rounds", [6])
def test_crossing_merges_at_the_same_time_serialise(app, rounds):
    with app.app_context():
        coordinator = factories.make_user("coordinator", is_admin=True)  # may merge organisations of no network
        email = coordinator.email
    failures, statuses = [], []
    for _ in range(rounds):
        with app.app_context():
            a, b = factories.make_organisation(), factories.make_organisation()
            a_id, b_id = a.id, b.id
        clients = []
        for _ in range(2):
            c = app.test_client()
            assert c.post("/auth/login", data={"email": email, "password": factories.PASSWORD}).status_code == 302
            clients.append(c)
        barrier = threading.Barrier(2)

        def merge(c, survivor, duplicate, barrier=barrier):
            barrier.wait()
            try:
                statuses.append(c.post("/organisations/merges/new", data={
                    "first": survivor, "second": duplicate, "survivor": str(survivor)}).status_code)
            except Exception as error:  # noqa: BLE001  (a 500 propagates in testing)
                failures.append(repr(error))

        threads = [threading.Thread(target=merge, args=(clients[0], a_id, b_id)),
                   threading.Thread(target=merge, args=(clients[1], b_id, a_id))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        with app.app_context():
            merged = db.session.scalars(select(Organisation).where(Organisation.id.in_([a_id, b_id]))).all()
            assert sum(o.merged_into_id is not None for o in merged) == 1, "both merges went through: a cycle"
            db.session.remove()
    assert not failures, failures
    assert sorted(set(statuses)) <= [302, 422]
