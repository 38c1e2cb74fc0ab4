"""privacy: notice versions, a programme's notice addition

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


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('privacy_notice_version')
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_column('privacy_notice')
