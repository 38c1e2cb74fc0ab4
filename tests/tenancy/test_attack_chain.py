"""Finding 1 of issue 13, as the attacker did it: a coordinator of a brand-new organisation
(network B) tries to take over a host of network A. Every step must be refused with 404 and
leave A untouched."""

from __future__ import annotations

from sqlalchemy import func, select

from eventsapp.models import Invitation, Membership, Organisation


def test_a_coordinator_of_another_network_cannot_take_over_a_host(client, db, login_as, make_user,
                                                                  make_organisation, make_programme,
                                                                  make_event, make_registration):
    # Network A: its coordinating organisation, a programme, a host with an organiser and an event.
    coordinating_a = make_organisation("Alliance Coordination A")
    programme_a = make_programme(slug="network-a", coordinator_organisation=coordinating_a)
    host_a = make_organisation("Riverside Community Hub")
    second_a = make_organisation("Riverside Youth Service")
    organiser_a = make_user(role="organiser", organisation=host_a, email="real.organiser@example.org")
    event_a = make_event(host=host_a, programme=programme_a, title="Riverside conversation")
    make_event(host=second_a, programme=programme_a, title="Youth service conversation")
    make_registration(event=event_a)

    # The attacker: coordinator of a brand-new organisation, with nothing to do with A.
    attacker_org = make_organisation("Brand New Network B")
    login_as("coordinator", attacker_org)

    invite = client.post(f"/organisations/{host_a.id}/invite",
                         data={"email": "attacker.sock@example.org", "role": "organiser"})
    assert invite.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0

    assert client.get(f"/events/{event_a.id}/registrations.csv").status_code == 404

    organiser_membership = db.session.scalar(select(Membership).where(Membership.user_id == organiser_a.id))
    remove = client.post(f"/organisations/{host_a.id}/members/{organiser_membership.id}/remove")
    assert remove.status_code == 404
    assert db.session.get(Membership, organiser_membership.id) is not None

    rename = client.post(f"/organisations/{host_a.id}/edit",
                         data={"name": "Taken Over", "sector": host_a.sector_id, "website": ""})
    assert rename.status_code == 404
    db.session.expire_all()
    assert db.session.get(Organisation, host_a.id).name == "Riverside Community Hub"

    organisations_before = db.session.scalar(select(func.count()).select_from(Organisation).where(
        Organisation.merged_into_id.is_(None)))
    merge = client.post("/organisations/merges/new",
                        data={"first": host_a.id, "second": second_a.id, "survivor": host_a.id})
    assert merge.status_code == 404
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Organisation).where(
        Organisation.merged_into_id.is_(None))) == organisations_before


def test_naming_an_organisation_as_co_host_does_not_hand_it_to_a_network(client, db, login_as, make_user,
                                                                          make_organisation, make_programme,
                                                                          make_event):
    victim = make_organisation("Hillside Faith Forum")
    make_user(role="organiser", organisation=victim)
    network_b = make_organisation("Network B Coordination")
    programme_b = make_programme(coordinator_organisation=network_b)
    host_b = make_organisation("Network B Host", added_by_organisation_id=network_b.id)
    make_event(host=host_b, programme=programme_b, cohosts=[victim])
    login_as("coordinator", network_b)
    assert client.get(f"/organisations/{host_b.id}").status_code == 200
    assert client.get(f"/organisations/{victim.id}").status_code == 404
    assert client.post(f"/organisations/{victim.id}/invite",
                       data={"email": "sock@example.org", "role": "organiser"}).status_code == 404


def test_a_merge_touching_an_organisation_used_elsewhere_needs_the_administrator(
        client, db, login_as, make_organisation, make_programme, make_event, make_registration):
    network_a, network_b = make_organisation("Network A Centre"), make_organisation("Network B Centre")
    programme_a = make_programme(coordinator_organisation=network_a)
    programme_b = make_programme(coordinator_organisation=network_b)
    shared = make_organisation("Shared Youth Project")  # attendees came to both networks' events
    local = make_organisation("Shared Youth Projects", added_by_organisation_id=network_a.id)
    make_registration(event=make_event(programme=programme_a), organisation=shared)
    make_registration(event=make_event(programme=programme_b), organisation=shared)
    login_as("coordinator", network_a)
    compare = client.get(f"/organisations/merges/new?first={local.id}&second={shared.id}")
    assert compare.status_code == 422 and "site administrator" in compare.get_data(as_text=True)
    merge = client.post("/organisations/merges/new", data={"first": local.id, "second": shared.id,
                                                           "survivor": local.id})
    assert merge.status_code == 422
    db.session.expire_all()
    assert db.session.get(Organisation, shared.id).merged_into_id is None
    client.post("/auth/logout")
    login_as("admin")
    merge = client.post("/organisations/merges/new", data={"first": local.id, "second": shared.id,
                                                           "survivor": local.id})
    assert merge.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, shared.id).merged_into_id == local.id
