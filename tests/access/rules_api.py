"""Access rules for the REST API (/api/v1), its description and reference, and the API token page.

``RULES`` are requested with each role's browser session (a session reads; it never writes through
the API: 401). ``TOKEN_RULES`` are requested with each role's read-write token instead (anonymous:
no token), by tests/access/test_api_tokens.py; each role's token is limited to the organisation or
programme it works in (``API_TOKEN_SCOPES``), the administrator's to organisation A.
"""

from __future__ import annotations

from tests.access.matrix import Rule, expect, public, signed_in

EVENT_A = lambda w: {"event_id": w.event_a.id}  # noqa: E731
EVENT_B = lambda w: {"event_id": w.event_b.id}  # noqa: E731
DRAFT_A = lambda w: {"event_id": w.draft_a.id}  # noqa: E731
DRAFT_B = lambda w: {"event_id": w.draft_b.id}  # noqa: E731
CHECK_IN_A = lambda w: {"event_id": w.event_a.id, "registration_id": w.registration_a.id}  # noqa: E731
CHECK_IN_B = lambda w: {"event_id": w.event_b.id, "registration_id": w.registration_b.id}  # noqa: E731

#: Draft A: its host's members (door volunteers too, as on the page) and the programme's coordinator.
DRAFT_A_VISIBLE = expect(404, organiser_a=200, door_a=200, coordinator=200)
DRAFT_B_VISIBLE = expect(404, organiser_b=200)
#: Registrations (personal data) of event A: its organisers and the programme's coordinator.
MANAGE_A = expect(404, organiser_a=200, coordinator=200, door_a=403, anonymous=401)
MANAGE_B = expect(404, organiser_b=200, anonymous=401)
DESK_A = expect(404, organiser_a=200, coordinator=200, door_a=200, anonymous=401)
#: A session (or no token) never writes through the API.
NO_SESSION_WRITES = expect(401)

#: What each role's token is limited to: ("organisation", world attribute) or ("programme", ...).
API_TOKEN_SCOPES = {
    "door_a": ("organisation", "org_a"),
    "organiser_a": ("organisation", "org_a"),
    "organiser_b": ("organisation", "org_b"),
    "coordinator": ("programme", "programme"),
    "coordinator_b": ("programme", "programme_b"),
    "admin": ("organisation", "org_a"),
}


def new_registration(w) -> dict:
    return {"first_name": "Mo", "last_name": "Matrix", "email": "mo.matrix@example.org"}


def token_data(w) -> dict:
    return {"name": "Matrix token", "access": "read", "scope": f"org-{w.org_a.id}", "days": "30"}


RULES = [
    Rule("api.events", "GET", lambda w: {}, public()),
    Rule("api.event", "GET", EVENT_A, public(), note="published"),
    Rule("api.event", "GET", DRAFT_A, DRAFT_A_VISIBLE, note="draft A"),
    Rule("api.event", "GET", DRAFT_B, DRAFT_B_VISIBLE, note="draft B"),
    Rule("api.registrations", "GET", EVENT_A, MANAGE_A, note="event A"),
    Rule("api.registrations", "GET", EVENT_B, MANAGE_B, note="event B"),
    Rule("api.attendance", "GET", EVENT_A, DESK_A),
    Rule("api.create_registration", "POST", EVENT_A, NO_SESSION_WRITES, data=new_registration),
    Rule("api.check_in_registration", "POST", CHECK_IN_A, NO_SESSION_WRITES),
    Rule("api.organisations", "GET", lambda w: {}, public()),
    Rule("api.organisation", "GET", lambda w: {"organisation_id": w.org_a.id}, public(), note="listed"),
    Rule("api.organisation", "GET", lambda w: {"organisation_id": w.org_b.id}, public(404), note="not listed"),
    Rule("api.stories", "GET", lambda w: {}, public()),
    Rule("api.story", "GET", lambda w: {"story_id": w.story_published.id}, public(), note="published"),
    Rule("api.story", "GET", lambda w: {"story_id": w.story_draft.id}, public(404), note="draft"),
    Rule("api_docs.openapi_json", "GET", lambda w: {}, public()),
    Rule("api_docs.reference", "GET", lambda w: {}, public()),
    Rule("api_tokens.index", "GET", lambda w: {}, signed_in()),
    # Limited to organisation A: its members (and the administrator) may; others choose another.
    Rule("api_tokens.index", "POST", lambda w: {}, signed_in(422, door_a=303, organiser_a=303, admin=303),
         data=token_data),
    Rule("api_tokens.revoke", "GET", lambda w: {"token_id": w.api_token_ids["organiser_a"]},
         expect(404, organiser_a=200, anonymous=302, admin=404), note="tokens are personal"),
    Rule("api_tokens.revoke", "POST", lambda w: {"token_id": w.api_token_ids["organiser_a"]},
         expect(404, organiser_a=302, anonymous=302, admin=404), note="tokens are personal"),
]

