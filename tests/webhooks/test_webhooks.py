"""Webhooks: deliveries written with the change, signed and verifiable with the README's recipe,
retried after failures, never delivered twice, and never sent to private addresses unless allowed.

Every delivery here goes over real HTTP to a receiver on loopback (tests/webhooks/conftest.py)."""

from __future__ import annotations

import json
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventsapp import outbox, webhooks
from eventsapp.models import OutboxMessage, Registration, WebhookEndpoint, utcnow
from eventsapp.outbox.tasks import deliver_message
from tests.registration.conftest import form_data
from tests.webhooks.conftest import verify

LOOPBACK = {"WEBHOOK_ALLOW_LOOPBACK": True}
ALL_EVENTS = ["registration.created", "registration.cancelled", "registration.promoted", "attendance.recorded",
              "event.published", "event.changed"]


def deliveries(db) -> list[OutboxMessage]:
    db.session.rollback()
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "webhook")
                                   .order_by(OutboxMessage.id)))


def endpoint_for(db, receiver, events=ALL_EVENTS, **owner) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(url=receiver.url, events=list(events), secret=webhooks.new_secret(), **owner)
    db.session.add(endpoint)
    db.session.commit()
    return endpoint


@pytest.fixture
def loopback(app):
    app.config.update(LOOPBACK)


def test_registering_an_endpoint_shows_the_secret_once_and_a_registration_arrives_signed(
        app, db, client, login_as, make_event, make_organisation, receiver, loopback):
    make_organisation("Thames Valley Police", sector_code="police")
    event = make_event(capacity=10)
    login_as("organiser", event.host)
    page = client.post(f"/organisations/{event.host_organisation_id}/webhooks", data={
        "url": receiver.url, "description": "Our CRM", "events": ["registration.created", "registration.cancelled"]})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    secret = re.search(r'id="new-secret" readonly value="([^"]+)"', html).group(1)
    assert secret.startswith("whsec_")
    listing = client.get(f"/organisations/{event.host_organisation_id}/webhooks").get_data(as_text=True)
    assert receiver.url in listing and secret not in listing  # shown once only
    client.post("/auth/logout")

    response = client.post(f"/events/{event.id}/register", data=form_data(email="ffion@example.org"))
    assert response.status_code == 302
    (request,) = receiver.requests  # delivered after the commit, by the (eager) worker task
    assert request.path == "/hooks/eventsapp"
    assert verify(secret, request.headers["eventsapp-signature"], request.body)
    assert not verify("whsec_wrong", request.headers["eventsapp-signature"], request.body)
    timestamp = int(request.headers["eventsapp-signature"].split(",")[0][2:])
    assert abs(timestamp - utcnow().timestamp()) < 60
    document = json.loads(request.body)
    registration = db.session.scalar(select(Registration))
    assert document["type"] == "registration.created" == request.headers["eventsapp-event"]
    assert document["data"]["registration"] == {"id": registration.id, "status": "confirmed"}
    assert document["data"]["event"]["id"] == event.id
    assert b"ffion" not in request.body  # no attendee's email or name
    (row,) = deliveries(db)
    assert request.headers["eventsapp-delivery"] == str(row.id)
    assert (row.state, row.attempts, row.response_status) == ("sent", 1, 200)


def test_every_subscribed_change_is_sent_and_unsubscribed_ones_are_not(app, db, make_event, make_programme,
                                                                        make_registration, receiver, loopback):
    from eventsapp.checkin.services import check_in
    from eventsapp.events.services import publish_event, update_event
    from eventsapp.registration.services import cancel_registration

    programme = make_programme()
    event = make_event(status="draft", programme=programme)
    endpoint_for(db, receiver, ["event.published", "attendance.recorded", "registration.cancelled",
                                "event.changed"], programme_id=programme.id)
    endpoint_for(db, receiver, ["registration.cancelled"], organisation_id=event.host_organisation_id)
    publish_event(event)
    db.session.commit()
    update_event(event, {"venue": "Corn Exchange"})
    db.session.commit()
    registration = make_registration(event=event)  # written directly: no registration.created anyway
    check_in(registration, None)
    db.session.commit()
    cancel_registration(db.session.get(Registration, registration.id))
    db.session.commit()
    kinds = [json.loads(r.body)["type"] for r in receiver.requests]
    assert kinds == ["event.published", "event.changed", "attendance.recorded",
                     "registration.cancelled", "registration.cancelled"]
    changed = json.loads(receiver.requests[1].body)["data"]
    assert changed["changed"] == ["venue"] and changed["event"]["venue"] == "Corn Exchange"


