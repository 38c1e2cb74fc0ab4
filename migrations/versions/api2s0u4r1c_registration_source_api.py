"""registration source 'api': a registration made through the REST API says so

Revision ID: api2s0u4r1c
Revises: hostn0t1c2e3
Create Date: 2026-12-04 22:00:00

Until now the API stored its registrations as 'manual' (an organiser's). The CHECK constraint on
registration.source now allows 'api'.

On SQLite a CHECK constraint is changed by copying the table (batch mode), and the old table's
triggers and indexes go with it. The copy is given the indexes again here, each exactly as the
schema defines it (the partial unique index of one active registration per email keeps its
WHERE whatever the reflection made of it), and the registration counters' triggers
(eventsapp.models.counters) are created again; the counters are then counted afresh. PostgreSQL
alters the constraint in place and keeps its trigger and indexes. Downgrading stores the API's
registrations as 'manual' again, as they were stored before.
"""
from alembic import op

from eventsapp.models import counters

# revision identifiers, used by Alembic.
revision = 'api2s0u4r1c'
down_revision = 'hostn0t1c2e3'
branch_labels = None
depends_on = None

BEFORE = "('web', 'manual', 'walk_in', 'import', 'demo')"
AFTER = "('web', 'manual', 'api', 'walk_in', 'import', 'demo')"

#: The registration table's indexes as of this revision (models/registration.py).
SQLITE_INDEXES = {
    "ix_registration_event_status": "CREATE INDEX ix_registration_event_status ON registration (event_id, status)",
    "ix_registration_organisation_id": "CREATE INDEX ix_registration_organisation_id ON registration (organisation_id)",
    "ix_registration_person_id": "CREATE INDEX ix_registration_person_id ON registration (person_id)",
    "uq_registration_active_email": "CREATE UNIQUE INDEX uq_registration_active_email ON registration "
                                    "(event_id, email_key) WHERE status != 'cancelled' AND email_key IS NOT NULL",
}


def _replace_source_check(allowed: str) -> None:
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_registration_source_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_registration_source_known'), f"source IN {allowed}")
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    # The table was copied: what hung on the old one is made again on the copy.
    for name, create in SQLITE_INDEXES.items():
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(create)
    counters.create_triggers(connection)
    counters.backfill(connection)


def upgrade():
    _replace_source_check(AFTER)


def downgrade():
    op.execute("UPDATE registration SET source = 'manual' WHERE source = 'api'")
    _replace_source_check(BEFORE)
