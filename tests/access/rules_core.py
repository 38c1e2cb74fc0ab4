"""Access rules for the foundation's routes (main, auth) and organisations."""

from __future__ import annotations

from tests.access.matrix import Rule, expect, public, signed_in

NONE = lambda w: {}  # noqa: E731

RULES = [
    Rule("main.index", "GET", NONE, public(200)),
    Rule("main.healthz", "GET", NONE, public(200)),
    # Signed-in people are sent on from the login page.
    Rule("auth.login", "GET", NONE, expect(302, anonymous=200)),
    Rule(
        "auth.login", "POST", NONE, expect(302, anonymous=422),
        data=lambda w: {"email": w.users["organiser_a"].email, "password": "not the password"},
    ),
    Rule("auth.logout", "POST", NONE, signed_in(302)),
]
