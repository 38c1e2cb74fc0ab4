"""Access rules for registration: public form and booking links; organiser pages for the host's organisers."""

from __future__ import annotations

from eventsapp.tokens import make_token
from tests.access.matrix import Rule, expect, public

EVENT_A = lambda w: {"event_id": w.event_a.id}  # noqa: E731
EVENT_B = lambda w: {"event_id": w.event_b.id}  # noqa: E731
NONE = lambda w: {}  # noqa: E731
BOOKING_A = lambda w: {"token": make_token("booking", w.registration_a.id)}  # noqa: E731
#: A check-in token is not a booking link.
FORGED = lambda w: {"token": make_token("checkin", w.registration_a.id)}  # noqa: E731
REG_A = lambda w: {"event_id": w.event_a.id, "registration_id": w.registration_a.id}  # noqa: E731
REG_B = lambda w: {"event_id": w.event_b.id, "registration_id": w.registration_b.id}  # noqa: E731
#: Event A's URL with event B's registration: never reachable through A.
REG_CROSS = lambda w: {"event_id": w.event_a.id, "registration_id": w.registration_b.id}  # noqa: E731
Q_A = lambda w: {"event_id": w.event_a.id, "question_id": w.question_a.id}  # noqa: E731
Q_B = lambda w: {"event_id": w.event_b.id, "question_id": w.question_b.id}  # noqa: E731

#: Who manages A's event: its organiser and the programme's coordinator; its door volunteer gets 403.
MANAGE_A = lambda ok: expect(404, organiser_a=ok, coordinator=ok, door_a=403, anonymous=302)  # noqa: E731
MANAGE_B = lambda ok: expect(404, organiser_b=ok, anonymous=302)  # noqa: E731


def registration_data(w) -> dict:
    return {"first_name": "Matrix", "last_name": "Person", "email": "matrix.person@example.org",
            "organisation_name": "", "individual": "y", "consent_privacy": "y"}


def details_data(w) -> dict:
    return {"first_name": "Ada", "last_name": "Changed", "individual": "y"}


def question_data(w) -> dict:
    return {"label": "Which workshop?", "kind": "short_text", "choices": ""}


def extend_world(world) -> None:
    from eventsapp.extensions import db
    from eventsapp.models import EventQuestion
    from tests.access.conftest import snapshot

    question_a = EventQuestion(event_id=world.event_a.id, label="Question A", kind="short_text", position=1)
    question_b = EventQuestion(event_id=world.event_b.id, label="Question B", kind="short_text", position=1)
    db.session.add_all([question_a, question_b])
    db.session.flush()
    world.question_a, world.question_b = snapshot(question_a), snapshot(question_b)


def manage_rules(endpoint: str, method: str, ok: int, data=None) -> list[Rule]:
    return [
        Rule(endpoint, method, EVENT_A, MANAGE_A(ok), data, note="own event"),
        Rule(endpoint, method, EVENT_B, MANAGE_B(ok), data, note="event B"),
    ]


def registration_rules(endpoint: str, method: str, ok: int, data=None) -> list[Rule]:
    return [
        Rule(endpoint, method, REG_A, MANAGE_A(ok), data, note="own event"),
        Rule(endpoint, method, REG_B, MANAGE_B(ok), data, note="event B"),
        Rule(endpoint, method, REG_CROSS, expect(404, door_a=403, anonymous=302), data,
             note="B's registration under A's event"),
    ]


def question_rules(endpoint: str, method: str, ok: int, data=None) -> list[Rule]:
    return [
        Rule(endpoint, method, Q_A, MANAGE_A(ok), data, note="own event"),
        Rule(endpoint, method, Q_B, MANAGE_B(ok), data, note="event B"),
    ]


RULES = [
    # The public form: any published event; drafts only to their host (who sees "not open yet").
    Rule("registration.register", "GET", EVENT_A, public(200), note="published"),
    Rule("registration.register", "GET", EVENT_B, public(200), note="other org, published"),
    Rule("registration.register", "GET", lambda w: {"event_id": w.draft_a.id},
         expect(404, door_a=200, organiser_a=200, coordinator=200), note="draft A"),
    Rule("registration.register", "GET", lambda w: {"event_id": w.draft_b.id},
         expect(404, organiser_b=200), note="draft B"),
    Rule("registration.register", "GET", lambda w: {"event_id": 999_999}, public(404), note="missing"),
    Rule("registration.register", "POST", EVENT_A, public(302), registration_data),
    Rule("registration.register", "POST", lambda w: {"event_id": w.draft_b.id},
         expect(404, organiser_b=200), registration_data, note="draft B"),
    Rule("registration.organisations", "GET", NONE, public(200)),
    # The booking link is the key: anyone holding it, signed in or not; a forged one is 404.
    Rule("registration.booking", "GET", BOOKING_A, public(200)),
    Rule("registration.booking", "GET", FORGED, public(404), note="forged token"),
    Rule("registration.booking_edit", "GET", BOOKING_A, public(200)),
    Rule("registration.booking_edit", "GET", FORGED, public(404), note="forged token"),
    Rule("registration.booking_edit", "POST", BOOKING_A, public(302), details_data),
    Rule("registration.booking_cancel", "GET", BOOKING_A, public(200)),
    Rule("registration.booking_cancel", "POST", BOOKING_A, public(302)),
    Rule("registration.booking_cancel", "POST", FORGED, public(404), note="forged token"),
    Rule("registration.booking_ics", "GET", BOOKING_A, public(200)),
    Rule("registration.booking_ics", "GET", FORGED, public(404), note="forged token"),
    Rule("registration.equality", "GET", BOOKING_A, public(200)),
    Rule("registration.equality", "POST", BOOKING_A, public(302), lambda w: {"consent": "y", "age_band": "25_34"}),
    Rule("registration.equality", "POST", FORGED, public(404), lambda w: {"consent": "y"}, note="forged token"),
    # The organiser's pages.
    *manage_rules("registration.manage", "GET", 200),
    *manage_rules("registration.export_csv", "GET", 200),
    *manage_rules("registration.add", "GET", 200),
    *manage_rules("registration.add", "POST", 302, registration_data),
    *registration_rules("registration.edit", "GET", 200),
    *registration_rules("registration.edit", "POST", 302, details_data),
    *registration_rules("registration.cancel", "POST", 302),
    *registration_rules("registration.promote", "POST", 302),
    *manage_rules("registration.questions", "GET", 200),
    *manage_rules("registration.questions", "POST", 302, question_data),
    *question_rules("registration.question_edit", "GET", 200),
    *question_rules("registration.question_edit", "POST", 302, question_data),
    *question_rules("registration.question_delete", "POST", 302),
    *question_rules("registration.question_move", "POST", 302, lambda w: {"direction": "down"}),
]