def test_a_place_given_from_the_waitlist_is_sent_as_registration_promoted(app, db, make_event, make_registration,
                                                                         receiver, loopback):
    from eventsapp.registration.services import cancel_registration, promote

    event = make_event(capacity=1)
    endpoint_for(db, receiver, ["registration.promoted"], organisation_id=event.host_organisation_id)
    first = make_registration(event=event, status="confirmed")
    second = make_registration(event=event, status="waitlisted")
    third = make_registration(event=event, status="waitlisted")
    cancel_registration(db.session.get(Registration, first.id))  # frees the place: the first in line gets it
    db.session.commit()
    assert promote(db.session.get(Registration, third.id), override_capacity=True)  # the organiser's choice
    db.session.commit()
    sent = [json.loads(r.body) for r in receiver.requests]
    assert [d["type"] for d in sent] == ["registration.promoted", "registration.promoted"]
    assert [d["data"]["registration"] for d in sent] == [{"id": second.id, "status": "confirmed"},
                                                         {"id": third.id, "status": "confirmed"}]
    assert all(d["data"]["event"]["id"] == event.id for d in sent)


def test_a_rolled_back_change_sends_nothing(app, db, make_event, receiver, loopback):
    from eventsapp.events.services import publish_event

    event = make_event(status="draft")
    endpoint_for(db, receiver, organisation_id=event.host_organisation_id)
    publish_event(event)
    db.session.flush()
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 1
    db.session.rollback()
    assert deliveries(db) == [] and receiver.requests == []


def test_a_receiver_failing_twice_gets_it_on_the_third_attempt(app, db, make_event, receiver, loopback):
    from eventsapp.events.services import publish_event

    receiver.plan = [500, 503]
    event = make_event(status="draft")
    endpoint = endpoint_for(db, receiver, organisation_id=event.host_organisation_id)
    publish_event(event)
    db.session.commit()
    (row,) = deliveries(db)
    assert (row.state, row.attempts, row.response_status) == ("pending", 1, 500)
    assert "HTTP 500" in row.last_error
    assert row.next_attempt_at > utcnow() + timedelta(seconds=50)  # backoff: a minute
    assert outbox.deliver(row.id) is None  # not due yet
    for expected_state, attempts in (("pending", 2), ("sent", 3)):
        row.next_attempt_at = utcnow() - timedelta(seconds=1)  # the backoff has passed
        db.session.commit()
        assert outbox.sweep() == 1  # beat's sweep queues it; the worker delivers
        (row,) = deliveries(db)
        assert (row.state, row.attempts) == (expected_state, attempts)
    assert row.response_status == 200 and row.last_error is None
    assert len(receiver.requests) == 3
    assert len({r.headers["eventsapp-delivery"] for r in receiver.requests}) == 1  # one delivery, retried
    assert len({r.body for r in receiver.requests}) == 1
    assert all(verify(endpoint.secret, r.headers["eventsapp-signature"], r.body) for r in receiver.requests)


def test_running_the_task_again_delivers_nothing_more(app, db, make_event, receiver, loopback):
    from eventsapp.events.services import publish_event

    event = make_event(status="draft")
    endpoint_for(db, receiver, organisation_id=event.host_organisation_id)
    publish_event(event)
    db.session.commit()
    (row,) = deliveries(db)
    assert row.state == "sent" and len(receiver.requests) == 1
    deliver_message.delay(row.id)
    deliver_message.delay(row.id)
    assert outbox.sweep() == 0
    assert outbox.send_pending() == {}
    # A second worker while the first still holds the claim takes nothing either.
    row.state, row.claimed_until = "sending", utcnow() + timedelta(minutes=5)
    db.session.commit()
    assert outbox.deliver(row.id) is None and outbox.deliver(row.id, ignore_backoff=True) is None
    assert len(receiver.requests) == 1


