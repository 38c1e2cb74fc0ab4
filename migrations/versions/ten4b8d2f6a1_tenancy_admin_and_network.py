"""tenancy: site administrator flag, and the network that added an organisation

Revision ID: ten4b8d2f6a1
Revises: idn3a7c5e9b1
Create Date: 2026-12-04 12:45:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'ten4b8d2f6a1'
down_revision = 'idn3a7c5e9b1'
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


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_organisation_added_by_organisation_id_organisation'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_organisation_added_by_organisation_id'))
        batch_op.drop_column('added_by_organisation_id')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('is_admin')
