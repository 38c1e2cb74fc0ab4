"""checkin: folded search keys for the desk (filled by the ORM listener, and by the desk for bulk-imported rows)

Revision ID: 737094ce555e
Revises: 7f986377883b
Create Date: 2026-11-28 11:10:29.613049

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '737094ce555e'
down_revision = '7f986377883b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('registration_search',
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('search_key', sa.String(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_registration_search_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('registration_id', name=op.f('pk_registration_search'))
    )


def downgrade():
    op.drop_table('registration_search')
