"""Shared fixtures: the app on each database backend, clients, logins, factories.

Every test that uses ``app`` (or anything built on it) runs once per backend:
SQLite always, PostgreSQL too when ``TEST_DATABASE_URL`` is set. With
``EVENTSAPP_REQUIRE_SERVICES=1`` (set by .ci/run) a missing PostgreSQL or
Chromium fails the run instead of skipping.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from eventsapp import create_app
from eventsapp.extensions import db as _db
from eventsapp.reference_data import seed_reference_data
from tests import factories
from tests.registration.gunicorn_harness import Deployment
from tests.smtp import smtp_server

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
REQUIRE_SERVICES = os.environ.get("EVENTSAPP_REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_SCRIPT = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])

#: Cheap argon2 parameters for tests; production uses DEFAULT_ARGON2_PARAMETERS.
FAST_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


def pytest_configure(config):
    if REQUIRE_SERVICES and not TEST_DATABASE_URL:
        raise pytest.UsageError("EVENTSAPP_REQUIRE_SERVICES=1 but TEST_DATABASE_URL is not set")


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres_only`` are not generated for SQLite (they don't apply there)."""
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_sqlite = callspec is not None and callspec.params.get("backend") == "sqlite"
        (dropped if on_sqlite and item.get_closest_marker("postgres_only") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_report_header(config):
    browser = CHROMIUM if Path(CHROMIUM).exists() else f"not found at {CHROMIUM}"
    return [f"eventsapp database backends: {', '.join(BACKENDS)}", f"eventsapp browser: {browser}"]


def base_config(tmp_path: Path, database_url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "CHECK_DATABASE_ON_START": False,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "ARGON2_PARAMETERS": FAST_ARGON2,
        "SERVER_NAME": None,
    }


def worker_database_url(worker_id: str) -> str:
    """The PostgreSQL URL for this pytest-xdist worker: its own database, created on demand."""
    if worker_id in ("master", "gw0") or not TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    name = f"{admin.url.database}_{worker_id}"
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    admin.dispose()
    return url


@pytest.fixture(scope="session")
def postgres_schema(worker_id):
    """Create the schema once per session on the PostgreSQL test database."""
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    url = worker_database_url(worker_id)
    app = create_app(base_config(Path("/tmp"), url))  # noqa: S108
    with app.app_context():
        _db.drop_all()
        with _db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        _db.create_all()
        _db.engine.dispose()
    return url


def truncate_all(engine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def app(request, backend, tmp_path):
    """The app on a fresh, empty database with regions and sectors seeded."""
    if backend == "postgresql":
        url = request.getfixturevalue("postgres_schema")
    else:
        url = f"sqlite:///{tmp_path / 'test.db'}"
    extra = getattr(request, "param", None) or {}
    app = create_app({**base_config(tmp_path, url), **extra})
    with app.app_context():
        if backend == "postgresql":
            truncate_all(_db.engine)
        else:
            _db.create_all()
        seed_reference_data()
        _db.session.commit()
    yield app
    with app.app_context():
        _db.session.remove()
        if backend == "postgresql":
            truncate_all(_db.engine)
        _db.engine.dispose()


@pytest.fixture
def db(app):
    """The database handle, inside an app context for the test body."""
    with app.app_context():
        yield _db
        _db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_organisation(db):
    return factories.make_organisation


@pytest.fixture
def make_programme(db):
    return factories.make_programme


@pytest.fixture
def make_event(db):
    return factories.make_event


@pytest.fixture
def make_person(db):
    return factories.make_person


@pytest.fixture
def make_registration(db):
    return factories.make_registration


@pytest.fixture
def make_user(db):
    return factories.make_user


@pytest.fixture
def login_as(client, db):
    """Sign the test client in through the real login form.

    ``login_as("organiser", org)`` creates a user with that role in ``org``
    (a new organisation when omitted) and returns the user; ``login_as("admin")``
    the site administrator.
    """

    def _login(role: str, organisation=None, user=None):
        if user is None and role == "admin":  # the site administrator (also a coordinator of its own)
            user = factories.make_user(role="coordinator", organisation=organisation, is_admin=True)
        if user is None:
            user = factories.make_user(role=role, organisation=organisation)
        response = client.post(
            "/auth/login", data={"email": user.email, "password": factories.PASSWORD}
        )
        assert response.status_code == 302, "login through the form failed"
        return user

    return _login


class LiveServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(app):
    """The app under a real threaded WSGI server on a free loopback port."""
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def broker_url(tmp_path) -> str:
    """Celery's broker for servers and workers run as processes: Redis where the machine has it
    (``TEST_REDIS_URL``: CI, production's shape), else a SQLite broker file they all share.

    On Redis, each pytest-xdist worker queues in a database of its own (see
    :func:`redis_for_this_test_process`): two tests running a real Celery worker at the same time
    on two xdist workers shared one ``celery`` queue, and each worker took the other test's tasks,
    for jobs its own database does not have (both tests then waited for ever)."""
    redis_url = os.environ.get("TEST_REDIS_URL")
    return redis_for_this_test_process(redis_url) if redis_url else f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}"


def redis_for_this_test_process(url: str) -> str:
    """``url`` with its database moved down by the xdist worker's number (gw0: as given, gw1: one
    lower, modulo Redis's 16 databases)."""
    from urllib.parse import urlsplit, urlunsplit

    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    number = int(worker[2:]) if worker[2:].isdigit() else 0
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(database - number) % 16}"))


