"""sensitive registration questions

Revision ID: sens1q2u3e4s
Revises: perf1c0u7e5a
Create Date: 2026-12-04 16:30:00

An organiser marks a question as sensitive (health, faith, identity …): reports give its answers
equality monitoring's small-number protection (issue 16).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'sens1q2u3e4s'
down_revision = 'perf1c0u7e5a'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (no table copy on SQLite).
    op.add_column('event_question', sa.Column('sensitive', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('event_question') as batch_op:
        batch_op.drop_column('sensitive')
