"""eventsapp: convene events and count, exactly, who attended."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from flask import Flask

from eventsapp.config import DefaultConfig, from_environment, normalise_database_url


class ConfigurationError(Exception):
    """The app cannot start with the configuration it was given."""


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: config -> extensions -> blueprints -> errors -> CLI.

    :raise SystemExit: with a one-line message when the configuration is unusable
        (no ``SECRET_KEY`` in production, a database that does not answer).
    """
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("EVENTSAPP_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=instance_path,
        template_folder="../templates",
    )
    try:
        load_config(app, test_config)
        register_extensions(app)
        check_database(app)
    except ConfigurationError as error:
        raise SystemExit(f"eventsapp: {error}") from None
    register_input_checks(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_commands(app)
    return app


def load_config(app: Flask, test_config: dict | None) -> None:
    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(from_environment())
    if test_config:
        app.config.update(test_config)

    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
            app.instance_path, "eventsapp.db"
        )
    url = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("postgresql"):
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        # psycopg 3: no pre-ping (a "SELECT 1" round trip on every checkout, i.e. every request); a
        # pooled connection the server has closed is found without one (check_connections_on_checkout).
        # Setting pool_pre_ping in SQLALCHEMY_ENGINE_OPTIONS brings the round trip back.
        options.setdefault("pool_pre_ping", not url.startswith("postgresql+psycopg://"))
        # Replace connections after an hour: a firewall or NAT that silently drops long-idle
        # connections sends nothing a check (or a ping) could see in time.
        options.setdefault("pool_recycle", 3600)
        options.setdefault("connect_args", {"connect_timeout": 5})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options

    if not app.config.get("SECRET_KEY"):
        key_file = Path(app.instance_path) / "secret_key"
        if key_file.exists():
            app.config["SECRET_KEY"] = key_file.read_text().strip()
    if not app.config.get("SECRET_KEY"):
        if app.config["EVENTSAPP_ENV"] == "production" and not app.testing:
            raise ConfigurationError(
                "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
                "(e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`) "
                "or run `make run`, which generates instance/secret_key for development."
            )
        app.config["SECRET_KEY"] = os.urandom(32).hex()


def register_extensions(app: Flask) -> None:
    from eventsapp import models  # noqa: F401  (registers the tables)
    from eventsapp.database import configure_engine_events
    from eventsapp.extensions import bootstrap, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)
    import eventsapp.outbox  # noqa: F401  (its session events deliver mail after each commit)
    import eventsapp.webhooks  # noqa: F401  (the outbox's sender of webhook deliveries)
    from eventsapp.tasks import init_celery

    init_celery(app)
    with app.app_context():
        configure_engine_events(db.engine)
        options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        if db.engine.dialect.driver == "psycopg" and not options.get("pool_pre_ping"):
            check_connections_on_checkout(db.engine)


def connection_is_gone(dbapi_connection) -> bool:
    """True when a pooled (idle) psycopg connection can no longer be used; no round trip in the usual case.

    An idle connection has nothing to read. When the server ends a session (restart, failover,
    ``pg_terminate_backend``, ``idle_session_timeout``) it sends its FATAL message and closes the
    socket, so the socket turns readable: only then is the connection asked with a real ping.
    """
    import select

    import psycopg

    if dbapi_connection.closed:
        return True
    try:
        waiting, _, _ = select.select([dbapi_connection.pgconn.socket], [], [], 0)
    except (OSError, ValueError, psycopg.Error):
        return True
    if not waiting:
        return False
    try:  # a notice or notification also wakes the socket: ask, rather than drop a good connection
        dbapi_connection.execute("SELECT 1").fetchall()
        dbapi_connection.rollback()
    except Exception:  # noqa: BLE001  (whatever the failure, the connection is not to be used)
        return True
    return False


def check_connections_on_checkout(engine) -> None:
    """Hand out no pooled connection that :func:`connection_is_gone` finds dead (a fresh one instead).

    Instead of SQLAlchemy's pre-ping, which costs a round trip per checkout. A connection that
    dies after the check is, as with pre-ping, invalidated by SQLAlchemy's disconnect handling
    when its statement fails.
    """
    from sqlalchemy import event
    from sqlalchemy.exc import DisconnectionError

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, _record, _proxy):
        if connection_is_gone(dbapi_connection):
            raise DisconnectionError("the database closed this pooled connection")


