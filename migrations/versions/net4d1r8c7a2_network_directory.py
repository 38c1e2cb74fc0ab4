"""network: directory profiles (opt-in), offers and asks, shared resources, the approaches list

Revision ID: net4d1r8c7a2
Revises: sto1a8c4e2f6
Create Date: 2026-12-04 12:37:01

The approaches list it tags with is the stories' table (sto1a8c4e2f6), created and seeded there.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'net4d1r8c7a2'
down_revision = 'sto1a8c4e2f6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('network_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('listed', sa.Boolean(), nullable=False),
    sa.Column('about', sa.Text(), nullable=False),
    sa.Column('area', sa.String(length=200), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_network_profile_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_network_profile_region_id_region'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_profile')),
    sa.UniqueConstraint('organisation_id', name=op.f('uq_network_profile_organisation_id')),
    sa.UniqueConstraint('slug', name=op.f('uq_network_profile_slug'))
    )
    with op.batch_alter_table('network_profile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_profile_listed'), ['listed'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_profile_region_id'), ['region_id'], unique=False)

    op.create_table('resource',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('file_type', sa.String(length=100), nullable=True),
    sa.Column('file_size', sa.Integer(), nullable=True),
    sa.Column('file_data', sa.LargeBinary(), nullable=True),
    sa.Column('kind_of_work', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind_of_work IS NULL OR kind_of_work IN ('integration', 'bringing_together', 'calming_tensions', 'countering_extremism')", name=op.f('ck_resource_kind_of_work_known')),
    sa.CheckConstraint("status IN ('submitted', 'approved', 'rejected')", name=op.f('ck_resource_status_known')),
    sa.CheckConstraint('(file_data IS NULL) = (file_name IS NULL) AND (file_data IS NULL) = (file_size IS NULL)', name=op.f('ck_resource_file_complete')),
    sa.CheckConstraint('file_size IS NULL OR file_size >= 0', name=op.f('ck_resource_file_size_not_negative')),
    sa.CheckConstraint('url IS NOT NULL OR file_data IS NOT NULL', name=op.f('ck_resource_has_link_or_file')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_resource_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], name=op.f('fk_resource_reviewed_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user.id'], name=op.f('fk_resource_submitted_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resource'))
    )
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resource_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resource_reviewed_by_id'), ['reviewed_by_id'], unique=False)
        batch_op.create_index('ix_resource_status_created_at', ['status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_resource_submitted_by_id'), ['submitted_by_id'], unique=False)

    op.create_table('support_post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('kind_of_work', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('offer', 'ask')", name=op.f('ck_support_post_kind_known')),
    sa.CheckConstraint("kind_of_work IS NULL OR kind_of_work IN ('integration', 'bringing_together', 'calming_tensions', 'countering_extremism')", name=op.f('ck_support_post_kind_of_work_known')),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_support_post_status_known')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_support_post_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_support_post_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_support_post_region_id_region'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_post'))
    )
    with op.batch_alter_table('support_post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_post_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_post_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_post_region_id'), ['region_id'], unique=False)
        batch_op.create_index('ix_support_post_status_created_at', ['status', 'created_at'], unique=False)

    op.create_table('network_profile_approach',
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('approach_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['approach_id'], ['approach.id'], name=op.f('fk_network_profile_approach_approach_id_approach'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['profile_id'], ['network_profile.id'], name=op.f('fk_network_profile_approach_profile_id_network_profile'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('profile_id', 'approach_id', name=op.f('pk_network_profile_approach'))
    )
    op.create_table('network_profile_kind',
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.CheckConstraint("kind IN ('integration', 'bringing_together', 'calming_tensions', 'countering_extremism')", name=op.f('ck_network_profile_kind_kind_known')),
    sa.ForeignKeyConstraint(['profile_id'], ['network_profile.id'], name=op.f('fk_network_profile_kind_profile_id_network_profile'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('profile_id', 'kind', name=op.f('pk_network_profile_kind'))
    )
    op.create_table('resource_approach',
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('approach_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['approach_id'], ['approach.id'], name=op.f('fk_resource_approach_approach_id_approach'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], name=op.f('fk_resource_approach_resource_id_resource'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('resource_id', 'approach_id', name=op.f('pk_resource_approach'))
    )
    op.create_table('support_post_approach',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('approach_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['approach_id'], ['approach.id'], name=op.f('fk_support_post_approach_approach_id_approach'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['post_id'], ['support_post.id'], name=op.f('fk_support_post_approach_post_id_support_post'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', 'approach_id', name=op.f('pk_support_post_approach'))
    )


def downgrade():
    op.drop_table('support_post_approach')
    op.drop_table('resource_approach')
    op.drop_table('network_profile_kind')
    op.drop_table('network_profile_approach')
    with op.batch_alter_table('support_post', schema=None) as batch_op:
        batch_op.drop_index('ix_support_post_status_created_at')
        batch_op.drop_index(batch_op.f('ix_support_post_region_id'))
        batch_op.drop_index(batch_op.f('ix_support_post_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_support_post_author_id'))

    op.drop_table('support_post')
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resource_submitted_by_id'))
        batch_op.drop_index('ix_resource_status_created_at')
        batch_op.drop_index(batch_op.f('ix_resource_reviewed_by_id'))
        batch_op.drop_index(batch_op.f('ix_resource_organisation_id'))

    op.drop_table('resource')
    with op.batch_alter_table('network_profile', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_profile_region_id'))
        batch_op.drop_index(batch_op.f('ix_network_profile_listed'))

    op.drop_table('network_profile')
