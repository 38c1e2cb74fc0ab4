"""Consent questions and answers reach people by email (eventsapp.events.consent_emails).

A programme proposal is emailed to the programme's coordinators, a co-host request to the asked
organisation's organisers and coordinators, each with a link to /dashboard/requests; the answer is
emailed to whoever asked, with a link to the event. Every email is an outbox row written in the
transaction of the change; deactivated accounts and the person who answered their own question
get nothing, and an edit that needed no consent, or failed, writes nothing.
"""

from __future__ import annotations

import email
from email import policy

import pytest
from sqlalchemy import func, select

from eventsapp.models import CohostRequest, Event, Membership, OutboxMessage
from tests import factories

REQUESTS_LINK = "http://localhost/dashboard/requests"


@pytest.fixture
def world(db, host):
    """A network with a programme (two coordinators, one deactivated, an organiser who cannot answer
    for the programme), and a neighbouring organisation (an organiser, a coordinator, a deactivated
    organiser and a door volunteer)."""
    network = factories.make_organisation("Consent Network")
    programme = factories.make_programme(coordinator_organisation=network, name="Consent Programme")
    other = factories.make_organisation("Neighbouring Faith Forum")
    make = factories.make_user
    return {
        "network": network, "programme": programme, "other": other,
        "coordinators": [make(role="coordinator", organisation=network, name="Cora Network"),
                         make(role="coordinator", organisation=network, name="Colm Network")],
        "inactive_coordinator": make(role="coordinator", organisation=network, active=False),
        "network_organiser": make(role="organiser", organisation=network),
        "answerers": [make(role="organiser", organisation=other, name="Orla Forum"),
                      make(role="coordinator", organisation=other, name="Otto Forum")],
        "inactive_organiser": make(role="organiser", organisation=other, active=False),
        "door": make(role="door", organisation=other),
    }


def _rows() -> list[OutboxMessage]:
    from eventsapp.extensions import db

    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _count() -> int:
    from eventsapp.extensions import db

    return db.session.scalar(select(func.count(OutboxMessage.id)))


def _bodies(row: OutboxMessage) -> tuple[str, str]:
    """(plain text, HTML) of an outbox row's message."""
    message = email.message_from_bytes(row.payload, policy=policy.default)
    return (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content())


def _sign_in(client, user) -> None:
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD}).status_code == 302


def _addresses(rows) -> list[str]:
    return sorted(row.recipient for row in rows)


def test_a_programme_proposal_is_emailed_to_its_active_coordinators_and_the_answer_to_the_asker(
        client, db, organiser, event_form, world):
    before = _count()
    assert client.post("/events/new", data=event_form(programme=str(world["programme"].id))).status_code == 302
    event = db.session.scalar(select(Event))
    assert event.proposed_by_id == organiser.id
    rows = _rows()[before:]
    assert _addresses(rows) == sorted(u.email for u in world["coordinators"])
    for row in rows:
        assert row.subject == "Event proposed to Consent Programme: Building bridges in Crawley"
        text, html = _bodies(row)
        for body in (text, html):
            assert organiser.name in body and "Building bridges in Crawley" in body
            assert "Consent Programme" in body and "Crawley Good Relations Partnership" in body
            assert REQUESTS_LINK in body
        assert f'<a href="{REQUESTS_LINK}">' in html

    _sign_in(client, world["coordinators"][0])
    before = _count()
    assert client.post(f"/dashboard/requests/programme/{event.id}/accept").status_code == 302
    [answer] = _rows()[before:]
    assert answer.recipient == organiser.email
    assert answer.subject == "Accepted into Consent Programme: Building bridges in Crawley"
    text, html = _bodies(answer)
    assert "Cora Network accepted your proposal" in text and f"http://localhost/events/{event.id}/manage" in text
    assert f'<a href="http://localhost/events/{event.id}/manage">' in html
    db.session.expire_all()
    assert db.session.get(Event, event.id).proposed_by_id is None


