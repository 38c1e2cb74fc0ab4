"""Access rules for messages to registrants (/events/<id>/messages, /programmes/<slug>/messages) and
the one-click unsubscribe (/messages/unsubscribe/<token>).

An event's messages belong to whoever manages the event (its host's organisers, its programme's
coordinators); a programme's to its coordinators; anyone else gets the 404 of a missing page. The
world gets (``extend_world``) one sent message for event A, event B, programme A and programme B.
The unsubscribe link is public: the signed token is what authorises it.
"""

from __future__ import annotations

from eventsapp.extensions import db
from eventsapp.models import Message, utcnow
from eventsapp.tokens import make_token
from tests.access.conftest import snapshot
from tests.access.matrix import Rule, expect, public
from tests.access.rules_core import done


def extend_world(world) -> None:
    def message(event=None, programme=None, audience="confirmed"):
        row = Message(event_id=event.id if event else None, programme_id=programme.id if programme else None,
                      audience=audience, subject="Matrix message", body="Hello **all**", body_format="markdown",
                      sender_name="Matrix sender", sent_at=utcnow(), recipients_count=1)
        db.session.add(row)
        db.session.flush()
        return snapshot(row)

    world.message_a = message(world.event_a)
    world.message_b = message(world.event_b)
    world.message_programme = message(programme=world.programme, audience="network")
    world.message_programme_b = message(programme=world.programme_b, audience="network")


def event(attr):
    return lambda w: {"event_id": getattr(w, attr).id}


def event_message(event_attr, message_attr):
    return lambda w: {"event_id": getattr(w, event_attr).id, "message_id": getattr(w, message_attr).id}


def programme(attr):
    return lambda w: {"slug": getattr(w, attr).slug}


def programme_message(programme_attr, message_attr):
    return lambda w: {"slug": getattr(w, programme_attr).slug, "message_id": getattr(w, message_attr).id}


def unsubscribe_link(registration_attr):
    return lambda w: {"token": make_token("unsubscribe", {"person": getattr(w, registration_attr).person_id,
                                                          "message": w.message_programme.id})}


def compose(action, audience="confirmed"):
    return lambda w: {"audience": audience, "subject": "Matrix", "body_format": "plain", "body": "Hello.",
                      "action": action}


#: Event A (in the coordinator's programme): its organiser and the coordinator; A's door volunteer 403.
MANAGE_A = expect(404, anonymous=302, door_a=403, organiser_a=200, coordinator=200)
#: Event B (in no programme): only its organiser.
MANAGE_B = expect(404, anonymous=302, organiser_b=200)
#: Network B's event: its network's coordinator (its host has no member in the world).
MANAGE_NET_B = expect(404, anonymous=302, coordinator_b=200, admin=200)
#: A programme's own coordinators; anyone else, another network's too, finds nothing.
PROGRAMME_A = expect(404, anonymous=302, coordinator=200, admin=200)
PROGRAMME_B = expect(404, anonymous=302, coordinator_b=200, admin=200)
NOBODY = expect(404, anonymous=302)

RULES = [
    Rule("messages.event_compose", "GET", event("event_a"), MANAGE_A, note="A"),
    Rule("messages.event_compose", "GET", event("draft_a"), MANAGE_A, note="draft A"),
    Rule("messages.event_compose", "GET", event("event_b"), MANAGE_B, note="B"),
    Rule("messages.event_compose", "GET", event("event_net_b"), MANAGE_NET_B, note="network B"),
    Rule("messages.event_compose", "POST", event("event_a"), MANAGE_A, data=compose("preview"), note="preview A"),
    Rule("messages.event_compose", "POST", event("event_a"), done(MANAGE_A), data=compose("send"), note="send A"),
    Rule("messages.event_compose", "POST", event("event_b"), done(MANAGE_B), data=compose("send"), note="send B"),
    Rule("messages.event_compose", "POST", event("event_net_b"), MANAGE_NET_B, data=compose("test"),
         note="test network B"),
    Rule("messages.event_message", "GET", event_message("event_a", "message_a"), MANAGE_A, note="A"),
    Rule("messages.event_message", "GET", event_message("event_b", "message_b"), MANAGE_B, note="B"),
    # A's message asked for through B's event: nobody finds it.
    Rule("messages.event_message", "GET", event_message("event_b", "message_a"),
         expect(404, anonymous=302, admin=404), note="A's message under B"),
    Rule("messages.programme_compose", "GET", programme("programme"), PROGRAMME_A, note="A"),
    Rule("messages.programme_compose", "GET", programme("programme_b"), PROGRAMME_B, note="B"),
    Rule("messages.programme_compose", "POST", programme("programme"), PROGRAMME_A,
         data=compose("preview", "network"), note="preview A"),
    # Nobody in programme A has attended yet: sending is refused at the field.
    Rule("messages.programme_compose", "POST", programme("programme"),
         expect(404, anonymous=302, coordinator=422, admin=422), data=compose("send", "network"), note="send A"),
    Rule("messages.programme_compose", "POST", programme("programme_b"), PROGRAMME_B,
         data=compose("test", "network"), note="test B"),
    Rule("messages.programme_message", "GET", programme_message("programme", "message_programme"), PROGRAMME_A,
         note="A"),
    Rule("messages.programme_message", "GET", programme_message("programme_b", "message_programme_b"), PROGRAMME_B,
         note="B"),
    Rule("messages.programme_message", "GET", programme_message("programme_b", "message_programme"), NOBODY,
         note="A's message under B"),
    Rule("messages.unsubscribe", "GET", unsubscribe_link("registration_a"), public(200)),
    Rule("messages.unsubscribe", "POST", unsubscribe_link("registration_a"), public(200)),
    Rule("messages.unsubscribe", "GET", lambda w: {"token": "forged.token"}, public(404), note="forged"),
    Rule("messages.unsubscribe", "POST", lambda w: {"token": "forged.token"}, public(404), note="forged"),
]
