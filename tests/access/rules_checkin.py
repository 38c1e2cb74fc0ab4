"""Access rules for check-in: door volunteers, organisers and coordinators of the host only.

Another organisation's desk, attendees, PDFs and QR codes answer a uniform 404;
a door volunteer of the host gets 403 on the organiser-only attendance list.
"""

from __future__ import annotations

from eventsapp.tokens import make_token
from tests.access.matrix import Rule, expect

EVENT_A = lambda w: {"event_id": w.event_a.id}  # noqa: E731
EVENT_B = lambda w: {"event_id": w.event_b.id}  # noqa: E731
REG_A = lambda w: {"event_id": w.event_a.id, "registration_id": w.registration_a.id}  # noqa: E731
REG_B = lambda w: {"event_id": w.event_b.id, "registration_id": w.registration_b.id}  # noqa: E731
#: A's registration posted to B's desk URL: never found there.
REG_A_AT_B = lambda w: {"event_id": w.event_b.id, "registration_id": w.registration_a.id}  # noqa: E731
TOKEN_A = lambda w: {"token": make_token("checkin", w.registration_a.id)}  # noqa: E731
TOKEN_B = lambda w: {"token": make_token("checkin", w.registration_b.id)}  # noqa: E731
FORGED = lambda w: {"token": make_token("booking", w.registration_a.id)}  # noqa: E731

#: Who may use A's desk: its door volunteer and organiser, and the programme's coordinator.
DESK_A = lambda ok: expect(404, door_a=ok, organiser_a=ok, coordinator=ok, anonymous=302)  # noqa: E731
DESK_B = lambda ok: expect(404, organiser_b=ok, anonymous=302)  # noqa: E731
MANAGE_A = lambda ok: expect(404, organiser_a=ok, coordinator=ok, door_a=403, anonymous=302)  # noqa: E731

WALK_IN = lambda w: {"first_name": "Walter", "last_name": "Walkin", "organisation": "", "sector": ""}  # noqa: E731

RULES = []
for endpoint in ("checkin.desk", "checkin.search", "checkin.counts", "checkin.sign_in_sheet", "checkin.badges"):
    RULES += [
        Rule(endpoint, "GET", EVENT_A, DESK_A(200), note="own event"),
        Rule(endpoint, "GET", EVENT_B, DESK_B(200), note="other org"),
    ]
RULES += [
    Rule("checkin.check_in", "POST", REG_A, DESK_A(302), note="own event"),
    Rule("checkin.check_in", "POST", REG_B, DESK_B(302), note="other org"),
    Rule("checkin.check_in", "POST", REG_A_AT_B, expect(404, anonymous=302), note="registration of another event"),
    Rule("checkin.undo", "POST", REG_A, DESK_A(302), note="own event"),
    Rule("checkin.undo", "POST", REG_B, DESK_B(302), note="other org"),
    Rule("checkin.walk_in", "GET", EVENT_A, DESK_A(200), note="own event"),
    Rule("checkin.walk_in", "GET", EVENT_B, DESK_B(200), note="other org"),
    Rule("checkin.walk_in", "POST", EVENT_A, DESK_A(302), data=WALK_IN, note="own event"),
    Rule("checkin.walk_in", "POST", EVENT_B, DESK_B(302), data=WALK_IN, note="other org"),
    Rule("checkin.scan", "GET", TOKEN_A, DESK_A(200), note="own event"),
    Rule("checkin.scan", "GET", TOKEN_B, DESK_B(200), note="other org"),
    Rule("checkin.scan", "GET", FORGED, expect(404, anonymous=302), note="token for another purpose"),
    Rule("checkin.scan_check_in", "POST", TOKEN_A, DESK_A(302), note="own event"),
    Rule("checkin.scan_check_in", "POST", TOKEN_B, DESK_B(302), note="other org"),
    Rule("checkin.attendance", "GET", EVENT_A, MANAGE_A(200), note="own event"),
    Rule("checkin.attendance", "GET", EVENT_B, expect(404, organiser_b=200, anonymous=302), note="other org"),
    Rule(
        "checkin.attendance", "POST", EVENT_A, MANAGE_A(302), note="own event",
        data=lambda w: {"attended": str(w.registration_a.id)},
    ),
    Rule(
        "checkin.attendance", "POST", EVENT_B, expect(404, organiser_b=302, anonymous=302), note="other org",
        data=lambda w: {"attended": str(w.registration_b.id)},
    ),
    Rule("checkin.no_shows", "POST", EVENT_A, MANAGE_A(302), data=lambda w: {"confirm": "y"}, note="own event"),
    Rule(
        "checkin.no_shows", "POST", EVENT_B, expect(404, organiser_b=302, anonymous=302),
        data=lambda w: {"confirm": "y"}, note="other org",
    ),
]
