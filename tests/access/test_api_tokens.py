"""The API's access rules with tokens instead of sessions (tests/access/rules_api.py ``TOKEN_RULES``):
each role's read-write token reaches what the role reaches within the token's scope, nothing of
another organisation or network (404); every role's read-only token writes nothing (403)."""

from __future__ import annotations

import pytest
from flask import url_for

from tests.access.matrix import ROLES
from tests.access.rules_api import TOKEN_RULES


def _token_request(matrix, role: str, access: str, rule, world):
    with matrix.app.test_request_context():
        url = url_for(rule.endpoint, **rule.url_values(world))
    headers = {} if role == "anonymous" else {"Authorization": f"Bearer {world.api_tokens[role][access]}"}
    client = matrix.app.test_client()
    json = rule.data(world) if rule.data else None
    response = client.open(url, method=rule.method, headers=headers, json=json)
    if rule.method != "GET" and not 400 <= response.status_code < 500:
        matrix.dirty = True
    return url, response


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("rule", TOKEN_RULES, ids=lambda r: f"{r.endpoint}-{r.method}-{r.note}")
def test_token_access(matrix, world, rule, role):
    url, response = _token_request(matrix, role, "write", rule, world)
    allowed = rule.allowed(role)
    assert response.status_code in allowed, f"{role}'s token {rule.method} {url}: {response.status_code}"
    assert response.mimetype == ("application/problem+json" if response.status_code >= 400 else "application/json")


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
@pytest.mark.parametrize("rule", [r for r in TOKEN_RULES if r.method == "POST"],
                         ids=lambda r: f"{r.endpoint}-{r.note}")
def test_read_only_tokens_never_write(matrix, world, rule, role):
    url, response = _token_request(matrix, role, "read", rule, world)
    assert response.status_code == 403, f"{role}'s read-only token {url}: {response.status_code}"
