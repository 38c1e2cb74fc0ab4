"""checkin: search keys carry their event and a surname sort key (index for the desk's first page)

Revision ID: cc78ec92a084
Revises: 737094ce555e
Create Date: 2026-11-28 11:34:06.569291

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cc78ec92a084'
down_revision = '737094ce555e'
branch_labels = None
depends_on = None


def upgrade():
    # The table is a cache of folded keys; the desk refills it (ensure_search_keys).
    op.execute("DELETE FROM registration_search")
    with op.batch_alter_table('registration_search', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.Integer(), nullable=False))
        batch_op.add_column(sa.Column('sort_key', sa.String(length=400).with_variant(sa.String(length=400, collation='C'), 'postgresql'), nullable=False))
        batch_op.create_index('ix_registration_search_event_sort', ['event_id', 'sort_key'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_registration_search_event_id_event'), 'event', ['event_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('registration_search', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_registration_search_event_id_event'), type_='foreignkey')
        batch_op.drop_index('ix_registration_search_event_sort')
        batch_op.drop_column('sort_key')
        batch_op.drop_column('event_id')
