"""imports: web import jobs as rows (upload and state), read by Celery workers

Revision ID: imp2j0b5a7c1
Revises: idn3a7c5e9b1
Create Date: 2026-12-04 12:30:00

Jobs kept until now as folders under instance/imports/ are not carried over: an
upload in progress during the upgrade must be uploaded again.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'imp2j0b5a7c1'
down_revision = 'idn3a7c5e9b1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'import_job',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        sa.Column('suffix', sa.String(length=8), nullable=False),
        sa.Column('upload', sa.LargeBinary(), nullable=False),
        sa.Column('target', sa.JSON(), nullable=False),
        sa.Column('source_name', sa.String(length=200), nullable=False),
        sa.Column('columns', sa.JSON(), nullable=True),
        sa.Column('phase', sa.String(length=16), nullable=False),
        sa.Column('progress', sa.Float(), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('summary', sa.JSON(), nullable=True),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('claimed_until', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("phase IN ('checking', 'previewed', 'importing', 'done', 'failed')",
                           name=op.f('ck_import_job_phase_known')),
        sa.CheckConstraint('progress >= 0 AND progress <= 1', name=op.f('ck_import_job_progress_fraction')),
        sa.CheckConstraint('attempts >= 0', name=op.f('ck_import_job_attempts_not_negative')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_import_job_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_job')),
    )
    op.create_index(op.f('ix_import_job_user_id'), 'import_job', ['user_id'], unique=False)
    op.create_index(op.f('ix_import_job_created_at'), 'import_job', ['created_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_import_job_created_at'), table_name='import_job')
    op.drop_index(op.f('ix_import_job_user_id'), table_name='import_job')
    op.drop_table('import_job')
