"""The hostile-input sweep (test_sweep_*.py): every route, every method, as anonymous and as every role.

Walks ``app.url_map`` in the access matrix's world (``tests/access/conftest.py``: two host
organisations, a coordinating network, events, registrations, an import job; each role signed in
through the login form) with CSRF protection on, as in production. For each route and role it sends
the requests of :mod:`tests.hostile.sweep`: ids of 0, -1, 2^31, 2^64 and 10^30 in every ``<int:...>``
parameter, junk in string parameters, extreme query strings, and for POST missing, extra and hostile
form fields, with the role's valid CSRF token and without one. It asserts:

- no answer is a 5xx, and nothing is logged at ERROR (no traceback);
- a request without a CSRF token is refused (400) and runs nothing (except on the few routes in
  :data:`CSRF_EXEMPT`, e.g. the one-click unsubscribe);
- no request wrote anything (a committed INSERT/UPDATE/DELETE, or a file added, changed or removed
  under the instance folder), except a POST that succeeded (2xx/3xx): the form was valid after all
  (extra fields are ignored), so it may do its job. Then nothing it stored may hold control
  characters, U+FFFD or undecoded ``%FF%FE``, and the world is put back before the next request.
- after each route the database is, row for row, the world as built (a digest of every table).

The number of requests is shown at the end of the run ("hostile sweep: N requests, 0 server errors").
"""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path

import pytest

from eventsapp import create_app
from eventsapp.extensions import db
from tests.access.conftest import SAFE_METHODS, Matrix
from tests.access.matrix import IGNORED_ENDPOINTS, IMPLICIT_METHODS, ROLES, load_rules
from tests.conftest import BACKENDS, base_config, truncate_all
from tests.hostile import sweep

#: Requests that may write although refused: (endpoint, method) -> why. None today.
WRITES_WHEN_REFUSED: dict[tuple[str, str], str] = {}

#: Routes exempt from CSRF by design: (endpoint, method) -> why. A request to one of them without a
#: token is judged like one with it (it may succeed, and then write).
CSRF_EXEMPT: dict[tuple[str, str], str] = {
    ("messages.unsubscribe", "POST"): "RFC 8058 one-click unsubscribe: a mail provider POSTs with no session and "
                                      "no token; the signed link is what authorises it",
}

#: Who gets every variant: the first two of these a route lets in (anonymous first: attackers need no account).
FULL_ROLE_ORDER = ("anonymous", "organiser_a", "coordinator", "door_a", "organiser_b")

_TOKEN = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


class ErrorLog(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.name}: {record.getMessage()[:300]}" + (" (with traceback)" if record.exc_info
                                                                              else ""))


