"""consent emails: who proposed an event to a programme (event.proposed_by_id)

Revision ID: notify1a2b3c4
Revises: gin0p1e2n3d4
Create Date: 2026-12-05 01:20:00

The programme's answer (accepted or declined) is emailed to the user who proposed the event;
a co-host request already records who asked (cohost_request.requested_by_id). Nullable, and set
to NULL when the account is deleted, like every other reference to the user who did something.

SQLite alters the event table by copying it (batch mode); the registration counters' triggers
(eventsapp.models.counters) update that table, and SQLite refuses to rename the copy while a
trigger names a table that is gone, so they are dropped first and created again after (the
counters themselves are copied unchanged). PostgreSQL alters the table in place.
"""
import sqlalchemy as sa
from alembic import op

from eventsapp.models import counters

# revision identifiers, used by Alembic.
revision = 'notify1a2b3c4'
down_revision = 'gin0p1e2n3d4'
branch_labels = None
depends_on = None


def _without_counter_triggers(alter):
    connection = op.get_bind()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        counters.drop_triggers(connection)
    alter()
    if sqlite:
        counters.create_triggers(connection)


def upgrade():
    _without_counter_triggers(_add)


def downgrade():
    _without_counter_triggers(_drop)


def _add():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposed_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_event_proposed_by_id'), ['proposed_by_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_event_proposed_by_id_user'),
                                    'user', ['proposed_by_id'], ['id'], ondelete='SET NULL')


def _drop():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_event_proposed_by_id_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_event_proposed_by_id'))
        batch_op.drop_column('proposed_by_id')
