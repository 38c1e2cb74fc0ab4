"""Engine tuning per backend, and the transaction helpers services use."""

from __future__ import annotations

from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from eventsapp.extensions import db

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
    """Make sure the session's transaction holds SQLite's write lock, before it reads what it
    will write on (count places, then insert): a second writer then waits (busy_timeout)
    instead of failing half way.

    It never commits the caller's work. A transaction that has already written holds the
    lock already (SQLite takes it at the first write) and is left as it is; one that has
    only read is ended (rolled back: it holds nothing of the caller's) and the next begins
    with ``BEGIN IMMEDIATE``. On PostgreSQL nothing happens here: there the caller locks
    the row it depends on with ``SELECT ... FOR UPDATE``.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        if session.new or session.dirty or session.deleted or session.info.get(WROTE):
            session.flush()  # its changes, and so the lock, are in this transaction already
            return
        session.rollback()
    session.connection(execution_options={"sqlite_begin": "BEGIN IMMEDIATE"})


#: Key in ``Session.info``: this transaction has flushed a change (cleared when it ends).
WROTE = "eventsapp.wrote"


@sa_event.listens_for(Session, "after_flush")
def _note_write(session, _flush_context) -> None:
    session.info[WROTE] = True


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_write(session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction: committed or rolled back
        session.info.pop(WROTE, None)


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


def read_one_row(sql: str, constants: dict, row_type: type, parameters: dict):
    """PostgreSQL through psycopg 3: the first row of one read-only statement (``sql`` in the driver's own form, with
    ``constants`` beside ``parameters``) as ``row_type``, or None; for a hot read of one round trip.

    Past the ORM session and SQLAlchemy's execution: a pooled psycopg connection in autocommit
    (no ``BEGIN``, no ``ROLLBACK``: nothing is held between statements), the statement prepared
    on the connection from its first use, and the connection handed back as it came. The statement
    sees what was committed when it started.
    """
    pooled = db.engine.raw_connection()
    connection = pooled.driver_connection
    try:
        connection.autocommit = True
        cursor = connection.execute(sql, {**constants, **parameters}, prepare=True)
        row = cursor.fetchone()
        cursor.close()
        connection.autocommit = False
    except BaseException:
        pooled.invalidate()  # in whatever state the error left it, it is never handed out again
        raise
    finally:
        pooled.close()
    return row_type(*row) if row is not None else None