def check_database(app: Flask) -> None:
    if not app.config["CHECK_DATABASE_ON_START"]:
        return
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from eventsapp.extensions import db

    with app.app_context():
        try:
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as error:
            reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
            safe_url = db.engine.url.render_as_string(hide_password=True)
            raise ConfigurationError(
                f"cannot reach the database at {safe_url} ({reason}). "
                "Check DATABASE_URL and that the server is running."
            ) from None


def register_input_checks(app: Flask) -> None:
    """Ids in URLs within the database's range; invalid UTF-8 refused before any form is parsed."""
    from eventsapp import forms, urls

    urls.init_app(app)
    forms.init_app(app)


#: The modules that add each blueprint's routes. A package does not import its own views (so
#: importing an area's services never loads every page's imports); the app loads them here.
VIEW_MODULES = (
    "eventsapp.auth.two_step_views",
    "eventsapp.auth.views",
    "eventsapp.checkin.views",
    "eventsapp.dashboard.views",
    "eventsapp.embed.views",
    "eventsapp.events.views",
    "eventsapp.feeds.views",
    "eventsapp.files.views",
    "eventsapp.imports.views",
    "eventsapp.main.views",
    "eventsapp.merges.views",
    "eventsapp.messages.views",
    "eventsapp.network.views",
    "eventsapp.operator.views",
    "eventsapp.organisations.views",
    "eventsapp.people.views",
    "eventsapp.programmes.views",
    "eventsapp.registration.organiser",
    "eventsapp.registration.views",
    "eventsapp.reports.views",
    "eventsapp.stories.views",
    "eventsapp.surveys.views",
)


def register_blueprints(app: Flask) -> None:
    for module in VIEW_MODULES:
        importlib.import_module(module)
    from eventsapp import api
    from eventsapp.auth import bp as auth_bp
    from eventsapp.checkin import bp as checkin_bp
    from eventsapp.dashboard import bp as dashboard_bp
    from eventsapp.embed import bp as embed_bp
    from eventsapp.errors import bp as errors_bp
    from eventsapp.events import bp as events_bp
    from eventsapp.feeds import bp as feeds_bp
    from eventsapp.files import bp as files_bp
    from eventsapp.imports import bp as imports_bp
    from eventsapp.main import bp as main_bp
    from eventsapp.merges import bp as merges_bp
    from eventsapp.messages import bp as messages_bp
    from eventsapp.network import bp as network_bp
    from eventsapp.operator import bp as operator_bp
    from eventsapp.organisations import bp as organisations_bp
    from eventsapp.people import bp as people_bp
    from eventsapp.privacy.views import bp as privacy_bp
    from eventsapp.programmes import bp as programmes_bp
    from eventsapp.registration import bp as registration_bp
    from eventsapp.reports import api_bp as reports_api_bp
    from eventsapp.reports import bp as reports_bp
    from eventsapp.stories import bp as stories_bp
    from eventsapp.surveys import bp as surveys_bp
    from eventsapp.webhooks.views import bp as webhooks_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(checkin_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(programmes_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(files_bp)
    app.register_blueprint(reports_bp)
    api.init_app(app, report_blueprint=reports_api_bp)
    app.register_blueprint(merges_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(stories_bp)
    app.register_blueprint(surveys_bp)
    app.register_blueprint(network_bp)
    app.register_blueprint(operator_bp)
    app.register_blueprint(messages_bp)
    app.register_blueprint(webhooks_bp)
    app.register_blueprint(embed_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(errors_bp)


def register_errorhandlers(app: Flask) -> None:
    from eventsapp.errors.handlers import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from eventsapp import timeutil

    app.jinja_env.filters["localtime"] = timeutil.format_local
    app.jinja_env.filters["date_words"] = timeutil.date_in_words
    app.jinja_env.filters["time_range"] = timeutil.time_range
    app.jinja_env.filters["plural"] = timeutil.plural


def register_security_headers(app: Flask) -> None:
    from eventsapp import security

    security.init_app(app)


def register_commands(app: Flask) -> None:
    from eventsapp.cli import register
    from eventsapp.feeds.cli import register as register_feed_commands
    from eventsapp.imports.cli import register as register_import_commands
    from eventsapp.outbox.cli import register as register_outbox_commands
    from eventsapp.privacy.cli import register as register_privacy_commands
    from eventsapp.registration.cli import register as register_registration_commands
    from eventsapp.reports.cli import register as register_report_commands
    from eventsapp.surveys.cli import register as register_survey_commands

    register(app)
    register_feed_commands(app)
    register_import_commands(app)
    register_outbox_commands(app)
    register_privacy_commands(app)
    register_registration_commands(app)
    register_report_commands(app)
    register_survey_commands(app)
