"""files: programme exports, large report PDFs and web restores as jobs (state, upload, result as rows)

Revision ID: files1j0b2s3
Revises: sens1q2u3e4s
Create Date: 2026-12-04 19:00:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'files1j0b2s3'
down_revision = 'sens1q2u3e4s'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'file_job',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=True),
        sa.Column('scope', sa.JSON(), nullable=True),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('progress', sa.Float(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('claimed_until', sa.DateTime(), nullable=True),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('upload', sa.LargeBinary(), nullable=True),
        sa.Column('result', sa.LargeBinary(), nullable=True),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('mimetype', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('programme_export', 'report_pdf', 'programme_restore')",
                           name=op.f('ck_file_job_kind_known')),
        sa.CheckConstraint("status IN ('pending', 'running', 'done', 'failed')",
                           name=op.f('ck_file_job_status_known')),
        sa.CheckConstraint('progress >= 0 AND progress <= 1', name=op.f('ck_file_job_progress_fraction')),
        sa.CheckConstraint('attempts >= 0', name=op.f('ck_file_job_attempts_not_negative')),
        sa.CheckConstraint("status != 'done' OR kind = 'programme_restore' OR result IS NOT NULL",
                           name=op.f('ck_file_job_done_has_result')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_file_job_user_id_user'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_file_job_programme_id_programme'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_file_job')),
    )
    op.create_index(op.f('ix_file_job_user_id'), 'file_job', ['user_id'], unique=False)
    op.create_index(op.f('ix_file_job_programme_id'), 'file_job', ['programme_id'], unique=False)
    op.create_index(op.f('ix_file_job_created_at'), 'file_job', ['created_at'], unique=False)
    op.create_index(op.f('ix_file_job_expires_at'), 'file_job', ['expires_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_file_job_expires_at'), table_name='file_job')
    op.drop_index(op.f('ix_file_job_created_at'), table_name='file_job')
    op.drop_index(op.f('ix_file_job_programme_id'), table_name='file_job')
    op.drop_index(op.f('ix_file_job_user_id'), table_name='file_job')
    op.drop_table('file_job')
