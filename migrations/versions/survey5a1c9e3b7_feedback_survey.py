"""survey: the post-event feedback survey (questions per programme, invitations sent, used links, anonymous responses)

Revision ID: survey5a1c9e3b7
Revises: hooks7w3b9e1d
Create Date: 2026-12-04 15:20:00

Responses, answers and used links carry no timestamp and no reference to a person, registration
or token; on SQLite they are WITHOUT ROWID tables, so not even the order they were written in is kept.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'survey5a1c9e3b7'
down_revision = 'hooks7w3b9e1d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('agreement', 'rating', 'text')", name=op.f('ck_survey_question_kind_known')),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_survey_question_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_question'))
    )
    with op.batch_alter_table('survey_question', schema=None) as batch_op:
        batch_op.create_index('ix_survey_question_programme_position', ['programme_id', 'position'], unique=False)

    op.create_table('survey_invitation',
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_survey_invitation_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_survey_invitation_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('registration_id', name=op.f('pk_survey_invitation'))
    )
    with op.batch_alter_table('survey_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_invitation_event_id'), ['event_id'], unique=False)

    op.create_table('survey_link_use',
    sa.Column('nonce_hash', sa.String(length=64), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_survey_link_use_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('nonce_hash', name=op.f('pk_survey_link_use')),
    sqlite_with_rowid=False,
    )
    with op.batch_alter_table('survey_link_use', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_link_use_event_id'), ['event_id'], unique=False)

    op.create_table('survey_response',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_survey_response_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_response')),
    sqlite_with_rowid=False,
    )
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_response_event_id'), ['event_id'], unique=False)

    op.create_table('survey_answer',
    sa.Column('response_id', sa.String(length=32), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['survey_question.id'], name=op.f('fk_survey_answer_question_id_survey_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['survey_response.id'], name=op.f('fk_survey_answer_response_id_survey_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'question_id', name=op.f('pk_survey_answer')),
    sqlite_with_rowid=False,
    )
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_answer_question_id'), ['question_id'], unique=False)


def downgrade():
    op.drop_table('survey_answer')
    op.drop_table('survey_response')
    op.drop_table('survey_link_use')
    op.drop_table('survey_invitation')
    op.drop_table('survey_question')