class Sweeper:
    """The matrix world with CSRF on, each role's CSRF token, and the checks after every request."""

    def __init__(self, matrix: Matrix):
        self.matrix, self.app = matrix, matrix.app
        self.rules = {}
        for rule in load_rules():
            self.rules.setdefault((rule.endpoint, rule.method), rule)
        self.cookies: dict[str, str] = {}
        self.tokens: dict[str, str] = {}
        self.requests = 0
        self.server_errors: list[str] = []
        self.problems: list[str] = []
        self.log = ErrorLog()
        with self.app.app_context():
            self.tracker = sweep.WriteTracker(db.engine)
        self.baseline = ""
        self.files: dict[str, int] = {}

    def start(self) -> None:
        self.matrix.rebuild()  # the rows as built (the sign-ins above wrote last_login_at)
        self.app.config.update(WTF_CSRF_ENABLED=True, PROPAGATE_EXCEPTIONS=False)
        for role in ROLES:
            client = self.app.test_client()
            if role != "anonymous":
                client.set_cookie("session", self.matrix.cookies[role])
            html = client.get("/auth/login" if role == "anonymous" else "/").get_data(as_text=True)
            self.tokens[role] = _TOKEN.search(html).group(1)
            self.cookies[role] = client.get_cookie("session").value
        self.matrix.rebuild()
        with self.app.app_context():
            self.baseline = sweep.database_digest()
        self.files = sweep.files_under(self.app.instance_path)
        self.tracker.install()
        logging.getLogger().addHandler(self.log)

    def stop(self) -> None:
        logging.getLogger().removeHandler(self.log)
        self.tracker.remove()

    def rebuild(self) -> None:
        self.tracker.paused = True
        try:
            self.matrix.rebuild()
        finally:
            self.tracker.paused = False

    def send(self, endpoint: str, role: str, method: str, path: str, query: str = "", data=None,
             token: bool = True, environ: dict | None = None) -> tuple[int, str]:
        client = self.app.test_client()
        client.set_cookie("session", self.cookies[role])
        kwargs: dict = {}
        if isinstance(data, bytes):
            body = data + (f"&csrf_token={self.tokens[role]}".encode() if token else b"")
            kwargs = {"data": body, "content_type": "application/x-www-form-urlencoded"}
        elif data is not None or method not in SAFE_METHODS:
            kwargs = {"data": {**(data or {}), **({"csrf_token": self.tokens[role]} if token else {})}}
        url = path + (f"?{query}" if query else "")
        shown = f"{role} {method} {url[:160]}{'…' if len(url) > 160 else ''}" + ("" if token else " (no token)")
        self.tracker.reset()
        errors_before = len(self.log.records)
        response = client.open(url, method=method, environ_overrides=environ or {}, **kwargs)
        status, location = response.status_code, response.headers.get("Location", "")
        response.close()
        self.requests += 1
        if status >= 500:
            self.server_errors.append(f"{shown} answered {status}")
        if len(self.log.records) > errors_before:
            self.problems.append(f"{shown} logged: {self.log.records[errors_before]}")
        files_changed = method not in SAFE_METHODS and sweep.files_under(self.app.instance_path) != self.files
        if self.tracker.committed or files_changed:
            what = self.tracker.statements[:2] or ["files under the instance folder"]
            succeeded = 200 <= status < 400
            if method in SAFE_METHODS or (not token and (endpoint, method) not in CSRF_EXEMPT) or (
                    not succeeded and (endpoint, method) not in WRITES_WHEN_REFUSED):
                self.problems.append(f"{shown} answered {status} and wrote: {what}")
            with self.app.app_context():
                junk = sweep.stored_junk(self.tracker.tables_written())
                db.session.remove()
            if junk:
                self.problems.append(f"{shown} stored junk: {junk[:3]}")
            self.rebuild()
        if not token and (endpoint, method) not in CSRF_EXEMPT and status not in (400, 404, 405):
            self.problems.append(f"{shown} was not refused for its missing CSRF token: {status}")
        return status, location

    def check_world_unchanged(self, label: str) -> None:
        self.tracker.paused = True
        try:
            with self.app.app_context():
                digest = sweep.database_digest()
                db.session.remove()
        finally:
            self.tracker.paused = False
        if digest != self.baseline:
            self.problems.append(f"after {label} the database differs from the world as built")
            self.rebuild()

    def refused(self, response) -> bool:
        """Sent away before the view reads its input: to the sign-in page, 400 (CSRF), 403, 404 or 405."""
        status, location = response
        return status in (400, 401, 403, 404, 405) or status == 302 and "/auth/login" in location

    # The requests ---------------------------------------------------------------------------------

    def url_values(self, url_rule, method: str) -> dict:
        """Values for the route's parameters: the access rule's (objects that exist), else 1 / "x"."""
        rule = self.rules.get((url_rule.endpoint, method))
        values = {}
        if rule is not None:
            with self.app.test_request_context():
                values = dict(rule.url_values(self.matrix.world))
        for name in url_rule.arguments:
            values.setdefault(name, 1 if name in sweep.int_arguments(url_rule) else "x")
        return values

    def form_data(self, url_rule, method: str) -> dict:
        rule = self.rules.get((url_rule.endpoint, method))
        if rule is None or rule.data is None:
            return {}
        with self.app.test_request_context():
            return {k: v for k, v in rule.data(self.matrix.world).items() if isinstance(v, str | int)}

    def sweep_route(self, url_rule, method: str) -> None:
        """Every role, hostile values everywhere. Each role first sends the route's own request; the
        first two roles it lets in (in :data:`FULL_ROLE_ORDER`) get every variant, the others a sample
        of each kind (a refused role is turned away before its input is read)."""
        endpoint = url_rule.endpoint
        values = self.url_values(url_rule, method)
        base_path = sweep.path_for(url_rule, values)
        base_data = self.form_data(url_rule, method)
        is_post = method not in SAFE_METHODS
        data = base_data if is_post else None
        let_in = [role for role in FULL_ROLE_ORDER
                  if not self.refused(self.send(endpoint, role, method, base_path, data=data if is_post else None))]
        full = set(let_in[:2])
        for role in ROLES:
            depth = "full" if role in full else "sample"
            ids = sweep.HOSTILE_IDS if depth == "full" else sweep.SAMPLE_IDS
            strings = sweep.HOSTILE_PATH_STRINGS if depth == "full" else sweep.SAMPLE_PATH_STRINGS
            for name in sweep.int_arguments(url_rule):
                for bad in ids:
                    self.send(endpoint, role, method, sweep.path_for(url_rule, {**values, name: bad}), data=data)
            for name in sweep.string_arguments(url_rule):
                for bad in strings:
                    self.send(endpoint, role, method, sweep.path_for(url_rule, {**values, name: bad}), data=data)
                raw = sweep.path_for(url_rule, {**values, name: sweep.INVALID_UTF8_PATH})
                self.send(endpoint, role, method, base_path, data=data, environ={"PATH_INFO": raw})
            if not is_post:
                variants = sweep.query_variants(each_name=role == (let_in[:1] or [None])[0])
                for label, query in variants:
                    if depth == "full" or label in sweep.SAMPLE_VARIANTS:
                        self.send(endpoint, role, method, base_path, query=query)
            else:
                first = role == (let_in[:1] or [None])[0]
                for label, form in sweep.form_variants(base_data, each_field=first):
                    if depth == "full" or label in sweep.SAMPLE_VARIANTS:
                        self.send(endpoint, role, method, base_path, data=form)
                self.send(endpoint, role, method, base_path, data=base_data, token=False)
        self.check_world_unchanged(f"{endpoint} {method}")


