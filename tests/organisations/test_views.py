"""Organisations, members and invitations."""

from __future__ import annotations

from sqlalchemy import select

from eventsapp.models import Membership, Organisation, User
from tests import factories
from tests.auth.mailbox import body, link_in, messages_to, path_of

PASSPHRASE = "our new organiser's passphrase"


def invite(client, organisation, email, role="organiser"):
    return client.post(f"/organisations/{organisation.id}/invite", data={"email": email, "role": role})


def test_a_coordinator_creates_an_organisation(client, db, login_as):
    login_as("coordinator")
    sector = factories.sector("faith")
    response = client.post(
        "/organisations/new", data={"name": "Leeds Faiths Forum", "sector": sector.id, "website": "https://lff.example.org"}
    )
    assert response.status_code == 302
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == "Leeds Faiths Forum"))
    assert organisation.sector_id == sector.id and organisation.website == "https://lff.example.org"
    assert organisation.normalised_key == "leeds faiths forum"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Leeds Faiths Forum" in html and "No members yet" in html


def test_a_duplicate_name_is_refused_at_the_field(client, db, login_as, make_organisation):
    make_organisation("The Bradford Youth Trust Ltd")
    login_as("coordinator")
    response = client.post(
        "/organisations/new", data={"name": "bradford youth trust", "sector": factories.sector().id, "website": ""}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "already exists" in html and 'value="bradford youth trust"' in html


def test_bad_input_comes_back_at_the_field(client, db, login_as):
    login_as("coordinator")
    response = client.post("/organisations/new", data={"name": "", "sector": "0", "website": "not a url"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose a sector." in html and "Enter a full address" in html and 'value="not a url"' in html


def test_only_coordinators_create_organisations(client, login_as):
    login_as("organiser")
    assert client.get("/organisations/new").status_code == 403


def test_the_coordinator_list_searches_and_paginates(client, db, login_as, make_organisation):
    for n in range(25):
        make_organisation(f"Searchable Group {n:02d}")
    make_organisation("Other Council")
    login_as("admin")
    first = client.get("/organisations/?all=1").get_data(as_text=True)
    second = client.get("/organisations/?all=1&page=2").get_data(as_text=True)
    assert 'aria-label="Page 2"' in first  # the pager links to the second page
    on_first = {n for n in range(25) if f"Searchable Group {n:02d}" in first}
    on_second = {n for n in range(25) if f"Searchable Group {n:02d}" in second}
    assert on_first and on_second and not on_first & on_second
    assert on_first | on_second == set(range(25))
    found = client.get("/organisations/?q=council&all=1").get_data(as_text=True)
    assert "Other Council" in found and "Searchable Group" not in found
    none = client.get("/organisations/?q=zzzz").get_data(as_text=True)
    assert "No organisation matches" in none


def test_the_coordinator_sees_host_organisations_first(
    client, db, login_as, make_organisation, make_event, make_user, make_registration
):
    hosting = make_organisation("Hosting Trust")
    make_event(host=hosting)
    with_members = make_organisation("Members Forum")
    make_user(role="door", organisation=with_members)
    employer = make_organisation("Attendee Employer Ltd")
    make_registration(event=make_event(host=hosting), organisation=employer)
    make_organisation("Just Added Group")
    login_as("admin")
    hosts = client.get("/organisations/").get_data(as_text=True)
    assert "Hosting Trust" in hosts and "Members Forum" in hosts and "Just Added Group" in hosts
    assert "Attendee Employer" not in hosts
    assert "Attendee Employer" in client.get("/organisations/?all=1").get_data(as_text=True)


def test_an_organiser_sees_only_its_own_organisations(client, db, login_as, make_organisation):
    mine = make_organisation("Mine Community Group")
    make_organisation("Someone Else's Group")
    login_as("organiser", mine)
    html = client.get("/organisations/").get_data(as_text=True)
    assert "Mine Community Group" in html and "Someone Else" not in html


def test_coordinator_invites_an_organiser_who_sets_a_password_and_signs_in(app, client, db, login_as, make_organisation):
    coordinator = login_as("coordinator")
    host = make_organisation("Crawley Good Relations",  # added by the coordinator's network
                             added_by_organisation_id=coordinator.memberships[0].organisation_id)
    response = invite(client, host, "new.organiser@example.org")
    assert response.status_code == 302
    [message] = messages_to(app, "new.organiser@example.org")
    assert "Crawley Good Relations" in message["Subject"]
    assert "choose your password" in body(message)
    path = path_of(link_in(message))
    client.post("/auth/logout")

    page = client.get(path).get_data(as_text=True)
    assert "Join Crawley Good Relations" in page and coordinator.name in page
    bad = client.post(path, data={"name": "Nia Organiser", "password": "short", "confirm": "short"})
    assert bad.status_code == 422 and 'value="Nia Organiser"' in bad.get_data(as_text=True)
    response = client.post(path, data={"name": "Nia Organiser", "password": PASSPHRASE, "confirm": PASSPHRASE})
    assert response.status_code == 302 and response.headers["Location"] == f"/organisations/{host.id}"
    user = db.session.scalar(select(User).where(User.email == "new.organiser@example.org"))
    assert user.roles_for(host.id) == {"organiser"} and user.name == "Nia Organiser"
    assert "Nia Organiser" in client.get(f"/organisations/{host.id}").get_data(as_text=True)  # signed in

    # The link is used up: it cannot create the account again or reset its password.
    client.post("/auth/logout")
    again = client.post(path, data={"name": "Intruder", "password": "intruder passphrase", "confirm": "intruder passphrase"})
    assert again.status_code == 410 and "This invitation has been used" in again.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSPHRASE)


def test_an_existing_account_signs_in_and_accepts(app, client, db, login_as, make_organisation, make_user):
    first, second = make_organisation(), make_organisation()
    existing = make_user(role="organiser", organisation=first)
    login_as("organiser", second)
    invite(client, second, existing.email.upper(), role="door")
    path = path_of(link_in(messages_to(app, existing.email.upper())[0]))
    client.post("/auth/logout")
    assert "Sign in as" in client.get(path).get_data(as_text=True)
    client.post("/auth/login", data={"email": existing.email, "password": factories.PASSWORD})
    assert client.post(path).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, existing.id).roles_for(second.id) == {"door"}
    assert db.session.get(User, existing.id).roles_for(first.id) == {"organiser"}  # several organisations


def test_an_invitation_is_refused_when_signed_in_as_someone_else(app, client, db, login_as, make_organisation):
    host = make_organisation()
    login_as("organiser", host)
    invite(client, host, "someone.new@example.org", role="door")
    path = path_of(link_in(messages_to(app, "someone.new@example.org")[0]))
    response = client.post(path, data={"name": "X", "password": PASSPHRASE, "confirm": PASSPHRASE})
    assert "this invitation is for someone.new@example.org" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "someone.new@example.org")) is None


