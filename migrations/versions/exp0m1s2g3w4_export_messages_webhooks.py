"""programme export: message recipients kept, webhook endpoints' active flag, restored delivery history

Revision ID: exp0m1s2g3w4
Revises: coa1u7h0r5s2
Create Date: 2026-12-05 01:20:00

A message's recipients were known only from its outbox rows (pruned once delivered, deleted for an
erased person); ``message_recipient`` keeps them (ids only) and is filled here from the outbox rows
still there. ``webhook_endpoint.active`` lets a restored endpoint come back disabled.
``webhook_delivery_record`` holds a restored endpoint's delivery history (no outbox rows: nothing
is sent again).
"""
import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'exp0m1s2g3w4'
down_revision = 'coa1u7h0r5s2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'message_recipient',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['message_id'], ['message.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('message_id', 'person_id', name='uq_message_recipient_person'),
    )
    with op.batch_alter_table('message_recipient', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_recipient_person_id'), ['person_id'], unique=False)
    op.add_column('webhook_endpoint', sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.create_table(
        'webhook_delivery_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('endpoint_id', sa.Integer(), nullable=False),
        sa.Column('original_id', sa.Integer(), nullable=True),
        sa.Column('event_type', sa.String(length=300), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('response_status', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoint.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('webhook_delivery_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_delivery_record_endpoint_id'), ['endpoint_id'], unique=False)
    _backfill_recipients()


def _backfill_recipients():
    """The recipients still in the outbox (a message's email rows name the message and the person)."""
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT params FROM outbox_message WHERE template = 'registrant_message' AND params IS NOT NULL"))
    pairs = set()
    for (params,) in rows:
        if isinstance(params, str):
            params = json.loads(params)
        if isinstance(params, dict) and params.get("message_id") and params.get("person_id"):
            pairs.add((int(params["message_id"]), int(params["person_id"])))
    if not pairs:
        return
    messages = {m for (m,) in connection.execute(sa.text("SELECT id FROM message"))}
    people = {p for (p,) in connection.execute(sa.text("SELECT id FROM person"))}
    values = [{"m": m, "p": p} for m, p in sorted(pairs) if m in messages and p in people]
    if values:
        connection.execute(sa.text("INSERT INTO message_recipient (message_id, person_id) VALUES (:m, :p)"), values)


def downgrade():
    with op.batch_alter_table('webhook_delivery_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_delivery_record_endpoint_id'))
    op.drop_table('webhook_delivery_record')
    with op.batch_alter_table('webhook_endpoint', schema=None) as batch_op:
        batch_op.drop_column('active')
    with op.batch_alter_table('message_recipient', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_recipient_person_id'))
    op.drop_table('message_recipient')