def test_a_declined_proposal_is_emailed_to_the_asker(client, db, organiser, host, event_form, world):
    client.post("/events/new", data=event_form(programme=str(world["programme"].id)))
    event = db.session.scalar(select(Event))
    _sign_in(client, world["coordinators"][1])
    before = _count()
    assert client.post(f"/dashboard/requests/programme/{event.id}/decline").status_code == 302
    [answer] = _rows()[before:]
    assert (answer.recipient, answer.subject) == (
        organiser.email, "Not accepted into Consent Programme: Building bridges in Crawley")
    assert "Colm Network declined your proposal" in _bodies(answer)[0]


def test_a_co_host_request_is_emailed_to_the_organisations_answerers_and_the_answer_to_the_asker(
        client, db, organiser, event_form, world):
    before = _count()
    response = client.post("/events/new", data={**event_form(), "cohosts": [str(world["other"].id)]})
    assert response.status_code == 302
    rows = _rows()[before:]
    # The organiser and the coordinator; not the door volunteer, not the deactivated organiser.
    assert _addresses(rows) == sorted(u.email for u in world["answerers"])
    for row in rows:
        assert row.subject == "Asked to co-host: Building bridges in Crawley"
        text, html = _bodies(row)
        for body in (text, html):
            assert organiser.name in body and "Neighbouring Faith Forum" in body and REQUESTS_LINK in body

    request_row = db.session.scalar(select(CohostRequest))
    assert request_row.requested_by_id == organiser.id
    _sign_in(client, world["answerers"][0])
    before = _count()
    assert client.post(f"/dashboard/requests/cohost/{request_row.id}/accept").status_code == 302
    [answer] = _rows()[before:]
    assert (answer.recipient, answer.subject) == (
        organiser.email, "Neighbouring Faith Forum co-hosts Building bridges in Crawley")
    assert "Orla Forum accepted for Neighbouring Faith Forum" in _bodies(answer)[0]


def test_a_declined_co_host_request_is_emailed_to_the_asker(client, db, organiser, event_form, world):
    client.post("/events/new", data={**event_form(), "cohosts": [str(world["other"].id)]})
    request_row = db.session.scalar(select(CohostRequest))
    _sign_in(client, world["answerers"][1])
    before = _count()
    assert client.post(f"/dashboard/requests/cohost/{request_row.id}/decline").status_code == 302
    [answer] = _rows()[before:]
    assert (answer.recipient, answer.subject) == (
        organiser.email, "Neighbouring Faith Forum declined to co-host Building bridges in Crawley")


def test_saving_again_with_the_same_open_questions_emails_nobody_again(client, db, organiser, event_form, world):
    data = {**event_form(programme=str(world["programme"].id)), "cohosts": [str(world["other"].id)]}
    assert client.post("/events/new", data=data).status_code == 302
    event = db.session.scalar(select(Event))
    assert len(_rows()) == 4
    assert client.post(f"/events/{event.id}/edit", data={**data, "title": "Building bridges, again"}).status_code == 302
    assert len(_rows()) == 4


def test_nothing_is_written_when_the_editor_needed_no_consent(client, db, login_as, host, event_form, world):
    """The administrator answers for every programme and organisation: they do at once, nobody is asked."""
    factories.make_user(role="organiser", organisation=host)  # the administrator hosts for organisations with members
    login_as("admin")
    before = _count()
    data = {**event_form(programme=str(world["programme"].id)), "cohosts": [str(world["other"].id)]}
    assert client.post("/events/new", data=data).status_code == 302
    event = db.session.scalar(select(Event))
    assert event.programme_id == world["programme"].id and event.proposed_programme_id is None
    assert [o.id for o in event.cohosts] == [world["other"].id]
    assert _count() == before


def test_an_answer_to_ones_own_question_and_to_a_deactivated_asker_emails_nobody(
        client, db, organiser, event_form, world):
    data = {**event_form(programme=str(world["programme"].id)), "cohosts": [str(world["other"].id)]}
    client.post("/events/new", data=data)
    event = db.session.scalar(select(Event))
    request_row = db.session.scalar(select(CohostRequest))
    # The asker has since become a coordinator of the programme's network and answers themselves.
    db.session.add(Membership(user_id=organiser.id, organisation_id=world["network"].id, role="coordinator"))
    db.session.commit()
    before = _count()
    assert client.post(f"/dashboard/requests/programme/{event.id}/accept").status_code == 302
    assert _count() == before
    # The asker's account is deactivated before the co-host request is answered.
    organiser.active = False
    db.session.commit()
    _sign_in(client, world["answerers"][0])
    assert client.post(f"/dashboard/requests/cohost/{request_row.id}/decline").status_code == 302
    assert _count() == before


