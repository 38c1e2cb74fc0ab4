"""outbox: messages written in the transaction that causes them, delivered after commit

Revision ID: out1b0x2c3d4e
Revises: inv1a2b3c4d5
Create Date: 2026-12-04 04:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'out1b0x2c3d4e'
down_revision = 'inv1a2b3c4d5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outbox_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('recipient', sa.String(length=320), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('payload', sa.LargeBinary(), nullable=True),
        sa.Column('template', sa.String(length=40), nullable=True),
        sa.Column('params', sa.JSON(), nullable=True),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('claimed_until', sa.DateTime(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("state IN ('pending', 'sending', 'sent', 'failed')",
                           name=op.f('ck_outbox_message_state_known')),
        sa.CheckConstraint('attempts >= 0', name=op.f('ck_outbox_message_attempts_not_negative')),
        sa.CheckConstraint('payload IS NOT NULL OR template IS NOT NULL', name=op.f('ck_outbox_message_has_content')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
    )
    op.create_index('ix_outbox_message_state_due', 'outbox_message', ['state', 'next_attempt_at'], unique=False)


def downgrade():
    op.drop_index('ix_outbox_message_state_due', table_name='outbox_message')
    op.drop_table('outbox_message')
