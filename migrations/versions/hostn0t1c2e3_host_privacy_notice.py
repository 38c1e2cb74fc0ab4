"""a host organisation's own addition to the privacy notice

Revision ID: hostn0t1c2e3
Revises: keys1f0r2g3e
Create Date: 2026-12-04 22:20:00

Issue 16 asked for a per-programme or per-host addition; the programme's came first. People
registering for a host's events read both, and agree to a version that names both.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'hostn0t1c2e3'
down_revision = 'keys1f0r2g3e'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('organisation', sa.Column('privacy_notice', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('organisation') as batch_op:
        batch_op.drop_column('privacy_notice')
