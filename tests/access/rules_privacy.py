"""Access rules for the privacy area: the notice (public), people's data and the access log."""

from __future__ import annotations

from tests.access.matrix import Rule, public

NONE = lambda w: {}  # noqa: E731

RULES = [
    Rule("privacy.notice", "GET", NONE, public(200)),
    Rule("privacy.programme_notice", "GET", lambda w: {"slug": w.programme.slug}, public(200)),
    Rule("privacy.programme_notice", "GET", lambda w: {"slug": "no-such-programme"}, public(404), note="missing"),
]
