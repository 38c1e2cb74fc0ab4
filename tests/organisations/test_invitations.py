"""Invitations as rows: single-use, listed, revocable, expiring (issue #13, finding 3)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from eventsapp.models import Invitation, Membership, User, utcnow
from eventsapp.organisations.invitations import DEFAULT_INVITATION_MAX_AGE
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


def invitation_rows(db, organisation=None) -> list[Invitation]:
    db.session.expire_all()
    query = select(Invitation).order_by(Invitation.id)
    if organisation is not None:
        query = query.where(Invitation.organisation_id == organisation.id)
    return list(db.session.scalars(query))


def test_an_invitation_is_a_row_holding_only_a_hash_of_the_token(app, client, db, login_as, make_organisation):
    host = make_organisation()
    organiser = login_as("organiser", host)
    before = utcnow()
    assert invite(client, host, "Row.Person@example.org", role="door").status_code == 302
    token = path_of(link_in(messages_to(app, "Row.Person@example.org")[0])).rsplit("/", 1)[1]
    [row] = invitation_rows(db, host)
    assert (row.email, row.email_key, row.role, row.invited_by_id) == (
        "Row.Person@example.org", "row.person@example.org", "door", organiser.id)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in row.token_hash
    assert len(token) >= 40  # 32 random bytes
    assert timedelta(days=7) <= row.expires_at - before < timedelta(days=7, minutes=1)
    assert row.accepted_at is row.revoked_at is None


def test_a_new_account_link_works_once(app, client, db, login_as, make_organisation):
    host = make_organisation()
    login_as("organiser", host)
    invite(client, host, "once@example.org", role="door")
    path = path_of(link_in(messages_to(app, "once@example.org")[0]))
    client.post("/auth/logout")
    data = {"name": "Oona Once", "password": PASSPHRASE, "confirm": PASSPHRASE}
    assert client.post(path, data=data).status_code == 302
    [row] = invitation_rows(db, host)
    user = db.session.scalar(select(User).where(User.email == "once@example.org"))
    assert row.accepted_at is not None and row.accepted_by_id == user.id
    client.post("/auth/logout")
    for response in (client.get(path), client.post(path, data={**data, "name": "Second Go"})):
        assert response.status_code == 410 and "This invitation has been used" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Oona Once"
    assert db.session.get(User, user.id).check_password(PASSPHRASE)


def test_a_revoked_link_changes_nothing(app, client, db, login_as, make_organisation):
    host = make_organisation()
    organiser = login_as("organiser", host)
    invite(client, host, "revoked@example.org", role="door")
    path = path_of(link_in(messages_to(app, "revoked@example.org")[0]))
    [row] = invitation_rows(db, host)
    html = client.get(f"/organisations/{host.id}").get_data(as_text=True)
    assert "revoked@example.org" in html and f"/invitations/{row.id}/revoke" in html
    response = client.post(f"/organisations/{host.id}/invitations/{row.id}/revoke", follow_redirects=True)
    assert "has been revoked" in response.get_data(as_text=True)
    [row] = invitation_rows(db, host)
    assert row.revoked_at is not None and row.revoked_by_id == organiser.id
    assert f"/invitations/{row.id}/revoke" not in client.get(f"/organisations/{host.id}").get_data(as_text=True)
    # Revoking twice says so and changes nothing.
    again = client.post(f"/organisations/{host.id}/invitations/{row.id}/revoke", follow_redirects=True)
    assert "has been revoked" in again.get_data(as_text=True)
    assert invitation_rows(db, host)[0].revoked_at == row.revoked_at
    client.post("/auth/logout")
    response = client.post(path, data={"name": "Rev Oked", "password": PASSPHRASE, "confirm": PASSPHRASE})
    assert response.status_code == 410 and "This invitation has been revoked" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "revoked@example.org")) is None


def test_an_expired_link_changes_nothing(app, client, db, make_organisation, make_user):
    host = make_organisation()
    by = make_user(role="organiser", organisation=host)
    invitation, token = factories.make_invitation(host, email="late@example.org", invited_by=by)
    assert client.get(f"/organisations/invitation/{token}").status_code == 200
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    for response in (client.get(f"/organisations/invitation/{token}"),
                     client.post(f"/organisations/invitation/{token}",
                                 data={"name": "Lee Late", "password": PASSPHRASE, "confirm": PASSPHRASE})):
        html = response.get_data(as_text=True)
        assert response.status_code == 410 and "This invitation has expired" in html
    assert db.session.scalar(select(User).where(User.email == "late@example.org")) is None
    assert invitation_rows(db, host)[0].accepted_at is None
    assert timedelta(days=7).total_seconds() == DEFAULT_INVITATION_MAX_AGE


def test_the_lifetime_follows_the_setting(app, client, db, login_as, make_organisation):
    app.config["INVITATION_MAX_AGE"] = 2 * 24 * 3600
    host = make_organisation()
    login_as("organiser", host)
    assert "for 2 days" in client.get(f"/organisations/{host.id}/invite").get_data(as_text=True)
    invite(client, host, "short@example.org", role="door")
    [row] = invitation_rows(db, host)
    assert row.expires_at - row.created_at == timedelta(days=2)


def test_the_members_page_lists_open_invitations_and_recent_ones(
    app, client, db, login_as, make_organisation, make_user
):
    host, other = make_organisation(), make_organisation()
    organiser = login_as("organiser", host)
    by = db.session.get(User, organiser.id)
    factories.make_invitation(host, email="open.one@example.org", role="organiser", invited_by=by)
    factories.make_invitation(host, email="gone@example.org", invited_by=by,
                              expires_at=utcnow() - timedelta(hours=1))
    factories.make_invitation(host, email="joined@example.org", invited_by=by, accepted_at=utcnow())
    factories.make_invitation(other, email="elsewhere@example.org")
    html = client.get(f"/organisations/{host.id}").get_data(as_text=True)
    open_table = html.split('id="invitations"', 1)[1].split("</table>", 1)[0]
    assert "open.one@example.org" in open_table and "Organiser" in open_table
    assert (by.name or by.email) in open_table
    assert "gone@example.org" not in open_table and "joined@example.org" not in open_table
    recent = html.split('id="recent-invitations"', 1)[1]
    assert "gone@example.org (door volunteer):" in recent and "expired" in recent
    assert "joined@example.org" in recent and "accepted" in recent
    assert "elsewhere@example.org" not in html


def test_a_door_volunteer_or_outsider_cannot_see_or_revoke(app, client, db, login_as, make_organisation, make_user):
    host = make_organisation()
    invitation, _token = factories.make_invitation(host, email="keep@example.org")
    login_as("door", host)
    assert client.get(f"/organisations/{host.id}").status_code == 403
    assert client.post(f"/organisations/{host.id}/invitations/{invitation.id}/revoke").status_code == 403
    client.post("/auth/logout")
    login_as("organiser", make_organisation())
    assert client.post(f"/organisations/{host.id}/invitations/{invitation.id}/revoke").status_code == 404
    assert invitation_rows(db, host)[0].revoked_at is None


def test_an_invitation_is_revoked_only_through_its_own_organisation(app, client, db, login_as, make_organisation):
    mine, theirs = make_organisation(), make_organisation()
    invitation, _token = factories.make_invitation(theirs, email="theirs@example.org")
    login_as("organiser", mine)
    response = client.post(f"/organisations/{mine.id}/invitations/{invitation.id}/revoke")
    assert response.status_code == 404
    for bad in (0, 2**31, 2**64, 10**30):
        assert client.post(f"/organisations/{mine.id}/invitations/{bad}/revoke").status_code == 404
    assert invitation_rows(db, theirs)[0].revoked_at is None


def test_an_organiser_cannot_revoke_a_coordinators_invitation(app, client, db, login_as, make_organisation, make_user):
    network = make_organisation("Coordinating Network")
    coordinator = make_user(role="coordinator", organisation=network)
    invitation, _token = factories.make_invitation(network, email="deputy@example.org", role="coordinator",
                                                   invited_by=coordinator)
    organiser = make_user(role="organiser", organisation=network)
    login_as("organiser", user=organiser)
    html = client.get(f"/organisations/{network.id}").get_data(as_text=True)
    assert "deputy@example.org" in html and f"/invitations/{invitation.id}/revoke" not in html
    response = client.post(f"/organisations/{network.id}/invitations/{invitation.id}/revoke", follow_redirects=True)
    assert "Only someone who can invite a coordinator" in response.get_data(as_text=True)
    assert invitation_rows(db, network)[0].revoked_at is None


def test_inviting_again_replaces_the_open_invitation(app, client, db, login_as, make_organisation):
    host = make_organisation()
    login_as("organiser", host)
    invite(client, host, "twice@example.org", role="door")
    invite(client, host, "TWICE@example.org", role="organiser")
    first, second = (path_of(link_in(m)) for m in messages_to(app, "twice@example.org")
                     + messages_to(app, "TWICE@example.org"))
    old, new = invitation_rows(db, host)
    assert old.revoked_at is not None and new.is_open and new.role == "organiser"
    html = client.get(f"/organisations/{host.id}").get_data(as_text=True)
    open_table = html.split('id="invitations"', 1)[1].split("</table>", 1)[0]
    assert open_table.lower().count("<td>twice@example.org</td>") == 1
    client.post("/auth/logout")
    assert client.get(first).status_code == 410
    data = {"name": "Tam Twice", "password": PASSPHRASE, "confirm": PASSPHRASE}
    assert client.post(second, data=data).status_code == 302
    user = db.session.scalar(select(User).where(func.lower(User.email) == "twice@example.org"))
    assert user.roles_for(host.id) == {"organiser"}


def test_the_database_keeps_one_open_invitation_per_address(app, db, make_organisation):
    host = make_organisation()
    factories.make_invitation(host, email="dup@example.org")
    with pytest.raises(IntegrityError):
        factories.make_invitation(host, email="Dup@Example.org")
    db.session.rollback()
    factories.make_invitation(host, email="dup@example.org", revoked_at=utcnow())  # closed ones may repeat
    with pytest.raises(IntegrityError):
        factories.make_invitation(host, email="role@example.org", role="owner")
    db.session.rollback()
    with pytest.raises(IntegrityError):
        factories.make_invitation(host, email="both@example.org", accepted_at=utcnow(), revoked_at=utcnow())
    db.session.rollback()


def test_the_wrong_account_cannot_accept(app, client, db, login_as, make_organisation, make_user):
    host = make_organisation()
    invitee = make_user(role="organiser", organisation=make_organisation())
    invitation, token = factories.make_invitation(host, email=invitee.email, role="organiser")
    intruder = login_as("organiser", make_organisation())
    for response in (client.get(f"/organisations/invitation/{token}"),
                     client.post(f"/organisations/invitation/{token}")):
        assert response.status_code == 200
        assert f"this invitation is for {invitee.email}" in response.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(User, intruder.id).roles_for(host.id)
    assert not db.session.get(User, invitee.id).roles_for(host.id)
    assert invitation_rows(db, host)[0].is_open
    # The invitee, signed in, accepts; the invitation records who.
    client.post("/auth/logout")
    sign_in(client, invitee.email)
    assert client.post(f"/organisations/invitation/{token}").status_code == 302
    assert invitation_rows(db, host)[0].accepted_by_id == invitee.id
    assert membership_of(db, invitee.email, host).role == "organiser"


@pytest.mark.parametrize("token", [
    "garbage", "x" * 5000, "%FF%FE", "..%5C..%5Cetc", "a" * 43, "\u00e9\u00e8" * 30,
])
def test_hostile_tokens_get_a_clear_404(app, client, db, make_organisation, token):
    host = make_organisation()
    factories.make_invitation(host, email="target@example.org")
    for method in ("GET", "POST"):
        response = client.open(f"/organisations/invitation/{token}", method=method,
                               data={"name": "X", "password": PASSPHRASE, "confirm": PASSPHRASE})
        assert response.status_code == 404, (method, token[:20])
        assert "This invitation link no longer works" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert invitation_rows(db, host)[0].is_open


def test_a_nul_in_the_token_is_refused_with_400(app, client, db, make_organisation):
    """A NUL anywhere in a path is refused before routing (tests/hostile): 400, nothing changed."""
    host = make_organisation()
    factories.make_invitation(host, email="target@example.org")
    for method in ("GET", "POST"):
        response = client.open("/organisations/invitation/%00", method=method,
                               data={"name": "X", "password": PASSPHRASE, "confirm": PASSPHRASE})
        assert response.status_code == 400
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert invitation_rows(db, host)[0].is_open


def test_an_invitation_follows_a_merge_to_the_survivor(app, client, db, make_organisation, make_user):
    from eventsapp.organisations.merge import merge_organisations

    survivor, duplicate = make_organisation("Survivor Trust"), make_organisation("Duplicate Trust")
    invitation, token = factories.make_invitation(duplicate, email="merged@example.org", role="door")
    merge_organisations(survivor, duplicate, by=None)
    db.session.commit()
    organiser = make_user(role="organiser", organisation=survivor)
    sign_in(client, organiser.email)
    assert "merged@example.org" in client.get(f"/organisations/{survivor.id}").get_data(as_text=True)
    client.post("/auth/logout")
    data = {"name": "Mo Merged", "password": PASSPHRASE, "confirm": PASSPHRASE}
    assert client.post(f"/organisations/invitation/{token}", data=data).status_code == 302
    assert membership_of(db, "merged@example.org", survivor).role == "door"


def test_of_two_racing_acceptances_only_one_gets_through(app, db, make_organisation, make_user):
    """The second request read the invitation as open before the first committed its acceptance."""
    from eventsapp.organisations.invitations import InvitationClosed, accept

    host = make_organisation()
    invitee = make_user(role="organiser", organisation=make_organisation())
    invitation, _token = factories.make_invitation(host, email=invitee.email)
    assert invitation.is_open  # loaded as open in this session ...
    with db.engine.begin() as other:  # ... while another request accepts it
        other.execute(Invitation.__table__.update().where(Invitation.id == invitation.id)
                      .values(accepted_at=utcnow()))
    with pytest.raises(InvitationClosed) as closed:
        accept(invitation, invitee)
    assert closed.value.status == "accepted"
    db.session.rollback()
    assert not db.session.get(User, invitee.id).roles_for(host.id)
