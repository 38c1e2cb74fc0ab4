"""stories: co-authors, members of a host organisation the author invites to write a story with them

Revision ID: coa1u7h0r5s2
Revises: notify1a2b3c4
Create Date: 2026-12-05 01:30:00

Issue 18: "an organiser, coordinator (or a host member they invite) writes a story". One row per
(story, user); it goes with the story and with the user (ON DELETE CASCADE); who invited them is
kept while that account exists.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'coa1u7h0r5s2'
down_revision = 'notify1a2b3c4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('story_coauthor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_by', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['story_id'], ['story.id'], name=op.f('fk_story_coauthor_story_id_story'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_story_coauthor_user_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['added_by'], ['user.id'], name=op.f('fk_story_coauthor_added_by_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_story_coauthor')),
    sa.UniqueConstraint('story_id', 'user_id', name=op.f('uq_story_coauthor_story_id'))
    )
    with op.batch_alter_table('story_coauthor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_story_coauthor_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_story_coauthor_added_by'), ['added_by'], unique=False)


def downgrade():
    with op.batch_alter_table('story_coauthor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_story_coauthor_added_by'))
        batch_op.drop_index(batch_op.f('ix_story_coauthor_user_id'))
    op.drop_table('story_coauthor')