@pytest.fixture
def deployment(app, tmp_path, broker_url) -> Deployment:
    """App servers under gunicorn and a real Celery worker on the test's database and broker
    (see :class:`tests.registration.gunicorn_harness.Deployment`)."""
    return Deployment(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, broker_url)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        if REQUIRE_SERVICES:
            pytest.fail(f"Chromium is required but not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


#: Every test tab: CSP bypassed only so that axe-core can be injected, and reduced motion, so
#: app.css turns transitions off and axe never reads a colour caught half-way through one (a
#: button that appears under the pointer fades into its hover colours over 0.15 s otherwise).
BROWSER_CONTEXT = {"bypass_csp": True, "reduced_motion": "reduce"}


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab; ``page.goto("/...")`` is relative to the live server.

    CSP is bypassed only so that axe-core can be injected for accessibility checks.
    """
    context = browser.new_context(**BROWSER_CONTEXT, base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A phone-sized tab (iPhone-like viewport, touch)."""
    context = browser.new_context(
        **BROWSER_CONTEXT, base_url=live_server.url, viewport={"width": 390, "height": 844},
        is_mobile=True, has_touch=True,
    )
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core on the page; return violations of the given impacts."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"axe-core is missing at {AXE_SCRIPT}; run `npm ci` (make test does)")
    # A click that navigates returns before the new document has loaded: check the page it leads to.
    page.wait_for_load_state("load")
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in impacts]


@pytest.fixture
def assert_accessible():
    def _check(page):
        violations = axe_violations(page)
        summary = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
        assert not violations, f"axe-core violations: {summary}"

    return _check


@pytest.fixture
def fresh_engine_url(backend, tmp_path):
    """An empty database URL of the current backend, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"eventsapp_empty_{os.getpid()}_{threading.get_ident() % 100000}"
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def pytest_terminal_summary(terminalreporter):
    """Say plainly how many PostgreSQL and browser tests ran, so a CI log shows they were not skipped."""
    counts = {"postgresql": [0, 0], "browser": [0, 0]}  # [passed, skipped]
    for outcome, index in (("passed", 0), ("skipped", 1)):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", "call") not in ("call", "setup"):
                continue
            if outcome == "passed" and report.when != "call":
                continue
            params = report.nodeid.partition("[")[2]
            if "postgresql" in params.split("-") or params.startswith("postgresql"):
                counts["postgresql"][index] += 1
            if "browser" in report.keywords:
                counts["browser"][index] += 1
    terminalreporter.write_sep("-", "eventsapp services")
    for name, (passed, skipped) in counts.items():
        terminalreporter.write_line(f"{name} tests: {passed} passed, {skipped} skipped")
    hostile_sweep_summary(terminalreporter)


def hostile_sweep_summary(terminalreporter) -> None:
    """"hostile sweep: N requests, K server errors" (tests/hostile/test_sweep.py records both per route;
    the properties travel from pytest-xdist workers with the reports)."""
    requests = server_errors = 0
    seen = False
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", None) != "call":
                continue
            properties = dict(getattr(report, "user_properties", []))
            if "hostile_requests" in properties:
                seen = True
                requests += properties["hostile_requests"]
                server_errors += properties.get("hostile_server_errors", 0)
    if seen:
        terminalreporter.write_line(f"hostile sweep: {requests} requests, {server_errors} server errors")


@pytest.fixture
def smtp(app):
    """A real SMTP server on loopback; the app (its outbox) sends to it. Yields the collector."""
    with smtp_server() as (url, collector):
        app.config["MAIL_URL"] = url
        yield collector