def test_two_workers_at_once_deliver_it_once(app, db, make_event, receiver, loopback):
    from eventsapp.events.services import publish_event

    receiver.plan = [500]
    event = make_event(status="draft")
    endpoint_for(db, receiver, organisation_id=event.host_organisation_id)
    publish_event(event)
    db.session.commit()
    (row,) = deliveries(db)
    row.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    receiver.delay = 0.5  # the first worker is still sending when the second one starts
    results = []

    def worker():
        with app.app_context():
            results.append(outbox.deliver(row.id))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results, key=str) == [None, "sent"]
    assert len(receiver.requests) == 2  # the failed first attempt, then exactly one more


@pytest.mark.parametrize("url", [
    "https://10.1.2.3/hook", "https://192.168.0.10/hook", "https://172.16.5.4/hook", "https://169.254.169.254/latest",
    "https://[::1]/hook", "https://127.0.0.1/hook", "https://localhost/hook", "https://[::ffff:10.0.0.1]/hook",
    "https://[fd00::1]/hook", "https://100.64.0.1/hook", "https://0.0.0.0/hook", "https://224.0.0.1/hook",
    "http://93.184.216.34/hook", "ftp://93.184.216.34/hook", "https://user:pw@93.184.216.34/hook", "hook",
])
def test_private_reserved_and_plain_http_addresses_are_refused(app, db, url):
    with pytest.raises(webhooks.AddressRefused):
        webhooks.check_address(url)


def test_a_public_https_address_is_accepted(app, db):
    assert webhooks.check_address("https://93.184.216.34/hook") == ["93.184.216.34"]


def test_the_administrator_can_allow_a_private_network_or_host(app, db):
    app.config["WEBHOOK_ALLOWED_HOSTS"] = "10.0.0.0/8, hooks.internal"
    assert webhooks.check_address("https://10.1.2.3/hook") == ["10.1.2.3"]
    with pytest.raises(webhooks.AddressRefused):
        webhooks.check_address("https://192.168.0.10/hook")  # not in the allowed list
    with pytest.raises(webhooks.AddressRefused):
        webhooks.check_address("http://10.1.2.3/hook")  # still HTTPS only


def test_the_form_refuses_a_private_address_at_the_field(app, db, client, login_as, make_organisation):
    organisation = make_organisation()
    login_as("organiser", organisation)
    response = client.post(f"/organisations/{organisation.id}/webhooks", data={
        "url": "https://10.9.8.7/hooks", "events": ["event.changed"]})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "private, loopback or reserved address" in html and 'value="https://10.9.8.7/hooks"' in html
    assert db.session.scalar(select(WebhookEndpoint)) is None
    app.config["WEBHOOK_ALLOWED_HOSTS"] = "10.9.8.7"
    response = client.post(f"/organisations/{organisation.id}/webhooks", data={
        "url": "https://10.9.8.7/hooks", "events": ["event.changed"]})
    assert response.status_code == 200
    assert db.session.scalar(select(WebhookEndpoint.url)) == "https://10.9.8.7/hooks"


def test_a_loopback_receiver_is_not_called_unless_allowed(app, db, make_event, receiver):
    from eventsapp.events.services import publish_event

    event = make_event(status="draft")
    endpoint_for(db, receiver, organisation_id=event.host_organisation_id)  # saved while it was allowed
    publish_event(event)
    db.session.commit()
    (row,) = deliveries(db)
    assert row.state == "failed" and row.last_error.startswith("Refused: 127.0.0.1 is a private")
    assert receiver.requests == []


