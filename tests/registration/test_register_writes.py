"""What one registration writes, and how little runs while the event is locked.

``services.register`` writes a new registration past the ORM's unit of work (Core statements,
registration/queries.py): these tests pin down that it still writes everything the ORM path did
(the row, its desk search keys, its answers, the email and the webhook delivery, in the same
transaction, dispatched after the commit), and that under the lock it runs only the lock's statement
and, on PostgreSQL, one statement of writes before the commit.
"""

from __future__ import annotations

import json

from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from eventsapp.checkin.search import keys_for
from eventsapp.extensions import db as _db
from eventsapp.models import (
    EventQuestion,
    OutboxMessage,
    Person,
    Registration,
    RegistrationAnswer,
    RegistrationSearch,
    WebhookEndpoint,
)
from eventsapp.outbox import _NEW_IDS
from eventsapp.registration import services
from eventsapp.registration.services import RegistrationClosed


def _details(**overrides) -> dict:
    return {"first_name": "Łucja", "last_name": "Wójcik-Ahmed", "email": "Lucja.Wojcik@Example.org",
            "organisation_name": "", "consent_privacy": True, **overrides}


class StatementLog:
    """The SQL the app's engine runs, in order (COMMIT included), while installed."""

    def __init__(self, engine):
        self.engine, self.statements = engine, []

    def _before(self, _conn, _cursor, statement, _parameters, _context, _executemany):
        self.statements.append(" ".join(statement.split()))

    def _commit(self, _conn):
        self.statements.append("COMMIT")

    def __enter__(self):
        sa_event.listen(self.engine, "before_cursor_execute", self._before)
        sa_event.listen(self.engine, "commit", self._commit)
        return self

    def __exit__(self, *_exc):
        sa_event.remove(self.engine, "before_cursor_execute", self._before)
        sa_event.remove(self.engine, "commit", self._commit)

    def after_lock(self) -> list[str]:
        """The statements after the one that locks the event (and counts), up to the commit."""
        lock = next(i for i, sql in enumerate(self.statements) if "next_id" in sql and "existing_id" in sql)
        return self.statements[lock + 1:self.statements.index("COMMIT", lock)]


def _event_with_questions_and_endpoint(db, make_event, capacity=5):
    event = make_event(capacity=capacity)
    workshop = EventQuestion(event_id=event.id, label="Which workshop?", kind="single_choice",
                             choices="Morning\nAfternoon", position=1)
    topics = EventQuestion(event_id=event.id, label="Topics", kind="multiple_choice", choices="Faith\nYouth",
                           position=2)
    # A documentation address (TEST-NET-1): never called, refused at delivery without a DNS lookup.
    endpoint = WebhookEndpoint(organisation_id=event.host_organisation_id, url="https://192.0.2.10/hooks",
                               events=["registration.created"], secret="whsec_test")
    elsewhere = WebhookEndpoint(organisation_id=event.host_organisation_id, url="https://192.0.2.11/hooks",
                                events=["registration.cancelled"], secret="whsec_other")
    db.session.add_all([workshop, topics, endpoint, elsewhere])
    db.session.commit()
    return event, workshop, topics, endpoint


def test_a_registration_writes_its_row_keys_answers_email_and_webhook_together(app, db, make_event, outbox):
    event, workshop, topics, endpoint = _event_with_questions_and_endpoint(db, make_event)
    with app.test_request_context(), StatementLog(_db.engine) as log:
        result = services.register(event, _details(answers={workshop.id: "Afternoon",
                                                             topics.id: ["Faith", "Youth"], 999_999: "x"}))
        new_ids = list(_db.session.info.get(_NEW_IDS, []))
        _db.session.commit()
    registration = db.session.get(Registration, result.registration_id)
    assert result.confirmed and registration.status == "confirmed" and registration.event_id == event.id
    assert (registration.first_name, registration.last_name) == ("Łucja", "Wójcik-Ahmed")
    assert registration.email_key == "lucja.wojcik@example.org" and registration.consent_privacy_at is not None
    assert registration.person.email == "Lucja.Wojcik@Example.org"
    keys = db.session.get(RegistrationSearch, registration.id)
    assert (keys.sort_key, keys.search_key) == keys_for("Łucja", "Wójcik-Ahmed", "", "", "Lucja.Wojcik@Example.org")
    assert keys.event_id == event.id
    answers = {a.question_id: a.value for a in db.session.scalars(
        select(RegistrationAnswer).where(RegistrationAnswer.registration_id == registration.id))}
    assert answers == {workshop.id: "Afternoon", topics.id: "Faith\nYouth"}  # not the other event's question
    rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert sorted(new_ids) == [row.id for row in rows]  # handed to the dispatch at the commit
    email, = (row for row in rows if row.kind == "email")
    assert email.template == "registration" and email.params["registration_id"] == registration.id
    assert email.params["kind"] == "confirmation" and email.state == "sent"  # delivered after the commit
    assert email.recipient == "Łucja Wójcik-Ahmed <Lucja.Wojcik@Example.org>"
    webhook, = (row for row in rows if row.kind == "webhook")  # the endpoint for cancellations gets none
    assert webhook.endpoint_id == endpoint.id and webhook.subject == "registration.created"
    body = json.loads(webhook.payload)
    assert body["data"]["registration"] == {"id": registration.id, "status": "confirmed"}
    assert body["data"]["event"]["id"] == event.id
    sent, = outbox()
    assert sent["Subject"] == f"Your place is confirmed: {event.title}"
    # Under the lock: nothing read again, nothing but the writes (one statement on PostgreSQL).
    writes = log.after_lock()
    assert writes and all(sql.startswith(("INSERT", "WITH")) for sql in writes), writes
    if _db.engine.dialect.name == "postgresql":
        assert len(writes) == 1, writes


def test_counters_and_waitlist_follow_the_core_insert(app, db, make_event):
    event = make_event(capacity=1)
    with app.test_request_context():
        first = services.register(event, _details(email="one@example.org"))
        # In the same transaction the counters are read again, not taken from the event loaded before.
        assert services.confirmed_count(event) == 1
        second = services.register(event, _details(email="two@example.org"))
        _db.session.commit()
    assert (first.status, second.status) == ("confirmed", "waitlisted")
    assert services.status_counts(event) == {"confirmed": 1, "waitlisted": 1, "cancelled": 0}
    assert second.registration.status == "waitlisted" and second.registration_id > first.registration_id
    with app.test_request_context():
        promoted = services.cancel_registration(first.registration)
        _db.session.commit()
    assert [r.id for r in promoted] == [second.registration_id]


def test_a_closed_event_keeps_nothing_written_before_the_lock(app, db, make_event):
    """The new person is written before the event is locked; when the event turns out closed, the
    caller rolls back and nothing of the attempt is left."""
    event = make_event(capacity=5)
    event.status = "cancelled"
    db.session.commit()
    people = db.session.scalar(select(func.count(Person.id)))
    with app.test_request_context():
        try:
            services.register(event, _details(email="late@example.org"))
        except RegistrationClosed:
            _db.session.rollback()
        else:
            raise AssertionError("a cancelled event took a registration")
    assert db.session.scalar(select(func.count(Person.id))) == people
    assert db.session.scalar(select(func.count(Registration.id))) == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
