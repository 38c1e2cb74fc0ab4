"""people merged and split on purpose: the record of each change, for undo and audit (issue 17)

Revision ID: imports2a7c3e9d1
Revises: api7c3e9b1d2f
Create Date: 2026-12-04 15:40:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'imports2a7c3e9d1'
down_revision = 'api7c3e9b1d2f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('person_merge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('other_id', sa.Integer(), nullable=False),
    sa.Column('person_name', sa.String(length=201), nullable=False),
    sa.Column('other_name', sa.String(length=201), nullable=False),
    sa.Column('registrations', sa.Text(), nullable=False),
    sa.Column('email_moved', sa.Boolean(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('undone_at', sa.DateTime(), nullable=True),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('merge', 'split')", name=op.f('ck_person_merge_kind_known')),
    sa.ForeignKeyConstraint(['by_id'], ['user.id'], name=op.f('fk_person_merge_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['other_id'], ['person.id'], name=op.f('fk_person_merge_other_id_person'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_person_merge_person_id_person'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['undone_by_id'], ['user.id'], name=op.f('fk_person_merge_undone_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_merge'))
    )
    with op.batch_alter_table('person_merge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_merge_by_id'), ['by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_merge_other_id'), ['other_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_merge_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_merge_undone_by_id'), ['undone_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('person_merge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_merge_undone_by_id'))
        batch_op.drop_index(batch_op.f('ix_person_merge_person_id'))
        batch_op.drop_index(batch_op.f('ix_person_merge_other_id'))
        batch_op.drop_index(batch_op.f('ix_person_merge_by_id'))
    op.drop_table('person_merge')