def test_an_organiser_can_invite_organisers_and_door_volunteers_but_not_coordinators(app, client, db, login_as, make_organisation):
    host = make_organisation()
    login_as("organiser", host)
    html = client.get(f"/organisations/{host.id}/invite").get_data(as_text=True)
    assert 'value="door"' in html and 'value="organiser"' in html and 'value="coordinator"' not in html
    response = invite(client, host, "boss@example.org", role="coordinator")
    assert response.status_code == 422
    assert messages_to(app, "boss@example.org") == []


def test_a_coordinator_can_invite_a_coordinator_only_to_its_own_organisation(app, client, db, login_as, make_organisation):
    network = make_organisation("Coordinating Network")
    host = make_organisation(added_by_organisation_id=network.id)
    login_as("coordinator", network)
    assert invite(client, network, "deputy@example.org", role="coordinator").status_code == 302
    assert invite(client, host, "not.a.coordinator@example.org", role="coordinator").status_code == 422


def test_inviting_an_existing_member_is_refused_at_the_field(client, db, login_as, make_organisation, make_user):
    host = make_organisation()
    member = make_user(role="door", organisation=host)
    login_as("organiser", host)
    response = invite(client, host, member.email)
    assert response.status_code == 422 and "already a member" in response.get_data(as_text=True)


