"""Inserting an import's rows in batches and getting their new ids back, on both databases."""

from __future__ import annotations

from sqlalchemy import func, select

from eventsapp.extensions import db


def insert_returning_ids(table, rows: list[dict]) -> list[int]:
    """Insert ``rows`` in one batch and return their new ids, in order.

    PostgreSQL: one multi-row INSERT ... RETURNING. SQLite: SQLAlchemy can only keep
    RETURNING in parameter order there by inserting one row per statement, so the rows go
    in one ``executemany`` instead; the import holds SQLite's write lock (BEGIN IMMEDIATE),
    and a rowid table numbers new rows max+1, max+2, ... in order, so the ids are the range
    above the previous maximum (checked).
    """
    if db.session.get_bind().dialect.name != "sqlite":
        return db.session.execute(
            table.insert().returning(table.c.id, sort_by_parameter_order=True), rows
        ).scalars().all()
    before = db.session.scalar(select(func.max(table.c.id))) or 0
    db.session.execute(table.insert(), rows)
    after = db.session.scalar(select(func.max(table.c.id))) or 0
    if after - before != len(rows):
        raise RuntimeError(f"{table.name}: expected {len(rows)} new ids, found {after - before}")
    return list(range(before + 1, after + 1))
