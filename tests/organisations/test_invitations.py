"""Invitations as rows: single-use, listed, revocable, expiring (issue #13, finding 3)."""

from __future__ import annotations

from sqlalchemy import select

from eventsapp.models import Membership, User
from tests import factories
from tests.auth.mailbox import link_in, messages_to, path_of

PASSPHRASE = "an invitee's long passphrase"


def invite(client, organisation, email, role="organiser"):
    return client.post(f"/organisations/{organisation.id}/invite", data={"email": email, "role": role})


def sign_in(client, email, password=factories.PASSWORD):
    response = client.post("/auth/login", data={"email": email, "password": password})
    assert response.status_code == 302, "login through the form failed"


def membership_of(db, email, organisation):
    db.session.expire_all()
    return db.session.scalar(
        select(Membership).join(User).where(User.email == email, Membership.organisation_id == organisation.id)
    )


def test_a_removed_member_reopening_the_link_does_not_become_a_member_again(
    app, client, db, login_as, make_organisation, make_user
):
    """Finding 3: the original link made a removed member a member again."""
    host = make_organisation("Hastings Good Relations")
    existing = make_user(role="organiser", organisation=make_organisation())
    organiser = login_as("organiser", host)
    assert invite(client, host, existing.email, role="door").status_code == 302
    path = path_of(link_in(messages_to(app, existing.email)[0]))
    client.post("/auth/logout")

    sign_in(client, existing.email)
    assert client.post(path).status_code == 302
    membership = membership_of(db, existing.email, host)
    assert membership is not None and membership.role == "door"
    client.post("/auth/logout")

    sign_in(client, organiser.email)
    assert client.post(f"/organisations/{host.id}/members/{membership.id}/remove").status_code == 302
    assert membership_of(db, existing.email, host) is None
    client.post("/auth/logout")

    sign_in(client, existing.email)
    page = client.get(path)
    again = client.post(path)
    assert membership_of(db, existing.email, host) is None
    assert page.status_code == again.status_code == 410
    assert "This invitation has been used" in again.get_data(as_text=True)
