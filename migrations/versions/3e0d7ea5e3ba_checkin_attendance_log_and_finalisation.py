"""checkin: attendance audit log and the "attendance is final" decision (no-shows)

Revision ID: 3e0d7ea5e3ba
Revises: c1d790fc9699
Create Date: 2026-11-28 10:58:21.276412

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3e0d7ea5e3ba'
down_revision = 'c1d790fc9699'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attendance_finalisation',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('finalised_at', sa.DateTime(), nullable=False),
    sa.Column('finalised_by_id', sa.Integer(), nullable=True),
    sa.Column('no_show_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_attendance_finalisation_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['finalised_by_id'], ['user.id'], name=op.f('fk_attendance_finalisation_finalised_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_attendance_finalisation'))
    )
    op.create_table('attendance_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=True),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("action IN ('check_in', 'undo', 'no_show')", name=op.f('ck_attendance_log_action_known')),
    sa.CheckConstraint("method IS NULL OR method IN ('desk', 'qr', 'walk_in', 'sheet', 'import')", name=op.f('ck_attendance_log_method_known')),
    sa.ForeignKeyConstraint(['by_id'], ['user.id'], name=op.f('fk_attendance_log_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_attendance_log_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_log'))
    )
    with op.batch_alter_table('attendance_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_log_by_id'), ['by_id'], unique=False)
        batch_op.create_index('ix_attendance_log_registration_at', ['registration_id', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('attendance_log', schema=None) as batch_op:
        batch_op.drop_index('ix_attendance_log_registration_at')
        batch_op.drop_index(batch_op.f('ix_attendance_log_by_id'))

    op.drop_table('attendance_log')
    op.drop_table('attendance_finalisation')