@pytest.mark.parametrize("bad", [
    {"ends_at": "2027-03-27T17:00"},  # ends before it starts
    {"title": ""},
    {"programme": "999999999999"},
])
def test_a_refused_form_writes_no_outbox_row(client, db, organiser, event_form, world, bad):
    before = _count()
    data = {**event_form(programme=str(world["programme"].id)), "cohosts": [str(world["other"].id)], **bad}
    response = client.post("/events/new", data=data)
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Event.id))) == 0
    assert _count() == before


def test_a_refused_edit_writes_no_outbox_row(client, db, organiser, host, event_form, world):
    assert client.post("/events/new", data=event_form()).status_code == 302
    event = db.session.scalar(select(Event))
    before = _count()
    data = {**event_form(programme=str(world["programme"].id)), "cohosts": [str(world["other"].id)],
            "ends_at": "2027-03-27T17:00"}
    assert client.post(f"/events/{event.id}/edit", data=data).status_code == 422
    assert _count() == before
    db.session.expire_all()
    assert db.session.get(Event, event.id).proposed_programme_id is None
    assert db.session.scalar(select(CohostRequest)) is None


def test_a_proposal_is_delivered_by_smtp(client, db, organiser, event_form, world, smtp):
    assert client.post("/events/new", data=event_form(programme=str(world["programme"].id))).status_code == 302
    states = {row.recipient: row.state for row in _rows()}
    assert states == {u.email: "sent" for u in world["coordinators"]}
    coordinator = world["coordinators"][0]
    [message] = smtp.to(coordinator.email)
    assert message["Subject"] == "Event proposed to Consent Programme: Building bridges in Crawley"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    assert REQUESTS_LINK in text and organiser.name in text
    assert f'href="{REQUESTS_LINK}"' in message.get_body(("html",)).get_content()
    assert smtp.to(world["inactive_coordinator"].email) == []


def test_the_askers_export_lists_their_open_questions_and_erasure_leaves_no_mail_naming_them(
        client, db, organiser, event_form, world, runner, tmp_path):
    """Who asked is account data: the subject-access export lists their open questions; erasing them
    removes the emails that name them (as for every email, eventsapp.privacy.people.erase) and their
    account keeps its id, deactivated, so the answer, when it comes, is emailed to nobody."""
    import json

    from eventsapp.models import User

    data = {**event_form(programme=str(world["programme"].id)), "cohosts": [str(world["other"].id)]}
    assert client.post("/events/new", data=data).status_code == 302
    event = db.session.scalar(select(Event))
    output = tmp_path / "asker.json"
    result = runner.invoke(args=["export-person", organiser.email, "--output", str(output)])
    assert result.exit_code == 0, result.output
    asked = json.loads(output.read_text())["account"]["requests_made"]
    assert [(r["event"], r["asked"]) for r in asked] == [
        ("Building bridges in Crawley", "the programme Consent Programme to include it"),
        ("Building bridges in Crawley", "Neighbouring Faith Forum to co-host it")]
    summary = output.with_suffix(".txt").read_text()
    assert "Building bridges in Crawley: you asked Neighbouring Faith Forum to co-host it on " in summary

    assert len(_rows()) == 4 and all(organiser.name in _bodies(row)[0] for row in _rows())
    result = runner.invoke(args=["erase-person", organiser.email, "--yes"])
    assert result.exit_code == 0, result.output
    assert _rows() == []
    db.session.expire_all()
    assert db.session.get(Event, event.id).proposed_by_id == organiser.id
    assert db.session.get(User, organiser.id).active is False
    _sign_in(client, world["coordinators"][0])
    assert client.post(f"/dashboard/requests/programme/{event.id}/accept").status_code == 302
    assert _rows() == []
