"""The registration counters on the event row (``event.confirmed_count``, ``waitlisted_count``,
``cancelled_count``), kept by the database.

Triggers on the ``registration`` table add and subtract in the same statement (and so the same
transaction, under the same event lock) as the insert, the status or event change, or the delete
of a registration — whichever path writes it: the registration services, walk-ins, imports
(Core ``INSERT``/``UPDATE``), merges, deletions, erasure, a cascade, the demo data or a test's
factory. No Python code writes the counters, so none can forget to. Reading places left is then
one primary-key read instead of a ``COUNT(*)`` over the event's registrations.

``eventsapp.registration.counters`` proves they equal ``COUNT(*)`` (``flask counters check``,
and a periodic task) and repairs them if they ever do not.

The triggers are created with the ``registration`` table (``create_all``, for tests) and by the
migration that added the counters. A later migration that *recreates* the registration table
(SQLite ``batch_alter_table`` copies it) drops them and must call :func:`create_triggers` again;
``flask counters check`` reports triggers that are missing.
"""

from __future__ import annotations

from sqlalchemy import column, func, select, table, text, update
from sqlalchemy import event as sa_event

#: The statuses counted, and the event column holding each count.
COUNTERS = {"confirmed": "confirmed_count", "waitlisted": "waitlisted_count", "cancelled": "cancelled_count"}
SQLITE_TRIGGERS = ("registration_counters_insert", "registration_counters_update", "registration_counters_delete")
POSTGRESQL_TRIGGER = "registration_counters"
POSTGRESQL_FUNCTION = "registration_counters_apply"


def _change(row: str, sign: str, cast: str = "") -> str:
    """``confirmed_count = confirmed_count + (NEW.status = 'confirmed'), …`` for one row image."""
    return ", ".join(f"{column} = {column} {sign} ({row}.status = '{status}'){cast}"
                     for status, column in COUNTERS.items())


def _sqlite_statements() -> list[str]:
    return [
        f"""CREATE TRIGGER IF NOT EXISTS registration_counters_insert AFTER INSERT ON registration
        BEGIN
            UPDATE event SET {_change("NEW", "+")} WHERE id = NEW.event_id;
        END""",  # noqa: S608  (constant DDL made from COUNTERS)
        f"""CREATE TRIGGER IF NOT EXISTS registration_counters_update AFTER UPDATE OF status, event_id ON registration
        WHEN OLD.status IS NOT NEW.status OR OLD.event_id IS NOT NEW.event_id
        BEGIN
            UPDATE event SET {_change("OLD", "-")} WHERE id = OLD.event_id;
            UPDATE event SET {_change("NEW", "+")} WHERE id = NEW.event_id;
        END""",  # noqa: S608  (constant DDL made from COUNTERS)
        f"""CREATE TRIGGER IF NOT EXISTS registration_counters_delete AFTER DELETE ON registration
        BEGIN
            UPDATE event SET {_change("OLD", "-")} WHERE id = OLD.event_id;
        END""",  # noqa: S608  (constant DDL made from COUNTERS)
    ]


def _postgresql_statements() -> list[str]:
    add, subtract = _change("NEW", "+", "::int"), _change("OLD", "-", "::int")
    return [
        f"""CREATE OR REPLACE FUNCTION {POSTGRESQL_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                IF OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.event_id = NEW.event_id THEN
                    RETURN NULL;
                END IF;
            END IF;
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                UPDATE event SET {subtract} WHERE id = OLD.event_id;
            END IF;
            IF TG_OP IN ('UPDATE', 'INSERT') THEN
                UPDATE event SET {add} WHERE id = NEW.event_id;
            END IF;
            RETURN NULL;
        END
        $$""",  # noqa: S608  (constant DDL made from COUNTERS)
        f"DROP TRIGGER IF EXISTS {POSTGRESQL_TRIGGER} ON registration",
        f"""CREATE TRIGGER {POSTGRESQL_TRIGGER} AFTER INSERT OR DELETE OR UPDATE OF status, event_id
        ON registration FOR EACH ROW EXECUTE FUNCTION {POSTGRESQL_FUNCTION}()""",
    ]


def create_triggers(connection) -> None:
    """Create (or replace) the counter triggers on ``connection``'s database."""
    statements = _postgresql_statements() if connection.dialect.name == "postgresql" else _sqlite_statements()
    for statement in statements:
        connection.execute(text(statement))


def drop_triggers(connection) -> None:
    """Remove the counter triggers (a bulk load may drop them, then :func:`backfill` and re-create)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"DROP TRIGGER IF EXISTS {POSTGRESQL_TRIGGER} ON registration"))
        connection.execute(text(f"DROP FUNCTION IF EXISTS {POSTGRESQL_FUNCTION}()"))
    else:
        for name in SQLITE_TRIGGERS:
            connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))


def missing_triggers(connection) -> list[str]:
    """The counter triggers this database lacks (empty when all are there)."""
    if connection.dialect.name == "postgresql":
        found = set(connection.execute(text(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'registration'::regclass AND NOT tgisinternal")).scalars())
        return [name for name in (POSTGRESQL_TRIGGER,) if name not in found]
    found = set(connection.execute(text(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'registration'")).scalars())
    return [name for name in SQLITE_TRIGGERS if name not in found]


def backfill(connection, event_ids=None) -> None:
    """Set every (or these) event's counters to a fresh COUNT(*) of its registrations.

    Callers that may race with registrations lock the events first (eventsapp.registration.counters).
    """
    event = table("event", column("id"), *(column(name) for name in COUNTERS.values()))
    registration = table("registration", column("event_id"), column("status"))
    values = {
        name: select(func.count()).select_from(registration)
        .where(registration.c.event_id == event.c.id, registration.c.status == status).scalar_subquery()
        for status, name in COUNTERS.items()
    }
    if event_ids is None:
        connection.execute(update(event).values(values))
        return
    event_ids = list(event_ids)
    for start in range(0, len(event_ids), 500):
        connection.execute(update(event).where(event.c.id.in_(event_ids[start:start + 500])).values(values))


def install(table) -> None:
    """Create the triggers whenever ``create_all`` creates the registration table."""
    sa_event.listen(table, "after_create", lambda _target, connection, **_kw: create_triggers(connection))
