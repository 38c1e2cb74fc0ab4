"""The administrator's operations page: failed mail and failed imports, tried again from the page."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage

from eventsapp import mail, outbox
from eventsapp.imports import jobs
from eventsapp.imports.summary import ImportTarget
from eventsapp.models import FileJob, ImportJob, OutboxMessage, utcnow
from tests import factories
from tests.outbox.test_outbox import closed_smtp_url, sink  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("db")


def test_only_the_administrator_opens_it(client, login_as):
    assert client.get("/operator/").status_code == 302  # to the sign-in page
    login_as("coordinator")
    assert client.get("/operator/").status_code == 403
    assert client.post("/operator/outbox/send").status_code == 403


def test_a_failed_message_is_listed_and_sent_when_tried_again(app, client, db, login_as, closed_smtp_url, sink):  # noqa: F811
    app.config.update(MAIL_URL=closed_smtp_url, OUTBOX_MAX_ATTEMPTS=1)
    outbox.enqueue(mail.build_message("ayesha.khan@example.org", "Your place is confirmed", "See you there."))
    db.session.commit()  # delivered eagerly: the server refuses, and one attempt is all it gets
    row = db.session.scalar(select(OutboxMessage))
    assert row.state == "failed"
    login_as("admin")
    page = client.get("/operator/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    assert "ayesha.khan@example.org" in html and "Your place is confirmed" in html and "Try again" in html
    assert "<td>Email</td>" in html and "<td>Webhook</td>" not in html
    sink_url, collector = sink
    app.config["MAIL_URL"] = sink_url
    assert client.post(f"/operator/outbox/{row.id}/retry").status_code == 302
    db.session.rollback()
    assert db.session.get(OutboxMessage, row.id).state == "sent"
    assert [m["Subject"] for m in collector.parsed()] == ["Your place is confirmed"]
    assert "Nothing is waiting or failed" in client.get("/operator/").get_data(as_text=True)
    assert client.post("/operator/outbox/999999/retry").status_code == 404


def test_a_failed_webhook_delivery_is_listed_as_a_webhook_not_as_mail(app, client, db, login_as):
    from eventsapp import webhooks
    from eventsapp.models import WebhookEndpoint

    event = factories.make_event()
    db.session.add(WebhookEndpoint(url="https://crm.example.org/hooks", events=["event.changed"],
                                   secret=webhooks.new_secret(), organisation_id=event.host_organisation_id))
    (row,) = webhooks.emit("event.changed", event, {"changed": ["venue"]})
    db.session.flush()
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id)
                       .values(state="failed", attempts=8, last_error="HTTP 500"))
    db.session.commit()
    login_as("admin")
    html = client.get("/operator/").get_data(as_text=True)
    assert "https://crm.example.org/hooks" in html and "<td>Webhook</td>" in html and "<td>Email</td>" not in html


def test_a_failed_import_is_checked_again(client, db, login_as):
    host = factories.make_organisation()
    event = factories.make_event(host=host, starts_at=utcnow() - timedelta(days=3))
    owner = factories.make_user(role="organiser", organisation=host)
    upload = FileStorage(io.BytesIO(b"First name,Last name,Email,Organisation,Attended\nAnn,Jones,ann@example.org,Kent Police,yes\n"),
                         "paper-list.csv", content_type="text/csv")
    job_id = jobs.create(upload, owner.id, ImportTarget(event_id=event.id))["id"]
    # As the sweep leaves a job whose worker died on every pass.
    db.session.execute(update(ImportJob).where(ImportJob.id == job_id)
                       .values(phase="failed", attempts=3, message="The worker stopped."))
    db.session.commit()
    login_as("admin")
    html = client.get("/operator/").get_data(as_text=True)
    assert "paper-list.csv" in html and owner.email in html and "Check again" in html
    assert client.post(f"/operator/imports/{job_id}/retry").status_code == 302
    state = jobs.wait(job_id)
    assert (state["phase"], state["rows"]) == ("previewed", 1)
    assert client.post("/operator/imports/no-such-job-at-all/retry").status_code == 404


@pytest.mark.browser
def test_the_page_is_accessible(page, db, assert_accessible):
    """With a row and its "Try again" button in each table (work_table and retry_cell)."""
    admin = factories.make_user(role="organiser", is_admin=True)
    outbox.enqueue(mail.build_message("ola.nowak@example.org", "Reminder", "Tomorrow."))
    outbox.enqueue(mail.build_message("li.wei@example.org", "Your place is confirmed", "See you."))
    db.session.execute(update(OutboxMessage).where(OutboxMessage.recipient == "li.wei@example.org")
                       .values(state="failed", attempts=8, last_error="550 mailbox unavailable"))
    db.session.add(ImportJob(id="failed-import", user_id=admin.id, file_name="paper-list.csv", suffix=".csv",
                             upload=b"", target={}, phase="failed", attempts=3, message="The worker stopped."))
    db.session.add(FileJob(id="failed-export", kind="programme_export", user_id=admin.id, status="failed",
                           title="Export of Coast Programme", message="Stopped.",
                           expires_at=utcnow() + timedelta(hours=1)))
    db.session.commit()
    page.goto("/auth/login")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/operator/")
    expect(page.get_by_role("heading", name="Operations")).to_be_visible()
    expect(page.get_by_role("button", name="Try again to send “Your place is confirmed” to li.wei@example.org")).to_be_visible()
    expect(page.get_by_role("button", name="Check again paper-list.csv")).to_be_visible()
    expect(page.get_by_role("button", name="Try again Export of Coast Programme")).to_be_visible()
    assert_accessible(page)
