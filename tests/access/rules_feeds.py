"""Access rules for the calendar feeds: public .ics for public events, drafts only to their host."""

from __future__ import annotations

from tests.access.matrix import Rule, expect, public

NONE = lambda w: {}  # noqa: E731

RULES = [
    Rule("feeds.event_ics", "GET", lambda w: {"event_id": w.event_a.id}, public(200), note="published"),
    Rule("feeds.event_ics", "GET", lambda w: {"event_id": w.event_b.id}, public(200), note="other org, published"),
    # Drafts: the host's members and the programme's coordinator; everyone else a uniform 404.
    Rule(
        "feeds.event_ics", "GET", lambda w: {"event_id": w.draft_a.id},
        expect(404, door_a=200, organiser_a=200, coordinator=200), note="draft A (in the programme)",
    ),
    Rule(
        "feeds.event_ics", "GET", lambda w: {"event_id": w.draft_b.id},
        expect(404, organiser_b=200), note="draft B",
    ),
    Rule("feeds.event_ics", "GET", lambda w: {"event_id": 999_999}, public(404), note="missing"),
    Rule("feeds.calendar", "GET", NONE, public(200)),
    Rule("feeds.programme_calendar", "GET", lambda w: {"slug": w.programme.slug}, public(200)),
    Rule("feeds.programme_calendar", "GET", lambda w: {"slug": "no-such-programme"}, public(404), note="missing"),
    Rule("feeds.region_calendar", "GET", lambda w: {"code": "TLJ"}, public(200)),
    Rule("feeds.region_calendar", "GET", lambda w: {"code": "XX9"}, public(404), note="missing"),
    Rule("feeds.organisation_calendar", "GET", lambda w: {"organisation_id": w.org_a.id}, public(200)),
    Rule(
        "feeds.organisation_calendar", "GET", lambda w: {"organisation_id": w.org_b.id}, public(200),
        note="other org",
    ),
    Rule("feeds.organisation_calendar", "GET", lambda w: {"organisation_id": 999_999}, public(404), note="missing"),
]
