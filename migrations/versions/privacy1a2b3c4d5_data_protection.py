"""privacy: notice versions, a programme's notice addition, equality answers unlinked, anonymised people,
the personal-data access log, erasure records, two-step sign-in

Revision ID: privacy1a2b3c4d5
Revises: imports2a7c3e9d1
Create Date: 2026-12-04 15:30:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'privacy1a2b3c4d5'
down_revision = 'imports2a7c3e9d1'
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
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(), nullable=True))
    op.create_table('access_log_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('what', sa.String(length=200), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_access_log_entry_event_id_event'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_access_log_entry_person_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_access_log_entry_programme_id_programme'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_access_log_entry_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log_entry'))
    )
    with op.batch_alter_table('access_log_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_log_entry_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_log_entry_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_access_log_entry_programme_at', ['programme_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_log_entry_user_id'), ['user_id'], unique=False)
    op.create_table('erasure_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.CheckConstraint("kind IN ('erasure', 'retention')", name=op.f('ck_erasure_record_kind_known')),
    sa.ForeignKeyConstraint(['by_id'], ['user.id'], name=op.f('fk_erasure_record_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_erasure_record_person_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_record'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('totp_recovery_hashes', sa.String(length=1000), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('totp_recovery_hashes')
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_secret')
    op.drop_table('erasure_record')
    with op.batch_alter_table('access_log_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_log_entry_user_id'))
        batch_op.drop_index('ix_access_log_entry_programme_at')
        batch_op.drop_index(batch_op.f('ix_access_log_entry_event_id'))
        batch_op.drop_index(batch_op.f('ix_access_log_entry_at'))
    op.drop_table('access_log_entry')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
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
