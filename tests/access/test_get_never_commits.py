"""A GET never commits (architecture.md): every GET route of the access matrix, requested as a role
it answers (not a refusal or a redirect), and the API's with a token too, commits no transaction on
any connection while the request runs, but for the record of the read itself: the personal-data
access log's entry and a token's last use (:data:`AUDIT_WRITES`), each in a transaction of its own.
"""

from __future__ import annotations

import re

import pytest
from flask import url_for
from sqlalchemy import event

from eventsapp.extensions import db
from tests.access.matrix import ROLES, load_rules
from tests.access.rules_api import TOKEN_RULES


def _allowed_role(rule) -> str | None:
    """The first role the rule lets in (a 2xx answer); None when it lets nobody in."""
    for role in ROLES:
        if any(200 <= status < 300 for status in rule.allowed(role)):
            return role
    return None


def _get_cases() -> list:
    cases = []
    for rule in load_rules():
        role = _allowed_role(rule) if rule.method == "GET" else None
        if role is not None:
            cases.append(pytest.param(rule, role, id=f"{rule.endpoint}-{role}-{rule.note or 'page'}"))
    return cases


#: The only writes a GET may commit: the record that it was made (privacy/access_log.py, api/auth.py).
AUDIT_WRITES = (
    re.compile(r'^INSERT INTO "?access_log_entry"? ', re.I),
    re.compile(r'^UPDATE "?api_token"? SET "?last_used_at"?=[^,]+ WHERE "?api_token"?\."?id"? = ', re.I),
)
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|ANALYZE|TRUNCATE)\b", re.I)


class CommitLog:
    """Commits on the app's engine while :attr:`recording` (any connection, ORM session or not), with the
    writes each committed; :attr:`commits` lists those that are not only :data:`AUDIT_WRITES` (an empty
    commit counts: a GET has no unit of work to end)."""

    def __init__(self):
        self.recording = False
        self.commits: list[list[str]] = []
        self._writes: dict[int, list[str]] = {}

    def executed(self, connection, _cursor, statement, _parameters, _context, _executemany) -> None:
        if self.recording and WRITE.match(statement):
            self._writes.setdefault(id(connection), []).append(" ".join(statement.split()))

    def committed(self, connection) -> None:
        writes = self._writes.pop(id(connection), [])
        if self.recording and not (writes and all(any(p.match(w) for p in AUDIT_WRITES) for w in writes)):
            self.commits.append(writes)

    def rolled_back(self, connection) -> None:
        self._writes.pop(id(connection), None)


@pytest.fixture
def commits(matrix):
    log = CommitLog()
    with matrix.app.app_context():
        engine = db.engine
    hooks = (("before_cursor_execute", log.executed), ("commit", log.committed), ("rollback", log.rolled_back))
    for name, hook in hooks:
        event.listen(engine, name, hook)
    yield log
    for name, hook in hooks:
        event.remove(engine, name, hook)


def _get(matrix, commits: CommitLog, url: str, role: str | None = None, headers: dict | None = None):
    client = matrix.client(role) if role else matrix.app.test_client()
    commits.recording = True
    try:
        return client.get(url, headers=headers or {})
    finally:
        commits.recording = False


@pytest.mark.parametrize(("rule", "role"), _get_cases())
def test_a_get_commits_nothing(matrix, world, commits, rule, role):
    with matrix.app.test_request_context():
        url = url_for(rule.endpoint, **rule.url_values(world))
    response = _get(matrix, commits, url, role)
    assert response.status_code in rule.allowed(role), f"{role} GET {url}: {response.status_code}"
    assert commits.commits == [], f"{role} GET {url} committed {commits.commits}"


@pytest.mark.parametrize("rule", [r for r in TOKEN_RULES if r.method == "GET"],
                         ids=lambda r: f"{r.endpoint}-{r.note}")
def test_an_api_get_with_a_token_commits_nothing(matrix, world, commits, rule):
    role = _allowed_role(rule) or "organiser_a"
    with matrix.app.test_request_context():
        url = url_for(rule.endpoint, **rule.url_values(world))
    response = _get(matrix, commits, url, headers={"Authorization": f"Bearer {world.api_tokens[role]['read']}"})
    assert response.status_code < 500
    assert commits.commits == [], f"{role}'s token GET {url} committed {commits.commits}"


def test_the_commit_log_sees_a_post_commit(matrix, world, commits):
    """The listener is live: a POST that changes something is recorded."""
    commits.recording = True
    try:
        response = matrix.request("organiser_a", "POST", "/auth/logout")
    finally:
        commits.recording = False
    assert response.status_code in (302, 303) and any("UPDATE" in w for c in commits.commits for w in c)
