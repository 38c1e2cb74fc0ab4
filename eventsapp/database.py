"""Engine tuning per backend, and the transaction helpers services use."""

from __future__ import annotations

from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine

#: How long SQLite waits for a competing writer before giving up (ms).
SQLITE_BUSY_TIMEOUT_MS = 15_000


def configure_engine_events(engine: Engine) -> None:
    """Make SQLite fit for a web server: WAL, busy timeout, foreign keys on.

    pysqlite's own transaction handling is switched off so that
    :func:`begin_immediate` can take the write lock at the start of a
    transaction (``BEGIN IMMEDIATE``), which is what keeps capacity checks
    race-free on SQLite.
    """
    if engine.dialect.name != "sqlite":
        return

    @sa_event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa_event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql(connection.get_execution_options().get("sqlite_begin", "BEGIN"))


def begin_immediate(session) -> None:
    """Start the session's next transaction holding SQLite's write lock.

    Call before a transaction that reads and then writes (count places, then
    insert): with ``BEGIN IMMEDIATE`` a second writer waits (busy_timeout)
    instead of failing half way. Any open read transaction is committed
    first. On PostgreSQL nothing happens here: there the caller locks the row
    it depends on with ``SELECT ... FOR UPDATE``.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={"sqlite_begin": "BEGIN IMMEDIATE"})


def like_pattern(text: str) -> str:
    """``%text%`` for ``LIKE … ESCAPE '\\'``, with the user's ``%``, ``_`` and ``\\`` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def autogenerate_filter(dialect_name: str):
    """Alembic's ``include_object`` for a database of ``dialect_name``: leaves out schema objects the
    models create on other databases only (``info={"dialects": (...)}``, beside their ``ddl_if``)."""

    def include_object(obj, _name, _type, _reflected, _compare_to) -> bool:
        dialects = getattr(obj, "info", {}).get("dialects")
        return dialects is None or dialect_name in dialects

    return include_object