def test_an_organiser_removes_a_member_but_not_itself(client, db, login_as, make_organisation, make_user):
    host = make_organisation()
    door = make_user(role="door", organisation=host)
    organiser = login_as("organiser", host)
    door_membership = db.session.scalar(select(Membership).where(Membership.user_id == door.id))
    own = db.session.scalar(select(Membership).where(Membership.user_id == organiser.id))
    response = client.post(f"/organisations/{host.id}/members/{own.id}/remove", follow_redirects=True)
    assert "You cannot remove yourself" in response.get_data(as_text=True)
    response = client.post(f"/organisations/{host.id}/members/{door_membership.id}/remove", follow_redirects=True)
    assert "is no longer a member" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Membership, door_membership.id) is None
    assert db.session.get(Membership, own.id) is not None


def test_removing_a_member_takes_away_their_access(app, client, db, login_as, make_organisation, make_user):
    host = make_organisation()
    other = make_user(role="organiser", organisation=host)
    membership = db.session.scalar(select(Membership).where(Membership.user_id == other.id))
    their_client = app.test_client()
    their_client.post("/auth/login", data={"email": other.email, "password": factories.PASSWORD})
    assert their_client.get(f"/organisations/{host.id}").status_code == 200
    login_as("admin")
    client.post(f"/organisations/{host.id}/members/{membership.id}/remove")
    assert their_client.get(f"/organisations/{host.id}").status_code == 404


def test_an_organiser_cannot_remove_a_coordinator(client, db, login_as, make_organisation, make_user):
    host = make_organisation()
    coordinator = make_user(role="coordinator", organisation=host)
    membership = db.session.scalar(select(Membership).where(Membership.user_id == coordinator.id))
    login_as("organiser", host)
    response = client.post(f"/organisations/{host.id}/members/{membership.id}/remove", follow_redirects=True)
    assert "Only a coordinator of this organisation" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Membership, membership.id) is not None


def test_an_organiser_edits_its_organisation(client, db, login_as, make_organisation):
    host = make_organisation("Old Name Group")
    login_as("organiser", host)
    response = client.post(
        f"/organisations/{host.id}/edit", data={"name": "New Name Group", "sector": factories.sector("police").id, "website": ""}
    )
    assert response.status_code == 302
    db.session.expire_all()
    organisation = db.session.get(Organisation, host.id)
    assert organisation.name == "New Name Group" and organisation.normalised_key == "new name group"
    assert organisation.sector.code == "police"


def test_the_edit_form_comes_back_with_the_organisations_sector_chosen(client, db, login_as, make_organisation):
    """Saving the form as it came (only the privacy-notice addition changed) keeps the sector:
    the form used to come back with no sector chosen, and saving it was refused at the field."""
    import re

    host = make_organisation("Sector Kept Group")
    host.sector = factories.sector("faith")
    db.session.commit()
    login_as("organiser", host)
    page = client.get(f"/organisations/{host.id}/edit").get_data(as_text=True)
    chosen = [int(a or b) for a, b in re.findall(
        r'<option[^>]*\bselected\b[^>]*value="(\d+)"|<option[^>]*value="(\d+)"[^>]*\bselected\b', page)]
    assert chosen == [factories.sector("faith").id]
    response = client.post(f"/organisations/{host.id}/edit", data={
        "name": host.name, "sector": chosen[0], "website": "", "privacy_notice": "Ask for our data lead."})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Organisation, host.id)
    assert saved.sector.code == "faith" and saved.privacy_notice == "Ask for our data lead."
