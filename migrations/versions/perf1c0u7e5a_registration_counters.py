"""registration counters on the event row, kept by triggers on registration

Revision ID: perf1c0u7e5a
Revises: privacy1a2b3c4d5
Create Date: 2026-12-04 15:20:00

Adds event.confirmed_count, waitlisted_count and cancelled_count, fills them from COUNT(*), and
creates the triggers that keep them (eventsapp.models.counters) on SQLite and PostgreSQL.
"""
import sqlalchemy as sa
from alembic import op

from eventsapp.models import counters

# revision identifiers, used by Alembic.
revision = 'perf1c0u7e5a'
down_revision = 'privacy1a2b3c4d5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('waitlisted_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('cancelled_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_check_constraint(
            op.f('ck_event_registration_counts_not_negative'),
            'confirmed_count >= 0 AND waitlisted_count >= 0 AND cancelled_count >= 0')
    connection = op.get_bind()
    counters.backfill(connection)
    counters.create_triggers(connection)


def downgrade():
    counters.drop_triggers(op.get_bind())
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_event_registration_counts_not_negative'), type_='check')
        batch_op.drop_column('cancelled_count')
        batch_op.drop_column('waitlisted_count')
        batch_op.drop_column('confirmed_count')
