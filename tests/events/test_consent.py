"""Finding 10 of issue 13: joining a programme and co-hosting need the other side's consent.

An organiser who puts their event in someone else's programme only proposes it: the
programme's coordinator gets nothing of it until they accept. Naming another organisation
as co-host only asks it: it is a co-host once its organiser accepts.
"""

from __future__ import annotations

from sqlalchemy import select

from eventsapp.models import Event


def _setting(db, make_organisation, make_programme, make_user):
    network = make_organisation("Consent Network")
    programme = make_programme(coordinator_organisation=network, name="Consent Programme")
    coordinator = make_user(role="coordinator", organisation=network)
    other = make_organisation("Neighbouring Faith Forum")
    other_organiser = make_user(role="organiser", organisation=other)
    return network, programme, coordinator, other, other_organiser


def _sign_in(client, user):
    from tests import factories

    client.post("/auth/logout")
    assert client.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 302


def test_putting_an_event_in_another_networks_programme_is_a_proposal(client, db, organiser, host, event_form,
                                                                     make_organisation, make_programme, make_user):
    network, programme, coordinator, _, _ = _setting(db, make_organisation, make_programme, make_user)
    response = client.post("/events/new", data=event_form(programme=str(programme.id)))
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert event.programme_id is None and event.proposed_programme_id == programme.id
    # Until accepted, the programme's coordinator gets nothing of it.
    _sign_in(client, coordinator)
    assert client.get(f"/events/{event.id}/manage").status_code == 404
    page = client.get("/dashboard/requests").get_data(as_text=True)
    assert event.title in page and "Consent Programme" in page
    assert client.post(f"/dashboard/requests/programme/{event.id}/accept").status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).programme_id == programme.id
    assert client.get(f"/events/{event.id}/manage").status_code == 200
    assert "No requests are waiting" in client.get("/dashboard/requests").get_data(as_text=True)


def test_a_declined_programme_proposal_grants_nothing(client, db, organiser, host, make_event,
                                                      make_organisation, make_programme, make_user):
    _, programme, coordinator, _, _ = _setting(db, make_organisation, make_programme, make_user)
    event = make_event(host=host, status="draft", proposed_programme_id=programme.id)
    _sign_in(client, coordinator)
    assert client.post(f"/dashboard/requests/programme/{event.id}/decline").status_code == 302
    db.session.expire_all()
    declined = db.session.get(Event, event.id)
    assert declined.programme_id is None and declined.proposed_programme_id is None
    assert client.get(f"/events/{event.id}/manage").status_code == 404


def test_naming_a_co_host_asks_it_first(client, db, organiser, host, event_form, make_organisation,
                                        make_programme, make_user):
    _, _, _, other, other_organiser = _setting(db, make_organisation, make_programme, make_user)
    response = client.post("/events/new", data={**event_form(), "cohosts": [str(other.id)]})
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert event.cohosts == []
    # Someone else (the requesting organiser) cannot accept on the other organisation's behalf.
    requests_page = client.get("/dashboard/requests").get_data(as_text=True)
    assert "Accept" not in requests_page
    from eventsapp.models import CohostRequest

    request_row = db.session.scalar(select(CohostRequest))
    assert client.post(f"/dashboard/requests/cohost/{request_row.id}/accept").status_code == 404
    _sign_in(client, other_organiser)
    assert event.title in client.get("/dashboard/requests").get_data(as_text=True)
    assert client.post(f"/dashboard/requests/cohost/{request_row.id}/accept").status_code == 302
    db.session.expire_all()
    assert [o.id for o in db.session.get(Event, event.id).cohosts] == [other.id]
    assert db.session.scalar(select(CohostRequest)) is None


def test_a_declined_co_host_request_leaves_no_co_host(client, db, organiser, host, event_form,
                                                      make_organisation, make_programme, make_user):
    _, _, _, other, other_organiser = _setting(db, make_organisation, make_programme, make_user)
    client.post("/events/new", data={**event_form(), "cohosts": [str(other.id)]})
    from eventsapp.models import CohostRequest

    request_row = db.session.scalar(select(CohostRequest))
    _sign_in(client, other_organiser)
    assert client.post(f"/dashboard/requests/cohost/{request_row.id}/decline").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Event)).cohosts == []
    assert db.session.scalar(select(CohostRequest)) is None
