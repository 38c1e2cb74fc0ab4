"""The access-control matrix: one :class:`Rule` per (endpoint, method).

Each area describes its routes in ``tests/access/rules_<area>.py``::

    from tests.access.matrix import Rule, expect

    RULES = [
        Rule("events.edit", "GET", lambda w: {"event_id": w.event_a.id},
             expect(404, organiser_a=200, coordinator=200, door_a=403, anonymous=302)),
        Rule("events.edit", "GET", lambda w: {"event_id": w.draft_b.id},
             expect(404, organiser_b=200, anonymous=302)),
    ]

``tests/access/test_matrix.py`` collects every ``rules_*.py``, enumerates
``app.url_map`` and requests every (endpoint, method) as every role; a route
with no rule fails, and so does a rule whose endpoint no longer exists.

Conventions (design.md, eventsapp/permissions.py):

- anonymous on a sign-in-only page: 302 (to the login page);
- another organisation's event or attendee data: 404 (uniform, never 403);
- own organisation without the role: 403;
- another network's objects: 404 (a coordinator reaches only their network);
- public pages: 200;
- ``admin`` (the site administrator) may do everything: unless a rule names it, it
  expects the first answer that is not a refusal (403/404) among ``coordinator``,
  ``organiser_a``, ``organiser_b`` and ``door_a``, else the coordinator's.

``url_values`` and ``data`` are called with the world (see ``conftest.py``)
inside an application context, so they may call ``make_token`` or
``url_for``. Several rules per (endpoint, method) are allowed, e.g. one for
an own-organisation object and one for another organisation's.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

#: Every role the matrix is checked for. ``coordinator`` coordinates network A (the
#: programme ``programme``, host A); ``coordinator_b`` network B (``programme_b``, host
#: ``org_host_b``); ``admin`` is the site administrator (no membership at all).
ROLES = ("anonymous", "door_a", "organiser_a", "organiser_b", "coordinator", "coordinator_b", "admin")

#: Methods never listed in rules (Flask answers them itself).
IMPLICIT_METHODS = {"HEAD", "OPTIONS"}

#: Endpoints that serve files, not application data.
IGNORED_ENDPOINTS = {"static", "bootstrap.static"}


@dataclass(frozen=True)
class Rule:
    endpoint: str  # e.g. "events.edit"
    method: str  # "GET" / "POST"
    url_values: Callable  # world -> dict of URL arguments
    expected: dict  # role -> int status or set of ints
    data: Callable | None = None  # world -> form data for POST (CSRF is off in tests)
    #: Free text shown in the test id when one endpoint has several rules.
    note: str = field(default="", compare=False)

    def allowed(self, role: str) -> set[int]:
        if role not in self.expected:
            raise KeyError(f"rule for {self.endpoint} {self.method} has no expectation for {role!r}")
        value = self.expected[role]
        return set(value) if isinstance(value, set | frozenset | tuple | list) else {value}


def expect(default: int | set[int], **by_role: int | set[int]) -> dict:
    """An expectation for every role: ``default`` unless a role is named (``admin``: the
    most permitted answer of the others, see the module docstring, unless named).

    ``expect(404, organiser_a=200, door_a=403, anonymous=302)``
    """
    unknown = set(by_role) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}; roles are {ROLES}")
    table = {role: by_role.get(role, default) for role in ROLES}
    if "admin" not in by_role:
        table["admin"] = _as_permitted_as_anyone(table)
    return table


REFUSED = {403, 404}


def _as_permitted_as_anyone(table: dict) -> int | set[int]:
    for role in ("coordinator", "organiser_a", "organiser_b", "door_a"):
        value = table[role]
        values = set(value) if isinstance(value, set | frozenset | tuple | list) else {value}
        if not values <= REFUSED:
            return value
    return table["coordinator"]


def public(status: int | set[int] = 200) -> dict:
    """The same answer for everyone, signed in or not."""
    return expect(status)


def signed_in(status: int | set[int] = 200, **by_role: int | set[int]) -> dict:
    """Any signed-in role gets ``status``; anonymous is sent to the login page."""
    return expect(status, **{"anonymous": 302, **by_role})


def load_rules() -> list[Rule]:
    """Every ``RULES`` list from ``tests/access/rules_*.py``."""
    rules: list[Rule] = []
    for module in rule_modules():
        rules.extend(getattr(module, "RULES", []))
    return rules


def rule_modules() -> list:
    here = Path(__file__).resolve().parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("rules_"))
    return [importlib.import_module(f"tests.access.{name}") for name in names]


def routes(app) -> set[tuple[str, str]]:
    """Every (endpoint, method) the app answers, except static files."""
    found = set()
    for url_rule in app.url_map.iter_rules():
        if url_rule.endpoint in IGNORED_ENDPOINTS:
            continue
        for method in (url_rule.methods or set()) - IMPLICIT_METHODS:
            found.add((url_rule.endpoint, method))
    return found
