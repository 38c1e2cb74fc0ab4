"""What a piece of code sends to the database, read at the driver (SQLAlchemy's events miss a
statement run straight on a pooled connection, as the desk's search does on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine


@dataclass(frozen=True)
class Sent:
    """One statement, and whether its connection was in autocommit and inside a transaction
    when it was sent (PostgreSQL; None on SQLite)."""

    sql: str
    autocommit: bool | None = None
    in_transaction: bool | None = None


@contextmanager
def sent_statements(engine: Engine) -> Iterator[list[Sent]]:
    """Every statement sent on ``engine``'s connections while the block runs, ``BEGIN`` and
    ``ROLLBACK`` included (psycopg sends those as commands of its own)."""
    sent: list[Sent] = []
    if engine.dialect.driver != "psycopg":
        def record(_connection, _cursor, statement, *_rest):
            sent.append(Sent(statement))

        sa_event.listen(engine, "before_cursor_execute", record)
        try:
            yield sent
        finally:
            sa_event.remove(engine, "before_cursor_execute", record)
        return

    import psycopg

    execute, command = psycopg.Cursor.execute, psycopg.Connection._exec_command

    def noted(connection, sql: str) -> Sent:
        return Sent(sql, connection.autocommit,
                    connection.info.transaction_status != psycopg.pq.TransactionStatus.IDLE)

    def record_execute(cursor, query, params=None, **kwargs):
        sent.append(noted(cursor.connection, str(query)))
        return execute(cursor, query, params, **kwargs)

    def record_command(connection, command_text, *args, **kwargs):
        sent.append(noted(connection, bytes(command_text).decode() if isinstance(command_text, bytes)
                          else str(command_text)))
        return command(connection, command_text, *args, **kwargs)

    psycopg.Cursor.execute, psycopg.Connection._exec_command = record_execute, record_command
    try:
        yield sent
    finally:
        psycopg.Cursor.execute, psycopg.Connection._exec_command = execute, command
