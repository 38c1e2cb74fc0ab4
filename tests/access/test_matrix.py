"""Every route, every role, every method: the access-control matrix.

In the style of Indico's permission tests. The routes come from
``app.url_map``; the expectations from ``tests/access/rules_*.py``. A route
without a rule fails, and so does a rule for a route that no longer exists,
so a new endpoint cannot ship without its access decision being written down.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from flask import url_for

from eventsapp import create_app
from tests.access.matrix import ROLES, load_rules, routes
from tests.conftest import base_config


def _url_map_app():
    tmp = Path(tempfile.mkdtemp(prefix="matrix-routes-"))
    return create_app(base_config(tmp, f"sqlite:///{tmp / 'routes.db'}"))


def _cases() -> list:
    app_routes = routes(_url_map_app())
    rules = load_rules()
    cases = []
    by_route: dict[tuple[str, str], list] = {}
    for rule in rules:
        by_route.setdefault((rule.endpoint, rule.method), []).append(rule)
    for endpoint, method in sorted(app_routes):
        found = by_route.get((endpoint, method))
        if not found:
            cases.append(pytest.param(None, endpoint, method, None, id=f"{endpoint}-{method}-NO-RULE"))
            continue
        for index, rule in enumerate(found):
            suffix = f"#{index}" if len(found) > 1 else ""
            for role in ROLES:
                cases.append(
                    pytest.param(rule, endpoint, method, role, id=f"{endpoint}-{method}{suffix}-{role}")
                )
    for endpoint, method in sorted(set(by_route) - app_routes):
        cases.append(pytest.param("stale", endpoint, method, None, id=f"{endpoint}-{method}-STALE-RULE"))
    return cases


@pytest.mark.parametrize(("rule", "endpoint", "method", "role"), _cases())
def test_access(matrix, world, rule, endpoint, method, role):
    if rule is None:
        pytest.fail(
            f"route {endpoint} {method} has no access rule: add one to tests/access/rules_<area>.py"
        )
    if rule == "stale":
        pytest.fail(f"a rule names {endpoint} {method}, which the app does not serve")
    allowed = rule.allowed(role)
    with matrix.app.test_request_context():
        url = url_for(endpoint, **rule.url_values(world))
        data = rule.data(world) if rule.data else None
    response = matrix.request(role, method, url, data=data)
    assert response.status_code in allowed, (
        f"{role} {method} {url} answered {response.status_code}, expected {sorted(allowed)}"
        + (f" (Location: {response.headers.get('Location')})" if response.status_code in (301, 302, 303) else "")
    )


def test_every_role_signs_in_through_the_login_form(matrix, world):
    """The matrix is only meaningful if the role clients really are signed in as themselves."""
    for role in ROLES[1:]:
        html = matrix.client(role).get("/").get_data(as_text=True)
        assert world.users[role].name in html, f"{role} is not signed in"
    assert "Sign in" in matrix.client("anonymous").get("/").get_data(as_text=True)


def test_the_world_is_put_back_after_a_change(matrix, world):
    """A test that changes data must not leak into the next one (same ids, cookies still valid)."""
    url = f"/organisations/{world.org_a.id}/members/{world.membership['door_a'].id}/remove"
    assert matrix.request("organiser_a", "POST", url).status_code == 302
    assert matrix.client("door_a").get("/auth/password/change").status_code == 200  # still signed in
    assert matrix.client("organiser_a").get(f"/organisations/{world.org_a.id}").get_data(as_text=True).count(
        world.users["door_a"].email
    ) == 0
    restored = matrix.fresh_world()
    assert restored is world
    html = matrix.client("organiser_a").get(f"/organisations/{world.org_a.id}").get_data(as_text=True)
    assert world.users["door_a"].email in html
    assert matrix.client("door_a").get(f"/organisations/{world.org_a.id}").status_code == 403  # door again
