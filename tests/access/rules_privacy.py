"""Access rules for the privacy area: the notice (public), people's data and the access log.

The people pages are for coordinators (people registered at their network's events) and the
administrator (everyone); anyone else signed in gets 403. A person outside the coordinator's
network is answered like an unknown address (422 at the field), never told apart.
"""

from __future__ import annotations

from tests.access.matrix import Rule, expect, public, signed_in

NONE = lambda w: {}  # noqa: E731

#: Coordinators of either network and the administrator.
COORDINATORS = expect(403, anonymous=302, coordinator=200, coordinator_b=200, admin=200)


def email_of(attr, **extra):
    return lambda w: {"email": getattr(w, attr).person.email, **extra}


RULES = [
    Rule("privacy.notice", "GET", NONE, public(200)),
    Rule("privacy.programme_notice", "GET", lambda w: {"slug": w.programme.slug}, public(200)),
    Rule("privacy.programme_notice", "GET", lambda w: {"slug": "no-such-programme"}, public(404), note="missing"),
    # an event's notice (the programme's and the host's additions): as public as the event itself
    Rule("privacy.event_notice", "GET", lambda w: {"event_id": w.event_a.id}, public(200), note="published A"),
    Rule("privacy.event_notice", "GET", lambda w: {"event_id": w.draft_a.id},
         expect(404, door_a=200, organiser_a=200, coordinator=200), note="draft A"),
    Rule("privacy.event_notice", "GET", lambda w: {"event_id": 2147483647}, public(404), note="missing"),
    Rule("privacy.people", "GET", NONE, COORDINATORS),
    Rule("privacy.people", "POST", NONE, expect(403, anonymous=302, coordinator=200, coordinator_b=422, admin=200),
         data=email_of("registration_a"), note="network A's person"),
    Rule("privacy.people", "POST", NONE, expect(403, anonymous=302, coordinator=422, coordinator_b=200, admin=200),
         data=email_of("registration_net_b"), note="network B's person"),
    Rule("privacy.people", "POST", NONE, expect(403, anonymous=302, coordinator=422, coordinator_b=422, admin=200),
         data=email_of("registration_b"), note="a person of no network"),
    Rule("privacy.export_person", "POST", NONE,
         expect(403, anonymous=302, coordinator=200, coordinator_b=422, admin=200), data=email_of("registration_a")),
    Rule("privacy.erase", "POST", NONE, expect(403, anonymous=302, coordinator=302, coordinator_b=422, admin=302),
         data=email_of("registration_a", confirm="y")),
    Rule("privacy.erase", "POST", NONE, expect(403, anonymous=302, coordinator=422, coordinator_b=422, admin=422),
         data=email_of("registration_a"), note="not confirmed"),
    Rule("privacy.access_log", "GET", NONE, COORDINATORS),
    # Two-step sign-in (eventsapp/auth/two_step_views.py): no sign-in waits for a second step here.
    Rule("auth.two_step_login", "GET", NONE, expect(302)),
    Rule("auth.two_step_login", "POST", NONE, expect(302), data=lambda w: {"code": "123456"}),
    Rule("auth.two_step_setup", "GET", NONE, signed_in(200)),
    Rule("auth.two_step_setup", "POST", NONE, signed_in(422), data=lambda w: {"code": "000000"}),
    Rule("auth.two_step_disable", "POST", NONE, expect(302), data=lambda w: {"code": "000000"}),
    # New recovery codes: nobody here has two-step sign-in on, so back to its setup (anonymous: sign in).
    Rule("auth.two_step_recovery_codes", "POST", NONE, expect(302), data=lambda w: {"renew-code": "000000"}),
]