def test_send_test_button_and_the_delivery_log(app, db, client, login_as, make_organisation, receiver, loopback):
    organisation = make_organisation()
    login_as("organiser", organisation)
    endpoint = endpoint_for(db, receiver, ["event.changed"], organisation_id=organisation.id)
    assert "Nothing has been sent yet" in client.get(f"/webhooks/{endpoint.id}").get_data(as_text=True)
    response = client.post(f"/webhooks/{endpoint.id}/test")
    assert response.status_code == 302
    (request,) = receiver.requests
    assert json.loads(request.body)["type"] == "webhook.test"
    assert verify(endpoint.secret, request.headers["eventsapp-signature"], request.body)
    receiver.plan = [500]
    client.post(f"/webhooks/{endpoint.id}/test")
    html = client.get(f"/webhooks/{endpoint.id}").get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<td>(\d+)</td>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>", html)
    assert [(state) for _id, _kind, state in rows] == ["pending", "sent"]  # newest first
    assert "HTTP 500" in html
    failed = deliveries(db)[-1]
    failed.state = "failed"  # as after OUTBOX_MAX_ATTEMPTS attempts
    db.session.commit()
    assert "Try again" in client.get(f"/webhooks/{endpoint.id}").get_data(as_text=True)
    assert client.post(f"/webhooks/{endpoint.id}/deliveries/{failed.id}/retry").status_code == 302
    assert [r.state for r in deliveries(db)] == ["sent", "sent"]
    assert len(receiver.requests) == 3
    assert receiver.requests[2].headers["eventsapp-delivery"] == str(failed.id)
    assert client.post(f"/webhooks/{endpoint.id}/delete").status_code == 302
    assert db.session.scalar(select(WebhookEndpoint)) is None
    assert deliveries(db) == []
    assert client.get(f"/webhooks/{endpoint.id}").status_code == 404


def test_a_programme_coordinator_registers_for_the_programme(app, db, client, login_as, make_organisation,
                                                              make_programme, make_event, receiver, loopback):
    from eventsapp.events.services import publish_event

    network = make_organisation()
    programme = make_programme(coordinator_organisation=network)
    login_as("coordinator", network)
    response = client.post(f"/programmes/{programme.slug}/webhooks",
                           data={"url": receiver.url, "events": ["event.published"]})
    assert response.status_code == 200
    endpoint = db.session.scalar(select(WebhookEndpoint))
    assert (endpoint.programme_id, endpoint.organisation_id) == (programme.id, None)
    other = make_event(status="draft")  # not in the programme
    publish_event(other)
    inside = make_event(status="draft", programme=programme)
    publish_event(inside)
    db.session.commit()
    (request,) = receiver.requests
    assert json.loads(request.body)["data"]["event"]["id"] == inside.id


@pytest.mark.parametrize("url", ["https://exa mple.org/ü", "https://exa%20mple.org/hook", "https://a..b/hook",
                                 "https://-bad-.example.org/hook", "https://" + "x" * 64 + ".example.org/hook",
                                 "https://ex!ample.org/hook", " https://example.org/a b"])
def test_a_host_that_cannot_be_a_name_is_refused_with_a_clear_message(app, db, url):
    """Walkthrough finding 4: the host's syntax was never checked, and a name that does not resolve passed."""
    with pytest.raises(webhooks.AddressRefused, match="not a valid host name|Remove the spaces"):
        webhooks.check_address(url)


def test_a_host_name_in_any_script_is_accepted(app, db, monkeypatch):
    looked_up = []
    monkeypatch.setattr(webhooks, "resolve", lambda host, port: looked_up.append(host) or ["93.184.216.34"])
    assert webhooks.check_address("https://bücher.example/hooks/ü") == ["93.184.216.34"]
    assert webhooks.check_address("https://hooks.example.org./x") == ["93.184.216.34"]
    assert looked_up == ["bücher.example", "hooks.example.org."]


def test_the_form_shows_every_problem_at_once(app, db, client, login_as, make_organisation):
    """Walkthrough finding 5: the address's problem only showed once an event type was ticked."""
    organisation = make_organisation()
    login_as("organiser", organisation)
    response = client.post(f"/organisations/{organisation.id}/webhooks", data={"url": "https://exa mple.org/ü"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="url-error"[^>]*>Remove the spaces from the address', html)
    assert "Choose at least one kind of change to send." in html
    assert db.session.scalar(select(WebhookEndpoint)) is None
