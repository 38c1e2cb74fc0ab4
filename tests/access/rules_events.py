"""Access rules for events (public pages and scheduling), programmes and the dashboard.

Scheduling an event belongs to the host's organisers and the programme's
coordinator; the host's door volunteer gets 403; anyone else gets the same 404
as for a missing event, for drafts and published events alike.
"""

from __future__ import annotations

from datetime import timedelta

from eventsapp.models import utcnow
from tests.access.matrix import Rule, expect, public, signed_in

NONE = lambda w: {}  # noqa: E731


def event(attr):
    return lambda w: {"event_id": getattr(w, attr).id}


def local_input(days: int, hour: int) -> str:
    day = (utcnow() + timedelta(days=days)).date()
    return f"{day:%Y-%m-%d}T{hour:02d}:00"


def event_data(host_attr: str, in_programme: bool):
    def _data(w) -> dict:
        return {
            "title": "Matrix scheduled event",
            "programme": str(w.programme.id) if in_programme else "0",
            "host": str(getattr(w, host_attr).id),
            "region": str(w.event_a.region_id),
            "town": "Leeds",
            "venue": "Civic Hall",
            "postcode": "ls1 1ur",
            "starts_at": local_input(40, 18),
            "ends_at": local_input(40, 20),
            "capacity": "50",
            "status": "draft",
        }

    return _data


def programme_data(w) -> dict:
    return {"name": "Matrix Programme Two", "slug": "matrix-programme-two", "description": "",
            "coordinator_organisation": str(w.org_c.id)}


def done(table: dict) -> dict:
    """The same table with each success (200) replaced by the redirect after a change (302)."""
    return {role: 302 if status == 200 else status for role, status in table.items()}


#: Event A (published or draft, in the coordinator's programme): its organiser and the coordinator.
MANAGE_A = expect(404, anonymous=302, door_a=403, organiser_a=200, coordinator=200)
#: Event B (not in any programme): only its organiser.
MANAGE_B = expect(404, anonymous=302, organiser_b=200)
#: Any signed-in coordinator makes programmes; others are refused (programmes are public, so 403 leaks nothing).
#: The administrator is no member of a coordinating organisation, so it has none to make one for.
COORDINATOR_ONLY = expect(403, anonymous=302, coordinator=200, coordinator_b=200, admin=403)
#: A programme's own coordinators edit it; anyone else (another network too) finds nothing.
PROGRAMME_A_COORDINATOR = expect(404, anonymous=302, coordinator=200, admin=200)

RULES = [
    # Public lists and pages.
    Rule("events.index", "GET", NONE, public(200)),
    Rule("events.past", "GET", NONE, public(200)),
    Rule("events.detail", "GET", event("event_a"), public(200), note="published A"),
    Rule("events.detail", "GET", event("event_b"), public(200), note="published B"),
    Rule("events.detail", "GET", event("draft_a"), expect(404, door_a=200, organiser_a=200, coordinator=200),
         note="draft A"),
    Rule("events.detail", "GET", event("draft_b"), expect(404, organiser_b=200), note="draft B"),
    Rule("events.detail", "GET", lambda w: {"event_id": 999_999}, public(404), note="missing"),
    # Scheduling a new event: organisers of any organisation and coordinators.
    Rule("events.new", "GET", NONE, expect(200, anonymous=302, door_a=403)),
    # Another network's coordinator cannot host for A (A is not in their network): refused at the field.
    Rule("events.new", "POST", NONE, expect(302, door_a=403, organiser_b=422, coordinator_b=422),
         data=event_data("org_a", True),
         note="hosted by A, in the programme"),
    Rule("events.new", "POST", NONE, expect(422, anonymous=302, door_a=403, organiser_b=302, admin=302),
         data=event_data("org_b", False), note="hosted by B, no programme"),
    # The co-hosts' type-ahead: whoever may open the event form, searching what it offers (every live
    # organisation: naming a co-host only asks it, so names of another network are offered too).
    Rule("events.organisation_options", "GET", lambda w: {"q": "bridges"}, expect(200, anonymous=302, door_a=403)),
    # The organiser's pages for one event.
    Rule("events.manage", "GET", event("event_a"), MANAGE_A, note="A"),
    Rule("events.manage", "GET", event("draft_a"), MANAGE_A, note="draft A"),
    Rule("events.manage", "GET", event("event_b"), MANAGE_B, note="B"),
    Rule("events.manage", "GET", event("draft_b"), MANAGE_B, note="draft B"),
    Rule("events.edit", "GET", event("event_a"), MANAGE_A, note="A"),
    Rule("events.edit", "GET", event("draft_b"), MANAGE_B, note="draft B"),
    Rule("events.edit", "POST", event("event_a"), done(MANAGE_A), data=event_data("org_a", True), note="A"),
    Rule("events.edit", "POST", event("draft_b"), done(MANAGE_B), data=event_data("org_b", False),
         note="draft B"),
    Rule("events.publish", "POST", event("draft_a"), done(MANAGE_A), note="draft A"),
    Rule("events.publish", "POST", event("draft_b"), done(MANAGE_B), note="draft B"),
    Rule("events.unpublish", "POST", event("event_a"), done(MANAGE_A), note="A"),
    Rule("events.unpublish", "POST", event("event_b"), done(MANAGE_B), note="B"),
    Rule("events.cancel", "GET", event("event_a"), MANAGE_A, note="A"),
    Rule("events.cancel", "GET", event("draft_b"), MANAGE_B, note="draft B"),
    Rule("events.cancel", "POST", event("event_a"), done(MANAGE_A), data=lambda w: {"reason": "Matrix."},
         note="A"),
    Rule("events.cancel", "POST", event("event_b"), done(MANAGE_B), data=lambda w: {"reason": "Matrix."},
         note="B"),
    Rule("events.duplicate", "GET", event("event_a"), MANAGE_A, note="A"),
    Rule("events.duplicate", "GET", event("draft_b"), MANAGE_B, note="draft B"),
    Rule("events.duplicate", "POST", event("event_a"), done(MANAGE_A),
         data=lambda w: {"starts_at": local_input(60, 18)}, note="A"),
    Rule("events.duplicate", "POST", event("draft_b"), done(MANAGE_B),
         data=lambda w: {"starts_at": local_input(60, 18)}, note="draft B"),
    # Programmes.
    Rule("programmes.index", "GET", NONE, public(200)),
    Rule("programmes.detail", "GET", lambda w: {"slug": w.programme.slug}, public(200)),
    Rule("programmes.detail", "GET", lambda w: {"slug": "no-such-programme"}, public(404), note="missing"),
    Rule("programmes.new", "GET", NONE, COORDINATOR_ONLY),
    # Network B's coordinator cannot make a programme for A's coordinating organisation (refused at the field).
    Rule("programmes.new", "POST", NONE, {**done(COORDINATOR_ONLY), "coordinator_b": 422}, data=programme_data),
    Rule("programmes.edit", "GET", lambda w: {"slug": w.programme.slug}, PROGRAMME_A_COORDINATOR),
    Rule("programmes.edit", "POST", lambda w: {"slug": w.programme.slug}, done(PROGRAMME_A_COORDINATOR),
         data=lambda w: {**programme_data(w), "slug": w.programme.slug, "name": "Renamed"}),
    Rule("programmes.edit", "GET", lambda w: {"slug": "no-such-programme"}, expect(404, anonymous=302),
         note="missing"),
    # The dashboard.
    Rule("dashboard.index", "GET", NONE, signed_in(200)),
]
