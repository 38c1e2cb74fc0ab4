"""tenancy: site administrator flag, the network that added an organisation, consent to
join a programme (event.proposed_programme_id) and to co-host (cohost_request)

Revision ID: ten4b8d2f6a1
Revises: imp2j0b5a7c1
Create Date: 2026-12-04 12:45:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'ten4b8d2f6a1'
down_revision = 'imp2j0b5a7c1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_admin', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('added_by_organisation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_organisation_added_by_organisation_id'),
                              ['added_by_organisation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_organisation_added_by_organisation_id_organisation'),
                                    'organisation', ['added_by_organisation_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposed_programme_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_event_proposed_programme_id'), ['proposed_programme_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_event_proposed_programme_id_programme'),
                                    'programme', ['proposed_programme_id'], ['id'], ondelete='SET NULL')
    op.create_table(
        'cohost_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_cohost_request_event_id_event'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                                name=op.f('fk_cohost_request_organisation_id_organisation'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_cohost_request_requested_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cohost_request')),
        sa.UniqueConstraint('event_id', 'organisation_id', name='uq_cohost_request_event_organisation'),
    )
    with op.batch_alter_table('cohost_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohost_request_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cohost_request_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cohost_request_requested_by_id'), ['requested_by_id'], unique=False)


def downgrade():
    op.drop_table('cohost_request')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_event_proposed_programme_id_programme'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_event_proposed_programme_id'))
        batch_op.drop_column('proposed_programme_id')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_organisation_added_by_organisation_id_organisation'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_organisation_added_by_organisation_id'))
        batch_op.drop_column('added_by_organisation_id')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('is_admin')
