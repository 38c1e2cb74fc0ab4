"""The demo data holds one sent programme-wide message, counted by the audience rule."""

from __future__ import annotations

from sqlalchemy import select

from eventsapp.demo import DEMO_MESSAGE_SUBJECT, DEMO_PROGRAMME_SLUG
from eventsapp.messages.audiences import Scope, count_recipients
from eventsapp.models import Message, OutboxMessage, Programme


def test_the_demo_has_one_sent_message_listed_on_the_programme_page(runner, db, client, login_as):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    programme = db.session.scalar(select(Programme).where(Programme.slug == DEMO_PROGRAMME_SLUG))
    (message,) = db.session.scalars(select(Message)).all()
    assert (message.programme_id, message.audience, message.subject) == (programme.id, "network", DEMO_MESSAGE_SUBJECT)
    network = count_recipients(Scope(programme=programme), "network")
    assert message.recipients_count == network > 100  # about 60% of ~350 attendees agreed
    assert db.session.scalars(select(OutboxMessage)).all() == []  # the demo mails nobody
    login_as("coordinator", programme.coordinator_organisation)
    page = client.get(f"/programmes/{programme.slug}").get_data(as_text=True)
    assert DEMO_MESSAGE_SUBJECT in page and f"{network} recipients" in page
    detail = client.get(f"/programmes/{programme.slug}/messages/{message.id}").get_data(as_text=True)
    assert "<strong>What comes next:</strong>" in detail
