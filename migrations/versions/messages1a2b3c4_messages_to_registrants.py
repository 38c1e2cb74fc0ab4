"""messages to registrants, network unsubscribes

Revision ID: messages1a2b3c4
Revises: net4d1r8c7a2
Create Date: 2026-12-04 15:12:06

Messages an organiser or coordinator writes to registrants (issue 19), and the people who used a
programme-wide message's one-click unsubscribe. The consent they rely on is registration.consent_contact.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'messages1a2b3c4'
down_revision = 'net4d1r8c7a2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_format', sa.String(length=16), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=True),
    sa.Column('sender_name', sa.String(length=200), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('recipients_count', sa.Integer(), nullable=False),
    sa.CheckConstraint("(event_id IS NOT NULL AND programme_id IS NULL AND audience IN ('confirmed', 'waitlisted', 'attended', 'no_show')) OR (event_id IS NULL AND programme_id IS NOT NULL AND audience IN ('network'))", name=op.f('ck_message_one_scope')),
    sa.CheckConstraint("audience IN ('confirmed', 'waitlisted', 'attended', 'no_show', 'network')", name=op.f('ck_message_audience_known')),
    sa.CheckConstraint("body_format IN ('plain', 'markdown')", name=op.f('ck_message_body_format_known')),
    sa.CheckConstraint('recipients_count >= 0', name=op.f('ck_message_recipients_count_not_negative')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_message_event_id_event'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_message_programme_id_programme'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['sender_id'], ['user.id'], name=op.f('fk_message_sender_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message'))
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index('ix_message_event_sent', ['event_id', 'sent_at'], unique=False)
        batch_op.create_index('ix_message_programme_sent', ['programme_id', 'sent_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_sender_id'), ['sender_id'], unique=False)

    op.create_table('network_unsubscribe',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['message.id'], name=op.f('fk_network_unsubscribe_message_id_message'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_network_unsubscribe_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_unsubscribe')),
    sa.UniqueConstraint('person_id', name=op.f('uq_network_unsubscribe_person_id'))
    )
    with op.batch_alter_table('network_unsubscribe', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_unsubscribe_message_id'), ['message_id'], unique=False)



def downgrade():
    with op.batch_alter_table('network_unsubscribe', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_unsubscribe_message_id'))

    op.drop_table('network_unsubscribe')
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_sender_id'))
        batch_op.drop_index('ix_message_programme_sent')
        batch_op.drop_index('ix_message_event_sent')

    op.drop_table('message')
