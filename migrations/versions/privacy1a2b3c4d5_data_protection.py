"""privacy: notice versions, a programme's notice addition, equality answers unlinked

Revision ID: privacy1a2b3c4d5
Revises: net4d1r8c7a2
Create Date: 2026-12-04 15:30:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'privacy1a2b3c4d5'
down_revision = 'net4d1r8c7a2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('privacy_notice', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('privacy_notice_version', sa.String(length=80), nullable=True))
    with op.batch_alter_table('equality_response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attended', sa.Boolean(), nullable=True))
        batch_op.alter_column('registration_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(
            'linked_or_attendance_known', 'registration_id IS NOT NULL OR attended IS NOT NULL')
    op.create_table('equality_unlinking',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('unlinked_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_equality_unlinking_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_equality_unlinking'))
    )


def downgrade():
    op.drop_table('equality_unlinking')
    op.execute("DELETE FROM equality_response WHERE registration_id IS NULL")
    with op.batch_alter_table('equality_response', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_equality_response_linked_or_attendance_known'), type_='check')
        batch_op.alter_column('registration_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('attended')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('privacy_notice_version')
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_column('privacy_notice')
