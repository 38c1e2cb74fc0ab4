"""The product app plus bench-only routes, for gunicorn: ``gunicorn bench.wsgi_bench:app``.

The extra routes exist only here, never in the product:

- ``GET /bench/hello``: hello-world, the baseline for page throughput and latency;
- ``POST /bench/insert``: a trivial POST that inserts one row (into ``bench_ping``,
  a table only the bench database has) and redirects, the baseline for registration;
- ``GET /bench/login/<user_id>``: signs a load client in without the login form
  (argon2 on every client would measure the password hash, not the page).

The database comes from ``BENCH_DATABASE_URL``. CSRF and rate limits are off
(load clients post without a form round-trip, from one address).
"""

from __future__ import annotations

import json
import os
import time

from flask import Flask, redirect, request
from flask_login import login_user
from sqlalchemy import text

from bench.generate import default_sqlite_url, make_app


def add_bench_routes(app: Flask) -> Flask:
    from eventsapp.extensions import db
    from eventsapp.models import User

    with app.app_context():
        integer_key = "SERIAL PRIMARY KEY" if db.engine.dialect.name == "postgresql" else "INTEGER PRIMARY KEY"
        with db.engine.begin() as connection:
            if db.engine.dialect.name == "postgresql":
                # gunicorn's workers each import this at once: on a new database two
                # "IF NOT EXISTS" creates race and one worker fails to boot (the whole server stops)
                connection.execute(text("SELECT pg_advisory_xact_lock(20261204)"))
            connection.execute(text(
                f"CREATE TABLE IF NOT EXISTS bench_ping (id {integer_key}, note VARCHAR(200) NOT NULL)"
            ))

    @app.get("/bench/hello")
    def bench_hello():
        return "Hello, world!"

    @app.post("/bench/insert")
    def bench_insert():
        db.session.execute(text("INSERT INTO bench_ping (note) VALUES (:note)"),
                           {"note": request.form.get("note", "")[:200]})
        db.session.commit()
        return redirect("/bench/hello", code=303)

    @app.get("/bench/login/<int:user_id>")
    def bench_login(user_id: int):
        login_user(db.session.get(User, user_id))
        return "signed in"

    return app


def create_bench_app(url: str | None = None, **config) -> Flask:
    """The bench app on ``url``; ``BENCH_APP_CONFIG`` (JSON) adds config keys, e.g. ``{"EVENT_LIST_CACHE_SECONDS": 0}``."""
    url = url or os.environ.get("BENCH_DATABASE_URL") or default_sqlite_url()
    config = {**json.loads(os.environ.get("BENCH_APP_CONFIG") or "{}"), **config}
    return add_bench_routes(make_app(url, **config))


def server_timing(wsgi_app):
    """Add ``Server-Timing: app;dur=<ms>`` (time and CPU time in the app) to every response,
    so a load client can tell the app's own time from the HTTP and queueing around it."""

    def timed(environ, start_response):
        started, cpu = time.perf_counter(), time.process_time()

        def start(status, headers, exc_info=None):
            wall_ms = (time.perf_counter() - started) * 1000
            cpu_ms = (time.process_time() - cpu) * 1000
            return start_response(status, [*headers, ("Server-Timing", f"app;dur={wall_ms:.2f}, cpu;dur={cpu_ms:.2f}")],
                                  exc_info)

        return wsgi_app(environ, start)

    return timed


app = create_bench_app() if os.environ.get("BENCH_DATABASE_URL") else None
if app is not None:
    app.wsgi_app = server_timing(app.wsgi_app)