#: With each role's read-write token (anonymous: none). A token limited to A sees nothing of B.
TOKEN_RULES = [
    Rule("api.event", "GET", DRAFT_A, expect(404, organiser_a=200, door_a=200, coordinator=200, admin=200),
         note="draft A"),
    Rule("api.event", "GET", DRAFT_B, expect(404, organiser_b=200, admin=404), note="draft B"),
    Rule("api.registrations", "GET", EVENT_A, expect(404, organiser_a=200, coordinator=200, admin=200,
                                                     door_a=403, anonymous=401), note="event A"),
    Rule("api.registrations", "GET", EVENT_B, expect(404, organiser_b=200, admin=404, anonymous=401),
         note="event B"),
    Rule("api.attendance", "GET", EVENT_B, expect(404, organiser_b=200, admin=404, anonymous=401)),
    Rule("reports_api.api_report", "GET", lambda w: {"host": w.org_a.id},
         expect(404, organiser_a=200, coordinator=200, admin=200, door_a=403, anonymous=401),
         note="host A (the coordinator's: within their programme)"),
    Rule("reports_api.api_report", "GET", lambda w: {"programme": w.programme.slug},
         expect(404, coordinator=200, organiser_a=200, admin=200, anonymous=401), note="programme"),
    Rule("reports_api.api_report", "GET", lambda w: {"programme": w.programme_b.slug},
         expect(404, coordinator_b=200, admin=404, anonymous=401), note="programme B"),
    Rule("api.create_registration", "POST", EVENT_A,
         expect(404, organiser_a=201, coordinator=201, admin=201, door_a=403, anonymous=401),
         data=new_registration, note="event A"),
    Rule("api.create_registration", "POST", EVENT_B, expect(404, organiser_b=201, admin=404, anonymous=401),
         data=new_registration, note="event B"),
    Rule("api.check_in_registration", "POST", CHECK_IN_A,
         expect(404, organiser_a=200, coordinator=200, door_a=200, admin=200, anonymous=401), note="A"),
    Rule("api.check_in_registration", "POST", CHECK_IN_B, expect(404, organiser_b=200, admin=404, anonymous=401),
         note="B"),
]


def extend_world(world) -> None:
    """A read-write and a read-only token for every signed-in role (``api_tokens[role][access]``)."""
    from eventsapp.api.tokens import create_token
    from eventsapp.extensions import db
    from eventsapp.models import User

    world.api_tokens, world.api_token_ids = {}, {}
    for role, (kind, attr) in API_TOKEN_SCOPES.items():
        user = db.session.get(User, world.users[role].id)
        scope = {"organisation_id" if kind == "organisation" else "programme_id": getattr(world, attr).id}
        made = {access: create_token(user, name=f"{role} {access}", access=access, days=30, **scope)
                for access in ("read", "write")}
        world.api_tokens[role] = {access: new.secret for access, new in made.items()}
        world.api_token_ids[role] = made["write"].token.id
