"""Acceptance: 20 wrong passwords for one account from one address, sent at once to 4 gunicorn
workers that share Redis, are processed no more often than the per-account-and-address limit.

Runs the real thing: the .venv's gunicorn serving ``wsgi:app`` with 4 workers on a free
loopback port, a file SQLite database, and ``RATELIMIT_STORAGE_URI`` pointing at Redis
(``TEST_REDIS_URL``, default ``redis://127.0.0.1:6379/15``) under a key prefix unique to
this run. Without Redis the test is skipped, except under ``EVENTSAPP_REQUIRE_SERVICES=1``
(CI), where it fails.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from limits import parse

from eventsapp import create_app
from eventsapp.auth.throttle import LOGIN_LIMIT_PER_ACCOUNT_AND_IP
from eventsapp.extensions import db
from eventsapp.reference_data import seed_reference_data
from tests import factories
from tests.conftest import REQUIRE_SERVICES, base_config

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ATTEMPTS = 20
WORKERS = 4


@pytest.fixture
def redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        if REQUIRE_SERVICES:
            pytest.fail(f"Redis is required but does not answer at {REDIS_URL}: {error}")
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    yield client
    client.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prefixed_keys(client, prefix: str) -> list:
    """Flask-Limiter's keys look like ``LIMITS:LIMITER/<prefix>/<key>/<scope>/...``."""
    return list(client.scan_iter(match=f"*/{prefix}/*"))


def delete_prefixed(client, prefix: str) -> None:
    keys = prefixed_keys(client, prefix)
    if keys:
        client.delete(*keys)


@pytest.fixture
def gunicorn_app(tmp_path, redis_client):
    """gunicorn -w 4 serving the app with limits in Redis; yields (base URL, a user's email)."""
    if not GUNICORN.exists():
        pytest.fail(f"gunicorn is not installed in the virtualenv ({GUNICORN})")
    database_url = f"sqlite:///{tmp_path / 'gunicorn.db'}"
    setup = create_app(base_config(tmp_path, database_url))
    with setup.app_context():
        db.create_all()
        seed_reference_data()
        email = factories.make_user(role="organiser", email="target@example.org").email
        db.session.remove()
        db.engine.dispose()

    prefix = f"eventsapp-test-{uuid.uuid4().hex[:12]}"
    instance = tmp_path / "gunicorn-instance"
    instance.mkdir()
    (instance / "config.py").write_text(f"RATELIMIT_KEY_PREFIX = {prefix!r}\n")
    delete_prefixed(redis_client, prefix)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "gunicorn-test-secret",
        "EVENTSAPP_ENV": "production",
        "EVENTSAPP_INSTANCE_PATH": str(instance),
        "RATELIMIT_STORAGE_URI": REDIS_URL,
    }
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [str(GUNICORN), "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("gunicorn did not start:\n" + (tmp_path / "gunicorn.log").read_text()[-3000:])
            time.sleep(0.2)
        yield base, email, prefix
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
        delete_prefixed(redis_client, prefix)


def test_twenty_wrong_passwords_across_four_workers_process_at_most_the_limit(gunicorn_app, redis_client):
    base, email, prefix = gunicorn_app
    limit = parse(LOGIN_LIMIT_PER_ACCOUNT_AND_IP).amount

    # Like a real client: fetch the form (session cookie + CSRF token), then post.
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/auth/login", timeout=10) as response:
        html = response.read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({"email": email, "password": "not the password", "csrf_token": token}).encode()

    def attempt(_):
        request = urllib.request.Request(f"{base}/auth/login", data=body, method="POST")
        try:
            with opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        answers = list(pool.map(attempt, range(ATTEMPTS)))

    statuses = [status for status, _ in answers]
    processed = [html for status, html in answers if status != 429]
    assert len(processed) == limit, f"statuses: {sorted(statuses)}"
    assert all(status in (422, 429) for status in statuses), statuses
    assert all("do not match an account" in html for html in processed)
    assert all("Too many attempts" in html for status, html in answers if status == 429)
    # The counter lives in Redis under this run's prefix, shared by every worker.
    assert any(b"/account:" in key for key in prefixed_keys(redis_client, prefix))
