"""The transactional outbox: mail exists if and only if its change committed, survives a mail
server that is down, is retried with backoff, gives up visibly, and never leaves twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventsapp import mail, outbox
from eventsapp.models import OutboxMessage, Registration
from tests.registration.conftest import form_data
from tests.smtp import Collector, free_port

CLOSED_PORT_URL = "smtp://127.0.0.1:{port}"


@pytest.fixture
def closed_smtp_url():
    """An SMTP URL where nothing listens (connection refused at once)."""
    return CLOSED_PORT_URL.format(port=free_port())


@pytest.fixture
def sink():
    from aiosmtpd.controller import Controller

    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield f"smtp://127.0.0.1:{controller.port}", collector
    controller.stop()


def rows(db) -> list[OutboxMessage]:
    db.session.rollback()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_rolled_back_change_leaves_no_row_and_sends_nothing(app, db, sink, make_event):
    url, collector = sink
    app.config["MAIL_URL"] = url
    from eventsapp.registration import services

    event = make_event()
    with app.test_request_context():
        services.register(event, {"first_name": "Rolled", "last_name": "Back", "email": "rb@example.org"})
        db.session.flush()
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1  # written in the transaction
        db.session.rollback()
    assert rows(db) == []
    assert collector.messages == []
    assert db.session.scalar(select(Registration)) is None


def test_a_committed_message_is_delivered_once(app, db, sink):
    url, collector = sink
    app.config["MAIL_URL"] = url
    with app.test_request_context():
        outbox.enqueue(mail.build_message("ada@example.org", "Hello", "Body"))
        assert collector.messages == []  # nothing leaves before the commit
        db.session.commit()
    (row,) = rows(db)
    assert (row.state, row.attempts, row.last_error) == ("sent", 1, None)
    assert len(collector.messages) == 1
    # Delivering the same row again (a retried task, a second worker) sends nothing.
    with app.app_context():
        assert outbox.deliver(row.id) is None
        assert outbox.deliver(row.id, ignore_backoff=True) is None
    assert len(collector.messages) == 1


def test_smtp_down_for_100_registrations_then_up_delivers_each_once(app, db, client, make_event,
                                                                      make_organisation, closed_smtp_url, sink):
    make_organisation("Thames Valley Police", sector_code="police")
    event = make_event(capacity=200)
    app.config["MAIL_URL"] = closed_smtp_url
    for n in range(100):
        response = client.post(f"/events/{event.id}/register", data=form_data(email=f"person{n}@example.org"))
        assert response.status_code == 302  # registering works with the mail server down
    pending = rows(db)
    assert len(pending) == 100
    assert {(r.state, r.attempts) for r in pending} == {("pending", 1)}
    assert all("ConnectionRefusedError" in r.last_error for r in pending)
    assert all(r.next_attempt_at > r.created_at for r in pending)  # backed off

    url, collector = sink
    app.config["MAIL_URL"] = url
    runner = app.test_cli_runner()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "100 sent" in result.output
    assert runner.invoke(args=["outbox", "send"]).output.strip() == "Nothing to send."
    received = collector.parsed()
    assert len(received) == 100
    assert sorted(str(m["To"].addresses[0].addr_spec) for m in received) == sorted(
        f"person{n}@example.org" for n in range(100))
    assert len({m["Message-ID"] for m in received}) == 100  # none twice
    db.session.rollback()  # the CLI shares this test's app context (and session)
    status = runner.invoke(args=["outbox", "status"]).output
    assert "sent: 100" in status and "pending: 0" in status and "failed: 0" in status


def test_gives_up_in_a_visible_failed_state_after_the_last_attempt(app, db, closed_smtp_url):
    app.config.update(MAIL_URL=closed_smtp_url, OUTBOX_MAX_ATTEMPTS=3)
    with app.test_request_context():
        outbox.enqueue(mail.build_message("ada@example.org", "Hello", "Body"))
        db.session.commit()
    (row,) = rows(db)
    assert (row.state, row.attempts) == ("pending", 1)
    with app.app_context():
        assert outbox.deliver(row.id) is None  # not due yet: waiting out its backoff
        assert outbox.deliver(row.id, ignore_backoff=True) == "pending"
        assert outbox.deliver(row.id, ignore_backoff=True) == "failed"
        assert outbox.deliver(row.id, ignore_backoff=True) is None  # failed stays failed
    (row,) = rows(db)
    assert (row.state, row.attempts) == ("failed", 3)
    assert "ConnectionRefusedError" in row.last_error
    db.session.rollback()
    assert app.test_cli_runner().invoke(args=["outbox", "status"]).output.splitlines()[-1] == "failed: 1"
    with app.app_context():
        assert outbox.retry(row.id)
        db.session.commit()
        assert outbox.status_counts()["pending"] == 1


def test_a_claim_left_by_a_dead_worker_is_taken_again_when_it_runs_out(app, db, sink):
    url, collector = sink
    app.config.update(MAIL_URL=url, CELERY_TASK_ALWAYS_EAGER=True)
    with app.app_context():
        row = outbox.enqueue(mail.build_message("ada@example.org", "Hello", "Body"))
        row.state = "sending"  # claimed by a worker that was then killed
        row.attempts = 1
        from eventsapp.models import utcnow

        row.claimed_until = utcnow() + timedelta(minutes=5)
        db.session.commit()
        assert outbox.deliver(row.id) is None  # the claim still holds
        row = db.session.get(OutboxMessage, row.id)
        row.claimed_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert outbox.sweep() == 1
    assert len(collector.messages) == 1
    assert rows(db)[0].state == "sent"


def test_backoff_doubles_up_to_an_hour():
    assert [outbox.backoff(n).total_seconds() / 60 for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]


def test_registration_mail_is_rendered_by_the_worker_not_in_the_request(app, db, client, make_event,
                                                                          make_organisation, sink):
    url, collector = sink
    make_organisation("Thames Valley Police", sector_code="police")
    event = make_event(title="Good relations in Slough", capacity=5)
    app.config.update(MAIL_URL=url, CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="memory://")
    app.extensions["celery"].conf.update(task_always_eager=False, broker_url="memory://")
    response = client.post(f"/events/{event.id}/register", data=form_data(email="zoe@example.org"))
    assert response.status_code == 302
    (row,) = rows(db)
    # The request wrote what to render, not the message: no template, MIME or .ics in it.
    assert (row.state, row.template, row.payload) == ("pending", "registration", None)
    assert row.params["kind"] == "confirmation" and row.params["base_url"] == "http://localhost"
    assert collector.messages == []
    with app.app_context():
        assert outbox.deliver(row.id) == "sent"
    (message,) = collector.parsed()
    assert message["Subject"] == "Your place is confirmed: Good relations in Slough"
    assert "http://localhost/booking/" in message.get_body(("plain",)).get_content()
    assert [a.get_filename() for a in message.iter_attachments()] == ["event.ics"]


def test_a_message_whose_registration_is_gone_fails_without_retrying(app, db, make_event, make_registration):
    registration = make_registration(event=make_event())
    with app.test_request_context():
        outbox.enqueue_rendered("registration", "x@example.org", "Hello",
                                {"registration_id": registration.id + 1000, "kind": "confirmation",
                                 "subject": "Hello", "paragraphs": []})
        db.session.commit()
    (row,) = rows(db)
    assert row.state == "failed" and row.attempts == 1
    assert "no longer exists" in row.last_error


def test_beat_schedules_the_sweep_and_the_reminders(app, db, make_event, make_registration):
    from eventsapp.models import utcnow
    from eventsapp.registration.tasks import send_reminders
    from tests.auth.mailbox import messages

    schedule = {entry["task"] for entry in app.extensions["celery"].conf.beat_schedule.values()}
    assert schedule == {"eventsapp.outbox.sweep", "eventsapp.registration.send_reminders",
                        "eventsapp.imports.sweep", "eventsapp.imports.remove_old_jobs",
                        "eventsapp.surveys.send_surveys", "eventsapp.privacy.apply_retention",
                        "eventsapp.registration.check_counters", "eventsapp.files.sweep",
                        "eventsapp.files.remove_expired"}
    soon = make_event(starts_at=utcnow() + timedelta(hours=20))
    make_registration(event=soon)
    with app.app_context():
        assert send_reminders.delay().get() == 1
        assert send_reminders.delay().get() == 0  # nobody twice
    assert [m["Subject"] for m in messages(app)] == [f"Reminder: {soon.title}"]


def test_two_workers_delivering_at_once_wait_for_the_lock_and_send_each_message_once(app, db, sink, monkeypatch):
    """The Celery worker's threads pool clearing a backlog: two threads deliver the same queue at once.
    On SQLite (a file database, WAL) a delivery that read the row, sent it, and only then wrote its
    outcome in the same deferred transaction failed with "database is locked" whenever the other
    thread had committed in between (a read transaction cannot be upgraded past a newer commit;
    the busy timeout does not help), leaving the row claimed for OUTBOX_CLAIM_SECONDS."""
    import threading

    url, collector = sink
    app.config["MAIL_URL"] = url
    monkeypatch.setattr(outbox, "dispatch", lambda ids: None)  # a backlog: queued, not yet delivered
    with app.app_context():
        for number in range(24):
            outbox.enqueue(mail.build_message(f"person{number}@example.org", f"Backlog {number}", "Body"))
        db.session.commit()
    ids = [row.id for row in rows(db)]
    assert len(ids) == 24
    db.session.rollback()
    start, errors, states = threading.Barrier(2), [], []

    def work(order: list[int]) -> None:
        with app.app_context():
            start.wait()
            for message_id in order:
                try:
                    states.append(outbox.deliver(message_id))
                except Exception as error:  # noqa: BLE001 - the test collects what a worker would log
                    errors.append(f"{type(error).__name__}: {error}")
            db.session.remove()

    threads = [threading.Thread(target=work, args=(ids,)), threading.Thread(target=work, args=(ids[::-1],))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(state for state in states if state) == ["sent"] * 24
    assert [row.state for row in rows(db)] == ["sent"] * 24
    subjects = sorted(str(message["Subject"]) for message in collector.parsed())
    assert subjects == sorted(f"Backlog {number}" for number in range(24))  # each once, none lost
