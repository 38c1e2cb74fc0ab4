"""Access rules for reports (/reports, /api/v1/reports) and organisation merges."""

from __future__ import annotations

from tests.access.conftest import snapshot
from tests.access.matrix import Rule, expect

PROGRAMME = lambda w: {"programme": w.programme.slug}  # noqa: E731
HOST_A = lambda w: {"host": w.org_a.id}  # noqa: E731
EVENT_A = lambda w: {"event_id": w.event_a.id}  # noqa: E731
EVENT_B = lambda w: {"event_id": w.event_b.id}  # noqa: E731

#: A programme report: its coordinator sees all of it; organiser A (hosting events in it) sees
#: A's events in it; nobody else learns anything of it.
PROGRAMME_REPORT = expect(404, coordinator=200, organiser_a=200, anonymous=302)
#: Organisation A's own report: its organiser; its door volunteer is refused (403). The programme's
#: coordinator asking for host A with "Any programme" gets host A within their programme (narrowed).
HOST_A_ONLY = expect(404, organiser_a=200, coordinator=200, door_a=403, anonymous=302)
#: Event A (in the programme): its host's organiser and the programme's coordinator.
EVENT_A_REPORT = expect(404, organiser_a=200, coordinator=200, door_a=403, anonymous=302)
EVENT_B_REPORT = expect(404, organiser_b=200, anonymous=302)
#: Merges: coordinators and the administrator. The organisations merged here belong to network A
#: (added by its coordinating organisation), so network B's coordinator does not find them
#: (the compare form says "No organisation has this number", as for a missing one: 422).
MERGERS = expect(403, coordinator=200, coordinator_b=200, anonymous=302)
MERGE_A = expect(403, coordinator=200, coordinator_b=422, anonymous=302)
PROGRAMME_B_REPORT = expect(404, coordinator_b=200, admin=200, anonymous=302)


def extend_world(world) -> None:
    from eventsapp.organisations.merge import merge_organisations
    from tests import factories

    # Ids rise along the merges (duplicate < survivor < other, and the create rule merges the
    # survivor into "other"), so a row-by-row DELETE removes each merged row before its survivor.
    network_a = {"added_by_organisation_id": world.org_c.id}
    duplicate = factories.make_organisation("Gamma Refugee Welcom", **network_a)
    survivor = factories.make_organisation("Gamma Refugee Welcome", **network_a)
    other = factories.make_organisation("Delta Housing Association", sector_code="housing", **network_a)
    record = merge_organisations(survivor, duplicate, by=None)
    world.merge = snapshot(record)
    world.merge_survivor, world.merge_other = snapshot(survivor), snapshot(other)


RULES = [
    Rule("reports.index", "GET", lambda w: {}, expect(200, door_a=403, anonymous=302),
         note="own default scope"),
    Rule("reports.index", "GET", PROGRAMME, PROGRAMME_REPORT, note="programme"),
    Rule("reports.index", "GET", HOST_A, HOST_A_ONLY, note="host A"),
    Rule("reports.index", "GET", lambda w: {"event": w.event_a.id}, EVENT_A_REPORT, note="event A"),
    Rule("reports.pdf", "GET", PROGRAMME, PROGRAMME_REPORT, note="programme"),
    Rule("reports.pdf", "GET", HOST_A, HOST_A_ONLY, note="host A"),
    # Small scopes (all of the matrix's): the POST that would start a job goes back to the inline PDF.
    Rule("reports.pdf", "POST", PROGRAMME, expect(404, coordinator=303, organiser_a=303, anonymous=302),
         note="programme"),
    Rule("reports.csv", "GET", PROGRAMME, PROGRAMME_REPORT, note="programme zip"),
    Rule("reports.csv", "GET", lambda w: {"host": w.org_a.id, "table": "sectors"}, HOST_A_ONLY,
         note="host A table"),
    Rule("reports.event_report", "GET", EVENT_A, EVENT_A_REPORT, note="event A"),
    Rule("reports.event_report", "GET", EVENT_B, EVENT_B_REPORT, note="event B"),
    Rule("reports.event_report", "GET", lambda w: {"event_id": w.draft_b.id}, EVENT_B_REPORT, note="draft B"),
    Rule("reports.event_pdf", "GET", EVENT_A, EVENT_A_REPORT, note="event A"),
    Rule("reports.event_pdf", "GET", EVENT_B, EVENT_B_REPORT, note="event B"),
    Rule("reports_api.api_report", "GET", PROGRAMME, expect(404, coordinator=200, organiser_a=200, anonymous=401),
         note="programme"),
    Rule("reports_api.api_report", "GET", HOST_A,
         expect(404, organiser_a=200, coordinator=200, door_a=403, anonymous=401),
         note="host A"),
    Rule("merges.index", "GET", lambda w: {}, MERGERS),
    Rule("merges.new", "GET", lambda w: {"first": w.merge_survivor.id, "second": w.merge_other.id}, MERGE_A),
    Rule("merges.create", "POST", lambda w: {},
         expect(403, coordinator=302, coordinator_b=404, anonymous=302),
         data=lambda w: {"first": w.merge_survivor.id, "second": w.merge_other.id,
                         "survivor": w.merge_other.id}),
    Rule("merges.undo", "POST", lambda w: {"merge_id": w.merge.id},
         expect(403, coordinator=302, coordinator_b=404, anonymous=302)),
    # Network B's hosts: only its coordinator (and the administrator) may merge them.
    Rule("merges.create", "POST", lambda w: {},
         expect(403, coordinator=404, coordinator_b=302, admin=302, anonymous=302), note="network B",
         data=lambda w: {"first": w.org_host_b.id, "second": w.org_net_b.id, "survivor": w.org_net_b.id}),
    # Host A also hosts outside the programme? No; but org_b hosts events in no programme: a merge
    # touching it needs the administrator (coordinator A cannot even find it).
    Rule("merges.create", "POST", lambda w: {},
         expect(403, coordinator=404, coordinator_b=404, admin=302, anonymous=302), note="outside any programme",
         data=lambda w: {"first": w.org_a.id, "second": w.org_b.id, "survivor": w.org_a.id}),
    # Network B's programme report, event and API: its coordinator and the administrator only.
    Rule("reports.index", "GET", lambda w: {"programme": w.programme_b.slug}, PROGRAMME_B_REPORT,
         note="programme B"),
    Rule("reports.index", "GET", lambda w: {"programme": w.programme_b.slug, "event": w.event_a.id},
         expect(404, organiser_a=200, coordinator=200, door_a=403, admin=200, anonymous=302),
         note="programme B narrowing event A (shows nothing of B)"),
    Rule("reports.event_report", "GET", lambda w: {"event_id": w.event_net_b.id}, PROGRAMME_B_REPORT,
         note="event of network B"),
    Rule("reports_api.api_report", "GET", lambda w: {"programme": w.programme_b.slug},
         expect(404, coordinator_b=200, admin=200, anonymous=401), note="programme B"),
    # Finding 6: one allowed filter (own host) does not open another host's draft event.
    Rule("reports_api.api_report", "GET", lambda w: {"host": w.org_a.id, "event": w.draft_b.id},
         expect(404, admin=200, anonymous=401), note="own host with B's draft"),
]
