"""Sending a message through the outbox, the messages kept, and unsubscribing from network news.

Sending writes the :class:`Message` row and one outbox row per recipient in the caller's
transaction (the caller commits once); the worker renders each email (``messages.emails``).
Who receives it is decided in ``messages.audiences``.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update

from eventsapp.extensions import db
from eventsapp.messages.audiences import Scope, is_unsubscribed, recipients
from eventsapp.messages.emails import queue_to_person
from eventsapp.models import (
    Event,
    Message,
    MessageRecipient,
    NetworkUnsubscribe,
    Person,
    Programme,
    Registration,
    User,
    utcnow,
)

SUBJECT_MAX = 200
BODY_MAX = 20_000


def send_message(scope: Scope, audience: str, subject: str, body: str, body_format: str, sender: User,
                 base_url: str) -> Message:
    """Keep the message and write one outbox row per recipient, in the caller's transaction."""
    people = recipients(scope, audience)
    message = Message(
        event=scope.event, programme=scope.programme, audience=audience, subject=subject, body=body,
        body_format=body_format, sender=sender, sender_name=sender.name or sender.email, sent_at=utcnow(),
        recipients_count=len(people),
    )
    db.session.add(message)
    db.session.flush()
    if people:  # who it went to, kept with the message (the outbox rows go once delivered)
        db.session.execute(MessageRecipient.__table__.insert(),
                           [{"message_id": message.id, "person_id": person.id} for person in people])
    for person in people:
        queue_to_person(message, person, base_url)
    return message


def messages_of(scope: Scope) -> list[Message]:
    """The messages sent about an event or programme, newest first."""
    query = select(Message).order_by(Message.sent_at.desc(), Message.id.desc())
    if scope.event is not None:
        query = query.where(Message.event_id == scope.event.id)
    else:
        query = query.where(Message.programme_id == scope.programme.id)
    return list(db.session.scalars(query))


def unsubscribe_from_network(person_id: int, message_id: int | None = None) -> bool:
    """Record that the person wants no more programme-wide messages, and withdraw the consent of
    each of their registrations. Returns False when the person no longer exists. Not committed."""
    person = db.session.get(Person, person_id)
    if person is None:
        return False
    if not is_unsubscribed(person_id):
        if message_id is not None and db.session.get(Message, message_id) is None:
            message_id = None
        db.session.add(NetworkUnsubscribe(person_id=person_id, message_id=message_id))
    db.session.execute(update(Registration).where(Registration.person_id == person_id)
                       .values(consent_contact=False).execution_options(synchronize_session=False))
    return True


def resubscribe_to_network(person_id: int, message_id: int | None = None) -> Programme | None:
    """Undo :func:`unsubscribe_from_network` from the same link ("Subscribe again"): forget the
    unsubscribe and record the consent again on the person's registrations for the events of the
    programme whose message carried the link, which is what they are agreeing to hear about.

    Returns that programme, or None when the message has gone (retention): then only the
    unsubscribe is forgotten, and no consent is invented. Not committed."""
    db.session.execute(delete(NetworkUnsubscribe).where(NetworkUnsubscribe.person_id == person_id))
    message = db.session.get(Message, message_id) if message_id is not None else None
    programme = message.programme if message is not None else None
    if programme is None:
        return None
    in_programme = select(Event.id).where(Event.programme_id == programme.id)
    db.session.execute(update(Registration).where(Registration.person_id == person_id,
                                                  Registration.event_id.in_(in_programme))
                       .values(consent_contact=True).execution_options(synchronize_session=False))
    return programme