#: Blueprints swept by tests/hostile/test_sweep_events.py; test_sweep_other.py sweeps the rest. Two
#: modules, so that pytest-xdist (``--dist loadfile``) can run them on two workers at once.
EVENT_BLUEPRINTS = ("events", "registration", "checkin", "feeds")


def routes(part: str) -> list:
    """pytest params (rule path, method) of every route in ``part`` ("events" or "other")."""
    tmp = Path(tempfile.mkdtemp(prefix="hostile-routes-"))
    app = create_app(base_config(tmp, f"sqlite:///{tmp / 'routes.db'}"))
    found = []
    for url_rule in app.url_map.iter_rules():
        if url_rule.endpoint in IGNORED_ENDPOINTS:
            continue
        in_events = url_rule.endpoint.split(".")[0] in EVENT_BLUEPRINTS
        if in_events != (part == "events"):
            continue
        for method in sorted((url_rule.methods or set()) - IMPLICIT_METHODS):
            found.append(pytest.param(url_rule.rule, method, id=f"{url_rule.endpoint}-{method}"))
    return sorted(found, key=lambda p: p.id)


def sweep_one_route(sweeper: Sweeper, record_property, rule_path: str, method: str) -> None:
    """Sweep one route; record the counts (for the run's summary line); fail on any finding."""
    url_rule = next(r for r in sweeper.app.url_map.iter_rules() if r.rule == rule_path and method in r.methods)
    before, errors_before, problems_before = sweeper.requests, len(sweeper.server_errors), len(sweeper.problems)
    sweeper.sweep_route(url_rule, method)
    server_errors = sweeper.server_errors[errors_before:]
    problems = sweeper.problems[problems_before:]
    record_property("hostile_requests", sweeper.requests - before)
    record_property("hostile_server_errors", len(server_errors))
    assert not server_errors, f"{len(server_errors)} server errors, e.g. " + "\n".join(server_errors[:10])
    assert not problems, f"{len(problems)} problems, e.g. " + "\n".join(problems[:10])


@pytest.fixture(scope="module", params=BACKENDS)
def sweeper(request, tmp_path_factory):
    backend = request.param
    tmp = tmp_path_factory.mktemp(f"hostile-{backend}")
    url = request.getfixturevalue("postgres_schema") if backend == "postgresql" else f"sqlite:///{tmp / 'sweep.db'}"
    app = create_app(base_config(tmp, url))
    if backend == "sqlite":
        with app.app_context():
            db.create_all()
    matrix = Matrix(app, backend)
    matrix.build()
    state = Sweeper(matrix)
    state.start()
    yield state
    state.stop()
    with app.app_context():
        db.session.remove()
        if backend == "postgresql":
            truncate_all(db.engine)
        db.engine.dispose()


