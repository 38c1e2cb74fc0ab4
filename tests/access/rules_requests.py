"""Access rules for consent requests (/dashboard/requests): programme proposals and co-hosting.

The world gets one proposal (B's draft proposed to network A's programme) and one request
to co-host (B's published event asks organisation A). Only the programme's coordinators,
or the asked organisation's organisers, answer (and the administrator); anyone else finds
nothing (404), another network's coordinator included.
"""

from __future__ import annotations

from eventsapp.extensions import db
from eventsapp.models import CohostRequest, Event
from tests.access.conftest import snapshot
from tests.access.matrix import Rule, expect, signed_in


def extend_world(world) -> None:
    db.session.get(Event, world.draft_b.id).proposed_programme_id = world.programme.id
    row = CohostRequest(event_id=world.event_b.id, organisation_id=world.org_a.id,
                        requested_by_id=world.users["organiser_b"].id)
    db.session.add(row)
    db.session.flush()
    world.cohost_request = snapshot(row)


def proposal(event_attr, answer):
    return lambda w: {"event_id": getattr(w, event_attr).id, "answer": answer}


def cohost(answer, request_id=None):
    return lambda w: {"request_id": request_id or w.cohost_request.id, "answer": answer}


PROGRAMME_A_ANSWERS = expect(404, anonymous=302, coordinator=302)
ORGANISATION_A_ANSWERS = expect(404, anonymous=302, organiser_a=302, admin=302)
NOBODY = expect(404, anonymous=302)

RULES = [
    Rule("dashboard.requests", "GET", lambda w: {}, signed_in(200)),
    Rule("dashboard.answer_programme", "POST", proposal("draft_b", "accept"), PROGRAMME_A_ANSWERS),
    Rule("dashboard.answer_programme", "POST", proposal("draft_b", "decline"), PROGRAMME_A_ANSWERS,
         note="decline"),
    Rule("dashboard.answer_programme", "POST", proposal("event_a", "accept"), NOBODY, note="nothing proposed"),
    # An id beyond the database's integers matches no route at all (eventsapp.urls): 404 for everyone.
    Rule("dashboard.answer_programme", "POST", lambda w: {"event_id": 2**64, "answer": "accept"}, expect(404),
         note="id beyond 64 bits"),
    Rule("dashboard.answer_cohost", "POST", cohost("accept"), ORGANISATION_A_ANSWERS),
    Rule("dashboard.answer_cohost", "POST", cohost("decline"), ORGANISATION_A_ANSWERS, note="decline"),
    Rule("dashboard.answer_cohost", "POST", cohost("accept", request_id=999_999), NOBODY, note="missing"),
]
