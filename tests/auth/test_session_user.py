"""The signed-in user without ORM objects on the desk's hot path (eventsapp.auth.session_user).

The desk's search-as-you-type and counts read the user with one Core statement; a password
change elsewhere, signing out everywhere, deactivation and a removed membership still take
effect on the very next request, and every other view keeps the ORM user.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event as sa_event

from eventsapp.auth.services import change_password
from eventsapp.auth.session_user import MembershipFacts, SessionUser, load_session_user
from eventsapp.extensions import db
from eventsapp.models import Membership, User
from tests import factories
from tests.statements import sent_statements

NEW = "a brand new long passphrase 2026"


@pytest.fixture
def host(db):
    return factories.make_organisation("Reading Community Partnership")


@pytest.fixture
def event(db, host):
    event = factories.make_event(host=host, title="Community evening", capacity=40)
    person = factories.make_person(first_name="Amira", last_name="Khan")
    factories.make_registration(event=event, person=person, status="confirmed")
    return event


@pytest.fixture
def door_user(db, host):
    return factories.make_user(role="door", organisation=host)


@pytest.fixture
def orm_user_queries(db):
    """The ORM statements that build :class:`User` objects, run while the test is in it."""
    seen: list[str] = []

    def record(state):
        if state.is_select and any(mapper.class_ is User for mapper in state.all_mappers):
            seen.append(str(state.statement))

    sa_event.listen(db.session, "do_orm_execute", record)
    yield seen
    sa_event.remove(db.session, "do_orm_execute", record)


def search(client, event, q="khan"):
    return client.get(f"/events/{event.id}/checkin/search.json?q={q}")


def test_search_and_counts_read_the_user_without_orm_objects(client, login_as, event, door_user, orm_user_queries):
    login_as("door", user=door_user)
    orm_user_queries.clear()
    response = search(client, event)
    assert response.status_code == 200
    assert [r["name"] for r in response.get_json()["results"]] == ["Amira Khan"]
    assert client.get(f"/events/{event.id}/checkin/counts.json").status_code == 200
    assert orm_user_queries == []
    # the desk page itself (not marked) still loads the ORM user
    assert client.get(f"/events/{event.id}/checkin").status_code == 200
    assert orm_user_queries != []


def test_a_password_changed_elsewhere_ends_the_desk_session_at_once(app, client, login_as, event, door_user):
    login_as("door", user=door_user)
    assert search(client, event).status_code == 200
    change_password(door_user, NEW)
    db.session.commit()
    response = search(client, event)
    assert response.status_code in (302, 401)
    assert "Amira" not in response.get_data(as_text=True)


def test_a_deactivated_account_is_signed_out_at_once_on_every_view(client, login_as, event, door_user):
    login_as("door", user=door_user)
    assert search(client, event).status_code == 200
    door_user.active = False  # no session version change: ``active`` alone must do it
    db.session.commit()
    response = search(client, event)
    assert response.status_code in (302, 401)
    assert "Amira" not in response.get_data(as_text=True)
    assert client.get(f"/events/{event.id}/checkin").status_code == 302  # the ORM loader too
    assert client.get("/auth/password/change").status_code == 302


def test_a_removed_membership_takes_effect_at_once(client, login_as, event, door_user):
    login_as("door", user=door_user)
    assert search(client, event).status_code == 200
    db.session.query(Membership).filter_by(user_id=door_user.id).delete()
    db.session.commit()
    response = search(client, event)
    assert response.status_code == 404
    assert "Amira" not in response.get_data(as_text=True)


def test_signing_out_ends_the_desk_session_copied_elsewhere(app, client, login_as, event, door_user):
    login_as("door", user=door_user)
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert search(copy, event).status_code == 200
    client.post("/auth/logout")
    assert search(copy, event).status_code in (302, 401)


def test_session_user_carries_what_the_rules_read_and_loads_the_rest(app, db, door_user, host):
    with app.test_request_context():
        user = load_session_user(door_user.id, door_user.session_version)
        assert isinstance(user, SessionUser)
        assert (user.id, user.email, user.is_admin, user.is_authenticated, user.is_active) == (
            door_user.id, door_user.email, False, True, True)
        assert user.memberships == (MembershipFacts(host.id, "door"),)
        assert user.get_id() == door_user.get_id()
        assert user.roles_for(host.id) == {"door"}
        # anything else comes from the ORM user, loaded on first use
        assert user.totp_secret is None and user.orm_user() is db.session.get(User, door_user.id)
        assert user.created_at == door_user.created_at
        assert load_session_user(door_user.id, door_user.session_version + 1) is None
        assert load_session_user(door_user.id + 1000, 1) is None


def test_every_membership_is_read_with_the_search_in_one_statement(client, login_as, event, door_user, host):
    """The desk's search reads the user beside its matches (one statement): a door volunteer of the
    host who also organises for another organisation is let in at both desks, and nowhere else."""
    other_host = factories.make_organisation("Slough Faith Forum")
    other_event = factories.make_event(host=other_host, title="Faith walk", capacity=20)
    factories.make_registration(event=other_event, person=factories.make_person(first_name="Bilal", last_name="Khan"),
                                status="confirmed")
    stranger_event = factories.make_event(host=factories.make_organisation("Luton Youth Trust"), title="Youth panel")
    factories.make_registration(event=stranger_event,
                                person=factories.make_person(first_name="Chloe", last_name="Khan"), status="confirmed")
    door_user.memberships.append(Membership(organisation=other_host, role="organiser"))
    db.session.commit()
    login_as("door", user=door_user)
    ids = [e.id for e in (event, other_event, stranger_event)]
    db.session.close()  # as at the start of a request in the server: nothing begun
    with sent_statements(db.engine) as sent:
        at_host, at_other, at_stranger, nowhere, nobody = (
            client.get(f"/events/{event_id}/checkin/search.json?q={q}")
            for event_id, q in ((ids[0], "khan"), (ids[1], "khan"), (ids[2], "khan"), (2147483647, "khan"),
                                (ids[0], "zzzzqqq")))
    statements = [statement.sql for statement in sent if statement.sql not in ("BEGIN", "ROLLBACK")]
    assert [r["name"] for r in at_host.get_json()["results"]] == ["Amira Khan"]
    assert [r["name"] for r in at_other.get_json()["results"]] == ["Bilal Khan"]
    assert at_stranger.status_code == 404 and "Chloe" not in at_stranger.get_data(as_text=True)
    assert nowhere.status_code == 404
    assert nobody.status_code == 200 and nobody.get_json()["results"] == []
    # five requests, five statements: each reads the user (the ``viewer`` subquery) beside the matches
    assert len(statements) == 5
    assert all("viewer" in s and "registration_search" in s for s in statements)


def test_session_user_reads_every_membership_and_none(app, db, door_user, host):
    other = factories.make_organisation("Slough Faith Forum")
    door_user.memberships.append(Membership(organisation=other, role="coordinator"))
    lone = User(email="lone@example.org", name="Lone Person")
    lone.set_password(NEW)
    db.session.add(lone)
    db.session.commit()
    with app.test_request_context():
        user = load_session_user(door_user.id, door_user.session_version)
        assert set(user.memberships) == {MembershipFacts(host.id, "door"), MembershipFacts(other.id, "coordinator")}
        assert user.roles_for(other.id) == {"coordinator"} and user.roles_for(host.id) == {"door"}
        alone = load_session_user(lone.id, lone.session_version)
        assert alone is not None and alone.memberships == ()


def test_a_search_refused_before_the_view_renders_its_error_without_running_the_search(client, login_as, event,
                                                                                       door_user):
    """A NUL in the query is refused (400) before the view; the error page reads the signed-in user
    alone, never the search with the NUL in it (PostgreSQL would refuse that statement: a 500)."""
    login_as("door", user=door_user)
    response = client.get(f"/events/{event.id}/checkin/search.json?q=kh%00an")
    assert response.status_code == 400
    assert search(client, event).status_code == 200
