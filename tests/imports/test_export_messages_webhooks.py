"""The programme export carries the messages organisers sent (with their recipients) and the webhook
endpoints of the programme's events (without their secrets) with their delivery history; a restore
into an empty database (the other backend when TEST_DATABASE_URL is set) brings them back as a
record: nothing is sent again, endpoints come back disabled with a new secret."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import datetime

from sqlalchemy import func, select

from eventsapp import create_app, webhooks
from eventsapp.extensions import db as _db
from eventsapp.imports.export import COLUMNS
from eventsapp.messages.audiences import Scope
from eventsapp.messages.services import send_message
from eventsapp.models import (
    Event,
    Message,
    MessageRecipient,
    OutboxMessage,
    Person,
    Programme,
    Registration,
    WebhookDeliveryRecord,
    WebhookEndpoint,
)
from eventsapp.privacy.people import erase, identity_of
from eventsapp.reference_data import seed_reference_data
from tests import factories
from tests.conftest import base_config
from tests.imports.test_restore import other_backend_url  # noqa: F401 (a fixture)

NEW_FILES = ("messages.csv", "message_recipients.csv", "webhook_endpoints.csv", "webhook_deliveries.csv")


def _csv(archive: zipfile.ZipFile, name: str) -> tuple[list[str], list[dict]]:
    text = archive.read(name).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    return header, list(csv.DictReader(io.StringIO(text)))


def _programme_with_messages_and_webhooks():
    """A programme whose organiser wrote to an event's registrants and a coordinator to the network,
    with a programme endpoint and a host endpoint that have delivered (one failed), and one person
    (a recipient of both messages) erased since."""
    programme = factories.make_programme(slug="written")
    event = factories.make_event(programme=programme, starts_at=datetime(2024, 5, 9, 9, 0))
    kept, erased, waiting = factories.make_person(), factories.make_person(), factories.make_person()
    registrations = {
        "kept": factories.make_registration(event=event, person=kept, attended=True, consent_contact=True),
        "erased": factories.make_registration(event=event, person=erased, attended=True, consent_contact=True),
        "waiting": factories.make_registration(event=event, person=waiting, status="waitlisted"),
    }
    organiser = factories.make_user(role="organiser", organisation=event.host, name="Olwen Organiser")
    send_message(Scope(event=event), "confirmed", "=Parking", "The car park is closed.", "plain", organiser,
                 "http://localhost")
    send_message(Scope(programme=programme), "network", "News", "**Next year** too", "markdown", organiser,
                 "http://localhost")
    programme_hook = webhooks.create_endpoint(url="https://crm.example.org/hook", events=["event.changed"],
                                              description="CRM", programme_id=programme.id)
    host_hook = webhooks.create_endpoint(url="https://host.example.org/hook",
                                         events=["registration.created", "attendance.recorded"],
                                         organisation_id=event.host_organisation_id)
    stranger = factories.make_organisation("Unrelated Trust")
    webhooks.create_endpoint(url="https://elsewhere.example.org/hook", events=["event.changed"],
                             organisation_id=stranger.id)
    _db.session.add_all([
        OutboxMessage(kind="webhook", recipient=programme_hook.url, subject="event.changed", payload=b"{}",
                      endpoint_id=programme_hook.id, state="sent", attempts=1, response_status=204,
                      created_at=datetime(2024, 5, 1, 10, 0), sent_at=datetime(2024, 5, 1, 10, 0, 2)),
        OutboxMessage(kind="webhook", recipient=host_hook.url, subject="registration.created", payload=b"{}",
                      endpoint_id=host_hook.id, state="failed", attempts=8, response_status=500,
                      last_error="HTTP 500", created_at=datetime(2024, 5, 2, 11, 0)),
    ])
    _db.session.commit()
    erased_email = erased.email
    erase(identity_of(erased_email), datetime(2024, 6, 1))
    _db.session.commit()
    secrets = {programme_hook.id: programme_hook.secret, host_hook.id: host_hook.secret}
    return programme, registrations, erased_email, secrets


def _snapshot():
    """What the restore must bring back, in comparable form."""
    messages = sorted((m.id, m.event_id, m.programme_id, m.audience, m.subject, m.body, m.body_format, m.sender_name,
                       m.sent_at, m.recipients_count) for m in _db.session.scalars(select(Message)))
    recipients = sorted(_db.session.execute(select(MessageRecipient.message_id, MessageRecipient.person_id)).all())
    return messages, recipients


def test_messages_and_webhooks_leave_in_the_export_and_come_back_as_a_record(
        runner, db, tmp_path, other_backend_url):  # noqa: F811
    programme, registrations, erased_email, secrets = _programme_with_messages_and_webhooks()
    event_message = db.session.scalar(select(Message).where(Message.event_id.is_not(None)))
    network_message = db.session.scalar(select(Message).where(Message.programme_id == programme.id))
    assert event_message.recipients_count == 2 and network_message.recipients_count == 2
    messages, recipients = _snapshot()
    assert len(recipients) == 4  # the erased person's outbox rows went; who received what did not
    hook_rows = {e.id: (e.url, e.events, e.description, e.created_at) for e in db.session.scalars(
        select(WebhookEndpoint).where(WebhookEndpoint.id.in_(secrets)))}

    archive = tmp_path / "written.zip"
    exported = runner.invoke(args=["export-programme", "written", "--output", str(archive)])
    assert exported.exit_code == 0, exported.output
    with zipfile.ZipFile(archive) as opened:
        names = set(opened.namelist())
        everything = b"".join(opened.read(name) for name in names)
        files = {name: _csv(opened, name) for name in NEW_FILES}
        readme = opened.read("README.txt").decode()
    assert set(NEW_FILES) <= names
    for name, (header, _rows) in files.items():
        assert header == [column for column, _ in COLUMNS[name]], name
        assert f"{name} (" in readme
    assert "without their signing secrets" in readme

    _, message_rows = files["messages.csv"]
    assert [(int(r["message id"]), r["audience"], r["subject"], r["body format"], r["sender name"],
             int(r["recipients count"])) for r in message_rows] == [
        (event_message.id, "confirmed", "'=Parking", "plain", "Olwen Organiser", 2),
        (network_message.id, "network", "News", "markdown", "Olwen Organiser", 2)]
    assert message_rows[0]["event id"] == str(registrations["kept"].event_id) and message_rows[0]["programme id"] == ""
    assert message_rows[1]["event id"] == "" and message_rows[1]["programme id"] == str(programme.id)
    _, recipient_rows = files["message_recipients.csv"]
    assert sorted((int(r["message id"]), int(r["person id"]), r["registration id"]) for r in recipient_rows) == sorted(
        [(event_message.id, registrations[k].person_id, str(registrations[k].id)) for k in ("kept", "erased")]
        + [(network_message.id, registrations[k].person_id, "") for k in ("kept", "erased")])
    # The erased person stays a recipient by id only: their address is nowhere in the export.
    assert erased_email.encode() not in everything and registrations["kept"].person.email.encode() in everything

    _, endpoint_rows = files["webhook_endpoints.csv"]
    assert [(int(r["endpoint id"]), r["owner"], r["url"], r["events"], r["active"]) for r in endpoint_rows] == [
        (min(secrets), "programme", "https://crm.example.org/hook", "event.changed", "yes"),
        (max(secrets), "organisation", "https://host.example.org/hook",
         "registration.created | attendance.recorded", "yes")]
    assert b"elsewhere.example.org" not in everything  # an endpoint of no host of the programme
    assert not any(secret.encode() in everything for secret in secrets.values())
    assert b"whsec_" not in everything
    _, delivery_rows = files["webhook_deliveries.csv"]
    assert [(int(r["endpoint id"]), r["event type"], r["status"], r["attempts"], r["answer status"],
             r["created at utc"], r["delivered at utc"]) for r in delivery_rows] == [
        (min(secrets), "event.changed", "sent", "1", "204", "2024-05-01 10:00:00.000000",
         "2024-05-01 10:00:02.000000"),
        (max(secrets), "registration.created", "failed", "8", "500", "2024-05-02 11:00:00.000000", "")]

    other = create_app(base_config(tmp_path / "other", other_backend_url))
    with other.app_context():
        _db.create_all()
        seed_reference_data()
        _db.session.commit()
        try:
            result = other.test_cli_runner().invoke(args=["import-programme", str(archive)])
            assert result.exit_code == 0, result.output
            assert "2 messages" in result.output and "4 message recipients" in result.output
            assert "2 webhook endpoints came back disabled, each with a new signing secret" in result.output
            assert _snapshot() == (messages, recipients)
            assert _db.session.scalar(select(Person.email).where(
                Person.id == registrations["erased"].person_id)) is None
            restored = {e.id: e for e in _db.session.scalars(select(WebhookEndpoint))}
            assert set(restored) == set(secrets)
            for endpoint_id, endpoint in restored.items():
                assert not endpoint.active
                assert endpoint.secret.startswith("whsec_") and endpoint.secret != secrets[endpoint_id]
                assert (endpoint.url, endpoint.events, endpoint.description, endpoint.created_at) == hook_rows[
                    endpoint_id]
            history = _db.session.execute(select(
                WebhookDeliveryRecord.endpoint_id, WebhookDeliveryRecord.event_type, WebhookDeliveryRecord.state,
                WebhookDeliveryRecord.attempts, WebhookDeliveryRecord.response_status, WebhookDeliveryRecord.sent_at)
                .order_by(WebhookDeliveryRecord.created_at)).all()
            assert [tuple(row) for row in history] == [
                (min(secrets), "event.changed", "sent", 1, 204, datetime(2024, 5, 1, 10, 0, 2)),
                (max(secrets), "registration.created", "failed", 8, 500, None)]
            # Nothing was sent again: no mail, no delivery; and a change writes none to a disabled endpoint.
            assert _db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
            event = _db.session.scalar(select(Event))
            assert webhooks.emit("event.changed", event) == []
            # Once its owner enables it (a new secret, shown then), deliveries are written again.
            programme_hook = restored[min(secrets)]
            secret = webhooks.enable_endpoint(programme_hook)
            assert programme_hook.active and secret == programme_hook.secret != secrets[programme_hook.id]
            assert [row.endpoint_id for row in webhooks.emit("event.changed", event)] == [programme_hook.id]
            _db.session.rollback()
        finally:
            _db.session.remove()
            _db.engine.dispose()


def _counts() -> dict[str, int]:
    return {model.__tablename__: _db.session.scalar(select(func.count()).select_from(model))
            for model in (Programme, Event, Person, Registration, Message, MessageRecipient, WebhookEndpoint,
                          WebhookDeliveryRecord, OutboxMessage)}


def _edited(archive, tmp_path, name: str, edit) -> str:
    with zipfile.ZipFile(archive) as source:
        parts = {part: source.read(part) for part in source.namelist()}
    parts[name] = edit(parts[name])
    broken = tmp_path / f"broken-{len(list(tmp_path.glob('broken-*')))}.zip"
    with zipfile.ZipFile(broken, "w") as target:
        for part, data in parts.items():
            target.writestr(part, data)
    return str(broken)


def test_a_malformed_messages_file_is_refused_in_words_and_nothing_is_written(
        runner, db, tmp_path, other_backend_url):  # noqa: F811
    _programme_with_messages_and_webhooks()
    archive = tmp_path / "written.zip"
    assert runner.invoke(args=["export-programme", "written", "--output", str(archive)]).exit_code == 0
    unknown_audience = _edited(archive, tmp_path, "messages.csv", lambda data: data.replace(b",confirmed,", b",everyone,"))
    no_column = _edited(archive, tmp_path, "messages.csv", lambda data: data.replace(b"body format", b"format"))
    bad_date = _edited(archive, tmp_path, "messages.csv", lambda data: re.sub(rb"2\d{3}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+",
                                                                            b"yesterday", data))
    first_message = db.session.scalar(select(func.min(Message.id)))
    stranger = _edited(archive, tmp_path, "message_recipients.csv",
                       lambda data: data.rstrip(b"\r\n") + f"\r\n{first_message},999999,\r\n".encode())
    bad_status = _edited(archive, tmp_path, "webhook_deliveries.csv", lambda data: data.replace(b",sent,", b",sending?,"))

    other = create_app(base_config(tmp_path / "other", other_backend_url))
    with other.app_context():
        _db.create_all()
        seed_reference_data()
        _db.session.commit()
        try:
            empty = _counts()
            assert set(empty.values()) == {0}
            for path, words in (
                    (unknown_audience, "messages.csv: message"),
                    (no_column, "messages.csv or message_recipients.csv lacks the column 'body format'"),
                    (bad_date, "A value in messages.csv or message_recipients.csv cannot be read"),
                    (stranger, f"message_recipients.csv: message {first_message} or person 999999 is not in"),
                    (bad_status, "webhook_deliveries.csv: the status “sending?” is not one of")):
                refused = other.test_cli_runner().invoke(args=["import-programme", path])
                assert refused.exit_code == 1, refused.output
                assert "Nothing was restored" in refused.output and words in refused.output, refused.output
                _db.session.expire_all()
                assert _counts() == empty  # the programme, its events and people were not written either
            restored = other.test_cli_runner().invoke(args=["import-programme", str(archive)])
            assert restored.exit_code == 0, restored.output
            assert _counts()["message"] == 2 and _counts()["outbox_message"] == 0
        finally:
            _db.session.remove()
            _db.engine.dispose()


def test_a_disabled_endpoint_is_enabled_by_its_owner_with_a_new_secret_shown_once(client, db, login_as, make_event):
    event = make_event()
    endpoint = WebhookEndpoint(url="https://host.example.org/hook", events=["event.changed"],
                               secret=webhooks.new_secret(), organisation_id=event.host_organisation_id, active=False)
    db.session.add(endpoint)
    db.session.commit()
    old_secret, endpoint_id = endpoint.secret, endpoint.id
    assert webhooks.emit("event.changed", event) == []
    login_as("organiser", event.host)
    page = client.get(f"/webhooks/{endpoint_id}").get_data(as_text=True)
    assert "This endpoint is disabled" in page and "Enable with a new secret" in page
    tested = client.post(f"/webhooks/{endpoint_id}/test", follow_redirects=True).get_data(as_text=True)
    assert "enable it (with a new secret) before sending a test" in tested
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    enabled = client.post(f"/webhooks/{endpoint_id}/enable")
    assert enabled.status_code == 200
    secret = re.search(r'id="new-secret" readonly value="([^"]+)"', enabled.get_data(as_text=True)).group(1)
    db.session.rollback()
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    assert endpoint.active and endpoint.secret == secret != old_secret
    again = client.get(f"/webhooks/{endpoint_id}").get_data(as_text=True)
    assert secret not in again and "This endpoint is disabled" not in again
    assert len(webhooks.emit("event.changed", event)) == 1


def test_the_messages_a_person_received_are_in_their_subject_access_export(db):
    from eventsapp.privacy.export import person_data, render_summary

    programme = factories.make_programme(slug="asked")
    event = factories.make_event(programme=programme)
    registration = factories.make_registration(event=event)
    organiser = factories.make_user(role="organiser", organisation=event.host)
    send_message(Scope(event=event), "confirmed", "Parking", "Closed.", "plain", organiser, "http://localhost")
    db.session.commit()
    db.session.execute(OutboxMessage.__table__.delete())  # the mail delivered and pruned: the record stays
    db.session.commit()
    data = person_data(identity_of(registration.person.email))
    assert [(m["subject"], m["about"], m["audience"]) for m in data["messages_received"]] == [
        ("Parking", event.title, "confirmed")]
    assert f": Parking (about {event.title})" in render_summary(data).decode()


def test_a_coordinators_export_has_the_programmes_endpoints_not_the_hosts(client, db, login_as):
    """A host's endpoints are its organisers' (a coordinator gets 403 on them): the coordinator's web
    export leaves them out; the administrator's (web or CLI) carries them."""
    programme, _registrations, _email, secrets = _programme_with_messages_and_webhooks()
    coordinator = factories.make_user(role="coordinator", organisation=factories.make_organisation("Network"))
    programme.coordinator_organisation_id = coordinator.memberships[0].organisation_id
    db.session.commit()

    def exported_endpoints() -> list[tuple[str, str]]:
        started = client.post("/imports/programmes/written/export")  # a file job, run eagerly here
        assert started.status_code == 302
        download = client.get(started.headers["Location"] + "/download")
        assert download.status_code == 200
        with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
            everything = b"".join(archive.read(name) for name in archive.namelist())
            assert not any(secret.encode() in everything for secret in secrets.values())
            return [(r["owner"], r["url"]) for r in _csv(archive, "webhook_endpoints.csv")[1]]

    login_as("coordinator", user=coordinator)
    assert exported_endpoints() == [("programme", "https://crm.example.org/hook")]
    client.post("/auth/logout")
    login_as("admin")
    assert exported_endpoints() == [("programme", "https://crm.example.org/hook"),
                                    ("organisation", "https://host.example.org/hook")]
